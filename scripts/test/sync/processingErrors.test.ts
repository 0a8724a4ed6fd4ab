import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { startFaultProxy } from '../backstage/faultProxy.ts';
import { runBin } from '../helpers/runBin.ts';

// An entity the gate passes but Backstage cannot process (a $text placeholder on a host the backend may
// not read: the gate cannot read it offline either). A new one never gets stored: its error lives only in
// the unprocessed-entities module's /entities/unprocessed/pending, whose rows carry entity_ref null (the
// module's join lets final_entities' null column win). Sync must still name the entity and Backstage's
// reason, not say it merely "did not reach Backstage".
const { token, baseUrl, fixturesUrl, fixturesDir } = inject('backstage');
const repo = 'processing-errors-repo';
const root = join(fixturesDir, repo);

const api = (name: string, definition: string) => `apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: ${name}\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-perr\n  definition:\n    $text: ${definition}\n`;
const tree: Record<string, string> = {
  'gitops.config.yaml': `repoUrl: ${fixturesUrl}/${repo}/\ncatalog:\n  roots: [catalog/all.yaml]\n  include: ['catalog/**/*.yaml']\n`,
  'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: perr-root\nspec:\n  targets: [./org.yaml, ./apis.yaml]\n',
  'catalog/org.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-perr\nspec:\n  type: team\n  children: []\n',
  'catalog/apis.yaml': `${api('perr-readable', './spec.yaml')}---\n${api('perr-unreadable', 'https://not-allowed.example.com/spec.yaml')}`,
  'catalog/spec.yaml': 'openapi: 3.0.3\ninfo: {title: P, version: 1.0.0}\npaths: {}\n',
};

