import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';

// A catalog file whose name holds a character a URL percent-encodes (a space, `é`, `#`-free Unicode):
// the gate passes it, and Backstage reads it through the Location's resolved URL, so the entity's
// backstage.io/managed-by-location names the file percent-encoded. Sync compares that with the repo
// path: it must read it as the same file (no "moved" entity deleted and re-added on every run, no wait
// that never ends).
const { token, baseUrl, fixturesUrl, fixturesDir } = inject('backstage');
const repo = 'encoded-names-repo';
const root = join(fixturesDir, repo);

const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-enc\n`;
const tree: Record<string, string> = {
  'gitops.config.yaml': `repoUrl: ${fixturesUrl}/${repo}/\ncatalog:\n  roots: [catalog/all.yaml]\n  include: ['catalog/**/*.yaml']\n`,
  'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: enc-root\nspec:\n  targets: [./org.yaml, ./café.yaml, "./two words.yaml"]\n',
  'catalog/org.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-enc\nspec:\n  type: team\n  children: []\n',
  'catalog/café.yaml': component('enc-cafe'),
  'catalog/two words.yaml': component('enc-two-words'),
};

describe('sync reads a percent-encoded managed-by-location as the repo file it names (shipped bin, real backend)', () => {
  it('syncs, verifies, and a second run finds nothing to update or move', async () => {
    await rm(root, { recursive: true, force: true });
    for (const [path, text] of Object.entries(tree)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    const env = { BACKSTAGE_TOKEN: token, NO_COLOR: '1' };
    const first = await runBin(['sync', '--url', baseUrl, '--wait', '30', '--poll-ms', '300'], root, env);
    expect(first.stderr).toContain('verified: Backstage matches the repo');
    expect(first.status, first.stderr).toBe(0);
    const again = await runBin(['sync', '--url', baseUrl, '--dry-run'], root, env);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('0 to add · 0 to update · 0 to remove · 4 unchanged');
    expect(again.stdout).not.toContain('moved from');
  }, 120_000);
});
