import { hash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Diagnostic } from '../diagnostic.ts';
import { FILE_START } from '../diagnostic.ts';

/**
 * A file's text, or the problem that keeps it from being one. `lossyText`, with a yaml-encoding problem for
 * bytes that are not valid UTF-8: the text Backstage's catalog reads from them (catalogText).
 */
export type SourceText = Decoded | { problem: Diagnostic; lossyText?: undefined };

/** What decodeUtf8 gives: the text, or the yaml-encoding problem with the text Backstage reads from the bytes. */
export type Decoded = { text: string } | { problem: Diagnostic; lossyText: string };

/**
 * A file's bytes (with its textHash, jsYamlReadsAsYaml of its text and its plainDocuments when the reader
 * thread gave them), or its size when that is over the limit (nothing of it was read then).
 */
export type SourceBytes = { bytes: Buffer; hash?: string; jsYamlReads?: boolean; documents?: unknown[] } | { tooLarge: number };

/**
 * Reads a file as UTF-8 without ever holding more than `maxBytes` of it. Backstage decodes with
 * `toString('utf8')`, which silently turns invalid bytes into U+FFFD, so invalid UTF-8 is an error
 * here rather than a mis-read there (with the text Backstage reads, for the catalog to judge as well).
 * Throws the file system's error for a file that cannot be opened.
 */
export function readSource(absolutePath: string, file: string, maxBytes: number): SourceText {
  return sourceText(readBytes(absolutePath, maxBytes), file, maxBytes);
}

/**
 * The bytes of a file of at most `maxBytes` (as much as fstat said it had when opened), in a buffer from
 * `alloc` (default: Node's pool); throws the file system's error. Synchronous and one read: for thousands
 * of small files this costs a fraction of promise-based reads.
 */
export function readBytes(absolutePath: string, maxBytes: number, alloc: (size: number) => Buffer = Buffer.allocUnsafe): SourceBytes {
  try {
    return readOpened(absolutePath, maxBytes, alloc);
  } catch (error) {
    // A folder opens and fails at the read (EISDIR) with no path: name it, so the message says which.
    const e = error as NodeJS.ErrnoException;
    if (e && typeof e === 'object' && e.code && e.path === undefined) e.path = absolutePath;
    throw error;
  }
}

function readOpened(absolutePath: string, maxBytes: number, alloc: (size: number) => Buffer): SourceBytes {
  const { fd, size } = openRegularFile(absolutePath);
  try {
    if (size > maxBytes) return { tooLarge: size };
    return { bytes: readOpenedFile(fd, size, alloc) };
  } finally {
    closeSync(fd);
  }
}

// Without O_NONBLOCK, opening a FIFO waits for a writer, which may never come; with it the open returns and
// fstat refuses the FIFO. It changes nothing for a regular file's reads.
const OPEN_REGULAR = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Opens `absolutePath` (following links) only when it is a regular file: never blocks on a FIFO, never reads a
 * device (/dev/zero, /dev/stdin never end) or a folder. The files the toolkit opens by a name it computes or a
 * repository or config gives (a policy, CODEOWNERS, mkdocs.yml, a snapshot) are not ones a listing reported as
 * regular files: a pull request can commit that name as a link to such a file, or as a folder. Returns the open
 * descriptor (the caller closes it) and the size fstat gave. Throws the file system's error, or for what is
 * not a regular file an error with code EISDIR (a folder) or ENOTREG (anything else) naming the path.
 */
