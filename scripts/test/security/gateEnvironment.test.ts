import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeAzureDevOps } from '../helpers/fakeAzureDevOps.ts';
import { fakeGitHub } from '../helpers/fakeGitHub.ts';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { startRecordingServer } from '../helpers/recordingServer.ts';
import { runNode } from '../helpers/runNode.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

// The gate reads a pull request's files and needs no credential. The check action left out only
// GITHUB_TOKEN and its inputs, the Azure task only SYSTEM_ACCESSTOKEN: the runner's ACTIONS_RUNTIME_TOKEN
// (writes caches and artifacts), ACTIONS_ID_TOKEN_REQUEST_TOKEN (mints OIDC tokens) and any secret a
// pipeline maps into the step's environment reached the process that parses every team's YAML.
const CREDENTIALS = { ACTIONS_RUNTIME_TOKEN: 'rt-secret', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-secret', NPM_TOKEN: 'npm-secret', AZURE_CLIENT_SECRET: 'sp-secret', GITHUB_TOKEN: 'ghs_env' };

describe('the CI adapters start the gate without any credential in its environment', () => {
  let repo: string;
  let base: string;
  let names: string;
  let preload: string;
  beforeAll(async () => {
    repo = await dataRepoCopy();
    base = git(repo, 'rev-parse', 'HEAD').trim();
    git(repo, 'checkout', '-q', '-b', 'change');
    const dir = mkdtempSync(join(tmpdir(), 'gate-env-'));
    names = join(dir, 'names.json');
    // Records the variable names the gate's own process starts with (the adapter's process loads it too).
    preload = join(dir, 'record.cjs');
    writeFileSync(preload, `if (/backstage-gitops\\.js$/.test(process.argv[1] || '')) require('fs').writeFileSync(${JSON.stringify(names)}, JSON.stringify(Object.keys(process.env)));\n`);
  }, 60_000);

  const seen = () => JSON.parse(readFileSync(names, 'utf8')) as string[];

  it('the check action (committed bundle)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-'));
    const event = join(dir, 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { number: 7, base: { sha: base } } }));
    for (const f of ['summary.md', 'output.txt']) writeFileSync(join(dir, f), '');
    const server = await startRecordingServer(fakeGitHub().handler);
    try {
      const run = await runNode(join(REPO_ROOT, 'actions/check/dist/index.mjs'), repo, {
        GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: 'acme/control', GITHUB_API_URL: server.url, RUNNER_TEMP: dir,
        GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'output.txt'), GITHUB_WORKSPACE: repo, 'INPUT_GITHUB-TOKEN': 'ghs_fake', 'INPUT_WORKING-DIRECTORY': repo,
        NODE_OPTIONS: `--require ${preload}`, ...CREDENTIALS,
      });
      expect(run.status, run.stdout + run.stderr).not.toBe(2);
      const got = seen();
      expect(got).toContain('GITHUB_REPOSITORY');
      expect(got.filter(n => n in CREDENTIALS || n.startsWith('INPUT_'))).toEqual([]);
    } finally {
      await server.close();
    }
  }, 180_000);

  it('the Azure task', async () => {
    const server = await startRecordingServer(fakeAzureDevOps().handler);
    try {
      const staging = mkdtempSync(join(tmpdir(), 'ado-'));
      const run = await runNode(join(REPO_ROOT, 'scripts/bin/azure-pr-report.js'), repo, {
        TF_BUILD: 'True', SYSTEM_COLLECTIONURI: `${server.url}/org/`, SYSTEM_TEAMPROJECT: 'Platform', BUILD_REPOSITORY_ID: 'repo-1', SYSTEM_PULLREQUEST_PULLREQUESTID: '42',
        GITOPS_BASE_REF: base, SYSTEM_ACCESSTOKEN: 'fake-ado-token', BUILD_SOURCESDIRECTORY: repo, BUILD_ARTIFACTSTAGINGDIRECTORY: staging, AGENT_TEMPDIRECTORY: staging,
        NODE_OPTIONS: `--require ${preload}`, ...CREDENTIALS,
      });
      expect(run.status, run.stdout + run.stderr).not.toBe(2);
      const got = seen();
      expect(got).toContain('BUILD_REPOSITORY_ID');
      expect(got.filter(n => n in CREDENTIALS || n === 'SYSTEM_ACCESSTOKEN')).toEqual([]);
    } finally {
      await server.close();
    }
  }, 180_000);
});
