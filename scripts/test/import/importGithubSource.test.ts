import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Backstage records a GitHub-hosted file as `url:https://github.com/<org>/<repo>/blob/<ref>/<path>`, which
// is GitHub's web page (HTML) for it; its UrlReader reads the file from raw.githubusercontent.com (or the
// API). import fetched the page itself, found no entity in the HTML and imported every entity of a
// GitHub-hosted catalog "as Backstage processed it": `$text` placeholders inlined, the README's "taken as
// written" never true. The test routes github.com and raw.githubusercontent.com to a local server (a
// preloaded fetch wrapper in the bin's process) that answers as GitHub does.

const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach(s => s.close()));

const SOURCE = 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: orders-api\nspec:\n  type: openapi\n  lifecycle: production\n  owner: group:default/team-a\n  definition:\n    $text: ./openapi.yaml\n';
const DEFINITION = 'openapi: 3.0.0\ninfo:\n  title: Orders\n  version: 1.0.0\npaths: {}\n';

async function github(): Promise<{ port: number; asked: string[] }> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    asked.push(path);
    if (path.startsWith('/backstage/api/catalog/entities/by-query')) {
      const at = 'https://github.com/acme/catalog/blob/main/apis/orders.yaml';
      const held = { apiVersion: 'backstage.io/v1alpha1', kind: 'API', metadata: { name: 'orders-api', namespace: 'default', annotations: { 'backstage.io/managed-by-location': `url:${at}`, 'backstage.io/managed-by-origin-location': `url:${at}` } }, spec: { type: 'openapi', lifecycle: 'production', owner: 'group:default/team-a', definition: DEFINITION } };
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ items: [held], pageInfo: {} }));
    }
    if (path.startsWith('/github.com/')) return res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html><body>GitHub</body></html>');
    if (path === '/raw.githubusercontent.com/acme/catalog/main/apis/orders.yaml') return res.writeHead(200).end(SOURCE);
    if (path === '/raw.githubusercontent.com/acme/catalog/main/apis/openapi.yaml') return res.writeHead(200).end(DEFINITION);
    res.writeHead(404).end();
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => { server.closeAllConnections(); server.close(); } });
  return { port: (server.address() as { port: number }).port, asked };
}

describe('import reads a GitHub-hosted source file as Backstage does', () => {
  it('takes the entity from the raw file behind its blob URL, placeholder kept and its target copied', async () => {
    const { port, asked } = await github();
    const root = await tempRepo({ 'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n' });
    const preload = join(root, '..', `route-github-${port}.mjs`);
    writeFileSync(preload, `const real = globalThis.fetch;\nglobalThis.fetch = (input, init) => {\n  const url = new URL(String(input));\n  if (url.hostname === 'github.com' || url.hostname === 'raw.githubusercontent.com') return real('http://127.0.0.1:${port}/' + url.hostname + url.pathname + url.search, init);\n  return real(input, init);\n};\n`);
    const run = await runBin(['import', '--url', `http://127.0.0.1:${port}/backstage`], root, { BACKSTAGE_TOKEN: 'token', NODE_OPTIONS: `--import ${preload}` });
    expect(run.stdout).toContain('Imported 1 entity into 1 catalog file(s) (1 from their source files, placeholders kept');
    expect(asked).toContain('/raw.githubusercontent.com/acme/catalog/main/apis/openapi.yaml');
    const text = readFileSync(join(root, 'catalog/teams/team-a/entities.yaml'), 'utf8');
    expect(text).toContain('$text: ./definitions/orders-api-openapi.yaml');
    expect(readFileSync(join(root, 'catalog/teams/team-a/definitions/orders-api-openapi.yaml'), 'utf8')).toBe(DEFINITION);
  }, 60_000);
});
