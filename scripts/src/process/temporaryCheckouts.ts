import { mkdtempSync, rmSync } from 'node:fs';
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
  removeAllNow();
  process.kill(process.pid, signal);
}

// process.exit() runs no `finally` either: the bin calls it when stdout or stderr is a pipe its reader closed (EPIPE),
// and for an error thrown outside the awaited chain. The base revision may sit in /dev/shm, memory that nothing
// frees until the machine restarts.
function onExit(): void {
  removeAllNow();
}

function removeAllNow(): void {
  for (const child of writers) child.kill('SIGKILL');
  for (const folder of folders) {
    try {
      // A killed tar may still write for a moment: a folder that gains an entry mid-removal is tried again.
      rmSync(folder, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
    } catch {
      // Whatever stays, the process still ends as it was going to.
    }
  }
  folders.clear();
  unlisten();
}

function listen(): void {
  for (const name of SIGNALS) if (!process.listeners(name).includes(onSignal)) process.on(name, onSignal);
  if (!process.listeners('exit').includes(onExit)) process.on('exit', onExit);
}

function unlisten(): void {
  for (const name of SIGNALS) process.removeListener(name, onSignal);
  process.removeListener('exit', onExit);
}

/**
 * Creates a temporary folder (`mkdtemp` of `prefix`, an absolute path prefix) and registers it: removed by
 * removeTemporary, or at once when SIGTERM, SIGINT or process.exit() ends the process first. The signal listeners are
 * installed before the folder exists: a signal that arrives while no listener is installed takes its default
 * action at once (the process ends there, the folder left behind), while one that arrives after is handled at
 * the next event-loop turn, when the folder is already registered. Returns the folder; throws what mkdtemp
 * throws (then nothing is registered).
 */
export function makeTemporary(prefix: string): string {
  if (folders.size === 0) listen();
  let folder: string;
  try {
    folder = mkdtempSync(prefix);
  } catch (error) {
    if (folders.size === 0) unlisten();
    throw error;
  }
  folders.add(folder);
  return folder;
}

/** Registers a child process writing a temporary folder: killed before the folders are removed on a signal. */
export function trackWriter(child: Writer): void {
  writers.add(child);
  child.once('close', () => writers.delete(child));
}

/** Removes a folder made with makeTemporary (gone already is fine); the signal listeners go with the last one. */
export async function removeTemporary(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true });
  folders.delete(folder);
  if (folders.size === 0) unlisten();
}
