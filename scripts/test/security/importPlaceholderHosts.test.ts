import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from './runBin.ts';

// A team's source file in the Backstage being imported names a placeholder target on a host Backstage's
// UrlReader never reads (the cloud metadata service, an internal host): import must not fetch it from the
// importer's network, nor write what it answers into the catalog.

const listen = (server: Server) => new Promise<number>(done => server.listen(0, '127.0.0.1', () => done((server.address() as { port: number }).port)));

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter(e => e.isFile()).map(e => join(e.parentPath, e.name));
}

describe('import reads placeholder targets only where Backstage read the source file (shipped bin)', () => {
  const internalHits: string[] = [];
  let internal: Server;
  let backstage: Server;
  let url = '';

  beforeAll(async () => {
    internal = createServer((request, response) => {
      internalHits.push(request.url ?? '');
      response.end('AKIA-INTERNAL-SECRET');
    });
    const internalPort = await listen(internal);
    backstage = createServer((request, response) => {
      const entity = (name: string, file: string) => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name, namespace: 'default', annotations: { 'backstage.io/managed-by-location': `url:${url}/src/${file}`, 'backstage.io/managed-by-origin-location': `url:${url}/src/${file}` } },
        spec: { type: 'service', lifecycle: 'experimental', owner: 'team-a', description: 'as Backstage resolved it' },
      });
      const source = (name: string, target: string) =>
        `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: team-a\n  description:\n    $text: ${target}\n`;
      if (request.url?.startsWith('/api/catalog/entities/by-query')) {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ items: [entity('absolute', 'absolute.yaml'), entity('hop', 'hop.yaml')], pageInfo: {} }));
      } else if (request.url === '/src/absolute.yaml') {
        // Another origin outright.
        response.end(source('absolute', `http://127.0.0.1:${internalPort}/latest/meta-data/iam/security-credentials/role`));
      } else if (request.url === '/src/hop.yaml') {
        // The source host's own path, which redirects off it.
        response.end(source('hop', './description.txt'));
      } else if (request.url === '/src/description.txt') {
        response.writeHead(302, { location: `http://127.0.0.1:${internalPort}/redirected` }).end();
      } else {
        response.writeHead(404).end();
      }
    });
    url = `http://localhost:${await listen(backstage)}`;
  });

  afterAll(() => {
    internal?.close();
    backstage?.close();
  });

  it('a target on another origin, or a redirect there, is not fetched; the entity is imported as Backstage processed it', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'gitops-import-hosts-'));
    const init = await runBin(['init', '--org', 'acme', '--platform', 'github', '--repo-url', 'https://github.com/acme/catalog', '--backstage-url', 'https://backstage.acme.example', '--team', 'platform-team', '--identity-provider', 'github-org'], repo);
    expect(init.status, init.stderr).toBe(0);
    const run = await runBin(['import', '--url', url, '--token-env', 'IMPORT_TOKEN'], repo, { IMPORT_TOKEN: 'token' });
    expect([0, 1], run.stderr).toContain(run.status);
    expect(run.stdout).toContain('Imported 2 entities');
    expect(internalHits).toEqual([]);
    const catalog = await Promise.all((await filesUnder(join(repo, 'catalog'))).map(f => readFile(f, 'utf8')));
    expect(catalog.join('\n')).not.toContain('AKIA-INTERNAL-SECRET');
    expect(catalog.join('\n')).toContain('description: as Backstage resolved it');
  }, 120_000);
});
