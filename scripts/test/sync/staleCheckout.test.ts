import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';

// A re-run of an earlier merge's sync job after a newer merge synced: the checkout is older than the files
// Backstage reads at repoUrl. Sync deleted the newer merge's entity, said "verified: Backstage matches the
// repo" and exited 0, and Backstage re-added the entity at its next read of the file. Through the shipped
// bin, against the real test backend: the tip is served at repoUrl, the old checkout is a copy.
const { baseUrl, token, fixturesUrl, fixturesDir } = inject('backstage');
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const repo = 'stale-checkout-repo';
const tip = join(fixturesDir, repo);
const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  description: ${name} does things\nspec:\n  type: service\n  lifecycle: production\n  owner: team-stale\n`;
const tree = (names: string[]): Record<string, string> => ({
  'gitops.config.yaml': `repoUrl: ${fixturesUrl}/${repo}/\ncatalog:\n  roots: [catalog/all.yaml]\n  include: ['catalog/**/*.yaml']\n`,
  'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: stale-root\nspec:\n  targets: [./org.yaml, ./services.yaml]\n',
  'catalog/org.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-stale\nspec:\n  type: team\n  children: []\n',
  'catalog/services.yaml': names.map(component).join('---\n'),
});

async function writeTree(dir: string, files: Record<string, string>) {
  await rm(dir, { recursive: true, force: true });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

async function present(ref: string): Promise<boolean> {
  const res = await fetch(`${baseUrl}/api/catalog/entities/by-refs`, { method: 'POST', headers, body: JSON.stringify({ entityRefs: [ref] }) });
  return ((await res.json()) as { items: unknown[] }).items[0] !== null;
}

describe('sync from a checkout older than what Backstage reads', () => {
  const sync = (cwd: string, ...args: string[]) => runBin(['sync', '--url', baseUrl, '--wait', '10', '--poll-ms', '300', ...args], cwd, { BACKSTAGE_TOKEN: token, NO_COLOR: '1' });

  it('removes nothing Backstage still reads, says so and exits 1; a real removal still goes through', async () => {
    // The newer merge added stale-new and synced.
    await writeTree(tip, tree(['stale-a', 'stale-b', 'stale-new']));
    const newer = await sync(tip);
    expect(newer.status, newer.stderr).toBe(0);
    expect(await present('component:default/stale-new')).toBe(true);

    // The earlier merge's job is re-run: its checkout lacks stale-new.
    const old = await mkdtemp(join(tmpdir(), 'stale-checkout-'));
    await writeTree(old, tree(['stale-a', 'stale-b']));
    const rerun = await sync(old);
    expect(rerun.stdout).toContain('- ➖ <code>component:default/stale-new</code>');
    expect(rerun.stderr).not.toContain('verified: Backstage matches the repo');
    expect(rerun.stderr).toContain('removed 0 of 1 (1 still read by Backstage, left in place); not verified');
    expect(rerun.stderr).toMatch(/component:default\/stale-new left this repo's checkout, but after 10 s Backstage still reads it from url:http:\/\/127\.0\.0\.1:\d+\/stale-checkout-repo\/catalog\/services\.yaml, so it was not removed/);
    expect(rerun.stderr).toContain('sync-removal-still-read');
    expect(rerun.status).toBe(1);
    expect(await present('component:default/stale-new')).toBe(true);

    // The newest merge removes it: Backstage lets go, sync removes it and proves it.
    await writeTree(tip, tree(['stale-a', 'stale-b']));
    const removal = await sync(tip, '--wait', '60');
    expect(removal.status, removal.stderr).toBe(0);
    expect(removal.stderr).toContain('removed 1; verified: Backstage matches the repo');
    expect(await present('component:default/stale-new')).toBe(false);
    await rm(old, { recursive: true, force: true });
  }, 120_000);
});
