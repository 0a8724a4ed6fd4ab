import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { quietWorker } from '../process/quietWorker.ts';
import { InputsSeen, runInputsKey, type RunTexts } from './runInputs.ts';

/** What inputsWorker.ts is given: runInputsKey's arguments. */
export interface InputsJob {
  root: string;
  parts: readonly string[];
  skip: string[];
}

/** What inputsWorker.ts sends back: the walk flattened into arrays (one structured clone, no object per file), or that it failed. */
export type InputsResult =
  | {
      key: string;
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

/** A runInputsKey walk's answer: the key, the YAML files' bytes as hashed into it, every path it met. */
export interface InputsWalk {
  key: string;
  texts: RunTexts;
  seen: InputsSeen;
}

/**
 * runInputsKey(root, parts, skip) on a thread of its own (inputsWorker.mjs, bundled beside the CLI), so
 * that the main thread can meanwhile do what a run that is not replayed needs first (read the config,
 * decode the per-file cache, load the checks): the walk reads and hashes every file below the root, a
 * tenth to a fifth of a `--cache` run with few changed files. Resolves to the same key, RunTexts and
 * InputsSeen the call on this thread fills. When the bundle has no such module (the sources run without
 * a build) or the thread fails, walks on this thread instead, and throws what runInputsKey throws.
 */
export function inputsKeyOnThread(root: string, parts: readonly string[], skip: ReadonlySet<string>): Promise<InputsWalk> {
  const here = (): InputsWalk => {
    const texts: RunTexts = new Map();
    const seen = new InputsSeen();
    return { key: runInputsKey(root, parts, skip, texts, seen), texts, seen };
  };
  const url = new URL('./inputsWorker.mjs', import.meta.url);
  if (!existsSync(fileURLToPath(url))) return Promise.resolve().then(here);
  return new Promise<InputsResult | undefined>(resolve => {
    const worker = quietWorker(url, { workerData: { root, parts, skip: [...skip] } satisfies InputsJob });
    worker.once('message', (result: InputsResult) => resolve(result));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  }).then(result => (result && !('failed' in result) ? walkOf(result) : here()));
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
  return { key: result.key, texts, seen };
}
