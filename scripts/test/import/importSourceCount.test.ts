import { createServer, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A catalog registered through a root Location file that lists the entity files (tleveille/backstage-catalog-workshop's
// chapter-03, 24 entities and 2 Locations): import read all 26 source files, left the 2 Locations behind, and said
// 'Imported 24 entities … (26 from their source files …)', more taken as written than imported at all.

const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach(s => s.close()));

const ROOT = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: teams\nspec:\n  targets: [./team-a.yaml]\n';
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';

async function backstage(): Promise<string> {
  const server = createServer((req, res: ServerResponse) => {
    const at = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const annotations = (file: string) => ({ 'backstage.io/managed-by-location': `url:${at}/src/${file}`, 'backstage.io/managed-by-origin-location': `url:${at}/src/all.yaml` });
    if (req.url?.startsWith('/api/catalog/entities/by-query')) {
      const items = [
        { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'teams', namespace: 'default', annotations: annotations('all.yaml') }, spec: { targets: ['./team-a.yaml'] } },
        { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-a', namespace: 'default', annotations: annotations('team-a.yaml') }, spec: { type: 'team', children: [] } },
      ];
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ items, pageInfo: {} }));
    }
    if (req.url === '/src/all.yaml') return res.writeHead(200).end(ROOT);
    if (req.url === '/src/team-a.yaml') return res.writeHead(200).end(GROUP);
    res.writeHead(404).end();
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => { server.closeAllConnections(); server.close(); } });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('import counts what it took from source files among what it imported', () => {
  it('a Location read from its file but not brought is not counted as imported from its source', async () => {
    const url = await backstage();
    const root = await tempRepo({ 'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n' });
    const run = await runBin(['import', '--url', url], root, { BACKSTAGE_TOKEN: 'token' });
    expect(run.stdout).toContain('Imported 1 entity into 1 catalog file(s) (1 from their source files, placeholders kept');
    expect(run.stdout).toContain('1 × a Location of the old layout');
  }, 60_000);
});
