import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectionProblem } from '../../src/cli/backstageUrl.ts';
import { RequestFailed } from '../../src/sync/retry.ts';
import { startFaultProxy, type FaultProxy } from '../backstage/faultProxy.ts';
import { runBin } from '../helpers/runBin.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

// A Backstage that stops answering mid-sync: every call is retried (6 attempts; a hang costs 30 s each),
// so the log must show the retries as they happen, and the one-line error must say which call got no
// answer and that it was retried, as a sentence followed by what to do.
const { token, baseUrl, fixturesUrl, fixturesDir } = inject('backstage');
const repo = 'unanswered-repo';
const root = join(fixturesDir, repo);
const tree: Record<string, string> = {
  'gitops.config.yaml': `repoUrl: ${fixturesUrl}/${repo}/\ncatalog:\n  roots: [catalog/all.yaml]\n  include: ['catalog/**/*.yaml']\n`,
  'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: unanswered-root\nspec:\n  targets: [./org.yaml]\n',
  'catalog/org.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-unanswered\nspec:\n  type: team\n  children: []\n',
};

describe('sync against a Backstage that stops answering', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(baseUrl);
    await rm(root, { recursive: true, force: true });
    for (const [path, text] of Object.entries(tree)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
  });
  afterAll(() => proxy.close());

  it('logs each retry and ends with one line naming the call that got no answer, exit 2', async () => {
    proxy.setFaults((_i, req) => ((req.url ?? '').includes('/refresh') ? 'drop-before' : 'pass'));
    const result = await runBin(['sync', '--url', proxy.url, '--wait', '30', '--poll-ms', '300'], root, { BACKSTAGE_TOKEN: token, NO_COLOR: '1' });
    expect(result.status, result.stderr).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines.filter(l => /^sync: POST \/api\/catalog\/refresh: \S+; attempt \d of 6 in \d+\.\d s$/.test(l))).toHaveLength(5);
    expect(lines.at(-1)).toMatch(/^backstage-gitops sync: cannot reach http:\/\/127\.0\.0\.1:\d+: \S+ on POST \/api\/catalog\/refresh \(6 attempts\)\. Run sync again: every step is idempotent and it resumes where it stopped\.$/);

    proxy.setFaults(() => 'pass');
    const again = await runBin(['sync', '--url', proxy.url, '--wait', '60', '--poll-ms', '300'], root, { BACKSTAGE_TOKEN: token, NO_COLOR: '1' });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain('verified: Backstage matches the repo');
  }, 120_000);

  it('a Tech Insights that fails after the catalog is verified is a tool error naming the call, not an internal error', async () => {
    await cp(join(REPO_ROOT, 'scorecards'), join(root, 'scorecards'), { recursive: true });
    for (const dir of ['exemptions', 'initiatives']) await rm(join(root, 'scorecards', dir), { recursive: true });
    for (const file of await readdir(join(root, 'scorecards/checks'))) if (file !== 'has-description.yaml') await rm(join(root, 'scorecards/checks', file));
    for (const file of ['catalogQualityFactRetriever.yaml', 'dependencyScanFactRetriever.yaml']) await rm(join(root, 'scorecards/facts', file));
    proxy.setFaults((_i, req) => ((req.url ?? '').startsWith('/api/tech-insights') ? '500' : 'pass'));
    const result = await runBin(['sync', '--url', proxy.url, '--wait', '60', '--poll-ms', '300'], root, { BACKSTAGE_TOKEN: token, NO_COLOR: '1' });
    await rm(join(root, 'scorecards'), { recursive: true });
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).not.toContain('internal error');
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^backstage-gitops sync: http:\/\/127\.0\.0\.1:\d+ answered 500 to GET \/api\/tech-insights\/checks: .*\. Run sync again/);
  }, 120_000);

  it('a call that timed out on every attempt is named with the time it was given', () => {
    const timedOut = new RequestFailed('POST', '/api/catalog/entities/by-refs', 6, 30_000, Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }));
    expect(connectionProblem(timedOut, 'https://backstage.acme.example/')).toEqual({ message: 'https://backstage.acme.example did not answer POST /api/catalog/entities/by-refs within 30 s (6 attempts).', transient: true });
  });
});
