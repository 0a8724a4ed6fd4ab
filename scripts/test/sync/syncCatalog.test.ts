import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { run } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { startFaultProxy, type FaultProxy } from '../backstage/faultProxy.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

const { baseUrl, token, fixturesUrl, fixturesDir } = inject('backstage');
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

const component = (name: string, extra = '') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  description: ${name} does things${extra}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-sync\n  system: sync-system\n`;
const base = (repo: string): Record<string, string> => ({
  'gitops.config.yaml': `repoUrl: ${fixturesUrl}/${repo}/\ncatalog:\n  roots: [catalog/all.yaml]\n  include: ['catalog/**/*.yaml']\n`,
  'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: sync-root\nspec:\n  targets: [./org.yaml, ./services.yaml]\n',
  'catalog/org.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-sync\nspec:\n  type: team\n  children: []\n---\napiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: sync-system\nspec:\n  owner: team-sync\n',
  'catalog/services.yaml': [component('sync-a'), component('sync-b'), component('sync-c'), `apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: sync-api\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-sync\n  system: sync-system\n  definition:\n    $text: ./sync-api.yaml\n`].join('---\n'),
  'catalog/sync-api.yaml': 'openapi: 3.0.3\ninfo: {title: Sync, version: 1.0.0}\npaths: {}\n',
});

async function writeTree(root: string, tree: Record<string, string>) {
  await rm(root, { recursive: true, force: true });
  for (const [path, text] of Object.entries(tree)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { cwd, env: { BACKSTAGE_TOKEN: token }, stdout: { write: t => void out.push(t) }, stderr: { write: t => void err.push(t) }, writeFile: async () => {}, fetch: globalThis.fetch };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

async function namesIn(filter: string): Promise<string[]> {
  const res = await fetch(`${baseUrl}/api/catalog/entities/by-query?filter=${encodeURIComponent(filter)}&limit=500`, { headers });
  const body = (await res.json()) as { items: { kind: string; metadata: { name: string } }[] };
  return body.items.filter(e => !e.metadata.name.startsWith('generated-')).map(e => `${e.kind}:${e.metadata.name}`).sort();
}

describe('sync against a real Backstage, through a proxy that injects faults', () => {
  let proxy: FaultProxy;
  const repo = 'sync-repo';
  const root = join(fixturesDir, repo);
  const origin = `metadata.annotations.backstage.io/managed-by-origin-location=url:${fixturesUrl}/${repo}/catalog/all.yaml`;
  const sync = (...args: string[]) => {
    const cli = io(root);
    return run(['sync', '--url', proxy.url, '--wait', '60', '--poll-ms', '300', ...args], cli.io).then(code => ({ code, ...cli }));
  };

  beforeAll(async () => {
    proxy = await startFaultProxy(baseUrl);
    // Another team's location: sync must never touch it.
    await writeTree(join(fixturesDir, 'other-team'), { 'catalog-info.yaml': component('other-service').replace('team-sync', 'team-other').replace('  system: sync-system\n', '') });
    const res = await fetch(`${baseUrl}/api/catalog/locations`, { method: 'POST', headers, body: JSON.stringify({ type: 'url', target: `${fixturesUrl}/other-team/catalog-info.yaml` }) });
    expect(res.status).toBe(201);
  });
  afterAll(() => proxy.close());

  it('plans, then syncs the repo despite 500s, 429s and dropped connections, and proves what landed', async () => {
    await writeTree(root, base(repo));
    const plan = await sync('--dry-run');
    expect(plan.code).toBe(0);
    expect(plan.out()).toContain('7 to add · 0 to update · 0 to remove · 0 unchanged');
    expect(await namesIn(origin)).toEqual([]);

    const schedule = ['500', 'pass', '429', 'drop-before', 'pass', 'drop-after', '500'] as const;
    proxy.setFaults(i => (i < 40 ? schedule[i % schedule.length] : 'pass'));
    const first = await sync();
    expect(first.err()).not.toContain(token);
    expect(first.code).toBe(0);
    expect(first.err()).toContain('verified: Backstage matches the repo');
    expect(proxy.log.filter(l => l.fault !== 'pass').length).toBeGreaterThan(5);
    expect(await namesIn(origin)).toEqual(['API:sync-api', 'Component:sync-a', 'Component:sync-b', 'Component:sync-c', 'Group:team-sync', 'Location:sync-root', 'System:sync-system']);

    // One entity edited, one removed, one added in a new file.
    const next = base(repo);
    next['catalog/services.yaml'] = [component('sync-a', ' and more'), component('sync-b'), next['catalog/services.yaml'].split('---\n')[3]].join('---\n');
    next['catalog/all.yaml'] = next['catalog/all.yaml'].replace('./services.yaml]', './services.yaml, ./more.yaml]');
    next['catalog/more.yaml'] = component('sync-d');
    await writeTree(root, next);
    proxy.setFaults(i => (i % 5 === 1 ? '500' : i % 7 === 3 ? 'drop-after' : 'pass'));
    const second = await sync();
    expect(second.code).toBe(0);
    expect(second.out()).toContain('1 to add · 2 to update · 1 to remove');
    expect(await namesIn(origin)).toEqual(['API:sync-api', 'Component:sync-a', 'Component:sync-b', 'Component:sync-d', 'Group:team-sync', 'Location:sync-root', 'System:sync-system']);
    const edited = (await (await fetch(`${baseUrl}/api/catalog/entities/by-name/component/default/sync-a`, { headers })).json()) as { metadata: { description: string } };
    expect(edited.metadata.description).toBe('sync-a does things and more');

    // Nothing outside this repo's locations was touched.
    expect(await namesIn('metadata.name=other-service')).toEqual(['Component:other-service']);

    // A run with nothing to do writes nothing: the root is already read, so it is not registered again.
    proxy.setFaults(() => 'pass');
    const again = await sync();
    expect(again.out()).toContain('0 to add · 0 to update · 0 to remove · 7 unchanged');
    const writes = proxy.log.filter(l => l.method !== 'GET' && !l.path.includes('by-refs'));
    expect(writes.map(w => `${w.method} ${w.path}`)).toEqual([]);
  }, 180_000);

  it('refuses a mass deletion before changing anything', async () => {
    const tree = base(repo);
    tree['catalog/all.yaml'] = tree['catalog/all.yaml'].replace('[./org.yaml, ./services.yaml]', '[./org.yaml]');
    await writeTree(root, tree);
    await rm(join(root, 'catalog/services.yaml'));
    await rm(join(root, 'catalog/sync-api.yaml'));
    proxy.setFaults(() => 'pass');
    const before = await namesIn(origin);
    const refused = await sync();
    expect(refused.code).toBe(1);
    expect(refused.err()).toContain('Nothing was changed');
    expect(proxy.log.filter(l => l.method === 'DELETE' || (l.method === 'POST' && !l.path.includes('by-refs')))).toEqual([]);
    expect(await namesIn(origin)).toEqual(before);
  }, 60_000);

  it('proves that Tech Insights runs exactly the checks the repo compiles', async () => {
    await writeTree(root, base(repo));
    // The test backend runs this repo's checks that need only the built-in fact retrievers.
    await cp(join(REPO_ROOT, 'scorecards'), join(root, 'scorecards'), { recursive: true });
    for (const dir of ['exemptions', 'initiatives']) await rm(join(root, 'scorecards', dir), { recursive: true });
    for (const file of await readdir(join(root, 'scorecards/checks'))) {
      if (!['owned-by-group.yaml', 'has-description.yaml'].includes(file)) await rm(join(root, 'scorecards/checks', file));
    }
    for (const file of ['catalogQualityFactRetriever.yaml', 'dependencyScanFactRetriever.yaml']) await rm(join(root, 'scorecards/facts', file));
    proxy.setFaults(() => 'pass');
    const same = await sync();
    expect(same.err()).toContain("sync: Tech Insights runs exactly the repo's checks");
    expect(same.code).toBe(0);

    const check = join(root, 'scorecards/checks/has-description.yaml');
    await writeFile(check, (await readFile(check, 'utf8')).replace('name: Has a description', 'name: Described'));
    const differs = await sync();
    expect(differs.code).toBe(1);
    expect(differs.err()).toContain("sync-scorecards-differ");
    expect(differs.err()).toContain('hasDescription differs from the repo');
  }, 60_000);

  it('refuses to sync a catalog that fails the gate', async () => {
    const tree = base(repo);
    tree['catalog/org.yaml'] = tree['catalog/org.yaml'].replace('  owner: team-sync', '  owner: team-nobody');
    await writeTree(root, tree);
    const refused = await sync();
    expect(refused.code).toBe(1);
    expect(refused.err()).toContain('The catalog gate fails; nothing is synced.');
    expect(refused.err()).toContain('ref-unresolved');
  });
});
