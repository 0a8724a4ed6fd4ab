import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import { checkFileAlone, type FileAlone, type FileCheckContext } from './checkFileAlone.ts';

/**
 * How a job's files are shared between the threads. `share`: each takes the next CHUNK files from a
 * shared counter, so a worker still starting up takes fewer and the main thread never waits for one
 * that has nothing left to do. `alternate`: every other file is the worker's (for tests: both threads
 * surely do some).
 */
export type ShareMode = 'share' | 'alternate';

export interface FileJob {
  id: number;
  files: string[];
  mode: ShareMode;
  /** `share`: one Int32, the index of the next file nobody has taken. */
  next?: SharedArrayBuffer;
}

export interface WorkerReply {
  job: number;
  /** [index in job.files, that file's results]. */
  results: [number, FileAlone][];
}

// Small enough that the threads end close together, large enough that a message carries many files.
const CHUNK = 32;

/** The next files a thread takes of `job`: [start, end) of job.files, or undefined when none is left. */
export function claimer(job: FileJob, thread: 'main' | 'worker'): () => [number, number] | undefined {
  const count = job.files.length;
  if (job.mode === 'alternate') {
    let i = thread === 'main' ? 0 : 1;
    return () => {
      if (i >= count) return undefined;
      i += 2;
      return [i - 2, i - 1];
    };
  }
  const next = new Int32Array(job.next!);
  return () => {
    const start = Atomics.add(next, 0, CHUNK);
    return start < count ? [start, Math.min(start + CHUNK, count)] : undefined;
  };
}

/**
 * One worker thread (fileWorker.mjs, bundled beside the CLI) that checks catalog files alongside the
 * main thread. Started before the catalog is crawled so its module loading overlaps the main thread's;
 * a worker that fails or exits while it holds files makes `checkFiles` throw, never hang.
 */
export class FileWorker {
  readonly #worker: Worker;
  #failure?: Error;
  #stopped = false;
  #jobs = 0;
  #onReply?: (reply: WorkerReply) => void;
  #onFailure?: (error: Error) => void;

  private constructor(url: URL, config: GitopsConfig) {
    this.#worker = new Worker(url, { workerData: { config } });
    // The worker never keeps the process alive on its own; checkFiles holds it while it waits.
    this.#worker.unref();
    this.#worker.on('message', (reply: WorkerReply) => this.#onReply?.(reply));
    this.#worker.on('error', error => this.#fail(error));
    this.#worker.on('exit', code => this.#fail(new Error(`it exited with code ${code}`)));
  }

  /**
   * Starts the worker for `config` (plain data: it is copied to the thread); undefined when the bundle
   * has no worker module, as when the sources run without a build.
   */
  static start(config: GitopsConfig): FileWorker | undefined {
    const url = new URL('./fileWorker.mjs', import.meta.url);
    return existsSync(fileURLToPath(url)) ? new FileWorker(url, config) : undefined;
  }

  /**
   * checkFileAlone for every file of `files` (repo-relative), some in this thread with `context`, the rest
   * in the worker; the results in the order of `files`. Throws when the worker failed.
   */
  async checkFiles(files: string[], context: FileCheckContext, mode: ShareMode): Promise<FileAlone[]> {
    this.#throwIfFailed();
    const job: FileJob = { id: ++this.#jobs, files, mode, ...(mode === 'share' ? { next: new SharedArrayBuffer(4) } : {}) };
    const results: FileAlone[] = new Array(files.length);
    let missing = files.length;
    let done: (() => void) | undefined;
    this.#onReply = reply => {
      if (reply.job !== job.id) return;
      for (const [index, result] of reply.results) results[index] = result;
      missing -= reply.results.length;
      if (missing === 0) done?.();
    };
    this.#worker.postMessage(job);
    const claim = claimer(job, 'main');
    for (let range = claim(); range; range = claim()) {
      for (let i = range[0]; i < range[1]; i++) results[i] = await checkFileAlone(files[i], context);
      missing -= range[1] - range[0];
    }
    if (missing > 0) {
      this.#worker.ref();
      try {
        await new Promise<void>((resolve, reject) => {
          done = resolve;
          this.#onFailure = reject;
          if (this.#failure) reject(this.#failure);
        });
      } finally {
        this.#worker.unref();
        this.#onFailure = undefined;
      }
    }
    this.#onReply = undefined;
    this.#throwIfFailed();
    return results;
  }

  /** Ends the worker; its exit is then no failure. */
  stop(): void {
    this.#stopped = true;
    void this.#worker.terminate();
  }

  #fail(error: Error) {
    if (this.#stopped || this.#failure) return;
    this.#failure = new Error(`the worker thread checking catalog files stopped: ${error.message}`);
    this.#onFailure?.(this.#failure);
  }

  #throwIfFailed() {
    if (this.#failure) throw this.#failure;
  }
}