export function openRegularFile(absolutePath: string): { fd: number; size: number } {
  const fd = openSync(absolutePath, OPEN_REGULAR);
  try {
    const stats = fstatSync(fd);
    if (stats.isFile()) return { fd, size: stats.size };
    const error: NodeJS.ErrnoException = new Error(`${absolutePath} is ${stats.isDirectory() ? 'a folder' : 'not a regular file'}`);
    error.code = stats.isDirectory() ? 'EISDIR' : 'ENOTREG';
    error.path = absolutePath;
    throw error;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * The whole content of the regular file at `absolutePath` (openRegularFile), at most `maxBytes` of it: a larger
 * file throws an error with code EFBIG naming the path, and nothing of it is read.
 */
export function readRegularFile(absolutePath: string, maxBytes = MAX_REGULAR_FILE_BYTES): Buffer {
  const { fd, size } = openRegularFile(absolutePath);
  try {
    if (size > maxBytes) {
      const error: NodeJS.ErrnoException = new Error(`${absolutePath} is ${size} bytes, over ${maxBytes}`);
      error.code = 'EFBIG';
      error.path = absolutePath;
      throw error;
    }
    return readOpenedFile(fd, size, Buffer.allocUnsafe);
  } finally {
    closeSync(fd);
  }
}

/** Below the 2 GiB readFileSync refuses with an error the CLI cannot name; no file a repository means holds more. */
export const MAX_REGULAR_FILE_BYTES = 1024 * 1024 * 1024;

// A regular file's `size` bytes (fewer when it shrank since fstat).
function readOpenedFile(fd: number, size: number, alloc: (size: number) => Buffer): Buffer {
  const bytes = alloc(size);
  let read = 0;
  while (read < size) {
    const n = readSync(fd, bytes, read, size - read, null);
    if (n === 0) break;
    read += n;
  }
  return read === size ? bytes : bytes.subarray(0, read);
}

/**
 * The sha256 (hex) of the text that `bytes` decode to, as the `--cache` keys a file (contentHash of
 * sourceText's text), without decoding: for valid UTF-8 that text is the bytes after a leading byte-order
 * mark, which the decoder drops. Bytes that are not valid UTF-8 have no text and their hash is never used.
 */
export function textHash(bytes: Buffer): string {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  // One-shot: for thousands of small files, a Hash object each costs twice the hashing.
  return hash('sha256', bom ? bytes.subarray(3) : bytes, 'hex');
}

/** The text of bytes readBytes gave, or the problem that keeps them from being a catalog file. */
export function sourceText(read: SourceBytes, file: string, maxBytes: number): SourceText {
  if ('tooLarge' in read) {
    return {
      problem: {
        ruleId: 'yaml-file-too-large',
        severity: 'error',
        message: `This file is ${read.tooLarge} bytes; the gate does not read files over ${maxBytes} bytes (catalog.maxFileBytes), so nothing in it is checked. Backstage reads it whatever its size.`,
        hint: 'Split the entities into several files, or, if the size is intended, raise catalog.maxFileBytes in gitops.config.yaml (create the file with `catalog:` and `maxFileBytes: <bytes>` under it if there is none).',
        file,
        range: FILE_START,
      },
    };
  }
  return decodeUtf8(read.bytes, file);
}

// One decoder for every file: a decode without `stream` (and one that throws) leaves no state behind.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text the catalog judges of a read: the file's text, or for bytes that are not valid UTF-8 the text
 * Backstage ingests from them; undefined when the gate judges nothing of the file (over the byte cap).
 */
export function catalogText(read: Decoded): string;
export function catalogText(read: SourceText): string | undefined;
export function catalogText(read: SourceText): string | undefined {
  return 'text' in read ? read.text : read.lossyText;
}

export function decodeUtf8(bytes: Buffer, file: string): Decoded {
  // `toString('utf8')` of UTF-16 is two U+FFFD (the byte-order mark) and, for ordinary text, every ASCII
  // character beside a NUL: one plain scalar, which parseEntityYaml refuses ("Expected object at root"), so
  // the Location reading it fails and Backstage ingests nothing (yaml-not-a-mapping says so). But UTF-16
  // characters can be chosen whose two bytes are ASCII, spelling any YAML after the mark: a first document whose
  // first key holds the mark's characters passes Backstage's envelope check, and the next ones are entities it
  // ingests. So this text is judged like any other.
  let fault;
  try {
    return { text: UTF8.decode(bytes) };
  } catch {
    // A byte-order mark of UTF-16 (0xFF 0xFE or 0xFE 0xFF) is never valid UTF-8: utf8Fault names it.
    fault = utf8Fault(bytes)!;
  }
  // parseEntityYaml keeps a leading BOM as U+FEFF (its YAML parser then skips it): it is dropped here as for
  // valid UTF-8, so positions count alike and the text (so every finding of the file) depends only on the
  // bytes textHash keys the --cache by.
  const body = !fault.utf16 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  return { problem: encodingProblem(file, fault.line, fault.column, fault.what, fault.utf16 ? UTF16_READ : 'silently replaces these bytes with U+FFFD (\uFFFD)'), lossyText: body.toString('utf8') };
}

/**
 * Where `bytes` stop being UTF-8, and what they look like instead (`what`, to complete "This file is …"):
 * UTF-16 by its byte-order mark (at 1:1), else the line and column of the first invalid byte (a leading
 * UTF-8 BOM not counted). Undefined for valid UTF-8. `toString('utf8')`, which Backstage reads files with,
 * turns every such byte into U+FFFD.
 */
export function utf8Fault(bytes: Buffer): { line: number; column: number; what: string; utf16?: true } | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { line: 1, column: 1, what: 'UTF-16 (little-endian)', utf16: true };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { line: 1, column: 1, what: 'UTF-16 (big-endian)', utf16: true };
  try {
    UTF8.decode(bytes);
    return undefined;
  } catch {
    const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
    const lossyText = body.toString('utf8');
    const bad = firstReplaced(lossyText, body);
    const before = lossyText.slice(0, bad);
    const line = before.split('\n').length;
    const column = bad - before.lastIndexOf('\n');
    // Which encoding it is can only be guessed; single bytes of 0x80-0xFF in text are what Latin-1 and
    // Windows-1252 editors write (é as 0xE9), and naming that tells the user what to convert from.
    const latin1 = !body.includes(0) && body.some(b => b >= 0xa0);
    return { line, column, what: latin1 ? 'not valid UTF-8 (it looks like Latin-1 or Windows-1252)' : 'not valid UTF-8' };
  }
}

/**
 * The index in `text` (`bytes` decoded by toString('utf8')) of the first U+FFFD that stands for invalid bytes
 * rather than for a U+FFFD the file holds (EF BF BD). Every character before it is valid, so its bytes are
 * its UTF-8 encoding and byteLength counts them.
 */
function firstReplaced(text: string, bytes: Buffer): number {
  let at = text.indexOf('\uFFFD');
  let offset = Buffer.byteLength(text.slice(0, at));
  while (bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd) {
    const next = text.indexOf('\uFFFD', at + 1);
    offset += 3 + Buffer.byteLength(text.slice(at + 1, next));
    at = next;
  }
  return at;
}

const UTF16_READ = 'so reads this one as U+FFFD (\uFFFD) and NUL characters';

// Said of every file that is not UTF-8, a catalog file (whose text Backstage reads the gate judges as well) or
// an mkdocs.yml; the toolkit's own config files cut the message at '; Backstage'.
function encodingProblem(file: string, line: number, column: number, what: string, read: string): Diagnostic {
  return {
    ruleId: 'yaml-encoding',
    severity: 'error',
    message: `This file is ${what}; Backstage reads catalog files as UTF-8 and ${read}.`,
    hint: 'Re-save the file as UTF-8 (without a byte-order mark).',
    file,
    range: { start: { line, column }, end: { line, column: column + 1 } },
  };
}
