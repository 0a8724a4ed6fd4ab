import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';

// A merge that renames or drops one of catalog.roots: the old root stays registered in Backstage. Sync
// owned only its current roots, so after a rename it refused every entity as "held by a location this
// repo does not own" (and advised renaming them), and after a drop the old root's entities stayed while
// sync said Backstage matched the repo. Through the shipped bin, against the real test backend.
const { baseUrl, token, fixturesUrl, fixturesDir } = inject('backstage');
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const repo = 'former-roots-repo';
const root = join(fixturesDir, repo);
const repoUrl = `${fixturesUrl}/${repo}/`;
const component = (name: string, owner = 'team-former') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  description: ${name} does things\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;

const tree = (roots: string[], rootFile: string, extra: Record<string, string> = {}): Record<string, string> => ({
  'gitops.config.yaml': `repoUrl: ${repoUrl}\ncatalog:\n  roots: [${roots.join(', ')}]\n  include: ['catalog/**/*.yaml']\n`,
  [rootFile]: 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: former-root\nspec:\n  targets: [./org.yaml, ./services.yaml]\n',
  'catalog/org.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-former\nspec:\n  type: team\n  children: []\n',
  'catalog/services.yaml': [component('former-a'), component('former-b')].join('---\n'),
  ...extra,
});

async function writeTree(dir: string, files: Record<string, string>) {
  await rm(dir, { recursive: true, force: true });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

async function originOf(ref: string): Promise<string | undefined> {
  const res = await fetch(`${baseUrl}/api/catalog/entities/by-refs`, { method: 'POST', headers, body: JSON.stringify({ entityRefs: [ref] }) });
  return ((await res.json()) as { items: [{ metadata: { annotations: Record<string, string> } } | null] }).items[0]?.metadata.annotations['backstage.io/managed-by-origin-location'];
}

async function registered(): Promise<string[]> {
  const res = await fetch(`${baseUrl}/api/catalog/locations`, { headers });
  return ((await res.json()) as { data: { target: string } }[]).map(l => l.data.target).filter(t => t.startsWith(repoUrl)).sort();
}

describe("a merge that renames or drops a root: the old root's entities are the repo's", () => {
  const sync = (...args: string[]) => runBin(['sync', '--url', baseUrl, '--wait', '60', '--poll-ms', '300', ...args], root, { BACKSTAGE_TOKEN: token, NO_COLOR: '1' });

  it('renamed root: every entity moves to the new root, the old one is unregistered; a dropped root: its entities are removed with it', async () => {
    await writeTree(root, tree(['catalog/all.yaml'], 'catalog/all.yaml'));
    const first = await sync();
    expect(first.status, first.stderr).toBe(0);
    expect(await originOf('component:default/former-a')).toBe(`url:${repoUrl}catalog/all.yaml`);

    // The merge renames the root file (and gitops.config.yaml with it).
    await writeTree(root, tree(['catalog/root.yaml'], 'catalog/root.yaml'));
    const plan = await sync('--dry-run');
    expect(plan.status, plan.stderr).toBe(0);
    expect(plan.stdout).not.toContain('refused');
    expect(plan.stdout).toContain(`location <code>url:${repoUrl.replace('://', ':\u200b//')}catalog/all.yaml</code> was one of this repo's roots and is not any more: it is unregistered, its 4 entities the repo still defines move to the current roots`);
    const renamed = await sync();
    expect(renamed.status, renamed.stderr).toBe(0);
    expect(renamed.stderr).not.toContain('sync-entity-held-elsewhere');
    expect(renamed.stderr).toContain('verified: Backstage matches the repo\n');
    for (const ref of ['component:default/former-a', 'component:default/former-b', 'group:default/team-former', 'location:default/former-root']) expect(await originOf(ref)).toBe(`url:${repoUrl}catalog/root.yaml`);
    expect(await registered()).toEqual([`${repoUrl}catalog/root.yaml`]);

    // A second root is added, then dropped with the one entity it held.
    await writeTree(root, tree(['catalog/root.yaml', 'catalog/extra.yaml'], 'catalog/root.yaml', { 'catalog/extra.yaml': component('former-extra') }));
    expect((await sync()).status).toBe(0);
    expect(await originOf('component:default/former-extra')).toBe(`url:${repoUrl}catalog/extra.yaml`);
    await writeTree(root, tree(['catalog/root.yaml'], 'catalog/root.yaml'));
    const dropped = await sync();
    expect(dropped.status, dropped.stderr).toBe(0);
    expect(dropped.stdout).toContain('0 to add · 0 to update · 1 to remove · 4 unchanged');
    expect(dropped.stdout).toContain('- ➖ <code>component:default/former-extra</code>');
    expect(await originOf('component:default/former-extra')).toBeUndefined();
    expect(await registered()).toEqual([`${repoUrl}catalog/root.yaml`]);

    // Nothing left to do: no churn.
    const again = await sync();
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('0 to add · 0 to update · 0 to remove · 4 unchanged');
    expect(again.stderr).not.toContain('former roots');
  }, 180_000);

  it("leaves alone another team's registration of a file the repo holds but its catalog does not load", async () => {
    const other = 'teams/other/catalog-info.yaml';
    await writeTree(root, tree(['catalog/root.yaml'], 'catalog/root.yaml', { [other]: component('former-other', 'team-other') }));
    const res = await fetch(`${baseUrl}/api/catalog/locations`, { method: 'POST', headers, body: JSON.stringify({ type: 'url', target: `${repoUrl}${other}` }) });
    expect(res.status).toBe(201);
    for (let i = 0; i < 60 && !(await originOf('component:default/former-other')); i++) await new Promise(r => setTimeout(r, 500));
    expect(await originOf('component:default/former-other')).toBe(`url:${repoUrl}${other}`);
    const run = await sync();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('former roots');
    expect(await originOf('component:default/former-other')).toBe(`url:${repoUrl}${other}`);
    expect(await registered()).toEqual([`${repoUrl}catalog/root.yaml`, `${repoUrl}${other}`]);
  }, 60_000);
});
