import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { loadEntities } from '../../src/scorecards/prepareScorecards.ts';
import { startBackstage, type BackstageHandle } from '../backstage/startBackstage.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

// Its own Backstage: the shared one already ingests the example organisation from its config, and the
// same entities from a second origin would only conflict.
describe('sync of the example organisation into a fresh real Backstage', () => {
  let backstage: BackstageHandle & { servedUrl?: string };
  let served: string;
  beforeAll(async () => {
    served = await mkdtemp(join(tmpdir(), 'gitops-served-'));
    backstage = await startBackstage({ serveRoot: served });
  }, 120_000);
  afterAll(async () => {
    await backstage?.stop();
    await rm(served, { recursive: true, force: true });
  });

  it('syncs it, then a change (one entity edited, one removed, one added), then a move to another file, verifying after each', async () => {
    const root = join(served, 'control');
    for (const part of ['catalog', 'templates', 'skeletons', 'schemas', 'backstage-config', 'mkdocs.yml', 'docs']) await cp(join(REPO_ROOT, part), join(root, part), { recursive: true });
    const config = (await readFile(join(REPO_ROOT, 'gitops.config.yaml'), 'utf8')).replace(/^repoUrl: .*$/m, `repoUrl: ${backstage.servedUrl}/control/`).replace(/^backstageConfig:[\s\S]*$/m, '');
    await writeFile(join(root, 'gitops.config.yaml'), config.replace('appConfig: backstage-config/app-config.yaml', ''));
    const sync = async () => {
      const out: string[] = [];
      const err: string[] = [];
      const io: CliIo = { cwd: root, env: { BACKSTAGE_TOKEN: backstage.token }, stdout: { write: t => void out.push(t) }, stderr: { write: t => void err.push(t) }, writeFile: async () => {}, fetch };
      const code = await run(['sync', '--url', backstage.baseUrl, '--wait', '120', '--poll-ms', '500', '--max-delete-fraction', '0.2'], io);
      const log = code === 0 ? '' : `\n--- backend log ---\n${await backstage.logTail()}`;
      return { code, out: out.join(''), err: `${err.join('')}${log}` };
    };
    const inCatalog = async () => {
      const items: { kind: string; metadata: { name: string; namespace: string; description?: string } }[] = [];
      for (const rootFile of ['catalog/all.yaml', 'templates/all.yaml']) {
        const origin = `metadata.annotations.backstage.io/managed-by-origin-location=url:${backstage.servedUrl}/control/${rootFile}`;
        const res = await fetch(`${backstage.baseUrl}/api/catalog/entities/by-query?filter=${encodeURIComponent(origin)}&limit=500&fields=kind,metadata.name,metadata.namespace,metadata.description`, { headers: { authorization: `Bearer ${backstage.token}` } });
        items.push(...((await res.json()) as { items: typeof items }).items);
      }
      return items.filter(e => !e.metadata.name.startsWith('generated-'));
    };
    const expected = async () => (await loadEntities(root)).entities.map(e => e.ref).sort();

    const first = await sync();
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain(`${(await expected()).length} to add · 0 to update · 0 to remove`);
    expect((await inCatalog()).map(e => `${e.kind}:${e.metadata.namespace}/${e.metadata.name}`.toLowerCase()).sort()).toEqual(await expected());

    const file = join(root, 'catalog/systems/analytics/entities.yaml');
    const docs = (await readFile(file, 'utf8')).split('---\n');
    const kept = docs.filter(d => !d.includes('name: analytics-lib\n'));
    kept[0] = kept[0].replace('description: Event ingestion, the warehouse and reporting.', 'description: Event ingestion, the lakehouse and reporting.');
    kept.push('apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: analytics-notebooks\n  description: Shared notebooks for analysts.\n  annotations:\n    github.com/project-slug: acme/analytics-notebooks\nspec:\n  type: library\n  lifecycle: experimental\n  owner: data-team\n  system: analytics\n');
    await writeFile(file, kept.join('---\n'));
    const second = await sync();
    expect(second.code, second.err).toBe(0);
    expect(second.out).toContain('1 to add · 1 to update · 1 to remove');
    expect(second.err).toContain(`root ${backstage.servedUrl}/control/catalog/all.yaml is already read by Backstage`);
    // The file is read by the Location entity that lists it; refreshing only the root would not
    // cascade, since Backstage skips a parent whose own output did not change.
    expect(second.err).toContain('refreshing 1 entity: location:default/acme-systems\n');
    const after = await inCatalog();
    expect(after.map(e => `${e.kind}:${e.metadata.namespace}/${e.metadata.name}`.toLowerCase()).sort()).toEqual(await expected());
    expect(after.find(e => e.metadata.name === 'analytics')!.metadata.description).toBe('Event ingestion, the lakehouse and reporting.');

    // A move: the same entity, now in a file of its own that the systems Location lists.
    const moved = kept.pop()!;
    await writeFile(file, kept.join('---\n'));
    await writeFile(join(root, 'catalog/systems/analytics/notebooks.yaml'), moved);
    const locations = join(root, 'catalog/systems/locations.yaml');
    await writeFile(locations, (await readFile(locations, 'utf8')).replace('    - ./analytics/entities.yaml\n', '    - ./analytics/entities.yaml\n    - ./analytics/notebooks.yaml\n'));
    const third = await sync();
    expect(third.code, third.err).toBe(0);
    expect(third.out).toContain('0 to add · 2 to update · 0 to remove');
    expect(third.err).toContain('moving 1 entity to another file: component:default/analytics-notebooks');
    expect(third.out).toContain('moved from catalog/systems/analytics/entities.yaml to catalog/systems/analytics/notebooks.yaml');
    const notebooks = (await (await fetch(`${backstage.baseUrl}/api/catalog/entities/by-name/component/default/analytics-notebooks`, { headers: { authorization: `Bearer ${backstage.token}` } })).json()) as { metadata: { annotations: Record<string, string> } };
    expect(notebooks.metadata.annotations['backstage.io/managed-by-location']).toBe(`url:${backstage.servedUrl}/control/catalog/systems/analytics/notebooks.yaml`);
    expect((await inCatalog()).map(e => `${e.kind}:${e.metadata.namespace}/${e.metadata.name}`.toLowerCase()).sort()).toEqual(await expected());
  }, 300_000);
});
