// The GitHub adapter of `backstage-gitops techdocs publish`: inputs to flags, secrets to the
// environment (masked), the outcome to the job summary.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import { runLogged } from '../../shared/runLogged.ts';
import { writeStepSummary } from '../../shared/stepSummary.ts';
import { logText } from '../../../scripts/src/report/safeText.ts';
import { secretScrubber } from '../../../scripts/src/report/secretScrubber.ts';

const CLI = fileURLToPath(new URL('../../../scripts/bin/backstage-gitops.js', import.meta.url));
// Whatever this step prints or summarises loses the storage credentials, in every encoding.
let scrub = (text: string) => text;

async function main(): Promise<void> {
  const env: Record<string, string> = {};
  const args = ['techdocs', 'publish', '--publisher', core.getInput('publisher', { required: true }), '--root', resolve(core.getInput('working-directory') || '.')];
  const secret = (name: string, variable: string) => {
    const value = core.getInput(name);
    if (value) {
      core.setSecret(value);
      env[variable] = value;
    }
    return Boolean(value);
  };
  secret('connection-string', 'AZURE_STORAGE_CONNECTION_STRING');
  if (secret('account-key', 'TECHDOCS_AZURE_ACCOUNT_KEY')) args.push('--account-key-env', 'TECHDOCS_AZURE_ACCOUNT_KEY');
  for (const [input, flag] of [['container', '--container'], ['account-name', '--account-name'], ['bucket', '--bucket'], ['region', '--region'], ['shard', '--shard'], ['sites', '--sites']]) {
    const value = core.getInput(input);
    if (value) args.push(flag, value);
  }
  if (core.getBooleanInput('force')) args.push('--force');
  scrub = secretScrubber(Object.values(env));
  // Both streams reach the log line by line, escaped (runLogged); the summary gets the CLI's Markdown, cut to fit.
  const run = await runLogged([CLI, ...args], { ...process.env, ...env }, scrub);
  await writeStepSummary(scrub(run.stdout), 'outcome', 'TechDocs');
  if (run.status !== 0) core.setFailed(`backstage-gitops techdocs publish exited ${run.status}; see the log.`);
}

main().catch(error => core.setFailed(logText(scrub(error instanceof Error ? error.message : String(error)))));
