import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from './runBin.ts';

// A link to a folder that nothing reads through is no finding of the gate (readSymlinks), so a merged pull
// request can leave `catalog/teams -> <anywhere>`. import writes catalog/teams/<owner>/entities.yaml: it
// must not write through the link, out of the repository.

const listen = (server: Server) => new Promise<number>(done => server.listen(0, '127.0.0.1', () => done((server.address() as { port: number }).port)));

describe('import never writes through a linked folder (shipped bin)', () => {
  let backstage: Server;
  let url = '';

  beforeAll(async () => {
    backstage = createServer((request, response) => {
      if (!request.url?.startsWith('/api/catalog/entities/by-query')) return void response.writeHead(404).end();
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ items: [{ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'linked', namespace: 'default' }, spec: { type: 'service', lifecycle: 'experimental', owner: 'team-x' } }], pageInfo: {} }));
    });
    url = `http://localhost:${await listen(backstage)}`;
  });
  afterAll(() => backstage?.close());

  it('a folder on the way that is a link: one line, exit 2, nothing written there or anywhere', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'gitops-import-links-'));
    const outside = await mkdtemp(join(tmpdir(), 'gitops-outside-'));
    const init = await runBin(['init', '--org', 'acme', '--platform', 'github', '--repo-url', 'https://github.com/acme/catalog', '--backstage-url', 'https://backstage.acme.example', '--team', 'platform-team', '--identity-provider', 'github-org'], repo);
    expect(init.status, init.stderr).toBe(0);
    await symlink(outside, join(repo, 'catalog/teams'));
    const before = await readdir(join(repo, 'catalog'), { recursive: true });
    const run = await runBin(['import', '--url', url, '--token-env', 'IMPORT_TOKEN', '--force'], repo, { IMPORT_TOKEN: 'token' });
    expect(await readdir(outside, { recursive: true })).toEqual([]);
    expect(run.status, run.stdout + run.stderr).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('catalog/teams is a symbolic link');
    // All or nothing: not even catalog/all.yaml or gitops.config.yaml changed.
    expect(await readdir(join(repo, 'catalog'), { recursive: true })).toEqual(before);
  }, 120_000);
});
