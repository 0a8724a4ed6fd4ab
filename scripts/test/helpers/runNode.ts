import { spawn } from 'node:child_process';

export interface NodeRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a Node script as CI would and collects its stdout and stderr. Asynchronous on purpose: the fake
 * APIs the script talks to answer from the test's own process. The child gets PATH, HOME and TMPDIR plus
 * `env` only, so nothing of the test runner's environment leaks into what is under test; TMPDIR keeps what
 * it leaves in os.tmpdir() inside the run's temporary folder, which globalSetup removes.
 */
export async function runNode(script: string, cwd: string, env: Record<string, string | undefined>, args: string[] = [], stdin?: string): Promise<NodeRun> {
  const child = spawn(process.execPath, [script, ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', d => (stdout += d));
  child.stderr.on('data', d => (stderr += d));
  child.stdin.end(stdin ?? '');
  const status = await new Promise<number | null>(r => child.on('close', r));
  return { status, stdout, stderr };
}
