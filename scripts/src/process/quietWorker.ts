import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread whose stdout and stderr go nowhere. By default a thread's streams are piped into the
 * process's own, past the CLI's guarded io and its console and warning capture (cli/main.ts processIo):
 * whatever a library in the thread prints (Node's warning listener, console.warn of a schema compiler)
 * would reach a CI log raw, where a quoted `::add-mask::` or `##vso[` is a command. The thread's findings
 * come back as messages, never as text it prints. Takes Worker's arguments; returns the started Worker.
 */
export function quietWorker(filename: string | URL, options: WorkerOptions = {}): Worker {
  const worker = new Worker(filename, { ...options, stdout: true, stderr: true });
  worker.stdout.resume();
  worker.stderr.resume();
  return worker;
}
