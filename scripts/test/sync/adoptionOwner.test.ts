import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';

// catalog.adoptFrom names whole locations: import lists every location an imported entity came through,
// also when it imported only one team's entities (--owner). Such a location may still hold another
// team's entity. A team's pull request that names that entity with itself as owner must not make sync
// take it over (unregister the location, delete the other team's copy); check --catalog-url says so before
// merge. And a location that cannot be replaced holds back only its own entities, not the whole sync.
// Against the real test backend, through the shipped bin.
const { baseUrl, token, fixturesUrl, fixturesDir } = inject('backstage');
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

const component = (name: string, owner: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  description: ${name} does things\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;
const repo = 'adopt-owner-repo';
const root = join(fixturesDir, repo);
const sharedTarget = `${fixturesUrl}/adopt-owner-shared/catalog-info.yaml`;
const ownOrigin = `url:${fixturesUrl}/${repo}/catalog/all.yaml`;

const tree: Record<string, string> = {
  'gitops.config.yaml': `repoUrl: ${fixturesUrl}/${repo}/\ncatalog:\n  roots: [catalog/all.yaml]\n  include: ['catalog/**/*.yaml']\n  adoptFrom: [${JSON.stringify(`url:${sharedTarget}`)}]\n`,
  'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: ao-root\nspec:\n  targets: [./org.yaml, ./services.yaml]\n',
  'catalog/org.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-ao\nspec:\n  type: team\n  children: []\n',
  // ao-mine was imported as it is; the pull request adds ao-theirs, the other team's, owned by itself.
  'catalog/services.yaml': [component('ao-mine', 'team-ao'), component('ao-theirs', 'team-ao')].join('---\n'),
};

async function writeTree(dir: string, files: Record<string, string>) {
  await rm(dir, { recursive: true, force: true });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

async function live(ref: string): Promise<{ metadata: { annotations: Record<string, string> }; spec: { owner: string } } | null> {
  const res = await fetch(`${baseUrl}/api/catalog/entities/by-refs`, { method: 'POST', headers, body: JSON.stringify({ entityRefs: [ref] }) });
  return ((await res.json()) as { items: [{ metadata: { annotations: Record<string, string> }; spec: { owner: string } } | null] }).items[0];
}

async function locationTargets(): Promise<string[]> {
  const res = await fetch(`${baseUrl}/api/catalog/locations`, { headers });
  return ((await res.json()) as { data: { target: string } }[]).map(l => l.data.target);
}

describe('adoption takes an entity only under the owner it has in the location listed for adoption (shipped bin, real backend)', () => {
  const env = { BACKSTAGE_TOKEN: token, NO_COLOR: '1' };
  const bin = (...args: string[]) => runBin(args, root, env);

  beforeAll(async () => {
    await writeTree(join(fixturesDir, 'adopt-owner-shared'), { 'catalog-info.yaml': [component('ao-mine', 'team-ao'), component('ao-theirs', 'team-other')].join('---\n') });
    const res = await fetch(`${baseUrl}/api/catalog/locations`, { method: 'POST', headers, body: JSON.stringify({ type: 'url', target: sharedTarget }) });
    expect(res.status).toBe(201);
    for (let i = 0; i < 120 && !((await live('component:default/ao-theirs')) && (await live('component:default/ao-mine'))); i++) await new Promise(r => setTimeout(r, 500));
    expect((await live('component:default/ao-theirs'))?.metadata.annotations['backstage.io/managed-by-origin-location']).toBe(`url:${sharedTarget}`);
    await writeTree(root, tree);
  }, 90_000);

  it('check --catalog-url fails the other team\'s entity under a new owner; sync refuses it, replaces nothing, syncs the rest', async () => {
    const check = await bin('check', '--catalog-url', baseUrl, '--token-env', 'BACKSTAGE_TOKEN');
    const findings = check.stdout.split('\n').filter(l => l.includes('entity-held-elsewhere'));
    expect(findings, check.stdout).toHaveLength(1);
    expect(findings[0]).toContain('component:default/ao-theirs is in the live catalog from the location');
    expect(findings[0]).toContain('owned there by group:default/team-other');
    expect(check.status).toBe(1);

    const run = await bin('sync', '--url', baseUrl, '--wait', '60', '--poll-ms', '300');
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/component:default\/ao-theirs is in Backstage from the location .*owned there by group:default\/team-other/);
    // The other team keeps its location and its entity, owner unchanged.
    expect(await locationTargets()).toContain(sharedTarget);
    const theirs = await live('component:default/ao-theirs');
    expect(theirs?.spec.owner).toBe('team-other');
    expect(theirs?.metadata.annotations['backstage.io/managed-by-origin-location']).toBe(`url:${sharedTarget}`);
    // The rest of the repo landed: the location that could not be replaced held back only its own entities.
    expect((await live('group:default/team-ao'))?.metadata.annotations['backstage.io/managed-by-origin-location']).toBe(ownOrigin);
    expect(run.stderr).toContain('cannot be replaced');
  }, 120_000);
});
