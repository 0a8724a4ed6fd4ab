import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// An OpenAPI definition split over files with relative $refs: the files its $refs reach are part of the
// API, never catalog files a Location should reach; read with $text (or inline), Backstage hands the text
// over as written and its API docs cannot resolve them (backstage/backstage#12687): a warning, not silence.

interface Finding { ruleId: string; severity: string; file: string; message: string; range: { start: { line: number; column: number } } }

const api = (definition: string) => `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: pets
spec:
  type: openapi
  lifecycle: production
  owner: group:default/team-a
  definition:
${definition}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-a
spec:
  type: team
  children: []
`;
const PETS = `openapi: 3.0.3
info: {title: Pets, version: 1.0.0}
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: ./schemas/pet.yaml
        '404':
          $ref: '#/components/responses/NotFound'
components:
  responses:
    NotFound:
      description: missing
      content:
        application/json:
          schema:
            $ref: ./schemas/error.yaml#/Error
`;
const files = (definition: string, config = '') => ({
  'gitops.config.yaml': `catalog:\n  roots: [catalog-info.yaml]\n  include: ['catalog/**/*.yaml']\n${config}`,
  'catalog-info.yaml': api(definition),
  'catalog/defs/pets.yaml': PETS,
  'catalog/defs/schemas/pet.yaml': 'type: object\nproperties:\n  name: {type: string}\n  owner: {$ref: ./owner.yaml}\n',
  'catalog/defs/schemas/owner.yaml': 'type: string\n',
  'catalog/defs/schemas/error.yaml': 'Error:\n  type: object\n',
  // Not part of any definition and listed by no Location: still unreachable.
  'catalog/stray.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: stray\nspec:\n  type: team\n  children: []\n',
});
async function check(tree: Record<string, string>) {
  const root = await tempRepo(tree);
  const run = await runBin(['check', '--format', 'json'], root);
  expect(run.stderr).toBe('');
  return { status: run.status, findings: (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics };
}
const where = (findings: Finding[]) => findings.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column}`).sort();

describe('check: API definitions split over files', () => {
  it('$text: the $ref closure is no unreachable catalog file; one api-ref-unbundled warning at the first $ref to a file', async () => {
    const { status, findings } = await check(files('    $text: ./catalog/defs/pets.yaml'));
    expect(where(findings)).toEqual(['api-ref-unbundled@catalog/defs/pets.yaml:12:23', 'location-unreachable@catalog/stray.yaml:1:1']);
    const warning = findings.find(d => d.ruleId === 'api-ref-unbundled')!;
    expect(warning.severity).toBe('warning');
    expect(warning.message).toContain('read with $text');
    expect(warning.message).toContain('"./schemas/pet.yaml" and its other $refs to files stay unresolved');
    expect(status).toBe(1);
  }, 60_000);

  it('$openapi with its module configured: bundled, no warning; without it: one entity-kind-schema error and no unreachable cascade', async () => {
    const bundled = await check(files('    $openapi: ./catalog/defs/pets.yaml', '  placeholderResolvers: [openapi]\n'));
    expect(where(bundled.findings)).toEqual(['location-unreachable@catalog/stray.yaml:1:1']);
    const unconfigured = await check(files('    $openapi: ./catalog/defs/pets.yaml'));
    expect(where(unconfigured.findings)).toEqual(['entity-kind-schema@catalog-info.yaml:10:5', 'location-unreachable@catalog/stray.yaml:1:1']);
  }, 60_000);

  it('an inline definition naming a file is warned at spec.definition; local $refs alone are fine', async () => {
    const inline = await check(files('    |\n      openapi: 3.0.3\n      info: {title: Pets, version: 1.0.0}\n      paths: {}\n      components:\n        schemas:\n          Pet: {$ref: ./catalog/defs/schemas/pet.yaml}'));
    expect(where(inline.findings).filter(w => w.startsWith('api-ref-unbundled'))).toEqual(['api-ref-unbundled@catalog-info.yaml:10:5']);
    expect(inline.findings.find(d => d.ruleId === 'api-ref-unbundled')!.message).toContain('read with an inline definition');
    const local = await check({ ...files('    $text: ./catalog/defs/pets.yaml'), 'catalog/defs/pets.yaml': PETS.replace(/\$ref: \.\/schemas\/\S+/g, "$ref: '#/components/responses/NotFound'") });
    expect(where(local.findings).filter(w => w.startsWith('api-ref-unbundled'))).toEqual([]);
  }, 60_000);
});
