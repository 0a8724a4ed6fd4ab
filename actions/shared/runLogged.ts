// Shared by the sync and publish-techdocs actions (GitHub adapter code: it hands the CLI the step's own
// environment, which the CLI needs for its credentials and proxies; scripts/src gives its children childEnv()).
import { spawn } from 'node:child_process';
import { logLines } from '../../scripts/src/report/safeText.ts';

/** What a run of the CLI gave: its exit code (null when a signal ended it) and its whole stdout, unescaped. */
export interface LoggedRun {
  status: number | null;
  stdout: string;
}

/**
 * Runs `node <args>` and writes its stdout and stderr to this process's own, line by line as they come (a
 * long `sync --wait` shows its progress live) and each line through `scrub` (the step's secrets) and then
 * logLines: the CLI escapes what it writes, but not what a library inside it may print on its own, and a
 * line of a runner's log that starts `::` (GitHub) or holds `##vso[` (Azure) is a command. A line is
 * written only once it is whole, so no command can be split over two chunks to slip past. Takes the
 * arguments after `node`, the child's environment and the scrubber; resolves with the exit code and the
 * raw stdout (for the job summary, which the CLI rendered as Markdown); rejects only when node cannot be
 * started.
 */
export function runLogged(args: readonly string[], env: NodeJS.ProcessEnv, scrub: (text: string) => string): Promise<LoggedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const forward = (from: NodeJS.ReadableStream, to: NodeJS.WritableStream, keep?: (text: string) => void) => {
      let pending = '';
      from.setEncoding('utf8');
      from.on('data', (chunk: string) => {
        keep?.(chunk);
        pending += chunk;
        // A carriage return ends a line for the runner too (logLines shows it as `\r`): cut at `\n` only.
        const end = pending.lastIndexOf('\n');
        if (end < 0) return;
        to.write(logLines(scrub(pending.slice(0, end + 1)), { color: true }));
        pending = pending.slice(end + 1);
      });
      return new Promise<void>(done => from.on('end', () => {
        if (pending) to.write(logLines(scrub(pending), { color: true }));
        done();
      }));
    };
    const streams = Promise.all([forward(child.stdout!, process.stdout, chunk => void (stdout += chunk)), forward(child.stderr!, process.stderr)]);
    child.on('error', reject);
    child.on('close', status => void streams.then(() => resolve({ status, stdout })));
  });
}
