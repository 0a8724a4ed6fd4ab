// The GitHub adapter of `backstage-gitops sync`: inputs to flags, the token to the environment
// (masked), the plan to the job summary.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';

const CLI = fileURLToPath(new URL('../../../scripts/bin/backstage-gitops.js', import.meta.url));

async function main(): Promise<void> {
  const token = core.getInput('token', { required: true });
  core.setSecret(token);
  const args = ['sync', '--url', core.getInput('backstage-url', { required: true }), '--token-env', 'BACKSTAGE_TOKEN', '--root', resolve(core.getInput('working-directory') || '.'),
    '--max-delete-fraction', core.getInput('max-delete-fraction') || '0.1', '--wait', core.getInput('wait-seconds') || '600'];
  if (core.getBooleanInput('dry-run')) args.push('--dry-run');
  if (core.getBooleanInput('allow-mass-delete')) args.push('--allow-mass-delete');
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, BACKSTAGE_TOKEN: token }, stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(run.stdout ?? '');
  await core.summary.addRaw(run.stdout ?? '', true).write();
  if (run.status !== 0) core.setFailed(`backstage-gitops sync exited ${run.status}; see the log.`);
}

main().catch(error => core.setFailed(error instanceof Error ? error.message : String(error)));
