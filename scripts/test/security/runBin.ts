import { spawn } from 'node:child_process';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

export const BIN = `${REPO_ROOT}scripts/bin/backstage-gitops.js`;

export interface BinResult {
  status: number | null;
  stdout: string;
  stderr: string;
  milliseconds: number;
}

/**
 * Runs the shipped bin as CI does, in `cwd`, with only PATH and HOME from this process plus `env`:
 * whatever a test puts in `env` is the job's environment, secrets included.
 */
export async function runBin(args: string[], cwd: string, env: Record<string, string> = {}, timeoutMs = 120_000): Promise<BinResult> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', d => (stdout += d));
  child.stderr.on('data', d => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const status = await new Promise<number | null>(resolve => child.on('close', resolve));
  clearTimeout(timer);
  return { status, stdout, stderr, milliseconds: Date.now() - started };
}
