// The GitHub adapter of `backstage-gitops sync`: inputs to flags, the token to the environment
// (masked), the plan to the job summary.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import { runLogged } from '../../shared/runLogged.ts';
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
  if (core.getBooleanInput('dry-run')) args.push('--dry-run');
  if (core.getBooleanInput('allow-mass-delete')) args.push('--allow-mass-delete');
  // Both streams reach the log line by line, escaped (runLogged); the summary gets the CLI's Markdown.
  const run = await runLogged([CLI, ...args], { ...process.env, BACKSTAGE_TOKEN: token }, scrub);
  const plan = scrub(run.stdout);
  await core.summary.addRaw(plan, true).write();
  if (run.status !== 0) core.setFailed(`backstage-gitops sync exited ${run.status}; see the log.`);
}

main().catch(error => core.setFailed(logText(scrub(error instanceof Error ? error.message : String(error)))));
