import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPORT_MARKER } from '../../src/pr/renderPrReport.ts';
import { fakeAzureDevOps, BUILD_SERVICE_ID, type FakeThread } from '../helpers/fakeAzureDevOps.ts';
import { fakeGitHub, type FakeComment } from '../helpers/fakeGitHub.ts';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { startRecordingServer } from '../helpers/recordingServer.ts';
import { runNode } from '../helpers/runNode.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { isOwnReport } from '../../../actions/check/src/stickyComment.ts';
import { isOwnThread } from '../../../pipelines/tasks/prReport.ts';

// Other people's comments that carry the report's marker: another app quoting it at the very start,
// a person pasting it, a person quoting it. None of them may be edited or deleted.
const OTHERS: FakeComment[] = [
  { id: 1, body: `${REPORT_MARKER}\nI am another bot quoting the marker`, user: { login: 'other-app[bot]', type: 'Bot' } },
  { id: 2, body: `${REPORT_MARKER}\npasted by a person`, user: { login: 'mallory', type: 'User' } },
  { id: 3, body: `> ${REPORT_MARKER}\n> quoted`, user: { login: 'alice', type: 'User' } },
  { id: 4, body: `quoting in the middle ${REPORT_MARKER}`, user: { login: 'github-actions[bot]', type: 'Bot' } },
];

describe('which comment is ours (pure rules)', () => {
  const report = `${REPORT_MARKER}\nreport`;
  it.each([
    ['the workflow token\'s own comment', report, 'github-actions[bot]', 'Bot', 'github-actions[bot]', 'Bot', true],
    ['GraphQL spelling of the same bot', report, 'github-actions[bot]', 'Bot', 'github-actions', 'Bot', true],
    ['another app quoting the marker first', report, 'other-app[bot]', 'Bot', 'github-actions[bot]', 'Bot', false],
    ['a user whose login looks like the bot', report, 'github-actions', 'User', 'github-actions[bot]', 'Bot', false],
    ['a user named like the app, app token whose viewer drops [bot]', report, 'acme-gate', 'User', 'acme-gate', 'Bot', false],
    ['the app\'s bot, viewer without [bot]', report, 'acme-gate[bot]', 'Bot', 'acme-gate', 'Bot', true],
    ['a bot named like a PAT user', report, 'platform-bot[bot]', 'Bot', 'platform-bot', 'User', false],
    ['our bot, marker only quoted', `> ${REPORT_MARKER}`, 'github-actions[bot]', 'Bot', 'github-actions[bot]', 'Bot', false],
    ['a PAT user\'s own comment', report, 'Platform-Bot', 'User', 'platform-bot', 'User', true],
  ] as const)('%s', (_, body, login, type, viewer, viewerType, expected) => {
    expect(isOwnReport({ body, user: { login, type } }, { login: viewer, type: viewerType })).toBe(expected);
  });

  it.each([
    ['the build service\'s thread', REPORT_MARKER, BUILD_SERVICE_ID, true],
    ['the same GUID in upper case', REPORT_MARKER, BUILD_SERVICE_ID.toUpperCase(), true],
    ['another identity quoting the marker', REPORT_MARKER, 'aaaaaaaa-0000-0000-0000-000000000001', false],
    ['our identity, marker not first', `x ${REPORT_MARKER}`, BUILD_SERVICE_ID, false],
  ])('Azure: %s', (_, content, author, expected) => {
    expect(isOwnThread({ comments: [{ content, author: { id: author } }] }, BUILD_SERVICE_ID)).toBe(expected);
  });
});

async function runCheckAction(repo: string, api: string, pullRequest: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gh-'));
  const event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 7, base: { sha: 'HEAD' }, head: { sha: 'head' }, ...pullRequest }, repository: { name: 'control', owner: { login: 'acme' } } }));
  for (const f of ['summary.md', 'output.txt']) writeFileSync(join(dir, f), '');
  return runNode(join(REPO_ROOT, 'actions/check/dist/index.mjs'), repo, {
    GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: 'acme/control',
    GITHUB_API_URL: api, GITHUB_SERVER_URL: 'https://github.com', GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'output.txt'), RUNNER_TEMP: dir,
    GITHUB_WORKSPACE: repo, 'INPUT_GITHUB-TOKEN': 'ghs_fake_token', INPUT_COMMENT: 'true', 'INPUT_WORKING-DIRECTORY': repo,
  });
}

