// The file reader thread of a big catalog (see fileReader.ts): bundled as its own entry, readerWorker.mjs
// beside cli.mjs. It opens and reads files and hands each chunk's bytes to the main thread without a copy,
// in one buffer per chunk; with a `--cache` it hashes them too. It also says of each text whether parseYaml
// may read it with js-yaml (a scan of the text, parserAgreement.ts), so the main thread does not scan it
// again, and in a run without a cache, while it is ahead of the main thread, it parses those texts with
// js-yaml (plainDocuments): the main thread then takes their documents. No checks run here (their
// validators would be compiled a second time).
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { jsYamlReadsAsYaml } from './parserAgreement.ts';
import { plainDocuments } from './plainDocuments.ts';
import { catalogText, decodeUtf8, readBytes, textHash } from './readSource.ts';
import { chunkCount, READER, type ReadChunk, type ReadJob, type ReadResult } from './readChunks.ts';

const port = parentPort!;
// A chunk of 128 catalog files is about 100 kB; a bigger file gets a slab of its own size.
const SLAB_BYTES = 256 * 1024;

port.on('message', (job: ReadJob) => {
  const owners = new Int32Array(job.owners);
  const consumed = new Int32Array(job.consumed);
  const chunks = chunkCount(job);
  const files = job.count === 0 ? [] : job.files.split('\0');
  for (let chunk = job.mode === 'alternate' ? 1 : 0; chunk < chunks; chunk += job.mode === 'alternate' ? 2 : 1) {
    // Stay at most WINDOW chunks ahead of the main thread: the bytes of a huge catalog never pile up.
    for (let seen = Atomics.load(consumed, 0); chunk - seen > job.window; seen = Atomics.load(consumed, 0)) Atomics.wait(consumed, 0, seen, 1000);
    if (job.mode === 'share' && Atomics.compareExchange(owners, chunk, 0, READER) !== 0) continue;
    // Reading is about four times as fast as the main thread's work on a file, so the reader is soon ahead:
    // while it is `lead` chunks ahead it also parses, which moves the main thread's biggest cost of a file
    // here; when the main thread catches up, it reads only, to get ahead again. Neither waits.
    const parse = job.parse !== undefined && chunk - Atomics.load(consumed, 0) >= job.parse.lead ? job.parse : undefined;
    const results: ReadResult[] = [];
    const slabs: ArrayBuffer[] = [];
    let used = 0;
    const alloc = (size: number) => {
      if (slabs.length === 0 || used + size > slabs[slabs.length - 1].byteLength) {
        slabs.push(new ArrayBuffer(Math.max(SLAB_BYTES, size)));
        used = 0;
      }
      used += size;
      return Buffer.from(slabs[slabs.length - 1], used - size, size);
    };
    for (let i = chunk * job.chunkSize; i < Math.min((chunk + 1) * job.chunkSize, files.length); i++) {
      const path = join(job.root, files[i]);
      let read;
      try {
        read = readBytes(path, job.maxBytes, alloc);
      } catch {
        // The main thread reads it again and reports the file system's error as it always does.
        results.push({ error: true });
        continue;
      }
      if ('tooLarge' in read) {
        results.push(read);
        continue;
      }
      let bytes = read.bytes;
      if (!slabs.includes(bytes.buffer as ArrayBuffer)) {
        // An empty or special file's bytes come from Node's pool: copied into the slab.
        const copy = alloc(bytes.length);
        bytes.copy(copy);
        bytes = copy;
      }
      // Which parser the main thread's parseYaml takes for the text is a pure function of the text: judged here,
      // on this core, from the same bytes decoded the same way (one scan of the text a file, ≈2.5 µs).
      // Bytes that are not UTF-8 too: the main thread judges the text Backstage reads from them (catalogText).
      const text = catalogText(decodeUtf8(bytes, path));
      const jsYamlReads = jsYamlReadsAsYaml(text);
      // The main thread takes the documents as its own parse's (a structured clone: ≈4 µs a catalog file against ≈27 µs of parsing).
      const documents = parse && jsYamlReads ? plainDocuments(text, files[i], parse.maxNodes) : undefined;
      results.push({ slab: slabs.indexOf(bytes.buffer as ArrayBuffer), offset: bytes.byteOffset, length: bytes.byteLength, ...(job.hash ? { hash: textHash(bytes) } : {}), jsYamlReads, ...(documents ? { documents } : {}) });
    }
    port.postMessage({ job: job.id, chunk, slabs, results } satisfies ReadChunk, slabs);
  }
});
