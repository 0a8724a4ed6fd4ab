import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { baseTree } from '../catalog/fixtureOrg.ts';
import { REPO_ROOT, tempRepo } from '../helpers/tempRepo.ts';

function memoryIo(cwd: string, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  const io: CliIo = {
    cwd,
    env,
    stdout: { write: t => void out.push(t), isTTY: false },
    stderr: { write: t => void err.push(t) },
    writeFile: async (path, text) => void files.set(path, text),
    fetch: globalThis.fetch,
  };
  return { io, out: () => out.join(''), err: () => err.join(''), files };
}

describe('backstage-gitops check', () => {
  it("passes this repository's own catalog", async () => {
    const { io, out } = memoryIo(REPO_ROOT);
    expect(await run(['check'], io)).toBe(0);
    expect(out()).toMatch(/✔ 0 errors, 0 warnings, 0 info in \d+ files \(\d+ entities\)/);
  });

  it('exits 1 with a line-accurate stylish report for a broken entity', async () => {
    const tree = baseTree();
    tree['catalog/orders.yaml'] = tree['catalog/orders.yaml'].replace('owner: team-a\n  domain', 'owner: team-aa\n  domain');
    const root = await tempRepo(tree, { policies: true });
    const { io, out } = memoryIo(root);
    expect(await run(['check'], io)).toBe(1);
    expect(out()).toBe(
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
    const { io, files } = memoryIo(root);
    expect(await run(['check', '--format', 'json', '--output', 'r.json', '--format', 'sarif', '--output', 'r.sarif'], io)).toBe(0);
    const json = JSON.parse(files.get(`${root}/r.json`)!);
    expect(json.diagnostics.map((d: { ruleId: string }) => d.ruleId)).toEqual(['annotation-managed']);
    expect(JSON.parse(files.get(`${root}/r.sarif`)!).runs[0].results[0].locations[0].physicalLocation.region.startLine).toBe(60);
    expect(await run(['check', '--fail-on', 'warning', '--format', 'json'], memoryIo(root).io)).toBe(1);
  });

  it('judges a folder without config by Backstage rules and references only', async () => {
    const root = await tempRepo({ 'a/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\nspec: {type: service, lifecycle: beta, owner: nobody}\n', 'b/notes.yaml': 'just: data\n' });
    const { io, out } = memoryIo(root);
    // No groups here at all: they live elsewhere (Entra ID, another repo), so this cannot be decided offline.
    expect(await run(['check', '--format', 'github'], io)).toBe(0);
    expect(out()).toContain('::warning file=a/catalog-info.yaml,line=4,endLine=4,col=47,endColumn=53,title=ref-unresolved::spec.owner refers to group:default/nobody; this folder defines no group entities');
    const withGroups = await tempRepo({
      'a/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\nspec: {type: service, lifecycle: beta, owner: team-aa}\n',
      'org.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n',
    });
    const second = memoryIo(withGroups);
    expect(await run(['check', '--format', 'github'], second.io)).toBe(1);
    expect(second.out()).toContain('::error file=a/catalog-info.yaml,line=4,endLine=4,col=47,endColumn=54,title=ref-unresolved::spec.owner refers to group:default/team-aa, which is not defined in this catalog.');
  });

  it('leaves the skeletons that templates fetch out of discovery, and checks them as skeletons instead', async () => {
    const template = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: svc}\nspec:\n  owner: group:default/team-a\n  type: service\n  steps:\n    - id: fetch\n      action: fetch:template\n      input: {url: ./skeleton}\n';
    const root = await tempRepo({
      'team.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n',
      'templates/svc/template.yaml': template,
      'templates/svc/skeleton/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec: {type: service, lifecycle: production, owner: ${{ values.owner }}}\n',
      'broken/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: Bad Name}\nspec: {type: service, lifecycle: production, owner: team-a}\n',
    });
    const { io, out } = memoryIo(root);
    expect(await run(['check', '--format', 'json'], io)).toBe(1);
    const found = JSON.parse(out()).diagnostics.map((d: { ruleId: string; file: string }) => `${d.ruleId}@${d.file}`);
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
    const { io, out } = memoryIo(root);
    expect(await run(['check', '--format', 'json'], io)).toBe(1);
    expect(JSON.parse(out()).diagnostics.map((d: { ruleId: string; file: string }) => `${d.ruleId}@${d.file}`)).toEqual(['yaml-syntax@svc/catalog-info.yaml']);
  });

  it('is a usage error (exit 2) for a missing explicit path or an unknown format', async () => {
    const root = await tempRepo(baseTree(), { policies: true });
    const missing = memoryIo(root);
    expect(await run(['check', 'catalog/nope.yaml'], missing.io)).toBe(2);
    expect(missing.err()).toContain('does not exist');
    expect(await run(['check', '--format', 'xml'], memoryIo(root).io)).toBe(2);
  });

  it('checks only the given paths while resolving references against the whole catalog', async () => {
    const tree = baseTree();
    tree['catalog/org.yaml'] = tree['catalog/org.yaml'].replace('name: jane', 'name: Jane Doe');
    const root = await tempRepo(tree, { policies: true });
    const { io, out } = memoryIo(root);
    expect(await run(['check', 'catalog/orders.yaml', '--format', 'json'], io)).toBe(0);
    expect(JSON.parse(out()).summary.checkedFiles).toBe(1);
  });
});
