import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';

/** What of a child process (node:child_process's ChildProcess) is used here: this module starts none. */
interface Writer {
  kill(signal: NodeJS.Signals): boolean;
  once(event: 'close', listener: () => void): unknown;
}

// Folders this process extracted a revision into (checkoutBase) and not yet removed, and the child
// processes still writing them.
const folders = new Set<string>();
const writers = new Set<Writer>();
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

// A CI adapter's time limit (SIGTERM) or Ctrl-C (SIGINT) ends the process without running any `finally`:
// a self-hosted agent's temporary folder would keep a copy of the base revision per run. The writers are
// stopped, the folders removed, and the process then ends by that same signal, as without this handler.
function onSignal(signal: NodeJS.Signals): void {
  for (const child of writers) child.kill('SIGKILL');
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  for (const name of SIGNALS) process.removeListener(name, onSignal);
  process.kill(process.pid, signal);
}

/**
 * Registers `folder` (an absolute path this process created) as temporary: removed by removeTemporary, or
 * at once when SIGTERM or SIGINT ends the process first. Returns nothing; never throws.
 */
export function trackTemporary(folder: string): void {
  if (folders.size === 0) for (const name of SIGNALS) process.on(name, onSignal);
  folders.add(folder);
}

/** Registers a child process writing a temporary folder: killed before the folders are removed on a signal. */
export function trackWriter(child: Writer): void {
  writers.add(child);
  child.once('close', () => writers.delete(child));
}

/** Removes a folder registered with trackTemporary (gone already is fine); the signal handlers go with the last one. */
export async function removeTemporary(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true });
  folders.delete(folder);
  if (folders.size === 0) for (const name of SIGNALS) process.removeListener(name, onSignal);
}
