import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../helpers/runAction.ts';
import { git } from '../helpers/gitRepo.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// red team (on-merge adapters): the check action cuts its job summary to GitHub's 1 MiB, but the sync and
// publish-techdocs actions wrote the CLI's whole stdout there. A merged file whose path is 18 folders of
// 200 `|` (legal, and the gate judges it clean) made each ➕ line of the sync plan 22 kB once escaped
// (`|` is `&#124;`): 250 entities made a 4.3 MB plan, and GitHub drops a step's whole summary past 1 MiB,
// so the one record of what sync did to the managed Backstage was gone.

const MIB = 1024 * 1024;
const SEGMENT = '|'.repeat(200);
const DIR = `catalog/${Array.from({ length: 18 }, () => SEGMENT).join('/')}`;
const component = (i: number) => `---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc-${i}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;

const ORIGIN = 'url:https://example.test/repo/blob/main/catalog/all.yaml';
const GONE = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'gone', namespace: 'default', annotations: { 'backstage.io/managed-by-location': ORIGIN, 'backstage.io/managed-by-origin-location': ORIGIN } }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } };

/** A Backstage that holds one entity the repo removed: every entity of the repo is one to add. */
function emptyBackstage(): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', d => (body += d));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/api/catalog/entities/by-query')) {
        // One entity of the repo's root that the repo no longer defines: the plan removes it.
        const ours = new URL(req.url, 'http://x').searchParams.get('filter')?.endsWith(`=${ORIGIN}`);
        return void res.end(JSON.stringify({ items: ours ? [GONE] : [], pageInfo: {} }));
      }
      if (req.url?.startsWith('/api/catalog/locations')) return void res.end('[]');
      if (req.url?.startsWith('/api/catalog/entities/by-refs')) return void res.end(JSON.stringify({ items: (JSON.parse(body).entityRefs as string[]).map(() => null) }));
      res.statusCode = 404;
      res.end('{}');
    });
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('the sync action\'s job summary fits GitHub\'s 1 MiB, whatever the merged paths', () => {
  let server: Server;
  let repo: string;
  beforeAll(async () => {
    server = await emptyBackstage();
    repo = await tempRepo({
      'gitops.config.yaml': 'repoUrl: https://example.test/repo/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
      'catalog/all.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: ["./${DIR.slice('catalog/'.length)}/e.yaml"]\n`,
      [`${DIR}/e.yaml`]: `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n${Array.from({ length: 250 }, (_, i) => component(i)).join('')}`,
    });
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-qm', 'long paths');
  }, 60_000);
  afterAll(() => server?.close());

  it('cuts the plan at a line, keeps its counts and removals on top and says where the rest is', async () => {
    const summary = join(mkdtempSync(join(tmpdir(), 'summary-')), 'summary.md');
    writeFileSync(summary, '');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const run = await runAction('sync', { cwd: repo, env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary }, with: { 'backstage-url': url, token: 'token-0123456789', 'dry-run': 'true' } });
    // Asserted as booleans: a failure would otherwise print megabytes of `&#124;`.
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    // The whole plan (as the CLI lists it) is still in the log.
    expect(run.stdout.includes('…and 52 more')).toBe(true);
    const written = readFileSync(summary);
    expect(written.length).toBeGreaterThan(500_000);
    expect(written.length).toBeLessThanOrEqual(MIB);
    const text = written.toString('utf8');
    expect(text.startsWith('### Backstage sync plan\n\n252 to add · 0 to update · 1 to remove · 0 unchanged\n')).toBe(true);
    // What sync deletes is listed before what it adds: a cut summary still shows every removal.
    expect(text.includes('- ➖ <code>component:default/gone</code>')).toBe(true);
    expect(text.includes('_…truncated: the rest of this plan does not fit in a GitHub job summary (1 MiB); the job log has all of it._')).toBe(true);
  }, 120_000);
});
