import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';

// Red team 25: backstage.io/source-location, view-url and edit-url are annotations a team may write itself
// (Backstage's AnnotateLocationEntityProcessor fills them in only where the file has none: lodash.merge of
// its values UNDER the entity's). Sync compared the live entity without them against the file with them,
// so such an entity never counted as landed: every sync waited out --wait, failed with sync-not-landed,
// and (removals run only after everything is verified) applied no team's removals.
const { token, baseUrl, fixturesUrl, fixturesDir } = inject('backstage');
const repo = 'written-location-annotations';
const root = join(fixturesDir, repo);

const tree: Record<string, string> = {
  'gitops.config.yaml': `repoUrl: ${fixturesUrl}/${repo}/\ncatalog:\n  roots: [catalog/all.yaml]\n  include: ['catalog/**/*.yaml']\n`,
  'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: wla-root\nspec:\n  targets: [./org.yaml, ./components.yaml]\n',
  'catalog/org.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-wla\nspec:\n  type: team\n  children: []\n',
  'catalog/components.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: wla-service\n  annotations:\n    backstage.io/source-location: url:https://github.com/acme/wla-service/tree/main/\n    backstage.io/view-url: https://github.com/acme/wla-service/blob/main/catalog-info.yaml\nspec:\n  type: service\n  lifecycle: experimental\n  owner: team-wla\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: wla-managed\n  annotations:\n    backstage.io/managed-by-location: url:https://example.com/elsewhere.yaml\nspec:\n  type: service\n  lifecycle: experimental\n  owner: team-wla\n',
};

describe('location annotations a team writes itself', () => {
  it('entities that write source-location and view-url (kept) or managed-by-location (overwritten, an annotation-managed warning) land and verifies, and a second run plans nothing', async () => {
    await rm(root, { recursive: true, force: true });
    for (const [path, text] of Object.entries(tree)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    const env = { BACKSTAGE_TOKEN: token, NO_COLOR: '1' };
    const first = await runBin(['sync', '--url', baseUrl, '--wait', '30', '--poll-ms', '300'], root, env);
    expect(first.stderr).not.toContain('sync-not-landed');
    expect(first.status, first.stderr).toBe(0);
    // Backstage keeps the written values (the processor's own go under them).
    const live = await (await fetch(`${baseUrl}/api/catalog/entities/by-name/component/default/wla-service`, { headers: { authorization: `Bearer ${token}` } })).json() as { metadata: { annotations: Record<string, string> } };
    expect(live.metadata.annotations['backstage.io/source-location']).toBe('url:https://github.com/acme/wla-service/tree/main/');
    const again = await runBin(['sync', '--url', baseUrl, '--dry-run'], root, env);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout + again.stderr).toMatch(/0 to add · 0 to update · 0 to remove/);
  }, 120_000);
});
