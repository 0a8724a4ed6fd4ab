import { spawn } from 'node:child_process';

/**
 * Runs a Node script as CI would and collects its stdout. Asynchronous on purpose: the fake APIs
 * the script talks to answer from the test's own process.
 */
export async function runNode(script: string, cwd: string, env: Record<string, string | undefined>): Promise<{ status: number | null; stdout: string }> {
  const child = spawn(process.execPath, [script], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  let stdout = '';
  child.stdout.on('data', d => (stdout += d));
  child.stderr.resume();
  const status = await new Promise<number | null>(r => child.on('close', r));
  return { status, stdout };
}
