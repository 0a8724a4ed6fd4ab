import { createServer, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A source file that defines one entity several times (giantswarm/backstage-catalogs' generated
// charts.yaml has agentic-platform three times): Backstage keeps the LAST document and drops the
// others, so the live catalog holds the last. import took the first copy as "the entity as written",
// writing a description (and spec) the managed Backstage never had.

const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach(s => s.close()));

const copy = (description: string, lifecycle: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: agentic-platform\n  description: ${description}\nspec:\n  type: service\n  lifecycle: ${lifecycle}\n  owner: group:default/team-a\n`;

async function backstage(): Promise<string> {
  const server = createServer((req, res: ServerResponse) => {
    const at = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    if (req.url?.startsWith('/api/catalog/entities/by-query')) {
      const held = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'agentic-platform', namespace: 'default', description: 'the CRDs chart', annotations: { 'backstage.io/managed-by-location': `url:${at}/src/charts.yaml`, 'backstage.io/managed-by-origin-location': `url:${at}/src/charts.yaml` } }, spec: { type: 'service', lifecycle: 'production', owner: 'group:default/team-a' } };
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ items: [held], pageInfo: {} }));
    }
    if (req.url === '/src/charts.yaml') return res.writeHead(200).end(`${copy('the meta chart', 'experimental')}---\n${copy('the connectivity chart', 'experimental')}---\n${copy('the CRDs chart', 'production')}`);
    res.writeHead(404).end();
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => { server.closeAllConnections(); server.close(); } });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('import takes the copy of an entity that Backstage keeps', () => {
  it('writes the last document of the entity in its source file, as the live catalog holds it', async () => {
    const url = await backstage();
    const root = await tempRepo({ 'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n' });
    const run = await runBin(['import', '--url', url], root, { BACKSTAGE_TOKEN: 'token' });
    expect(run.stdout).toContain('Imported 1 entity into 1 catalog file(s) (1 from their source files');
    const text = readFileSync(join(root, 'catalog/teams/team-a/entities.yaml'), 'utf8');
    expect(text).toContain('description: the CRDs chart');
    expect(text).toContain('lifecycle: production');
    expect(text).not.toContain('the meta chart');
  }, 60_000);
});
