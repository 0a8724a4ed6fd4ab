import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { startRecordingServer } from '../helpers/recordingServer.ts';
import { runAction } from '../helpers/runAction.ts';
import { runBin } from '../helpers/runBin.ts';

// left5: Backstage reads the root Location at the branch, not at a run's commit. A re-run of an earlier merge's
// sync job (or one a newer merge overtook) whose commit adds or changes entities waited all of --wait for
// entities Backstage never reads as that commit has them, then said "run sync again". The sync action now reads
// the branch's head from GitHub's "Get a reference" API and sync skips a commit that is no longer it.

const NEWER = 'a'.repeat(40);

describe('sync skips a run whose commit is no longer the branch head', () => {
  it('the sync action (bundled dist): GitHub says main moved on, so nothing is asked of Backstage, exit 0', async () => {
    const repo = await dataRepoCopy();
    const requests: string[] = [];
    const server = await startRecordingServer(request => {
      requests.push(`${request.method} ${request.path}${request.path.startsWith('/github/') ? ` ${request.headers.authorization}` : ''}`);
      // GitHub's "Get a reference" (GET /repos/{owner}/{repo}/git/ref/{ref}); Octokit sends the ref's slash encoded, which GitHub reads as written.
      if (request.method === 'GET' && decodeURIComponent(request.path) === '/github/repos/acme/control/git/ref/heads/main') return { status: 200, body: { ref: 'refs/heads/main', object: { sha: NEWER, type: 'commit' } } };
      return undefined;
    });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'gh-'));
      writeFileSync(join(dir, 'summary.md'), '');
      const run = await runAction('sync', {
        cwd: dir,
        with: { 'backstage-url': `${server.url}/backstage`, token: 'catalog-token', 'working-directory': repo, 'wait-seconds': '5' },
        github: { token: 'ghs_fake_token' },
        env: { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/heads/main', GITHUB_REPOSITORY: 'acme/control', GITHUB_API_URL: `${server.url}/github`, GITHUB_STEP_SUMMARY: join(dir, 'summary.md') },
      });
      expect(requests).toEqual(['GET /github/repos/acme/control/git/ref/heads%2Fmain token ghs_fake_token']);
      const head = git(repo, 'rev-parse', 'HEAD').trim();
      expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain(`Not synced: this run's commit ${head.slice(0, 12)} is no longer the head of the branch Backstage reads (now ${NEWER.slice(0, 12)})`);
      expect(run.status).toBe(0);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('sync --main-head (shipped bin): another commit skips with the reason, exit 0; a malformed one is one line, exit 2', async () => {
    const repo = await dataRepoCopy();
    const skipped = await runBin(['sync', '--url', 'http://127.0.0.1:9', '--main-head', NEWER, '--format', 'json'], repo, { BACKSTAGE_TOKEN: 't' });
    expect(skipped.status).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ synced: false });
    const bad = await runBin(['sync', '--url', 'http://127.0.0.1:9', '--main-head', 'main'], repo, { BACKSTAGE_TOKEN: 't' });
    expect(bad.stderr).toMatch(/--main-head takes a full commit id/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(bad.status).toBe(2);
  }, 60_000);
});
