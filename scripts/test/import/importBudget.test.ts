import { existsSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// `import` read N source files at up to 1 MiB and 15 s each with no total, and each catalog page with
// Response.json(), unbounded: a slow file host made it run for hours, an endless page filled memory.

type Route = (path: string, res: ServerResponse, base: string) => void;
const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach(s => s.close()));

async function serve(route: Route): Promise<string> {
  const server = createServer((req, res) => route(req.url ?? '/', res, base));
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  servers.push({ close: () => { server.closeAllConnections(); server.close(); } });
  return base;
}

const entity = (name: string, base: string) => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name, namespace: 'default', annotations: { 'backstage.io/managed-by-location': `url:${base}/src/${name}.yaml`, 'backstage.io/managed-by-origin-location': `url:${base}/src/all.yaml` } }, spec: { type: 'service', lifecycle: 'production', owner: 'group:default/team' } });

async function controlRepo(): Promise<string> {
  return tempRepo({ 'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n' });
}

describe('import holds every read to one budget', () => {
  it('stops at --timeout-minutes in all, however many slow source files there are, in one line, writing nothing', async () => {
    const url = await serve((path, res, base) => {
      if (path.startsWith('/api/catalog/entities/by-query')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ items: Array.from({ length: 8 }, (_, i) => entity(`svc-${i}`, base)), pageInfo: {} }));
      }
      // Each source file answers within its own 15 s, slowly: 8 of them took 8 s.
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/yaml' }).end('apiVersion: backstage.io/v1alpha1\n'), 1_000);
    });
    const root = await controlRepo();
    const started = Date.now();
    const run = await runBin(['import', '--url', url, '--timeout-minutes', '0.04'], root, { BACKSTAGE_TOKEN: 'token' });
    const seconds = (Date.now() - started) / 1000;
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 2, stderr: "backstage-gitops import: import stopped: reading Backstage and the entities' source files took longer than 0.04 minutes in all (--timeout-minutes); nothing was written.\n" });
    expect(seconds).toBeLessThan(6);
    expect(existsSync(join(root, 'catalog'))).toBe(false);
  }, 60_000);

  it('reads a catalog page only up to its cap, and says so in one line', async () => {
    const url = await serve((path, res) => {
      if (!path.startsWith('/api/catalog/entities/by-query')) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"items":[');
      // A page without end: written as fast as it is read, until the reader hangs up.
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const more = () => { while (!res.destroyed && res.write(chunk)); };
      res.on('drain', more);
      more();
    });
    const root = await controlRepo();
    const run = await runBin(['import', '--url', url], root, { BACKSTAGE_TOKEN: 'token' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 2, stderr: 'backstage-gitops import: import stopped: a page of /api/catalog/entities/by-query is over 64 MiB (500 entities at most); nothing was written.\n' });
    expect(existsSync(join(root, 'catalog'))).toBe(false);
  }, 60_000);
});
