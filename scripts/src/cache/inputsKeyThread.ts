import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { quietWorker } from '../process/quietWorker.ts';
import { inputsDigest, InputsSeen, type RunTexts } from './runInputs.ts';

/** What inputsWorker.ts is given: inputsDigest's arguments. */
export interface InputsJob {
  root: string;
  skip: string[];
}

/** What inputsWorker.ts sends back: the walk flattened into arrays (one structured clone, no object per file), or that it failed. */
export type InputsResult =
  | {
      digest: string;
      files: string[];
      digests: string[];
      hashes: (string | null)[];
      /** Per file: the slab's index, the offset and the length of its bytes. */
      places: Int32Array;
      slabs: ArrayBuffer[];
      seen: string[];
      kinds: string[];
      started: number;
      margin: number;
    }
  | { failed: true };

/** An inputsDigest walk's answer: the digest, the YAML files' bytes as hashed into it, every path it met. */
export interface InputsWalk {
  digest: string;
  texts: RunTexts;
  seen: InputsSeen;
}

/** A walk under way: `result()` waits for it; `stop()` ends it when its answer is not needed. */
export interface PendingWalk {
  result(): Promise<InputsWalk>;
  stop(): void;
}

/**
 * inputsDigest(root, skip) on a thread of its own (inputsWorker.mjs, bundled beside the CLI), started as
 * soon as `check --cache` knows its root, so that the main thread meanwhile does the rest of what a run
 * needs first (the run record, the replay's other parts, the config, the per-file cache, the analysis
 * modules): the walk reads and hashes every file below the root, a tenth to a fifth of a `--cache` run
 * with few changed files. `result()` resolves to the digest, RunTexts and InputsSeen the call on this
 * thread gives. When the bundle has no such module (the sources run without a build) or the thread fails,
 * `result()` walks on this thread instead and throws what inputsDigest throws. The thread never keeps
 * the process alive unless `result()` is waiting for it.
 */
export function inputsWalkOnThread(root: string, skip: ReadonlySet<string>): PendingWalk {
  const here = (): InputsWalk => {
    const texts: RunTexts = new Map();
    const seen = new InputsSeen();
    return { digest: inputsDigest(root, skip, texts, seen), texts, seen };
  };
  const url = new URL('./inputsWorker.mjs', import.meta.url);
  if (!existsSync(fileURLToPath(url))) return { result: async () => here(), stop: () => {} };
  let worker: Worker | undefined = quietWorker(url, { workerData: { root, skip: [...skip] } satisfies InputsJob });
  worker.unref();
  const answer = new Promise<InputsResult | undefined>(resolve => {
    worker!.once('message', (result: InputsResult) => resolve(result));
    worker!.once('error', () => resolve(undefined));
    worker!.once('exit', () => resolve(undefined));
  });
  return {
    async result() {
      worker?.ref();
      const result = await answer;
      worker = undefined;
      return result && !('failed' in result) ? walkOf(result) : here();
    },
    stop() {
      void worker?.terminate();
      worker = undefined;
    },
  };
}

function walkOf(result: Exclude<InputsResult, { failed: true }>): InputsWalk {
  const texts: RunTexts = new Map();
  const { files, digests, hashes, places, slabs } = result;
  for (let i = 0; i < files.length; i++) {
    const bytes = Buffer.from(slabs[places[3 * i]], places[3 * i + 1], places[3 * i + 2]);
    texts.set(files[i], { bytes, digest: digests[i], hash: hashes[i] ?? digests[i] });
  }
  const seen = new InputsSeen(result.started, result.margin);
  for (let i = 0; i < result.seen.length; i++) seen.paths.set(result.seen[i], result.kinds[i]);
  return { digest: result.digest, texts, seen };
}
