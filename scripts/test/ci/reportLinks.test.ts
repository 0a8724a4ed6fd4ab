import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { fakeAzureDevOps } from '../helpers/fakeAzureDevOps.ts';
import { fakeGitHub } from '../helpers/fakeGitHub.ts';
import { startRecordingServer } from '../helpers/recordingServer.ts';
import { runNode } from '../helpers/runNode.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { runBin } from '../pr/runReport.ts';
import { makeBadPullRequest, PAYMENTS } from '../pr/prChange.ts';

// report6: a finding's `file:line` was plain code in the sticky comment and the PR thread: a reviewer
// searched the file by hand. Each now links to the pull request's own view of the file, built by the
// adapter from the platform's predefined variables only.

const HEAD = 'c0ffee'.padEnd(40, '0');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

async function actionComment(repo: string, base: string, env: Record<string, string>, head: string = HEAD): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gh-'));
  const event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 7, base: { sha: base }, head: { sha: head } } }));
  for (const f of ['summary.md', 'output.txt']) writeFileSync(join(dir, f), '');
  const github = fakeGitHub([]);
  const server = await startRecordingServer(github.handler);
  try {
    const run = await runNode(join(REPO_ROOT, 'actions/check/dist/index.mjs'), repo, {
      GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: 'acme/control', GITHUB_API_URL: server.url, RUNNER_TEMP: dir,
      GITHUB_SERVER_URL: 'https://github.com', GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'output.txt'), GITHUB_WORKSPACE: repo, 'INPUT_GITHUB-TOKEN': 'ghs_fake', 'INPUT_WORKING-DIRECTORY': repo,
      ...env,
    });
    expect(run.status).toBe(1);
    expect(github.comments).toHaveLength(1);
    return github.comments[0].body;
  } finally {
    await server.close();
  }
}

describe('report: each file:line links to the pull request\'s view of the file', () => {
  it('GitHub (check action bundle): the blob at the head commit with a #L anchor; none from a server URL of another shape', async () => {
    const repo = await dataRepoCopy();
    const base = makeBadPullRequest(repo);
    const body = await actionComment(repo, base, {});
    // The owner typo's row: the location is a link to the line, at the head commit (not the merge commit).
    const link = new RegExp(`\\[<code>${escape(PAYMENTS)}:(\\d+):\\d+</code>\\]\\(https://github\\.com/acme/control/blob/${HEAD}/${escape(PAYMENTS)}#L(\\d+)\\)`);
    const found = link.exec(body.split('\n').find(l => l.includes('ref-unresolved') && l.includes('payments\\-teem'))!);
    expect(found).not.toBeNull();
    expect(found![1]).toBe(found![2]);
    // Entity changes link their files too.
    expect(body).toContain(`(https://github.com/acme/control/blob/${HEAD}/${PAYMENTS})`);
    // Variables not of their documented shape give no link at all, never a broken or planted one.
    const odd = await actionComment(repo, base, { GITHUB_SERVER_URL: 'https://github.com/x)[y](https://evil.example' }, 'not-a-sha');
    expect(odd).not.toContain('](http');
    expect(odd).toContain(`<code>${PAYMENTS}:`);
  }, 240_000);

  it('Azure Repos (PR task): the changed file in the pull request\'s Files view, the repository name encoded', async () => {
    const repo = await dataRepoCopy();
    const base = makeBadPullRequest(repo);
    const ado = fakeAzureDevOps();
    const server = await startRecordingServer(ado.handler);
    try {
      const staging = mkdtempSync(join(tmpdir(), 'ado-'));
      const run = await runNode(join(REPO_ROOT, 'scripts/bin/azure-pr-report.js'), repo, {
        TF_BUILD: 'True', BUILD_REASON: 'PullRequest', SYSTEM_COLLECTIONURI: `${server.url}/org/`, SYSTEM_TEAMPROJECT: 'Platform', BUILD_REPOSITORY_ID: 'repo-1', BUILD_REPOSITORY_NAME: 'control_repo one',
        SYSTEM_PULLREQUEST_PULLREQUESTID: '42', GITOPS_BASE_REF: base, SYSTEM_ACCESSTOKEN: 'fake-ado-token', BUILD_SOURCESDIRECTORY: repo, BUILD_ARTIFACTSTAGINGDIRECTORY: staging, AGENT_TEMPDIRECTORY: staging,
      });
      expect(run.status).toBe(1);
      const content = ado.threads[0].comments[0].content;
      const row = content.split('\n').find(l => l.includes('ref-unresolved') && l.includes('payments\\-teem'))!;
      expect(row).toMatch(new RegExp(`\\[<code>${escape(PAYMENTS)}:\\d+:\\d+</code>\\]\\(${escape(server.url)}/org/Platform/_git/control_repo%20one/pullrequest/42\\?_a=files&path=%2Fcatalog%2Fsystems%2Fpayments-core%2Fentities\\.yaml\\)`));
    } finally {
      await server.close();
    }
  }, 240_000);

  it('the bin refuses a link base that could end the Markdown link, in one line, exit 2', async () => {
    const repo = await dataRepoCopy();
    const run = await runBin(repo, 'HEAD', ['--link-github', 'https://github.com/acme/control/blob/x)[y](z']);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('--link-github takes an http(s) URL');
    // A repository named with an underscore is a link base like any other: the gate runs (exit 0 on a clean head).
    const ok = await runBin(repo, 'HEAD', ['--link-github', `https://github.com/acme/control_repo/blob/${HEAD}`]);
    expect(ok.status).toBe(0);
  }, 120_000);
});
