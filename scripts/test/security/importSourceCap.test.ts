import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from './runBin.ts';

// import reads each entity's source file, and the files its placeholders name, from the host Backstage read
// it from, with a 1 MB cap. The cap was applied after reading the whole answer: a host answering without end
// was read into memory until the 15 s timeout. It now stops reading at the cap.

const listen = (server: Server) => new Promise<number>(done => server.listen(0, '127.0.0.1', () => done((server.address() as { port: number }).port)));
const CHUNK = Buffer.alloc(64 * 1024, 'a');

describe('import stops reading a source answer at its 1 MB cap (shipped bin)', () => {
  let backstage: Server;
  let url = '';
  let endlessBytes = 0;
  let endlessClosed = false;

  beforeAll(async () => {
    backstage = createServer((request, response) => {
      const entity = (name: string) => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name, namespace: 'default', annotations: { 'backstage.io/managed-by-location': `url:${url}/src/${name}.yaml`, 'backstage.io/managed-by-origin-location': `url:${url}/src/${name}.yaml` } },
        spec: { type: 'service', lifecycle: 'experimental', owner: 'team-a', description: 'as Backstage resolved it' },
      });
      const source = (name: string, target: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: team-a\n  description:\n    $text: ${target}\n`;
      if (request.url?.startsWith('/api/catalog/entities/by-query')) {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ items: [entity('endless'), entity('small')], pageInfo: {} }));
      } else if (request.url === '/src/endless.yaml') {
        response.end(source('endless', './endless.txt'));
      } else if (request.url === '/src/small.yaml') {
        response.end(source('small', './small.txt'));
      } else if (request.url === '/src/small.txt') {
        response.end('read from the source host');
      } else if (request.url === '/src/endless.txt') {
        // No Content-Length, and no end: only the reader stopping ends it.
        response.on('close', () => (endlessClosed = true));
        const pump = () => {
          while (!response.destroyed && endlessBytes < 2 * 1024 * 1024 * 1024) {
            endlessBytes += CHUNK.length;
            if (!response.write(CHUNK)) return void response.once('drain', pump);
          }
        };
        pump();
      } else {
        response.writeHead(404).end();
      }
    });
    url = `http://localhost:${await listen(backstage)}`;
  });

  afterAll(() => backstage?.close());

  it('an endless placeholder target is dropped at the cap; the entity is imported as Backstage processed it', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'gitops-import-cap-'));
    const init = await runBin(['init', '--org', 'acme', '--platform', 'github', '--repo-url', 'https://github.com/acme/catalog', '--backstage-url', 'https://backstage.acme.example', '--team', 'platform-team', '--identity-provider', 'github-org'], repo);
    expect(init.status, init.stderr).toBe(0);
    const run = await runBin(['import', '--url', url, '--token-env', 'IMPORT_TOKEN'], repo, { IMPORT_TOKEN: 'token' });
    expect([0, 1], run.stderr).toContain(run.status);
    expect(run.stdout).toContain('Imported 2 entities');
    // Little more than the cap sent (socket buffers hold a few MB): reading until the 15 s timeout took gigabytes.
    // Bytes, not seconds, tell the two apart: under load the run alone can take longer than 10 s.
    expect(endlessBytes).toBeLessThan(16 * 1024 * 1024);
    expect(endlessClosed).toBe(true);
    const files = (await readdir(join(repo, 'catalog'), { recursive: true, withFileTypes: true })).filter(e => e.isFile()).map(e => join(e.parentPath, e.name));
    const catalog = (await Promise.all(files.map(f => readFile(f, 'utf8')))).join('\n');
    expect(catalog).not.toContain('aaaaaaaa');
    expect(catalog).toContain('read from the source host');
  }, 120_000);
});
