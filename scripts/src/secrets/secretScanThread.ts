import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../diagnostic.ts';
import { quietWorker } from '../process/quietWorker.ts';

/** One text for the scan thread: `label` is the neutral path secretlint's rules see (scanLabel). */
export interface ScanRequest {
  index: number;
  label: string;
  text: string;
}
/** The thread's answer: the findings (file left '') or why secretlint failed. */
export type ScanReply = { index: number; found: Diagnostic[] } | { index: number; error: string };

/**
 * secretlint on a worker thread (secretScanWorker.mjs, bundled beside the CLI) under one deadline for all the
 * texts of a run: a text still being linted when `deadline` (a Date.now() time) comes is stopped (terminate()
 * stops a regular expression in the middle of its backtracking). The thread starts, and loads secretlint,
 * with the first text. Without the bundled worker (running from source) the texts are linted in this thread
 * without a bound.
 */
export class SecretScanThread {
  #worker: Worker | undefined;
  #next = 0;

  constructor(readonly deadline: number) {}

  /**
   * The findings for `text` (file ''), 'timeout' when the deadline came first (or had come), or 'failed' when
   * secretlint threw or the thread died (out of memory); the next text then gets a fresh thread. Never throws.
   */
  async lint(label: string, text: string): Promise<Diagnostic[] | 'timeout' | 'failed'> {
    const left = this.deadline - Date.now();
    if (left <= 0) return 'timeout';
    const url = new URL('./secretScanWorker.mjs', import.meta.url);
    if (!existsSync(fileURLToPath(url))) {
      const { lintSecrets } = await import('./lintSecrets.ts');
      return lintSecrets(label, text).catch(() => 'failed' as const);
    }
    this.#worker ??= quietWorker(url);
    const reply = await ask(this.#worker, { index: this.#next++, label, text }, left);
    if (reply === 'timeout' || reply === 'died') await this.close();
    if (reply === 'timeout') return 'timeout';
    return reply === 'died' || 'error' in reply ? 'failed' : reply.found;
  }

  /** Stops the thread (when there is one); the next lint starts another. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }
}

function ask(worker: Worker, request: ScanRequest, ms: number): Promise<ScanReply | 'timeout' | 'died'> {
  return new Promise(resolve => {
    const done = (value: ScanReply | 'timeout' | 'died') => {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onDied).off('exit', onDied);
      resolve(value);
    };
    const timer = setTimeout(() => done('timeout'), ms);
    const onMessage = (reply: ScanReply) => reply.index === request.index && done(reply);
    const onDied = () => done('died');
    worker.on('message', onMessage).on('error', onDied).on('exit', onDied);
    worker.postMessage(request);
  });
}
