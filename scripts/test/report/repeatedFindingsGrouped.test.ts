import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// left5: with a gitops.config.yaml, an owner group missing from the catalog is one ref-unresolved error per
// entity it owns (63 errors for 4 missing groups in session 21's catalog), each printed with the same hint:
// the terminal and the markdown summary were a wall of repeats. People read one line per group with where
// the rest are; the machine outputs (json, sarif, github annotations) keep every finding at its own line.

const GROUPS = 4;
const ENTITIES = 12;
const component = (i: number) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: comp-${i}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:team-${i % GROUPS}\n`;

async function repo(): Promise<string> {
  return tempRepo({
    'gitops.config.yaml': "catalog:\n  roots: [catalog/all.yaml]\n  include: ['catalog/**/*.yaml']\n",
    'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./a.yaml, ./b.yaml]\n',
    'catalog/a.yaml': Array.from({ length: ENTITIES / 2 }, (_, i) => component(i)).join('---\n'),
    'catalog/b.yaml': Array.from({ length: ENTITIES / 2 }, (_, i) => component(i + ENTITIES / 2)).join('---\n'),
  });
}

describe('repeated findings: one group each for people, every finding for machines', () => {
  it('stylish and markdown show 4 groups with their other places; json, sarif and annotations keep all 12', async () => {
    const root = await repo();
    const stylish = await runBin(['check'], root);
    expect(stylish.status).toBe(1);
    const lines = stylish.stdout.split('\n');
    expect(lines.filter(l => l.includes('ref-unresolved'))).toHaveLength(GROUPS);
    expect(lines.filter(l => l.includes('hint: Add the entity'))).toHaveLength(GROUPS);
    // team-0 owns comp-0, comp-4 (a.yaml) and comp-8 (b.yaml: its third document, line 26).
    expect(stylish.stdout).toContain('also at 44:10, catalog/b.yaml:26:10 (3 findings)');
    expect(stylish.stdout).toContain(`✖ ${ENTITIES} errors`);

    const markdown = await runBin(['check', '--format', 'markdown'], root);
    const rows = markdown.stdout.split('\n').filter(l => l.startsWith('| ❌'));
    expect(rows).toHaveLength(GROUPS);
    expect(rows[0]).toContain('<code>catalog/a.yaml:8:10</code>, <code>catalog/a.yaml:44:10</code>, <code>catalog/b.yaml:26:10</code>');
    expect(rows[0]).toContain('(3 findings)');

    const json = JSON.parse((await runBin(['check', '--format', 'json'], root)).stdout);
    expect(json.diagnostics.filter((d: { ruleId: string }) => d.ruleId === 'ref-unresolved')).toHaveLength(ENTITIES);
    const sarif = JSON.parse((await runBin(['check', '--format', 'sarif'], root)).stdout);
    expect(sarif.runs[0].results).toHaveLength(ENTITIES);
    const github = (await runBin(['check', '--format', 'github'], root)).stdout;
    expect(github.split('\n').filter(l => l.startsWith('::error '))).toHaveLength(10);
  }, 60_000);
});

// fresh38: an API read with $openapi and one read with $json fail the same schema rule with the same message,
// and were one group printed with the first one's hint: the $json definition was told to add the openapi
// resolver. A group shows one hint, so findings with different hints are different groups.
describe('findings with the same message and different hints', () => {
  const api = (name: string, placeholder: string, file: string) => `apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: ${name}\nspec:\n  type: openapi\n  lifecycle: production\n  owner: user:guest\n  definition:\n    ${placeholder}: ${file}\n`;
  it('are shown apart, each with its own hint, in stylish and markdown', async () => {
    const root = await tempRepo({
      'catalog-info.yaml': `${api('by-openapi', '$openapi', './openapi.yaml')}---\n${api('by-json', '$json', './schema.json')}`,
      'openapi.yaml': 'openapi: 3.0.0\ninfo: { title: t, version: "1" }\npaths: {}\n',
      'schema.json': '{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}}\n',
    });
    const stylish = await runBin(['check'], root);
    expect(stylish.status).toBe(1);
    const lines = stylish.stdout.split('\n');
    const schema = lines.flatMap((l, i) => (l.includes('entity-kind-schema') ? [[l, lines[i + 1]]] : []));
    expect(schema).toHaveLength(2);
    expect(schema[0][1]).toContain('add openapi to catalog.placeholderResolvers');
    expect(schema[1][1]).toContain('spec.definition uses $json, which Backstage replaces with the file\'s parsed value');
    expect(stylish.stdout).not.toContain('(2 findings)');
    const markdown = await runBin(['check', '--format', 'markdown'], root);
    const rows = markdown.stdout.split('\n').filter(l => l.includes('entity-kind-schema'));
    expect(rows).toHaveLength(2);
  }, 60_000);
});
