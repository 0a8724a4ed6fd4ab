import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { join } from 'node:path';
import { collectEntities } from '../src/catalog/catalogEntity.ts';
import { loadConfig } from '../src/config/gitopsConfig.ts';
import { loadCatalog } from '../src/load/loadCatalog.ts';
import { CatalogApi } from '../src/sync/catalogApi.ts';
import { DEFAULT_RETRY } from '../src/sync/retry.ts';
import { syncCatalog } from '../src/sync/syncCatalog.ts';
import { startBackstage } from '../test/backstage/startBackstage.ts';
import { generateCatalog } from './generateCatalog.ts';

/**
 * Syncs synthetic catalogs into a fresh local Backstage (catalog on in-memory SQLite) and times the
 * apply: from registering the root to every entity verified with the repo's content.
 */
export async function runSyncBench(sizes: number[], dataDir: string, log: (line: string) => void): Promise<string> {
  const rows: string[] = [];
  for (const entities of sizes) {
    const name = `${entities}-multi`;
    const root = join(dataDir, name);
    if (!existsSync(join(root, 'gitops.config.yaml'))) await generateCatalog(root, entities, 'multi');
    // A plain HTTP server cannot answer glob targets (only SCM integrations search), so the synced
    // root lists every file.
    const files = (await readdir(join(root, 'catalog/entities'))).sort();
    await writeFile(join(root, 'catalog/all-files.yaml'), stringify({ apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'root' }, spec: { targets: files.map(f => `./entities/${f}`) } }));
    const backstage = await startBackstage({ serveRoot: dataDir });
    try {
      const repoUrl = `${backstage.servedUrl}/${name}/`;
      const base = await loadConfig(root);
      const config = { ...base, repoUrl, catalog: { ...base.catalog, roots: ['catalog/all-files.yaml'] } };
      const loaded = await loadCatalog(config, []);
      const desired = collectEntities(loaded.files, loaded, repoUrl).entities;
      const api = new CatalogApi(backstage.baseUrl, backstage.token, fetch, DEFAULT_RETRY);
      const started = Date.now();
      const result = await syncCatalog({
        api, desired, roots: [{ type: 'url', target: `${repoUrl}catalog/all-files.yaml` }], edges: loaded.locations, repoUrl, adoptFrom: [],
        isRepoFile: path => loaded.repoFiles.includes(path), isCatalogFile: path => loaded.files.some(f => f.file === path),
        dryRun: false, maxRemoveFraction: 0.1, allowMassRemove: false, waitMs: 45 * 60_000, pollMs: 2000, log,
      });
      const seconds = (Date.now() - started) / 1000;
      if (!result.verified) throw new Error(`sync of ${entities} entities did not verify: ${result.diagnostics.map(d => d.message).join('; ')}`);
      rows.push(`| ${entities.toLocaleString('en-US')} | ${loaded.files.length.toLocaleString('en-US')} | ${seconds.toFixed(1)} s | ${Math.round(entities / seconds)} |`);
      log(`sync ${entities}: ${seconds.toFixed(1)} s`);
    } finally {
      await backstage.stop();
    }
  }
  return ['| Entities | Files | Apply → verified | Entities/s |', '|---:|---:|---:|---:|', ...rows, ''].join('\n');
}
