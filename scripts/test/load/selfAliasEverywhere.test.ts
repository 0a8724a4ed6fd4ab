import { describe, expect, it } from 'vitest';
import { baseTree } from '../catalog/fixtureOrg.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } }
const findings = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics;

// An alias inside its own anchor (`nav: &n [{Loop: *n}]`) makes `yaml` and js-yaml build a value that
// contains itself. Every YAML file the gate reads, for whatever purpose, must say so as a finding (or, for
// the toolkit's own config, a one-line usage error), never die in a walk over that value.
describe('a self-alias in any YAML the gate reads: a finding at the alias, never an internal error', () => {
  it('mkdocs.yml (its nav is walked for monorepo includes before anything else): yaml-syntax at the alias, no "entities lost"', async () => {
    const tree = baseTree();
    tree['catalog/docs/mkdocs.yml'] = 'site_name: orders\nnav: &n\n  - Loop: *n\n';
    const root = await tempRepo(tree, { policies: true });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).not.toMatch(/internal error|Maximum call stack/);
    const found = findings(run.stdout);
    expect(found.map(f => `${f.ruleId}@${f.file}:${f.range.start.line}:${f.range.start.column}`)).toEqual(['yaml-syntax@catalog/docs/mkdocs.yml:3:11']);
    // mkdocs.yml holds no entities: the consequence a catalog file's YAML error carries is not added.
    expect(found[0].message).not.toContain('every entity');
    expect(run.status).toBe(1);
  }, 60_000);

  it('a $yaml placeholder file: placeholder-invalid at the placeholder (Backstage cannot store a circular entity)', async () => {
    const tree = baseTree();
    tree['catalog/orders.yaml'] = tree['catalog/orders.yaml'].replace('  providesApis: [orders-openapi]\n', '  providesApis: [orders-openapi]\n  extra:\n    $yaml: ./extra.yaml\n');
    tree['catalog/extra.yaml'] = 'a: &l\n  - *l\n';
    const root = await tempRepo(tree, { policies: true });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).not.toMatch(/internal error|Maximum call stack/);
    const found = findings(run.stdout);
    expect(found.map(f => `${f.ruleId}@${f.file}:${f.range.start.line}`)).toEqual(['placeholder-invalid@catalog/orders.yaml:32']);
    expect(found[0].message).toContain('contains itself');
    expect(run.status).toBe(1);
  }, 60_000);

  it('gitops.config.yaml: a one-line-per-fact usage error naming the alias, exit 2', async () => {
    const tree = baseTree();
    tree['gitops.config.yaml'] = tree['gitops.config.yaml'].replace("include: ['catalog/**/*.yaml']", "include: &l ['catalog/**/*.yaml', *l]");
    const root = await tempRepo(tree, { policies: true });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).toMatch(/^backstage-gitops check: gitops\.config\.yaml:4:37: the alias \*l stands inside the value its anchor names/);
    expect(run.stderr).not.toMatch(/internal error|Maximum call stack/);
    expect(run.status).toBe(2);
  }, 60_000);

  it('templates render: a values file that holds itself is a usage error, exit 2', async () => {
    const root = await tempRepo({
      'templates/t/template.yaml': 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: t\nspec:\n  owner: group:team-a\n  type: service\n  parameters: []\n  steps: []\n',
      'values.yaml': 'name: &v\n  - *v\n',
    });
    const run = await runBin(['templates', 'render', 'templates/t/template.yaml', '--values', 'values.yaml', '--out', 'out', '--root', root], root);
    expect(run.stderr).toMatch(/values\.yaml is not valid YAML for Backstage \(line 2\): an alias stands inside/);
    expect(run.stderr).not.toMatch(/internal error|Maximum call stack/);
    expect(run.status).toBe(2);
  }, 60_000);
});
