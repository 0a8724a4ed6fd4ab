import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseTree } from '../catalog/fixtureOrg.ts';
import { REPO_ROOT, tempRepo } from '../helpers/tempRepo.ts';

const BIN = join(REPO_ROOT, 'scripts/bin/backstage-gitops.js');

function check(root: string, ...args: string[]) {
  return checkWith({}, root, ...args);
}

function checkWith(env: Record<string, string>, root: string, ...args: string[]) {
  const child = spawnSync(process.execPath, [BIN, 'check', '--format', 'json', ...args], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('check --cache (through the bin)', () => {
  it('gives the same report cold, warm, after an edit, and from a corrupt or foreign cache', async () => {
    const tree = baseTree();
    tree['catalog/orders.yaml'] = tree['catalog/orders.yaml'].replace('owner: team-a\n  domain', 'owner: team-aa\n  domain');
    const root = await tempRepo(tree, { policies: true });
    const cache = join(root, '.cache/gitops-check.json');

    const plain = check(root);
    expect(plain.status).toBe(1);
    // CI names the file once for the job: `report` and the adapters run the gate with it too.
    const cold = checkWith({ BACKSTAGE_GITOPS_CACHE: '.cache/gitops-check.json' }, root);
    expect([cold.status, cold.stdout, cold.stderr]).toEqual([1, plain.stdout, '']);
    expect(existsSync(cache)).toBe(true);
    const warm = check(root, '--cache', '.cache/gitops-check.json');
    expect([warm.status, warm.stdout, warm.stderr]).toEqual([1, plain.stdout, '']);

    // An edited file is judged on its new text; the checks across entities see it too.
    const orders = join(root, 'catalog/orders.yaml');
    writeFileSync(orders, readFileSync(orders, 'utf8').replace('owner: team-aa\n  domain', 'owner: team-a\n  domain').replace('name: orders-db', 'name: orders db!'));
    const edited = check(root);
    expect(edited.stdout).toContain('entity-field-format');
    expect(check(root, '--cache', '.cache/gitops-check.json').stdout).toBe(edited.stdout);

    writeFileSync(cache, '{"format":"backstage-gitops-cache/1","key":');
    const corrupt = check(root, '--cache', '.cache/gitops-check.json');
    expect(corrupt.stdout).toBe(edited.stdout);
    expect(corrupt.stderr).toBe('backstage-gitops check: not using the cache .cache/gitops-check.json: it is not valid JSON; it will be rewritten.\n');
    // The first line records the whole run (runRecord), the rest the per-file results.
    const [run, header, ...files] = readFileSync(cache, 'utf8').split('\n');
    expect(JSON.parse(run).format).toBe('backstage-gitops-run/1');
    expect(JSON.parse(header).format).toBe('backstage-gitops-cache/2');
    expect(files.length).toBeGreaterThan(1);

    // A cache that claims the broken file is clean, written for another toolkit or policy, is never trusted.
    const forged = files.map(line => {
      const [file, entry] = JSON.parse(line) as [string, { findings: unknown[] }];
      entry.findings = entry.findings.map(() => ({ model: [], policies: [] }));
      return JSON.stringify([file, entry]);
    });
    writeFileSync(cache, [JSON.stringify({ ...JSON.parse(header), key: '0'.repeat(64) }), ...forged].join('\n'));
    const foreign = check(root, '--cache', '.cache/gitops-check.json');
    expect(foreign.stdout).toBe(edited.stdout);
    expect(foreign.stderr).toMatch(/^backstage-gitops check: not using the cache \.cache\/gitops-check\.json: the toolkit, Backstage packages, policies or config changed since it was written; it will be rewritten\.\n$/);

    // A policy change invalidates every cached result.
    const policy = join(root, 'schemas/policy/allowed-lifecycles.schema.json');
    writeFileSync(policy, readFileSync(policy, 'utf8').replace('"experimental", "production", "deprecated"', '"experimental", "deprecated"'));
    const stricter = check(root);
    expect(stricter.stdout).toContain('policy/allowed-lifecycles');
    const afterPolicy = check(root, '--cache', '.cache/gitops-check.json');
    expect(afterPolicy.stdout).toBe(stricter.stdout);
    expect(afterPolicy.stderr).toContain('policies or config changed');
  }, 120_000);

  it('reads a cached file as the run without a cache does: skeleton documents, placeholders, a BOM, a syntax error', async () => {
    // A file the cache holds is no longer decoded: what the run says of it comes from its bytes ('$', '{{').
    const entity = (name: string, extra = '') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-a${extra}\n`;
    const root = await tempRepo({
      'catalog/team.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n',
      'catalog/svc.yaml': entity('svc', '\n  dependsOn: [component:default/broken]'),
      'catalog/bom.yaml': `\ufeff${entity('with-bom')}`,
      'catalog/api.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: orders\n  description: costs 5 \u20ac\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n    $text: ./openapi.yaml\n',
      'catalog/openapi.yaml': 'openapi: 3.0.0\ninfo: {title: o, version: "1"}\npaths: {}\n',
      'catalog/broken.yaml': `${entity('broken')}  title: [oops\n`,
      'skeletons/svc/catalog-info.yaml': entity('${{ values.name }}'),
      'skeletons/cc/catalog-info.yaml': entity('{{ cookiecutter.name }}'),
      'skeletons/cc/other.yaml': entity('{{cookiecutter.component_id}}', '\n  title: "{{ cookiecutter.title }}"'),
    });
    const plain = check(root);
    expect(plain.stdout).toContain('does not parse');
    const cold = check(root, '--cache', '.cache/c.json');
    expect([cold.status, cold.stdout, cold.stderr]).toEqual([plain.status, plain.stdout, '']);
    // Another file changed: every other file comes from the cache, and the checks across entities run again.
    writeFileSync(join(root, 'catalog/extra.yaml'), entity('extra'));
    const edited = check(root);
    const warm = check(root, '--cache', '.cache/c.json');
    expect([warm.status, warm.stdout, warm.stderr]).toEqual([edited.status, edited.stdout, '']);
  }, 120_000);
});
