import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeAzureDevOps } from '../helpers/fakeAzureDevOps.ts';
import { fakeGitHub } from '../helpers/fakeGitHub.ts';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { startRecordingServer } from '../helpers/recordingServer.ts';
import { runBin } from '../helpers/runBin.ts';
import { runNode } from '../helpers/runNode.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { harms, HOSTILE, HOSTILE_FILE, makeHostilePullRequest, OWN_AZURE_LINE, OWN_GITHUB_LINE } from './hostilePullRequest.ts';

describe('no value from a pull request becomes a CI command (shipped bin, every format, both streams)', () => {
  let repo: string;
  beforeAll(async () => {
    repo = await dataRepoCopy();
    makeHostilePullRequest(repo);
  }, 60_000);

  it('stylish, json, junit, sarif and markdown on stdout carry no command at all', async () => {
    const run = await runBin(['check', '--no-color', ...['stylish', 'json', 'junit', 'sarif', 'markdown'].flatMap(f => ['--format', f])], repo);
    expect(run.status).toBe(1);
    // The hostile values are really in the output (escaped), so the test can fail.
    expect(run.stdout).toContain('add-mask::leak');
    expect(run.stdout).toContain('task.setvariable variable=PWNED');
    expect(harms(run.stdout + run.stderr)).toEqual([]);
    // JSON stays the same value: the escape is JSON's own.
    const json = JSON.parse(run.stdout.slice(run.stdout.indexOf('{\n  "summary"'), run.stdout.indexOf('\n}\n') + 2));
    expect(json.diagnostics.map((d: { file: string }) => d.file)).toContain(HOSTILE_FILE);
  }, 60_000);

  it('the github format writes only its own annotations', async () => {
    const run = await runBin(['check', '--format', 'github'], repo);
    // The hostile owner names a kind other than Group or User: a warning annotation (Backstage still relates it).
    expect(run.stdout).toMatch(/::warning [^\n]*title=ref-kind-not-allowed::[^\n]*add-mask/);
    expect(harms(run.stdout + run.stderr, OWN_GITHUB_LINE)).toEqual([]);
  }, 60_000);

  it('the azure format writes only its own logging commands', async () => {
    const run = await runBin(['check', '--format', 'azure'], repo);
    expect(run.stdout).toMatch(/##vso\[task\.logissue type=warning;[^\n]*code=ref-kind-not-allowed;\][^\n]*task\.setvariable/);
    expect(harms(run.stdout + run.stderr, OWN_AZURE_LINE)).toEqual([]);
  }, 60_000);

  it('an error message quoting a hostile argument is one inert line', async () => {
    const run = await runBin(['check', '--format', `x${HOSTILE.githubCommand}${HOSTILE.carriageReturnCommand} ${HOSTILE.azureCommand}`], repo);
    expect(run.status).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('Unknown format');
    expect(harms(run.stderr)).toEqual([]);
  }, 60_000);

  it('sync progress and errors echo what a server answers without a command in it', async () => {
    const clean = await dataRepoCopy();
    const server = await startRecordingServer(() => ({ status: 400, body: { error: { message: `bad${HOSTILE.githubCommand}${HOSTILE.carriageReturnCommand} ${HOSTILE.azureCommand}` } } }));
    try {
      const run = await runBin(['sync', '--url', server.url, '--wait', '1', '--poll-ms', '10'], clean, { BACKSTAGE_TOKEN: 'tok-123456789' });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('answered 400');
      expect(run.stderr).toContain('add-mask::leak');
      expect(harms(run.stdout + run.stderr)).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('the check action (committed bundle) annotates the hostile PR with nothing but its own commands', async () => {
    const base = git(repo, 'rev-parse', 'main').trim();
    const dir = mkdtempSync(join(tmpdir(), 'gh-'));
    const event = join(dir, 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { number: 7, base: { sha: base } } }));
    for (const f of ['summary.md', 'output.txt']) writeFileSync(join(dir, f), '');
    const github = fakeGitHub();
    const server = await startRecordingServer(github.handler);
    try {
      const run = await runNode(join(REPO_ROOT, 'actions/check/dist/index.mjs'), repo, {
        GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: 'acme/control', GITHUB_API_URL: server.url,
        GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'output.txt'), RUNNER_TEMP: dir, GITHUB_WORKSPACE: repo, 'INPUT_GITHUB-TOKEN': 'ghs_fake', 'INPUT_WORKING-DIRECTORY': repo,
      });
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(/^::error [^\n]*add-mask/m);
      expect(harms(run.stdout, OWN_GITHUB_LINE)).toEqual([]);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('the Azure task logs the hostile PR with nothing but its own logging commands', async () => {
    const ado = fakeAzureDevOps();
    const server = await startRecordingServer(ado.handler);
    try {
      const staging = mkdtempSync(join(tmpdir(), 'ado-'));
      const run = await runNode(join(REPO_ROOT, 'scripts/bin/azure-pr-report.js'), repo, {
        TF_BUILD: 'True', SYSTEM_COLLECTIONURI: `${server.url}/org/`, SYSTEM_TEAMPROJECT: 'Platform', BUILD_REPOSITORY_ID: 'repo-1', SYSTEM_PULLREQUEST_PULLREQUESTID: '42',
        GITOPS_BASE_REF: 'main', SYSTEM_ACCESSTOKEN: 'fake-ado-token', BUILD_SOURCESDIRECTORY: repo, BUILD_ARTIFACTSTAGINGDIRECTORY: staging, AGENT_TEMPDIRECTORY: staging,
      });
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(/^##vso\[task\.logissue type=error;[^\n]*task\.setvariable/m);
      expect(harms(run.stdout, OWN_AZURE_LINE)).toEqual([]);
    } finally {
      await server.close();
    }
  }, 120_000);
});
