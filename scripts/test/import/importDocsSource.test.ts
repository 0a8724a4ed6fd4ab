import { createServer, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh16: an entity with `backstage.io/techdocs-ref: dir:.` keeps its docs in the repository Backstage read
// its file from, and TechDocs finds them through backstage.io/source-location, which Backstage derived from that
// file's folder. import dropped the derived annotation (it "only repeats where the file was read"), so once the
// entity lives in the control repo Backstage derives source-location from the new file's folder and TechDocs looks
// for the docs there: every imported entity with dir: docs lost them (webgrip/organisation-public through a
// stand-in catalog: 6 techdocs-ref-missing errors on the imported files), both when the source file is read and
// when the entity is taken as Backstage processed it.

const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach(s => s.close()));

const written = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-a\n';

async function backstage(serveSource: boolean): Promise<string> {
  const server = createServer((req, res: ServerResponse) => {
    const at = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    if (req.url?.startsWith('/api/catalog/entities/by-query')) {
      const annotations = {
        'backstage.io/managed-by-location': `url:${at}/orders/catalog-info.yaml`,
        'backstage.io/managed-by-origin-location': `url:${at}/orders/catalog-info.yaml`,
        'backstage.io/source-location': `url:${at}/orders/`,
        'backstage.io/techdocs-ref': 'dir:.',
      };
      const held = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'orders', namespace: 'default', annotations }, spec: { type: 'service', lifecycle: 'production', owner: 'group:default/team-a' } };
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ items: [held], pageInfo: {} }));
    }
    if (serveSource && req.url === '/orders/catalog-info.yaml') return res.writeHead(200).end(written);
    res.writeHead(404).end();
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => { server.closeAllConnections(); server.close(); } });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('import of an entity whose TechDocs are dir: beside its old file (through the bin)', () => {
  it.each([['read from its source file', true], ['as Backstage processed it', false]])('keeps the source-location TechDocs resolves dir: against, %s', async (_how, serveSource) => {
    const url = await backstage(serveSource);
    const root = await tempRepo({ 'gitops.config.yaml': 'repoUrl: https://github.com/acme/control/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n' });
    const run = await runBin(['import', '--url', url], root, { BACKSTAGE_TOKEN: 'token' });
    const text = readFileSync(join(root, 'catalog/teams/team-a/entities.yaml'), 'utf8');
    const [entity] = parseAllDocuments(text).map(d => d.toJS());
    expect(entity.metadata.annotations).toEqual({ 'backstage.io/techdocs-ref': 'dir:.', 'backstage.io/source-location': `url:${url}/orders/` });
    // The gate then looks for the docs where TechDocs does (elsewhere: nothing here to judge), not beside the new file.
    expect(run.stdout + run.stderr).not.toContain('techdocs-ref-missing');
  }, 60_000);
});
