import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseTree } from '../catalog/fixtureOrg.ts';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';
import { REPO_ROOT, tempRepo } from '../helpers/tempRepo.ts';

/** `backstage-gitops ...args` in `cwd` through the shipped bin: exit code, stdout, stderr (never a trace). */
async function cli(cwd: string, args: string[]) {
  const run = await gitops(cwd, args);
  expectCleanStderr(run);
  return { code: run.status, out: run.stdout, err: run.stderr };
}

// Each case starts the bin (a few seconds on two shared cores); they are independent, so run them side by side.
describe.concurrent('backstage-gitops check, through the shipped bin', { timeout: 120_000 }, () => {
  it("passes this repository's own catalog", async () => {
    const { code, out } = await cli(REPO_ROOT, ['check']);
    expect(code, out).toBe(0);
    expect(out).toMatch(/✔ 0 errors, 0 warnings, 0 info in \d+ files \(\d+ entities\)/);
  });

  it('exits 1 with a line-accurate stylish report for a broken entity', async () => {
    const tree = baseTree();
    tree['catalog/orders.yaml'] = tree['catalog/orders.yaml'].replace('owner: team-a\n  domain', 'owner: team-aa\n  domain');
    const root = await tempRepo(tree, { policies: true });
    const { code, out } = await cli(root, ['check']);
    expect(code, out).toBe(1);
    expect(out).toBe(
      'catalog/orders.yaml\n' +
        '  13:10   error   spec.owner refers to group:default/team-aa, which is not defined in this catalog.  ref-unresolved\n' +
        '                  hint: Did you mean group:default/team-a?\n\n' +
        '✖ 1 error, 0 warnings, 0 info in 3 files (9 entities)\n',
    );
  });

  it('writes one output per format and honours --fail-on', async () => {
    const tree = baseTree();
    tree['catalog/orders.yaml'] += '---\napiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: cache\n  annotations: {azure.com/resource-group: rg, backstage.io/orphan: "true"}\nspec: {type: cache, owner: team-a}\n';
    const root = await tempRepo(tree, { policies: true });
    expect((await cli(root, ['check', '--format', 'json', '--output', 'r.json', '--format', 'sarif', '--output', 'r.sarif'])).code).toBe(0);
    const json = JSON.parse(readFileSync(join(root, 'r.json'), 'utf8'));
    expect(json.diagnostics.map((d: { ruleId: string }) => d.ruleId)).toEqual(['annotation-managed']);
    expect(JSON.parse(readFileSync(join(root, 'r.sarif'), 'utf8')).runs[0].results[0].locations[0].physicalLocation.region.startLine).toBe(60);
    expect((await cli(root, ['check', '--fail-on', 'warning', '--format', 'json'])).code).toBe(1);
  });

  it('judges a folder without config by Backstage rules and references only', async () => {
    const root = await tempRepo({ 'a/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\nspec: {type: service, lifecycle: beta, owner: nobody}\n', 'b/notes.yaml': 'just: data\n' });
    // No groups here at all: they live elsewhere (Entra ID, another repo), so this cannot be decided offline.
    const { code, out } = await cli(root, ['check', '--format', 'github']);
    expect(code).toBe(0);
    expect(out).toContain('::warning file=a/catalog-info.yaml,line=4,endLine=4,col=47,endColumn=53,title=ref-unresolved::spec.owner refers to group:default/nobody; this folder defines no group entities');
    const withGroups = await tempRepo({
      'a/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\nspec: {type: service, lifecycle: beta, owner: team-aa}\n',
      'org.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n',
    });
    const second = await cli(withGroups, ['check', '--format', 'github']);
    expect(second.code).toBe(1);
    expect(second.out).toContain('::error file=a/catalog-info.yaml,line=4,endLine=4,col=47,endColumn=54,title=ref-unresolved::spec.owner refers to group:default/team-aa, which is not defined in this catalog.');
  });

  it('leaves the skeletons that templates fetch out of discovery, and checks them as skeletons instead', async () => {
    const template = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: svc}\nspec:\n  owner: group:default/team-a\n  type: service\n  steps:\n    - id: fetch\n      action: fetch:template\n      input: {url: ./skeleton}\n';
    const root = await tempRepo({
      'team.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n',
      'templates/svc/template.yaml': template,
      'templates/svc/skeleton/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec: {type: service, lifecycle: production, owner: ${{ values.owner }}}\n',
      'broken/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: Bad Name}\nspec: {type: service, lifecycle: production, owner: team-a}\n',
      // A cookiecutterCompat skeleton fetched by an absolute URL: no step here names its folder.
      'remote-skeleton/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {{ cookiecutter.name }}\nspec:\n  type: service\n  lifecycle: production\n  owner: {{cookiecutter.owner}}\n',
    });
    const { code, out } = await cli(root, ['check', '--format', 'json']);
    expect(code, out).toBe(1);
    const found = JSON.parse(out).diagnostics.map((d: { ruleId: string; file: string }) => `${d.ruleId}@${d.file}`);
    // The fetch step passes no values, so the skeleton's values.name and values.owner render empty.
    expect(found).toEqual(['entity-field-format@broken/catalog-info.yaml', 'skeleton-unknown-value@templates/svc/skeleton/catalog-info.yaml', 'skeleton-unknown-value@templates/svc/skeleton/catalog-info.yaml']);
  });

  it('judges only what is meant for the catalog when it discovers files: not Kubernetes, Helm or chart files', async () => {
    const root = await tempRepo({
      'deploy/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: b}\n',
      'chart/Chart.yaml': 'apiVersion: v2\nname: webapp\nversion: 1.0.0\n',
      'chart/templates/deployment.yaml': '{{- if .Values.enabled }}\napiVersion: apps/v1\nkind: Deployment\n{{- end }}\n',
      'svc/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: [svc\nspec: {type: service}\n',
    });
    const { code, out } = await cli(root, ['check', '--format', 'json']);
    expect(code, out).toBe(1);
    expect(JSON.parse(out).diagnostics.map((d: { ruleId: string; file: string }) => `${d.ruleId}@${d.file}`)).toEqual(['yaml-syntax@svc/catalog-info.yaml']);
  });

  it('in a discovered catalog file, still reports the documents that make Backstage fail the whole file', async () => {
    const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: ${name}}\nspec: {type: service, lifecycle: production, owner: team-a}\n`;
    const root = await tempRepo({
      'team.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n',
      // A stray line before the first ---: parseEntityYaml refuses it ("Expected object at root, got string").
      'a/catalog-info.yaml': `TODO describe the service\n---\n${component('a')}`,
      'b/catalog-info.yaml': `${component('b')}---\n- one\n- two\n`,
      // A mapping without apiVersion or kind fails ProcessorOutputCollector's envelope check: once, as Backstage
    // stops at its first error.
      'c/catalog-info.yaml': `${component('c')}---\nowner: team-a\n`,
      // A foreign manifest beside an entity fails only itself; discovery leaves it out.
      'd/catalog-info.yaml': `${component('d')}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n`,
    });
    const { code, out } = await cli(root, ['check', '--format', 'json']);
    expect(code, out).toBe(1);
    const found = JSON.parse(out).diagnostics.map((d: { ruleId: string; file: string; range: { start: { line: number } } }) => `${d.ruleId}@${d.file}:${d.range.start.line}`);
    expect(found).toEqual(['yaml-not-a-mapping@a/catalog-info.yaml:1', 'yaml-not-a-mapping@b/catalog-info.yaml:6', 'entity-envelope@c/catalog-info.yaml:6']);
  });

  it('is a usage error (exit 2) for a missing explicit path or an unknown format', async () => {
    const root = await tempRepo(baseTree(), { policies: true });
    const missing = await cli(root, ['check', 'catalog/nope.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('does not exist');
    const format = await cli(root, ['check', '--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.err).toBe("backstage-gitops check: Unknown format 'xml'; use one of stylish, json, junit, sarif, markdown, github, azure\n");
  });

  it('checks only the given paths while resolving references against the whole catalog', async () => {
    const tree = baseTree();
    tree['catalog/org.yaml'] = tree['catalog/org.yaml'].replace('name: jane', 'name: Jane Doe');
    const root = await tempRepo(tree, { policies: true });
    const { code, out } = await cli(root, ['check', 'catalog/orders.yaml', '--format', 'json']);
    expect(code, out).toBe(0);
    expect(JSON.parse(out).summary.checkedFiles).toBe(1);
  });

  it('without a config or roots, a given folder is judged against the whole repo as discovery reads it', async () => {
    const entity = (kind: string, name: string, spec: string) => `apiVersion: backstage.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
    const root = await tempRepo({
      'catalog/modules/a.yaml': entity('Component', 'a', '  type: service\n  lifecycle: production\n  owner: platform-team\n  system: cloud\n  dependsOn: [resource:nowhere]\n'),
      'catalog/users.yaml': entity('Group', 'platform-team', '  type: team\n  children: []\n'),
      'catalog/systems.yaml': entity('System', 'cloud', '  owner: platform-team\n'),
      'catalog/other.yaml': entity('Resource', 'db', '  type: database\n  owner: ghost-team\n'),
    });
    const { code, out } = await cli(root, ['check', 'catalog/modules', '--format', 'json']);
    const found = (JSON.parse(out).diagnostics as { ruleId: string; file: string; message: string }[]).map(d => `${d.ruleId} ${d.file}: ${d.message}`);
    // The group and system defined elsewhere in the repo resolve; the missing resource is still an error,
    // and only the given folder's findings are reported (other.yaml's ghost-team is not).
    expect(found).toEqual(['ref-unresolved catalog/modules/a.yaml: spec.dependsOn refers to resource:default/nowhere, which is not defined in this catalog.']);
    expect(code, out).toBe(1);
  });
});
