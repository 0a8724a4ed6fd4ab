import { spawn } from 'node:child_process';
import { REPO_ROOT } from './tempRepo.ts';

/**
 * Runs the shipped bin (`scripts/bin/backstage-gitops.js`) as CI does and collects both streams.
 * Asynchronous, so fake servers in the test's own process can answer it. TMPDIR is passed on: what the
 * bin leaves in os.tmpdir() stays inside the run's temporary folder, which globalSetup removes.
 */
export async function runBin(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [`${REPO_ROOT}scripts/bin/backstage-gitops.js`, ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', d => (stdout += d));
  child.stderr.on('data', d => (stderr += d));
  const status = await new Promise<number | null>(r => child.on('close', r));
  return { status, stdout, stderr };
}