describe('the sticky report comment is only ever our own (committed action bundle, recording GitHub API)', () => {
  let repo: string;
  beforeAll(async () => {
    repo = await dataRepoCopy();
  }, 60_000);

  it('others quoting the marker are left untouched; our comment is updated and our duplicate deleted', async () => {
    const ours: FakeComment[] = [
      { id: 10, body: `${REPORT_MARKER}\nold report`, user: { login: 'github-actions[bot]', type: 'Bot' } },
      { id: 11, body: `${REPORT_MARKER}\nduplicate from a racing run`, user: { login: 'github-actions[bot]', type: 'Bot' } },
    ];
    const github = fakeGitHub([...OTHERS, ...ours]);
    const server = await startRecordingServer(github.handler);
    try {
      const run = await runCheckAction(repo, server.url);
      expect(run.status).toBe(0);
      const writes = server.requests.filter(r => ['PATCH', 'DELETE'].includes(r.method));
      expect(writes.map(r => `${r.method} ${r.path}`)).toEqual(['PATCH /repos/acme/control/issues/comments/10', 'DELETE /repos/acme/control/issues/comments/11']);
      for (const other of OTHERS) expect(github.comments.find(c => c.id === other.id)?.body).toBe(other.body);
      expect(github.comments.find(c => c.id === 10)!.body).toContain('## ✅ Backstage catalog: ready to merge');
    } finally {
      await server.close();
    }
  }, 120_000);

  it('with only others quoting the marker, a new comment is created and none is touched', async () => {
    const github = fakeGitHub(OTHERS);
    const server = await startRecordingServer(github.handler);
    try {
      await runCheckAction(repo, server.url);
      expect(server.requests.filter(r => ['PATCH', 'DELETE'].includes(r.method))).toEqual([]);
      expect(server.requests.filter(r => r.method === 'POST' && r.path !== '/graphql').map(r => r.path)).toEqual(['/repos/acme/control/issues/7/comments']);
      for (const other of OTHERS) expect(github.comments.find(c => c.id === other.id)?.body).toBe(other.body);
    } finally {
      await server.close();
    }
  }, 120_000);
  // GitHub gives a pull_request run for a fork's pull request a read-only token ("Resource not accessible by integration").
  const readOnly = (github: ReturnType<typeof fakeGitHub>) => (r: Parameters<typeof github.handler>[0]) =>
    ['POST', 'PATCH', 'DELETE'].includes(r.method) && r.path !== '/graphql' ? { status: 403, body: { message: 'Resource not accessible by integration' } } : github.handler(r);
  const fork = { head: { sha: 'head', repo: { full_name: 'someone/control' } }, base: { sha: 'HEAD', repo: { full_name: 'acme/control' } } };

  it('a fork\'s pull request (read-only token): no comment, a notice, and the verdict is the gate\'s alone', async () => {
    const server = await startRecordingServer(readOnly(fakeGitHub()));
    try {
      const run = await runCheckAction(repo, server.url, fork);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('::notice::No report comment: pull request #7 comes from a fork');
      expect(run.stdout).not.toContain('::error::');
    } finally {
      await server.close();
    }
  }, 120_000);

  it('the same refusal on a pull request from the repository itself fails the step with what to fix', async () => {
    const server = await startRecordingServer(readOnly(fakeGitHub()));
    try {
      const run = await runCheckAction(repo, server.url, { head: { sha: 'head', repo: { full_name: 'acme/control' } }, base: { sha: 'HEAD', repo: { full_name: 'acme/control' } } });
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(/::error::Could not post the report comment on pull request #7 .*pull-requests: write/);
    } finally {
      await server.close();
    }
  }, 120_000);
});

describe('the Azure report thread is only ever our own (Azure task, fake Azure DevOps)', () => {
  it('threads of people and other services carrying the marker are left untouched; ours is updated', async () => {
    const repo = await dataRepoCopy();
    const thread = (id: number, content: string, author: string): FakeThread => ({ id, isDeleted: false, status: 1, comments: [{ id: 1, content, author: { id: author, displayName: author } }] });
    const others = [thread(1, `${REPORT_MARKER}\nanother service quoting the marker`, 'aaaaaaaa-0000-0000-0000-000000000001'), thread(2, `> ${REPORT_MARKER}`, BUILD_SERVICE_ID)];
    const ado = fakeAzureDevOps([...others, thread(3, `${REPORT_MARKER}\nold report`, BUILD_SERVICE_ID.toUpperCase())]);
    const server = await startRecordingServer(ado.handler);
    try {
      const staging = mkdtempSync(join(tmpdir(), 'ado-'));
      const run = await runNode(join(REPO_ROOT, 'scripts/bin/azure-pr-report.js'), repo, {
        TF_BUILD: 'True', BUILD_REASON: 'PullRequest', SYSTEM_COLLECTIONURI: `${server.url}/org/`, SYSTEM_TEAMPROJECT: 'Platform', BUILD_REPOSITORY_ID: 'repo-1',
        SYSTEM_PULLREQUEST_PULLREQUESTID: '42', GITOPS_BASE_REF: 'HEAD', SYSTEM_ACCESSTOKEN: 'fake-ado-token', BUILD_SOURCESDIRECTORY: repo,
        BUILD_ARTIFACTSTAGINGDIRECTORY: staging, AGENT_TEMPDIRECTORY: staging,
      });
      expect(run.status).toBe(0);
      expect(server.requests.some(r => r.path === '/org/_apis/connectionData')).toBe(true);
      const patched = server.requests.filter(r => r.method === 'PATCH').map(r => r.path.split('?')[0].replace(/^.*\/threads\//, 'threads/'));
      expect(patched).toEqual(['threads/3/comments/1', 'threads/3']);
      expect(server.requests.filter(r => r.method === 'POST' && r.path.includes('/threads'))).toEqual([]);
      expect(ado.threads.slice(0, 2)).toEqual(others);
    } finally {
      await server.close();
    }
  }, 120_000);

  // Azure gives builds of a fork's pull request a token that cannot write to it (System.PullRequest.IsFork).
  it.each([
    ['a fork\'s pull request: a warning, no thread, and the verdict is the gate\'s alone', 'True', 0, /##vso\[task\.logissue type=warning;\]No report thread: pull request 42 comes from a fork/],
    ['the same refusal on the repository\'s own pull request fails the task, naming the permission to grant and to whom', 'False', 2, /##vso\[task\.logissue type=error;\]Posting the report to pull request 42 failed: TF401027: You need the Git 'PullRequestContribute' permission to perform this action\. Allow "Contribute to pull requests" for the pipeline's build service identity \("Platform Build Service \(<organisation>\)", or Project Collection Build Service when the job authorization scope is the collection\) on this repository: Project settings → Repositories → the repository → Security\.\n/],
  ])('%s', async (_, isFork, status, expected) => {
    const repo = await dataRepoCopy();
    const ado = fakeAzureDevOps();
    const readOnly = (r: Parameters<typeof ado.handler>[0]) => (['POST', 'PATCH'].includes(r.method) && r.path.includes('/pullRequests/') ? { status: 403, body: { message: 'TF401027: You need the Git \'PullRequestContribute\' permission to perform this action.' } } : ado.handler(r));
    const server = await startRecordingServer(readOnly);
    try {
      const staging = mkdtempSync(join(tmpdir(), 'ado-'));
      const run = await runNode(join(REPO_ROOT, 'scripts/bin/azure-pr-report.js'), repo, {
        TF_BUILD: 'True', BUILD_REASON: 'PullRequest', SYSTEM_COLLECTIONURI: `${server.url}/org/`, SYSTEM_TEAMPROJECT: 'Platform', BUILD_REPOSITORY_ID: 'repo-1',
        SYSTEM_PULLREQUEST_PULLREQUESTID: '42', SYSTEM_PULLREQUEST_ISFORK: isFork, GITOPS_BASE_REF: 'HEAD', SYSTEM_ACCESSTOKEN: 'fake-ado-token', BUILD_SOURCESDIRECTORY: repo,
        BUILD_ARTIFACTSTAGINGDIRECTORY: staging, AGENT_TEMPDIRECTORY: staging,
      });
      expect(run.stdout).toMatch(expected);
      expect(run.status).toBe(status);
      expect(run.stdout + run.stderr).not.toContain('fake-ado-token');
    } finally {
      await server.close();
    }
  }, 120_000);
});
