/** The protocol between fileReader.ts (main thread) and readerWorker.ts (the reader thread). */

/**
 * How a job's chunks are shared. `share`: whoever claims a chunk first (in `owners`) reads it, so the
 * main thread never waits for a reader still starting up. `alternate`: every other chunk, of one file
 * each, is the reader's (tests: both threads surely read some).
 */
export type ReadMode = 'share' | 'alternate';

export interface ReadJob {
  id: number;
  /** The folder the files are in (absolute): each file's path is join(root, file). */
  root: string;
  /**
   * The files (relative to root), in the order the main thread needs them, joined with NUL, which no path
   * holds: one string to copy to the thread instead of a hundred thousand (≈45 ms for 100k files).
   */
  files: string;
  /** How many files `files` holds. */
  count: number;
  maxBytes: number;
  /** Whether the run keeps a `--cache`: the reader then also hashes each file (textHash). */
  hash: boolean;
  /**
   * Whether the reader also parses the files parseYaml would read with js-yaml (plainDocuments, with
   * `maxNodes`) of a chunk it reads while the main thread has `lead` chunks or more to work on: a run
   * without a `--cache`, which parses every file.
   */
  parse?: { maxNodes: number; lead: number };
  mode: ReadMode;
  chunkSize: number;
  /** How many chunks the reader may be ahead of the main thread. */
  window: number;
  /** One Int32 per chunk: 0 unclaimed, MAIN or READER. */
  owners: SharedArrayBuffer;
  /** One Int32: the chunks the main thread is done with. */
  consumed: SharedArrayBuffer;
}

export const MAIN = 1;
export const READER = 2;

/**
 * Where a file's bytes are in its chunk's slabs (with the reader's jsYamlReadsAsYaml of their text, catalogText
 * of them, and its plainDocuments when the reader parsed it and there are some), its size when
 * over the limit, or an error to read again.
 */
export type ReadResult = { slab: number; offset: number; length: number; hash?: string; jsYamlReads?: boolean; documents?: unknown[] } | { tooLarge: number } | { error: true };

export interface ReadChunk {
  job: number;
  chunk: number;
  /** The chunk's files' bytes, back to back: one transfer for many files (each transferred buffer costs the receiver). */
  slabs: ArrayBuffer[];
  results: ReadResult[];
}

export function chunkCount(job: Pick<ReadJob, 'count' | 'chunkSize'>): number {
  return Math.ceil(job.count / job.chunkSize);
}
