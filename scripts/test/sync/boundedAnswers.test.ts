import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// sync, check --catalog-url (and import) read the catalog REST API's answers with Response.json(): a server
// that answers without end (a proxy, a wrong URL, a hostile host) filled memory until the 30 s timeout, six
// times over with the retries. Every answer is now read up to 64 MiB as it streams (sync/boundedBody.ts).

const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach(s => s.close()));

/** A server whose every answer is 200 JSON that never ends, written as fast as it is read. */
async function endless(): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"items":[');
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const more = () => { while (!res.destroyed && res.write(chunk)); };
    res.on('drain', more);
    more();
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => { server.closeAllConnections(); server.close(); } });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const REPO = {
  'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
  'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: svc}\nspec: {type: service, lifecycle: production, owner: group:default/elsewhere}\n',
};

describe('an answer of the catalog API without end', () => {
  it('stops sync at 64 MiB with one line, exit 2', async () => {
    const url = await endless();
    const started = Date.now();
    const run = await runBin(['sync', '--url', url], await tempRepo({ ...REPO, 'catalog/all.yaml': REPO['catalog/all.yaml'].replace('group:default/elsewhere', 'group:default/platform') }), { BACKSTAGE_TOKEN: 'token' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 2, stderr: `backstage-gitops sync: ${url}: the answer to GET /api/catalog/entities/by-query passed 64 MiB and was not read further (a catalog page holds 500 entities at most): check that the URL is Backstage's.\n` });
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);

  it('stops check --catalog-url at 64 MiB with one line, exit 2', async () => {
    const url = await endless();
    const run = await runBin(['check', '--catalog-url', url], await tempRepo(REPO), {});
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 2, stderr: `backstage-gitops check: --catalog-url: ${url}: the answer to POST /api/catalog/entities/by-refs passed 64 MiB and was not read further (a catalog page holds 500 entities at most): check that the URL is Backstage's\n` });
  }, 60_000);

  it('stops check --catalog-url when Backstage never answers, at the 30 s sync gives a call, with one line, exit 2', async () => {
    const server = createServer(req => req.resume());
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    servers.push({ close: () => { server.closeAllConnections(); server.close(); } });
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const run = await runBin(['check', '--catalog-url', url], await tempRepo(REPO), {});
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 2, stderr: `backstage-gitops check: --catalog-url: ${url} did not answer in time\n` });
  }, 60_000);
});
