import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// red team (on-merge sync): sync takes a registered location of this repository that is not one of its roots
// for a former root (a root renamed or dropped) when the file it names is gone from the repo, then unregisters
// it and removes its entities. A location Backstage reads as a pattern (another team's
// `services/*/catalog-info.yaml` registered in the monorepo) names no one file, so it was always "gone": every
// sync planned to unregister that team's location and delete its entities, held back only by the mass-delete
// guard (which counts them as the repo's own). A root is one file; a pattern was never one.

const REPO_URL = 'https://github.com/acme/control/blob/main/';
const component = (name: string) => `---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;

/** A Backstage that holds, besides nothing of the repo's, `held` entities from each of `locations` (registered, with their ids). */
function backstageWith(locations: string[], held: number): Promise<Server> {
  const entity = (target: string, i: number) => ({
    apiVersion: 'backstage.io/v1alpha1', kind: 'Component',
    metadata: { uid: `uid-${i}-${target}`, name: `other-${locations.indexOf(target)}-${i}`, namespace: 'default', annotations: { 'backstage.io/managed-by-origin-location': `url:${target}`, 'backstage.io/managed-by-location': `url:${target}` } },
    spec: { type: 'service', lifecycle: 'production', owner: 'group:default/team-b' },
  });
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', d => (body += d));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      const url = decodeURIComponent(req.url ?? '');
      if (url.startsWith('/api/catalog/entities/by-query')) {
        const target = locations.find(t => url.includes(`managed-by-origin-location=url:${t}&`) || url.endsWith(`managed-by-origin-location=url:${t}`));
        return void res.end(JSON.stringify({ items: target ? Array.from({ length: held }, (_, i) => entity(target, i)) : [], pageInfo: {} }));
      }
      if (url.startsWith('/api/catalog/locations')) return void res.end(JSON.stringify(locations.map((target, i) => ({ data: { id: `loc-${i}`, type: 'url', target } }))));
      if (url.startsWith('/api/catalog/entities/by-refs')) return void res.end(JSON.stringify({ items: (JSON.parse(body).entityRefs as string[]).map(() => null) }));
      res.statusCode = 404;
      res.end('{}');
    });
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('sync leaves alone a location of the same repository that Backstage reads as a pattern', () => {
  const patterns = [`${REPO_URL}services/*/catalog-info.yaml`, `${REPO_URL}teams/**/catalog-info.yaml`, `${REPO_URL}apps/{web,api}/catalog-info.yaml`];
  let server: Server;
  let repo: string;
  beforeAll(async () => {
    server = await backstageWith(patterns, 2);
    repo = await tempRepo({
      'gitops.config.yaml': `repoUrl: ${REPO_URL}\ncatalog:\n  roots: [catalog/all.yaml]\n`,
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./team-a.yaml]\n',
      'catalog/team-a.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n${Array.from({ length: 60 }, (_, i) => component(`svc-${i}`)).join('')}`,
      // Another team's files, which the pattern locations read and this repo's catalog does not load.
      'services/billing/catalog-info.yaml': component('other-0-0'),
      'teams/b/catalog-info.yaml': component('other-1-0'),
    });
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-qm', 'monorepo');
  }, 60_000);
  afterAll(() => server?.close());

  it('plans no removal and no unregistering of them', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const run = await runBin(['sync', '--url', url, '--dry-run', '--format', 'json'], repo, { BACKSTAGE_TOKEN: 'token-0123456789' });
    expect(run.status, run.stderr).toBe(0);
    const plan = JSON.parse(run.stdout) as { add: string[]; remove: string[]; replace: unknown[] };
    expect(plan.remove).toEqual([]);
    expect(plan.replace).toEqual([]);
    expect(plan.add).toHaveLength(62);
    expect(run.stderr).not.toContain('former roots');
  }, 60_000);
});
