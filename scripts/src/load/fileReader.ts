import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { quietWorker } from '../process/quietWorker.ts';
import { chunkCount, MAIN, type ReadChunk, type ReadJob, type ReadMode } from './readChunks.ts';
import { readBytes, type SourceBytes } from './readSource.ts';

// Large enough that a message carries many files, small enough that the reader is soon ahead.
const CHUNK_FILES = 128;
const WINDOW_CHUNKS = 32;
// How far ahead of the main thread (in chunks) the reader parses what it reads, besides reading it.
const LEAD_CHUNKS = 4;

/**
 * A thread that reads a big catalog's files (readerWorker.mjs, bundled beside the CLI) while the main
 * thread parses and checks the ones it already has: the open, fstat and read system calls of thousands
 * of files move to the second core, and a chunk's bytes arrive in one buffer. Reading is faster than the
 * main thread's work on a file, so the reader soon gets ahead; while it is ahead, it also parses the plain
 * files it reads with js-yaml (plainDocuments), and the main thread takes their documents as its own
 * parse's. The checks stay on the main thread: a thread that also checked would have V8 compile the
 * validators a second time (measured, docs/benchmarks.md). A reader that fails makes the load throw,
 * never hang.
 */
export class FileReader {
  readonly #worker: Worker;
  #failure?: Error;
  #stopped = false;
  #jobs = 0;
  readonly #arrived = new Map<number, ReadChunk>();
  #wake?: () => void;

  private constructor(url: URL) {
    this.#worker = quietWorker(url);
    // The reader never keeps the process alive on its own; read() holds it while it waits.
    this.#worker.unref();
    this.#worker.on('message', (chunk: ReadChunk) => {
      if (chunk.job !== this.#jobs) return;
      this.#arrived.set(chunk.chunk, chunk);
      this.#wake?.();
    });
    this.#worker.on('error', error => this.#fail(error));
    this.#worker.on('exit', code => this.#fail(new Error(`it exited with code ${code}`)));
  }

  /** Starts the reader thread; undefined when the bundle has no reader module, as when the sources run without a build. */
  static start(): FileReader | undefined {
    const url = new URL('./readerWorker.mjs', import.meta.url);
    return existsSync(fileURLToPath(url)) ? new FileReader(url) : undefined;
  }

  /**
   * readBytes for each of `files` (paths relative to the absolute folder `root`; the caller's to see that none holds NUL), in their
   * order, one chunk of files at a time: some read by
   * the reader thread, the rest here. `undefined` for a file the reader could not read: the caller reads
   * it itself to report the file system's error. `hash`: the reader also gives each file's textHash
   * (for the `--cache`). `parse`: the reader also gives the plainDocuments of files parseYaml would read
   * with js-yaml, those of the chunks it reads while ahead of this thread (a run that parses every file).
   * Throws when the reader thread failed.
   */
  async *read(root: string, files: string[], maxBytes: number, mode: ReadMode, hash = false, parse?: { maxNodes: number }): AsyncGenerator<(SourceBytes | undefined)[]> {
    this.#throwIfFailed();
    const chunkSize = mode === 'alternate' ? 1 : CHUNK_FILES;
    // Every other file, in tests: the reader parses all it reads.
    const lead = mode === 'alternate' ? 0 : LEAD_CHUNKS;
    const job: ReadJob = { id: ++this.#jobs, root, files: files.join('\0'), count: files.length, maxBytes, hash, ...(parse ? { parse: { ...parse, lead } } : {}), mode, chunkSize, window: WINDOW_CHUNKS, owners: new SharedArrayBuffer(4 * Math.ceil(files.length / chunkSize)), consumed: new SharedArrayBuffer(4) };
    const owners = new Int32Array(job.owners);
    const consumed = new Int32Array(job.consumed);
    this.#arrived.clear();
    this.#worker.postMessage(job);
    for (let chunk = 0; chunk < chunkCount(job); chunk++) {
      const start = chunk * chunkSize;
      const mine = mode === 'alternate' ? chunk % 2 === 0 : Atomics.compareExchange(owners, chunk, 0, MAIN) === 0;
      if (mine) yield files.slice(start, start + chunkSize).map(file => readBytes(join(root, file), maxBytes));
      else {
        const { slabs, results } = await this.#chunk(chunk);
        yield results.map(r => ('error' in r ? undefined : 'tooLarge' in r ? r : { bytes: Buffer.from(slabs[r.slab], r.offset, r.length), hash: r.hash, jsYamlReads: r.jsYamlReads, documents: r.documents }));
      }
      Atomics.store(consumed, 0, chunk + 1);
      Atomics.notify(consumed, 0);
    }
    this.#throwIfFailed();
  }

  /** Ends the reader thread; its exit is then no failure. */
  stop(): void {
    this.#stopped = true;
    void this.#worker.terminate();
  }

  async #chunk(chunk: number): Promise<ReadChunk> {
    let results = this.#arrived.get(chunk);
    if (!results) {
      this.#worker.ref();
      try {
        while (!(results = this.#arrived.get(chunk))) {
          this.#throwIfFailed();
          await new Promise<void>(resolve => (this.#wake = resolve));
        }
      } finally {
        this.#wake = undefined;
        this.#worker.unref();
      }
    }
    this.#arrived.delete(chunk);
    return results;
  }

  #fail(error: Error) {
    if (this.#stopped || this.#failure) return;
    this.#failure = new Error(`the thread reading catalog files stopped: ${error.message}`);
    this.#wake?.();
  }

  #throwIfFailed() {
    if (this.#failure) throw this.#failure;
  }
}
