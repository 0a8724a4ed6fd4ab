import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeAzureDevOps } from './fakeAzureDevOps.ts';
import { fakeGitHub } from './fakeGitHub.ts';
import { startRecordingServer } from './recordingServer.ts';
import { runNode, type NodeRun } from './runNode.ts';
import { REPO_ROOT } from './tempRepo.ts';

/**
 * Runs the check action's committed bundle on a pull request of `repo` against `base`, as the runner
 * does (event file, summary and output files, inputs as INPUT_*), with a fake GitHub API behind it;
 * `env` is added to the step's environment. Returns the run.
 */
export async function runCheckAction(repo: string, base: string, env: Record<string, string> = {}): Promise<NodeRun> {
  const dir = mkdtempSync(join(tmpdir(), 'gh-'));
  const event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 7, base: { sha: base } } }));
  for (const f of ['summary.md', 'output.txt']) writeFileSync(join(dir, f), '');
  const server = await startRecordingServer(fakeGitHub().handler);
  try {
    return await runNode(join(REPO_ROOT, 'actions/check/dist/index.mjs'), repo, {
      GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: 'acme/control', GITHUB_API_URL: server.url, RUNNER_TEMP: dir,
      GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'output.txt'), GITHUB_WORKSPACE: repo, 'INPUT_GITHUB-TOKEN': 'ghs_fake', 'INPUT_WORKING-DIRECTORY': repo,
      ...env,
    });
  } finally {
    await server.close();
  }
}

/**
 * Runs the Azure Pipelines PR task (scripts/bin/azure-pr-report.js) on pull request 42 of `repo` against
 * `base`, as an agent does (predefined variables, System.AccessToken), with a fake Azure DevOps behind it;
 * `env` is added. Returns the run.
 */
export async function runAzureTask(repo: string, base: string, env: Record<string, string> = {}): Promise<NodeRun> {
  const server = await startRecordingServer(fakeAzureDevOps().handler);
  try {
    const staging = mkdtempSync(join(tmpdir(), 'ado-'));
    return await runNode(join(REPO_ROOT, 'scripts/bin/azure-pr-report.js'), repo, {
      TF_BUILD: 'True', SYSTEM_COLLECTIONURI: `${server.url}/org/`, SYSTEM_TEAMPROJECT: 'Platform', BUILD_REPOSITORY_ID: 'repo-1', SYSTEM_PULLREQUEST_PULLREQUESTID: '42',
      GITOPS_BASE_REF: base, SYSTEM_ACCESSTOKEN: 'fake-ado-token', BUILD_SOURCESDIRECTORY: repo, BUILD_ARTIFACTSTAGINGDIRECTORY: staging, AGENT_TEMPDIRECTORY: staging,
      ...env,
    });
  } finally {
    await server.close();
  }
}
