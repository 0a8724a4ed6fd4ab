import { createServer, type Server } from 'node:http';
import { symlinkSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// red team (on-merge sync): sync counted a registered location of this repository as one of its former roots
// when the repo's catalog loads the file it names. Another team's registration of its own file in the monorepo
// (teams/x/catalog-info.yaml, registered in Backstage by that team) became "a former root" as soon as a pull
// request added that file to one of its own Location's targets (no change to the team's file, none of its
// reviewers asked): sync unregistered the team's location and took its entities over whatever their owner (the
// former-root path skips adoptFrom and the owner check), so a later pull request dropping the target deleted
// them. A location whose file the repository still holds is not a former root: its entities are held elsewhere,
// taken over only through catalog.adoptFrom, as any other registration's.

const REPO_URL = 'https://github.com/acme/control/blob/main/';
const TEAM_FILE = 'teams/x/catalog-info.yaml';
const LOCATION = `${REPO_URL}${TEAM_FILE}`;
const teamComponent = (name: string) => `---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-x\n`;

/** A Backstage where team x's registration of its file holds its two components. */
function backstageWithTeamLocation(): Promise<Server> {
  const entity = (name: string) => ({
    apiVersion: 'backstage.io/v1alpha1', kind: 'Component',
    metadata: { uid: `uid-${name}`, name, namespace: 'default', annotations: { 'backstage.io/managed-by-origin-location': `url:${LOCATION}`, 'backstage.io/managed-by-location': `url:${LOCATION}` } },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-x' },
  });
  const held = new Map(['x-api', 'x-web'].map(name => [`component:default/${name}`, entity(name)]));
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', d => (body += d));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      const url = decodeURIComponent(req.url ?? '');
      if (url.startsWith('/api/catalog/entities/by-query')) return void res.end(JSON.stringify({ items: url.includes(`=url:${LOCATION}`) ? [...held.values()] : [], pageInfo: {} }));
      if (url.startsWith('/api/catalog/locations')) return void res.end(JSON.stringify([{ data: { id: 'team-x-location', type: 'url', target: LOCATION } }]));
      if (url.startsWith('/api/catalog/entities/by-refs')) return void res.end(JSON.stringify({ items: (JSON.parse(body).entityRefs as string[]).map(ref => held.get(ref.toLowerCase()) ?? null) }));
      res.statusCode = 404;
      res.end('{}');
    });
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('a pull request that loads another team\'s registered file does not make it one of the repo\'s roots', () => {
  let server: Server;
  let repo: string;
  beforeAll(async () => {
    server = await backstageWithTeamLocation();
    repo = await tempRepo({
      'gitops.config.yaml': `repoUrl: ${REPO_URL}\ncatalog:\n  roots: [catalog/all.yaml]\n`,
      // The pull request's only change: one more target in its own Location.
      'catalog/all.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./team-a.yaml, ../${TEAM_FILE}]\n`,
      'catalog/team-a.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-x\nspec:\n  type: team\n  children: []\n',
      [TEAM_FILE]: teamComponent('x-api') + teamComponent('x-web'),
    });
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-qm', 'load team x');
  }, 60_000);
  afterAll(() => server?.close());

  it('leaves the team\'s location registered and refuses its entities as held elsewhere', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const run = await runBin(['sync', '--url', url, '--dry-run', '--format', 'json'], repo, { BACKSTAGE_TOKEN: 'token-0123456789' });
    expect(run.stderr).not.toContain('former roots');
    const plan = JSON.parse(run.stdout) as { replace: unknown[]; adopt: unknown[]; remove: string[]; refused: { ref: string; heldBy: string }[] };
    expect(plan.replace).toEqual([]);
    expect(plan.adopt).toEqual([]);
    expect(plan.remove).toEqual([]);
    expect(plan.refused.map(r => r.ref).sort()).toEqual(['component:default/x-api', 'component:default/x-web']);
    expect(run.status).toBe(1);
  }, 60_000);

  // Reviewer: the same refusal meets a repository that kept its former root as a child Location of the new
  // one; "have the team that owns that location hand it over" sent its platform team to the wrong fix. The
  // finding names the file the catalog loads and the catalog.adoptFrom entry that moves its entities.
  it('says the file is one the catalog loads and names the catalog.adoptFrom entry that moves its entities', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const run = await runBin(['sync', '--url', url, '--dry-run', '--format', 'json'], repo, { BACKSTAGE_TOKEN: 'token-0123456789' });
    const { diagnostics } = JSON.parse(run.stdout) as { diagnostics: { ruleId: string; message: string; hint: string }[] };
    expect(diagnostics.map(d => d.ruleId)).toEqual(['sync-entity-held-elsewhere', 'sync-entity-held-elsewhere']);
    expect(diagnostics[0].message).toContain(`which registers ${TEAM_FILE}: a file of this repository that its catalog loads but that is not one of catalog.roots (a former root kept as a child Location, or another team's registration of that file)`);
    expect(diagnostics[0].hint).toContain(`list the location under catalog.adoptFrom in gitops.config.yaml (- url:${LOCATION})`);
  }, 60_000);
});

// Reviewer: the gate lists no symlink, so another team's registration of a file that is a link in this
// repository (GitHub serves a link to a file as that file) looked like a root whose file was gone: sync planned
// to unregister the team's location and delete its entities, within the mass-delete guard.
describe('a registered file of the repository that is a symlink is not a former root', () => {
  let server: Server;
  let repo: string;
  beforeAll(async () => {
    server = await backstageWithTeamLocation();
    repo = await tempRepo({
      'gitops.config.yaml': `repoUrl: ${REPO_URL}\ncatalog:\n  roots: [catalog/all.yaml]\n`,
      'catalog/all.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./team-a.yaml]\n`,
      'catalog/team-a.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n',
      'teams/x/real.yaml': teamComponent('x-api') + teamComponent('x-web'),
    });
    symlinkSync('real.yaml', join(repo, TEAM_FILE));
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-qm', 'team x links its file');
  }, 60_000);
  afterAll(() => server?.close());

  it('leaves the team\'s location and entities alone', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const run = await runBin(['sync', '--url', url, '--dry-run', '--format', 'json'], repo, { BACKSTAGE_TOKEN: 'token-0123456789' });
    const plan = JSON.parse(run.stdout) as { replace: unknown[]; remove: string[] };
    expect(plan.replace).toEqual([]);
    expect(plan.remove).toEqual([]);
    expect(run.stderr).not.toContain('former root');
  }, 60_000);
});