describe('sync surfaces why Backstage refused a new entity', () => {
  it('names the new entity and Backstage\'s processing error (sync-processing-error), exit 1', async () => {
    await rm(root, { recursive: true, force: true });
    for (const [path, text] of Object.entries(tree)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    const result = await runBin(['sync', '--url', baseUrl, '--wait', '15', '--poll-ms', '300'], root, { BACKSTAGE_TOKEN: token, NO_COLOR: '1' });
    expect(result.status).toBe(1);
    const finding = result.stderr.split('\n').find(line => line.includes('perr-unreadable'));
    expect(finding).toContain('sync-processing-error');
    expect(finding).toContain('Backstage could not process api:default/perr-unreadable');
    expect(finding).toContain("Reading from 'https://not-allowed.example.com/spec.yaml' is not allowed");
    expect(result.stderr).not.toContain('sync-not-landed');
    // The readable one landed; only the refused one is reported.
    expect(result.stderr).not.toMatch(/perr-readable.*sync-/);
  }, 90_000);
  it('stops as soon as Backstage refuses every entity still waiting, not at the end of --wait', async () => {
    // Its own folder and names: the first case's entities are already in Backstage.
    const early = join(fixturesDir, 'processing-errors-early');
    await rm(early, { recursive: true, force: true });
    const files: Record<string, string> = {
      'gitops.config.yaml': tree['gitops.config.yaml'].replace(repo, 'processing-errors-early'),
      'catalog/all.yaml': tree['catalog/all.yaml'].replace('perr-root', 'perr-early-root').replace(', ./apis.yaml', ', ./apis.yaml'),
      'catalog/org.yaml': tree['catalog/org.yaml'].replace('team-perr', 'team-perr-early'),
      'catalog/apis.yaml': api('perr-early', 'https://not-allowed.example.com/spec.yaml').replace('team-perr', 'team-perr-early'),
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(early, path)), { recursive: true });
      await writeFile(join(early, path), text);
    }
    const started = Date.now();
    const result = await runBin(['sync', '--url', baseUrl, '--wait', '120', '--poll-ms', '300', '--format', 'json'], early, { BACKSTAGE_TOKEN: token, NO_COLOR: '1' });
    const seconds = (Date.now() - started) / 1000;
    expect(result.status, result.stderr).toBe(1);
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; message: string }[] }).diagnostics;
    expect(found.map(d => [d.ruleId, d.message.slice(0, 60)])).toEqual([['sync-processing-error', 'Backstage could not process api:default/perr-early: Processo']]);
    expect(found[0].message).toContain("Reading from 'https://not-allowed.example.com/spec.yaml' is not allowed");
    // Waiting the whole 120 s would change nothing: asked after a few seconds of processing, stopped then.
    expect(seconds).toBeLessThan(40);
  }, 180_000);

  it('bounds what Backstage quotes back: a 6,000-character URL gives one finding of at most 2,000 characters, in text and JSON', async () => {
    const long = join(fixturesDir, 'processing-errors-long');
    await rm(long, { recursive: true, force: true });
    const url = `https://not-allowed.example.com/${'spec/'.repeat(1200)}spec.yaml`;
    const { 'catalog/spec.yaml': _unread, ...rest } = tree;
    const files: Record<string, string> = {
      ...rest,
      'gitops.config.yaml': tree['gitops.config.yaml'].replace(repo, 'processing-errors-long'),
      'catalog/all.yaml': tree['catalog/all.yaml'].replace('perr-root', 'perr-long-root'),
      'catalog/org.yaml': tree['catalog/org.yaml'].replace('team-perr', 'team-perr-long'),
      'catalog/apis.yaml': api('perr-long-url', url).replace('team-perr', 'team-perr-long'),
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(long, path)), { recursive: true });
      await writeFile(join(long, path), text);
    }
    const result = await runBin(['sync', '--url', baseUrl, '--wait', '15', '--poll-ms', '300', '--format', 'json'], long, { BACKSTAGE_TOKEN: token, NO_COLOR: '1' });
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout, result.stderr).not.toBe('');
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; message: string }[] }).diagnostics;
    expect(found.map(d => d.ruleId)).toEqual(['sync-processing-error']);
    expect(found[0].message).toContain('Backstage could not process api:default/perr-long-url');
    expect(found[0].message.length).toBeLessThanOrEqual(2000);
    expect(found[0].message.endsWith('…')).toBe(true);
    const line = result.stderr.split('\n').find(l => l.includes('sync-processing-error'))!;
    expect(line.length).toBeLessThan(2200);
  }, 90_000);

  it('waits for Backstage to process the fix when the stored entity still shows its old error (a refresh lost), exit 0', async () => {
    // A stored entity keeps the errors of its last processing until Backstage processes it again. Between two
    // pull requests the file served a broken version; this sync fixes it, and Backstage loses the first
    // refresh. The old error is not Backstage's verdict on the fix: sync waits, nudges, and verifies.
    const dir = join(fixturesDir, 'processing-errors-stale');
    await rm(dir, { recursive: true, force: true });
    const good = api('perr-stale', './spec.yaml').replace('team-perr', 'team-perr-stale');
    const files: Record<string, string> = {
      'gitops.config.yaml': tree['gitops.config.yaml'].replace(repo, 'processing-errors-stale'),
      'catalog/all.yaml': tree['catalog/all.yaml'].replace('perr-root', 'perr-stale-root'),
      'catalog/org.yaml': tree['catalog/org.yaml'].replace('team-perr', 'team-perr-stale'),
      'catalog/apis.yaml': good,
      'catalog/spec.yaml': tree['catalog/spec.yaml'],
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const env = { BACKSTAGE_TOKEN: token, NO_COLOR: '1' };
    const landed = await runBin(['sync', '--url', baseUrl, '--wait', '60', '--poll-ms', '300'], dir, env);
    expect(landed.status, landed.stderr).toBe(0);

    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    await writeFile(join(dir, 'catalog/apis.yaml'), good.replace('./spec.yaml', 'https://not-allowed.example.com/spec.yaml'));
    const errorsOf = async () => ((await (await fetch(`${baseUrl}/api/catalog/entities/by-name/api/default/perr-stale`, { headers })).json()) as { status?: { items?: { level: string }[] } }).status?.items?.filter(i => i.level === 'error') ?? [];
    for (let tries = 0; (await errorsOf()).length === 0; tries++) {
      expect(tries, 'Backstage never stored the broken version\'s error').toBeLessThan(60);
      if (tries % 10 === 0) await fetch(`${baseUrl}/api/catalog/refresh`, { method: 'POST', headers, body: JSON.stringify({ entityRef: 'api:default/perr-stale' }) });
      await new Promise(r => setTimeout(r, 500));
    }

    await writeFile(join(dir, 'catalog/apis.yaml'), good.replace('  name: perr-stale\n', '  name: perr-stale\n  description: fixed\n'));
    const proxy = await startFaultProxy(baseUrl);
    try {
      const lostUntil = Date.now() + 10_000;
      proxy.setFaults((_, req) => (req.method === 'POST' && req.url?.includes('/refresh') && Date.now() < lostUntil ? 'lose' : 'pass'));
      const fixed = await runBin(['sync', '--url', proxy.url, '--wait', '60', '--poll-ms', '300'], dir, env);
      expect(proxy.log.some(l => l.fault === 'lose'), 'the first refresh was not lost').toBe(true);
      expect(fixed.stderr).not.toContain('sync-processing-error');
      expect(fixed.status, fixed.stderr).toBe(0);
      expect(fixed.stderr).toContain('verified: Backstage matches the repo');
      expect(await errorsOf()).toEqual([]);
    } finally {
      await proxy.close();
    }
  }, 180_000);
});
