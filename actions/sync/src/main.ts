// The GitHub adapter of `backstage-gitops sync`: inputs to flags, the token to the environment
// (masked), the plan to the job summary.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { runLogged } from '../../shared/runLogged.ts';
import { writeStepSummary } from '../../shared/stepSummary.ts';
import { logText } from '../../../scripts/src/report/safeText.ts';
import { secretScrubber, urlCredentials } from '../../../scripts/src/report/secretScrubber.ts';

const CLI = fileURLToPath(new URL('../../../scripts/bin/backstage-gitops.js', import.meta.url));
// Whatever this step prints or summarises loses the credentials, in every encoding a server may echo.
let scrub = (text: string) => text;

async function main(): Promise<void> {
  const token = core.getInput('token', { required: true });
  const url = core.getInput('backstage-url', { required: true });
  const secrets = [token, ...urlCredentials(url)];
  for (const secret of secrets) core.setSecret(secret);
  scrub = secretScrubber(secrets);
  const args = ['sync', '--url', url, '--token-env', 'BACKSTAGE_TOKEN', '--root', resolve(core.getInput('working-directory') || '.'),
    '--max-delete-fraction', core.getInput('max-delete-fraction') || '0.1', '--wait', core.getInput('wait-seconds') || '600'];
  const head = await branchHead(core.getInput('github-token'));
  if (head) args.push('--main-head', head);
  if (core.getBooleanInput('dry-run')) args.push('--dry-run');
  if (core.getBooleanInput('allow-mass-delete')) args.push('--allow-mass-delete');
  // Both streams reach the log line by line, escaped (runLogged); the summary gets the CLI's Markdown, cut to fit.
  const run = await runLogged([CLI, ...args], { ...process.env, BACKSTAGE_TOKEN: token }, scrub);
  await writeStepSummary(scrub(run.stdout), 'plan');
  if (run.status !== 0) core.setFailed(`backstage-gitops sync exited ${run.status}; see the log.`);
}

/**
 * The commit the branch this run is for (GITHUB_REF) is at now, from GitHub's "Get a reference" API
 * (GET /repos/{owner}/{repo}/git/ref/heads/{branch}, contents: read): sync skips a run whose commit is no
 * longer it (`--main-head`). Undefined outside a branch or when the lookup fails (sync then runs as before,
 * with its own guards), with a warning for the failure.
 */
async function branchHead(token: string): Promise<string | undefined> {
  const ref = process.env.GITHUB_REF ?? '';
  if (!ref.startsWith('refs/heads/') || !process.env.GITHUB_REPOSITORY || !token) return undefined;
  try {
    // Octokit as the check action uses it: GITHUB_API_URL (GitHub Enterprise Server) and the API version come with it.
    const { data } = await github.getOctokit(token).rest.git.getRef({ ...github.context.repo, ref: ref.slice('refs/'.length), request: { signal: AbortSignal.timeout(30_000) } });
    const sha: unknown = data?.object?.sha;
    if (typeof sha === 'string' && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(sha)) return sha;
    core.warning(`Could not read the head of ${logText(ref)} (GitHub answered no commit); syncing without checking that this run's commit is still it.`);
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    const why = typeof status === 'number' ? `HTTP ${status}` : logText(scrub(error instanceof Error ? error.message : String(error)).slice(0, 200));
    core.warning(`Could not read the head of ${logText(ref)} (${why}); syncing without checking that this run's commit is still it.`);
  }
  return undefined;
}

main().catch(error => core.setFailed(logText(scrub(error instanceof Error ? error.message : String(error)))));
