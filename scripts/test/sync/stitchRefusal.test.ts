import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';

// Red team 25: two keys of an entity that differ only in letter case pass every validator Backstage runs
// while processing, but its stitcher (buildEntitySearch) throws afterwards, so the entity is never written
// and no processing error is stored on it. This is the real backend's behaviour the gate's entity-key-case
// finding stands for: the gate now refuses what Backstage would silently drop.
const { token, baseUrl, fixturesUrl, fixturesDir } = inject('backstage');
const repo = 'stitch-refusal-repo';
const root = join(fixturesDir, repo);

const component = (name: string, annotations: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n${annotations}spec:\n  type: service\n  lifecycle: experimental\n  owner: team-stitch\n`;
const tree: Record<string, string> = {
  'gitops.config.yaml': `repoUrl: ${fixturesUrl}/${repo}/\ncatalog:\n  roots: [catalog/all.yaml]\n  include: ['catalog/**/*.yaml']\n`,
  'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: stitch-root\nspec:\n  targets: [./org.yaml, ./components.yaml]\n',
  'catalog/org.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-stitch\nspec:\n  type: team\n  children: []\n',
  'catalog/components.yaml': `${component('stitch-plain', '    acme.com/runtime: dotnet\n')}---\n${component('stitch-cased', '    acme.com/Runtime: dotnet\n    acme.com/runtime: dotnet\n')}`,
};

describe('keys differing only in letter case', () => {
  it('the gate refuses the entity that the real backend processes but never stores', async () => {
    await rm(root, { recursive: true, force: true });
    for (const [path, text] of Object.entries(tree)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    const check = await runBin(['check', '--format', 'json'], root, { NO_COLOR: '1' });
    const found = (JSON.parse(check.stdout) as { diagnostics: { ruleId: string; entityRef?: string }[] }).diagnostics;
    expect(found.map(d => `${d.ruleId} ${d.entityRef}`)).toEqual(['entity-key-case component:default/stitch-cased']);
    expect(check.status).toBe(1);

    // What Backstage does with the same file (registered as sync would, which the gate now stops): the plain
    // entity lands, the cased one is processed and never stored.
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const registered = await fetch(`${baseUrl}/api/catalog/locations`, { method: 'POST', headers, body: JSON.stringify({ type: 'url', target: `${fixturesUrl}/${repo}/catalog/all.yaml` }) });
    expect(registered.status).toBe(201);
    const get = (name: string) => fetch(`${baseUrl}/api/catalog/entities/by-name/component/default/${name}`, { headers });
    const deadline = Date.now() + 45_000;
    while ((await get('stitch-plain')).status !== 200 && Date.now() < deadline) await new Promise(r => setTimeout(r, 500));
    expect((await get('stitch-plain')).status).toBe(200);
    // Both are processed in the same pass; a few more seconds leave the cased one time it never uses.
    await new Promise(r => setTimeout(r, 3000));
    expect((await get('stitch-cased')).status).toBe(404);
  }, 90_000);
});
