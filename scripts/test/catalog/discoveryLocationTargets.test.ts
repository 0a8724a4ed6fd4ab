import { describe, expect, it } from 'vitest';
import { checkFindings } from '../helpers/runCli.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh9: without roots (discovery, `check --root ../other-repo`) every catalog file counts as registered,
// so Backstage reads what its Locations name. A `./svc/**/*.yaml` glob that also matches an openapi.yaml and a
// docker-compose.yaml makes Backstage read both as catalog files: ProcessorOutputCollector refuses each
// document without an envelope and the whole Location fails. Roots mode said so; discovery left both files
// out as "not catalog files" and passed (exit 0).
const LOCATION = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\nspec:\n  targets:\n    - ./svc/**/*.yaml\n';
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team\nspec:\n  type: team\n  children: []\n';
const COMPONENT = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\nspec:\n  type: service\n  lifecycle: production\n  owner: team\n';
const SOURCES = {
  'catalog-info.yaml': `${LOCATION}---\n${GROUP}`,
  'svc/a/catalog-info.yaml': COMPONENT,
  'svc/a/openapi.yaml': "openapi: 3.0.0\ninfo: {title: a, version: '1'}\npaths: {}\n",
  'svc/b/docker-compose.yaml': 'services:\n  b: {image: nginx}\n',
  // Not matched by the glob (another folder, and .yml): still no catalog file.
  'deploy/compose.yaml': 'services:\n  c: {image: nginx}\n',
  'svc/a/mkdocs.yml': 'site_name: a\n',
};
// One finding per document that is no entity at all, as Backstage stops at the first envelope error (fresh user:
// three, each with a hint to make the OpenAPI file an entity).
const ENVELOPE = (file: string) => ['entity-envelope@' + file + ':1:1'];

describe('discovery reads what its Locations name, as Backstage does (check, through the bin)', () => {
  it('files a discovered Location glob matches are judged as catalog files, the others are not', async () => {
    const root = await tempRepo(SOURCES);
    const { status, findings, diagnostics } = checkFindings(root);
    expect(findings).toEqual([...ENVELOPE('svc/a/openapi.yaml'), ...ENVELOPE('svc/b/docker-compose.yaml')].sort());
    expect(diagnostics[0].message).toContain('Backstage then fails the whole Location in catalog-info.yaml');
    expect(diagnostics[0].hint).toContain('the Location in catalog-info.yaml reads the file as a catalog file through its target ./svc/**/*.yaml. Leave it out of that target');
    expect(status).toBe(1);
  });

  it('the same repository with roots gives the same findings', async () => {
    const root = await tempRepo({ ...SOURCES, 'gitops.config.yaml': 'catalog:\n  roots: [catalog-info.yaml]\n' });
    const { findings } = checkFindings(root);
    expect(findings).toEqual([...ENVELOPE('svc/a/openapi.yaml'), ...ENVELOPE('svc/b/docker-compose.yaml')].sort());
  });

  it('a Location inside a skeleton (not registered as written) reads nothing', async () => {
    const template = "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: t\nspec:\n  owner: group:team\n  type: service\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ./skeleton\n        values:\n          name: x\n";
    const root = await tempRepo({
      'catalog-info.yaml': GROUP,
      'templates/t/template.yaml': template,
      'templates/t/skeleton/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: ${{ values.name }}\nspec:\n  targets: [./*.yaml]\n',
      'templates/t/skeleton/values.yaml': 'replicas: 1\n',
    });
    const { status, findings } = checkFindings(root);
    expect(findings).toEqual([]);
    expect(status).toBe(0);
  });

  // A `./**/catalog-info.yaml` target also matches a template's skeleton/catalog-info.yaml: Backstage reads it as a
  // catalog file with `${{ values.name }}` unrendered. The fix is the target; the name's hint ("Write values-name")
  // sent the author to the skeleton instead.
  it.each([['discovery', {}], ['roots', { 'gitops.config.yaml': 'catalog:\n  roots: [catalog-info.yaml]\n' }]])('a glob that reaches a skeleton (%s): the finding says to narrow the Location target', async (_, extra) => {
    const template = "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: svc\nspec:\n  owner: group:team\n  type: service\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ./skeleton\n        values:\n          name: x\n";
    const root = await tempRepo({
      ...extra,
      'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\nspec:\n  targets: [./**/catalog-info.yaml, ./templates/*/template.yaml]\n---\n${GROUP}`,
      'svc/a/catalog-info.yaml': COMPONENT,
      'templates/svc/template.yaml': template,
      'templates/svc/skeleton/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec:\n  type: service\n  lifecycle: production\n  owner: team\n',
    });
    const { findings, diagnostics } = checkFindings(root);
    // The glob also reads catalog-info.yaml itself, whose Group the import dry run then sees twice.
    expect(findings).toEqual(['entity-field-format@templates/svc/skeleton/catalog-info.yaml:4:9', 'location-target-duplicate@catalog-info.yaml:6:13']);
    expect(diagnostics.find(d => d.ruleId === 'entity-field-format')!.hint).toBe('templates/svc/skeleton/catalog-info.yaml is in templates/svc/skeleton/, a skeleton a template fetches; the Location in catalog-info.yaml reads it as a catalog file through its target ./**/catalog-info.yaml, where the skeleton\'s expressions are never rendered. Narrow that target so it leaves templates/svc/skeleton/ out (list the files, or a pattern that does not reach the skeleton).');
  });

  it.each([['discovery', {}], ['roots', { 'gitops.config.yaml': 'catalog:\n  roots: [catalog-info.yaml]\n' }]])('check <folder> (%s) judges the folder\'s files as the full run does', async (_, extra) => {
    const root = await tempRepo({ ...SOURCES, ...extra });
    const { status, findings } = checkFindings(root, ['svc/a']);
    expect(findings).toEqual(ENVELOPE('svc/a/openapi.yaml'));
    expect(status).toBe(1);
  });

  // Fresh user: an API's `$text: ./openapi.yaml` that a `./*.yaml` target also matches. Backstage reads the file as
  // a catalog file (and fails the Location); discovery took it for a definition only and passed (exit 0).
  // With roots, the glob reaches gitops.config.yaml too: Backstage reads that as a catalog file as well.
  it.each([['discovery', {}, []], ['roots', { 'gitops.config.yaml': 'catalog:\n  roots: [catalog-info.yaml]\n' }, ENVELOPE('gitops.config.yaml')]])('a file a glob target reaches is judged as a catalog file even when a $text also reads it (%s)', async (_, extra, more) => {
    const root = await tempRepo({
      ...extra,
      'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\nspec:\n  targets: [./*.yaml]\n---\n${GROUP}`,
      'api.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: pets\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team\n  definition:\n    $text: ./openapi.yaml\n',
      'openapi.yaml': "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
    });
    const { status, findings, diagnostics } = checkFindings(root);
    // `./*.yaml` also reads catalog-info.yaml itself, whose Group the import dry run then sees twice.
    expect(findings).toEqual([...more, ...ENVELOPE('openapi.yaml'), 'location-target-duplicate@catalog-info.yaml:6:13']);
    expect(diagnostics.filter(d => d.ruleId !== 'location-target-duplicate').every(d => d.hint?.includes('through its target ./*.yaml. Leave it out of that target'))).toBe(true);
    expect(status).toBe(1);
  });
});
