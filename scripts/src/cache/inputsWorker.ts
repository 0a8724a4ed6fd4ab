// The thread that walks and hashes a `check --cache` run's inputs (see inputsKeyThread.ts): bundled as its own
// entry, inputsWorker.mjs beside cli.mjs. It runs runInputsKey exactly as the main thread would and sends back
// the key, the YAML files' bytes (in the walk's slabs, transferred, not copied) and every path it met.
import { parentPort, workerData } from 'node:worker_threads';
import { InputsSeen, runInputsKey, type RunTexts } from './runInputs.ts';
import type { InputsJob, InputsResult } from './inputsKeyThread.ts';

const job = workerData as InputsJob;
let result: InputsResult;
const transfer: ArrayBuffer[] = [];
try {
  const texts: RunTexts = new Map();
  const seen = new InputsSeen();
  const key = runInputsKey(job.root, job.parts, new Set(job.skip), texts, seen);
  const slabs = new Map<ArrayBuffer, number>();
  const files: string[] = [];
  const digests: string[] = [];
  // textHash differs from the digest only after a byte-order mark: sent only then.
  const hashes: (string | null)[] = [];
  const places = new Int32Array(texts.size * 3);
  let i = 0;
  for (const [path, { bytes, digest, hash }] of texts) {
    const slab = bytes.buffer as ArrayBuffer;
    let index = slabs.get(slab);
    if (index === undefined) slabs.set(slab, (index = transfer.push(slab) - 1));
    files.push(path);
    digests.push(digest);
    hashes.push(hash === digest ? null : hash);
    places[i++] = index;
    places[i++] = bytes.byteOffset;
    places[i++] = bytes.byteLength;
  }
  result = { key, files, digests, hashes, places, slabs: transfer, seen: [...seen.paths.keys()], kinds: [...seen.paths.values()], started: seen.started, margin: seen.margin };
} catch {
  // The main thread walks again and throws what the walk throws, as it always did.
  result = { failed: true };
  transfer.length = 0;
}
parentPort!.postMessage(result, transfer);
