// The file reader thread of a big catalog (see fileReader.ts): bundled as its own entry, readerWorker.mjs
// beside cli.mjs. It only opens and reads files (no parser, no checks: nothing for V8 to compile twice) and
// hands each chunk's bytes to the main thread without a copy.
import { parentPort } from 'node:worker_threads';
import { readBytes } from './readSource.ts';
import { chunkCount, READER, type ReadChunk, type ReadJob, type ReadResult } from './readChunks.ts';

const port = parentPort!;

port.on('message', (job: ReadJob) => {
  const owners = new Int32Array(job.owners);
  const consumed = new Int32Array(job.consumed);
  const chunks = chunkCount(job);
  for (let chunk = job.mode === 'alternate' ? 1 : 0; chunk < chunks; chunk += job.mode === 'alternate' ? 2 : 1) {
    // Stay at most WINDOW chunks ahead of the main thread: the bytes of a huge catalog never pile up.
    for (let seen = Atomics.load(consumed, 0); chunk - seen > job.window; seen = Atomics.load(consumed, 0)) Atomics.wait(consumed, 0, seen, 1000);
    if (job.mode === 'share' && Atomics.compareExchange(owners, chunk, 0, READER) !== 0) continue;
    const results: ReadResult[] = [];
    const transfer: ArrayBuffer[] = [];
    for (let i = chunk * job.chunkSize; i < Math.min((chunk + 1) * job.chunkSize, job.paths.length); i++) {
      let read;
      try {
        read = readBytes(job.paths[i], job.maxBytes);
      } catch {
        // The main thread reads it again and reports the file system's error as it always does.
        results.push({ error: true });
        continue;
      }
      if ('tooLarge' in read) {
        results.push(read);
        continue;
      }
      // Only a buffer that is wholly this file's may move (an empty file's may be a slice of Node's pool).
      const own = read.bytes.byteOffset === 0 && read.bytes.buffer.byteLength === read.bytes.byteLength ? read.bytes : Buffer.from(new Uint8Array(read.bytes));
      results.push({ bytes: own.buffer as ArrayBuffer });
      transfer.push(own.buffer as ArrayBuffer);
    }
    port.postMessage({ job: job.id, chunk, results } satisfies ReadChunk, transfer);
  }
});
