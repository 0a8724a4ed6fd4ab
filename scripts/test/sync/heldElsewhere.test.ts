import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../backstage/faultProxy.ts';
import { git } from '../helpers/gitRepo.ts';
import { startRecordingServer } from '../helpers/recordingServer.ts';
import { runBin } from '../helpers/runBin.ts';

// Another team's registered location holds an entity; this repo names the same entity in its own file.
// Sync must never take it (no DELETE of that location or its entity), unless the location is listed for
// adoption; check --catalog-url must say so before merge. Against the real test backend, through a
// proxy that records every request sync makes.
const { baseUrl, token, fixturesUrl, fixturesDir } = inject('backstage');
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

const component = (name: string, owner: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  description: ${name} does things\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;
const repo = 'held-repo';
const root = join(fixturesDir, repo);
const otherTarget = `${fixturesUrl}/held-team/catalog-info.yaml`;
const adoptTarget = `${fixturesUrl}/adopt-team/catalog-info.yaml`;
const ownOrigin = `url:${fixturesUrl}/${repo}/catalog/all.yaml`;
// The plan is Markdown: a URL in it has a zero-width space after its scheme's colon (mdCode: no autolink).
const unlinked = (url: string) => url.replace('://', ':\u200b//');

const tree = (names: string[], adoptFrom: string[] = []): Record<string, string> => ({
  'gitops.config.yaml': `repoUrl: ${fixturesUrl}/${repo}/\ncatalog:\n  roots: [catalog/all.yaml]\n  include: ['catalog/**/*.yaml']\n${adoptFrom.length ? `  adoptFrom: [${adoptFrom.map(a => JSON.stringify(a)).join(', ')}]\n` : ''}`,
  'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: held-root\nspec:\n  targets: [./org.yaml, ./services.yaml]\n',
  'catalog/org.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-held\nspec:\n  type: team\n  children: []\n',
  'catalog/services.yaml': names.map(n => component(n, 'team-held')).join('---\n'),
});

async function writeTree(dir: string, files: Record<string, string>) {
  await rm(dir, { recursive: true, force: true });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

async function live(ref: string): Promise<{ metadata: { annotations: Record<string, string> } } | null> {
  const res = await fetch(`${baseUrl}/api/catalog/entities/by-refs`, { method: 'POST', headers, body: JSON.stringify({ entityRefs: [ref] }) });
  return ((await res.json()) as { items: [{ metadata: { annotations: Record<string, string> } } | null] }).items[0];
}

async function registerAndWait(target: string, ref: string) {
  const res = await fetch(`${baseUrl}/api/catalog/locations`, { method: 'POST', headers, body: JSON.stringify({ type: 'url', target }) });
  expect(res.status).toBe(201);
  for (let i = 0; i < 120 && !(await live(ref)); i++) await new Promise(r => setTimeout(r, 500));
  expect((await live(ref))?.metadata.annotations['backstage.io/managed-by-origin-location']).toBe(`url:${target}`);
}

async function locationTargets(): Promise<string[]> {
  const res = await fetch(`${baseUrl}/api/catalog/locations`, { headers });
  return ((await res.json()) as { data: { target: string } }[]).map(l => l.data.target);
}

describe('sync never takes an entity another location holds, unless that location is listed for adoption', () => {
  let proxy: FaultProxy;
  const env = { BACKSTAGE_TOKEN: token, NO_COLOR: '1' };
  const bin = (...args: string[]) => runBin(args, root, env);
  const sync = (...args: string[]) => bin('sync', '--url', proxy.url, '--wait', '60', '--poll-ms', '300', ...args);
  const writes = () => proxy.log.filter(l => l.method !== 'GET' && !l.path.includes('/entities/by-refs')).map(l => `${l.method} ${decodeURIComponent(l.path)}`);

  beforeAll(async () => {
    proxy = await startFaultProxy(baseUrl);
    await writeTree(join(fixturesDir, 'held-team'), { 'catalog-info.yaml': component('held-billing', 'team-billing') });
    await writeTree(join(fixturesDir, 'adopt-team'), { 'catalog-info.yaml': component('held-adopt-me', 'team-held') });
    await registerAndWait(otherTarget, 'component:default/held-billing');
    await registerAndWait(adoptTarget, 'component:default/held-adopt-me');
  }, 90_000);
  afterAll(() => proxy.close());

  it('check --catalog-url reports the collision on the entity, naming the holding location; sync refuses that entity, deletes nothing, syncs the rest and exits 1', async () => {
    await writeTree(root, tree(['held-ok', 'held-billing']));
    const check = await bin('check', '--catalog-url', proxy.url, '--token-env', 'BACKSTAGE_TOKEN');
    expect(check.status, check.stderr).toBe(1);
    const findings = check.stdout.split('\n').filter(l => l.includes('entity-held-elsewhere'));
    expect(findings).toHaveLength(1);
    // services.yaml: held-billing's name is on line 4 of the second document, line 14 of the file.
    expect(findings[0]).toMatch(/^\s+14:9\s+error\s+component:default\/held-billing is already in the live catalog from the location /);
    expect(findings[0]).toContain(`url:${otherTarget}, which this repo does not own`);
    expect(check.stdout).toContain('catalog/services.yaml');

    proxy.log.length = 0;
    const plan = await sync('--dry-run');
    expect(plan.status, plan.stderr).toBe(1);
    expect(plan.stdout).toContain('3 to add · 0 to update · 0 to remove · 0 unchanged · 1 refused (held by a location this repo does not own)');
    expect(plan.stdout).toContain(`- ⛔ <code>component:default/held-billing</code> (catalog/services.yaml) refused: Backstage holds it from <code>url:${unlinked(otherTarget)}</code>`);
    expect(plan.stdout).not.toContain('is replaced');
    expect(plan.stderr).toContain('sync-entity-held-elsewhere');
    expect(writes()).toEqual([]);

    proxy.log.length = 0;
    const run = await sync();
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toContain('verified: Backstage matches the repo, except the 1 refused entity');
    expect(run.stderr).toMatch(new RegExp(`14:9\\s+error\\s+component:default/held-billing is already in Backstage from the location url:${otherTarget.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, which this repo does not own`));
    // The exact writes: this repo's root registered, its reader refreshed; no DELETE of anything.
    const made = writes();
    expect(made.filter(w => w.startsWith('DELETE'))).toEqual([]);
    expect(made[0]).toBe('POST /api/catalog/locations?onConflict=refresh');
    expect(made.slice(1).every(w => w === 'POST /api/catalog/refresh')).toBe(true);
    // The other team keeps its location and its entity; the rest of this repo landed.
    expect(await locationTargets()).toContain(otherTarget);
    expect((await live('component:default/held-billing'))?.metadata.annotations['backstage.io/managed-by-origin-location']).toBe(`url:${otherTarget}`);
    expect((await live('component:default/held-ok'))?.metadata.annotations['backstage.io/managed-by-origin-location']).toBe(ownOrigin);

    // Already synced entities are this repo's own: only the held one is still a finding.
    const again = await bin('check', '--catalog-url', proxy.url, '--token-env', 'BACKSTAGE_TOKEN');
    expect(again.stdout.split('\n').filter(l => l.includes('entity-held-elsewhere'))).toHaveLength(1);
  }, 120_000);

  // Runs on what the first test synced (the root, the group and held-ok are in Backstage).
  it('adopts only from a location listed for adoption (--adopt-from, catalog.adoptFrom): that location and its copy are the only things deleted', async () => {
    await writeTree(root, tree(['held-ok', 'held-billing', 'held-adopt-me']));
    proxy.log.length = 0;
    const unlisted = await sync('--dry-run');
    expect(unlisted.status).toBe(1);
    expect(unlisted.stdout).toContain('0 to add · 0 to update · 0 to remove · 3 unchanged · 2 refused');
    expect(unlisted.stdout).toContain(`<code>component:default/held-adopt-me</code> (catalog/services.yaml) refused: Backstage holds it from <code>url:${unlinked(adoptTarget)}</code>`);

    const flagged = await sync('--dry-run', '--adopt-from', `url:${adoptTarget}`);
    expect(flagged.stdout).toContain('1 to add (1 adopted from 1 location(s) it replaces) · 0 to update · 0 to remove · 3 unchanged · 1 refused');
    expect(flagged.stdout).toContain(`🔁 location <code>url:${unlinked(adoptTarget)}</code> is replaced: its 1 entity moves to this repo`);
    expect(writes()).toEqual([]);

    // The reviewed list in gitops.config.yaml: check no longer reports the listed location's entity.
    await writeTree(root, tree(['held-ok', 'held-billing', 'held-adopt-me'], [`url:${adoptTarget}`]));
    const check = await bin('check', '--catalog-url', proxy.url, '--token-env', 'BACKSTAGE_TOKEN');
    const findings = check.stdout.split('\n').filter(l => l.includes('entity-held-elsewhere'));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toContain('held-billing');

    const adoptId = ((await (await fetch(`${baseUrl}/api/catalog/locations`, { headers })).json()) as { data: { id: string; target: string } }[]).find(l => l.data.target === adoptTarget)!.data.id;
    const adoptUid = (await live('component:default/held-adopt-me') as { metadata: { uid: string } } | null)!.metadata.uid;
    proxy.log.length = 0;
    const run = await sync();
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toContain('hand-over: 1 location(s) unregistered, 1 entities released');
    expect(writes().filter(w => w.startsWith('DELETE'))).toEqual([`DELETE /api/catalog/locations/${adoptId}`, `DELETE /api/catalog/entities/by-uid/${adoptUid}`]);
    expect((await live('component:default/held-adopt-me'))?.metadata.annotations['backstage.io/managed-by-origin-location']).toBe(ownOrigin);
    expect(await locationTargets()).not.toContain(adoptTarget);
    expect(await locationTargets()).toContain(otherTarget);
    expect((await live('component:default/held-billing'))?.metadata.annotations['backstage.io/managed-by-origin-location']).toBe(`url:${otherTarget}`);
  }, 150_000);

  it('check --catalog-url: a holding location from the server reaches the log without credentials, cut short and inert', async () => {
    await writeTree(root, tree(['held-ok']));
    const hostile = `url:https://user:s3cret@evil.example/x\n::error::forged\n##vso[task.complete result=Succeeded]${'a'.repeat(400)}`;
    const server = await startRecordingServer(request => {
      if (request.method !== 'POST' || request.path !== '/api/catalog/entities/by-refs') return undefined;
      const refs = (request.body as { entityRefs: string[] }).entityRefs;
      return { status: 200, body: { items: refs.map(ref => (ref === 'component:default/held-ok' ? { kind: 'Component', metadata: { name: 'held-ok', annotations: { 'backstage.io/managed-by-origin-location': hostile } } } : null)) } };
    });
    try {
      const check = await runBin(['check', '--catalog-url', server.url, '--token-env', 'BACKSTAGE_TOKEN'], root, { BACKSTAGE_TOKEN: 't0ken', NO_COLOR: '1' });
      expect(check.status, check.stderr).toBe(1);
      const finding = check.stdout.split('\n').filter(l => l.includes('held-ok is already in the live catalog'));
      expect(finding).toHaveLength(1);
      expect(finding[0]).toContain('url:https://***@evil.example/x\\n:');
      expect(finding[0]).not.toContain('s3cret');
      expect(finding[0]).toContain('…, which this repo does not own');
      expect(check.stdout).not.toMatch(/^\s*::error::/m);
      expect(check.stdout).not.toContain('##vso[');
      // One read: every reference resolves inside the repo, so only the repo's own entities are looked up.
      expect(server.requests.map(r => `${r.method} ${r.path}`)).toEqual(['POST /api/catalog/entities/by-refs']);
      expect(server.requests[0].body).toEqual({ entityRefs: ['location:default/held-root', 'group:default/team-held', 'component:default/held-ok'], fields: ['kind', 'metadata.namespace', 'metadata.name', 'metadata.annotations', 'spec.owner'] });
    } finally {
      await server.close();
    }
  });

  it('report --catalog-url: the pull request that adds an entity another location holds fails with the finding, naming that location', async () => {
    const checkout = await mkdtemp(join(tmpdir(), 'held-report-'));
    try {
      await writeTree(checkout, tree(['held-ok']));
      git(checkout, 'init', '-q', '-b', 'main');
      git(checkout, 'add', '-A');
      git(checkout, 'commit', '-qm', 'base');
      await writeFile(join(checkout, 'catalog/services.yaml'), tree(['held-ok', 'held-billing'])['catalog/services.yaml']);
      git(checkout, 'add', '-A');
      git(checkout, 'commit', '-qm', 'adds billing');
      const report = await runBin(['report', '--base', 'HEAD~1', '--format', 'json', '--catalog-url', proxy.url, '--token-env', 'BACKSTAGE_TOKEN'], checkout, env);
      const json = JSON.parse(report.stdout) as { exitCode: number; markdown: string; diagnostics: { ruleId: string; file: string; range: { start: { line: number } }; message: string }[] };
      expect(report.status, report.stderr).toBe(1);
      expect(json.exitCode).toBe(1);
      const held = json.diagnostics.filter(d => d.ruleId === 'entity-held-elsewhere');
      expect(held).toHaveLength(1);
      expect(held[0]).toMatchObject({ file: 'catalog/services.yaml', range: { start: { line: 14 } } });
      expect(held[0].message).toContain(`from the location url:${otherTarget}, which this repo does not own`);
      expect(json.markdown).toContain('<code>entity-held-elsewhere</code>');
      // Without --catalog-url the report cannot know: the offline gate passes.
      const offline = await runBin(['report', '--base', 'HEAD~1', '--format', 'json'], checkout, env);
      expect((JSON.parse(offline.stdout) as { diagnostics: { ruleId: string }[] }).diagnostics.filter(d => d.ruleId === 'entity-held-elsewhere')).toEqual([]);
    } finally {
      await rm(checkout, { recursive: true, force: true });
    }
  }, 120_000);
});
