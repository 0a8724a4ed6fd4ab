import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { SEVERITIES, type Diagnostic, type Severity } from '../diagnostic.ts';
import type { Rule } from '../rules.ts';
import { validDiagnostic } from './resultCache.ts';

/**
 * What a whole `check` run reported, before formatting: valid for another run whose inputs hash to the
 * same `key` (runInputsKey with cacheKey and the options that change findings).
 */
export interface RunRecord {
  key: string;
  /** The findings after the config's rule settings, as the formatters receive them. */
  diagnostics: Diagnostic[];
  /** With --base: the base's findings the head no longer has (pairWithBase). */
  fixed?: Diagnostic[];
  checkedFiles: number;
  entityCount: number;
  /** Every rule the run knew (registries and org policies), for SARIF's rule descriptions. */
  rules: Rule[];
  /** The config's failOn, for a run without --fail-on. */
  failOn: Severity;
}

const RUN_FORMAT = 'backstage-gitops-run/1';

/**
 * A `--cache` file as two parts: the last run's record on the first line, the per-file results
 * (ResultCache) on the rest, as bytes that a replayed run never decodes; they are the whole file when the first line is not a run record (an older or damaged file, which
 * ResultCache then refuses with its notice), and undefined when there is no file.
 */
export interface CacheFileParts {
  run?: RunRecord;
  /** Why the run record on the first line was not used although it was there, for a one-line notice. */
  notice?: string;
  /** The per-file part's bytes (ResultCache.read decodes them), undefined when there is no file. */
  filesBytes(): Buffer | undefined;
}

/**
 * Reads and splits a `--cache` file (see CacheFileParts); an unreadable file gives '' to ResultCache's notice.
 * Only the first line is read at once: a replayed run needs nothing else, and reading the per-file part too
 * (9 MB for 10,000 entities) was a tenth of such a run. The rest is read when filesBytes() is first called,
 * from the same open file, so both parts are of one file even if it is replaced meanwhile.
 */
export function readCacheParts(path: string): CacheFileParts {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { filesBytes: () => (missing ? undefined : Buffer.alloc(0)) };
  }
  let read: { bytes: Buffer; newline: number; end: boolean };
  try {
    read = readThroughNewline(fd);
  } catch {
    closeSync(fd);
    return { filesBytes: () => Buffer.alloc(0) };
  }
  const { bytes, newline } = read;
  if (read.end) closeSync(fd);
  const run = newline < 0 ? undefined : runHeader(bytes.subarray(0, newline).toString('utf8'));
  let rest: Buffer | undefined;
  const whole = () => {
    if (rest === undefined) {
      rest = bytes;
      if (!read.end) {
        try {
          rest = Buffer.concat([bytes, readToEnd(fd, bytes.length)]);
        } catch {
          // A file that cannot be read on is judged by what was read: ResultCache refuses a cut part with its notice.
        } finally {
          closeSync(fd);
        }
      }
    }
    return rest;
  };
  const filesBytes = () => (run ? whole().subarray(newline + 1) : whole());
  return { run: run?.record, notice: run?.malformed ? 'its record of the last run is malformed' : undefined, filesBytes };
}

const CHUNK_BYTES = 1 << 16;

/** An open file's bytes from its start up to and including its first line break (`newline`: its index, -1 if none), or to its end (`end`). */
function readThroughNewline(fd: number): { bytes: Buffer; newline: number; end: boolean } {
  let bytes = Buffer.allocUnsafe(CHUNK_BYTES);
  let length = 0;
  for (;;) {
    if (length === bytes.length) bytes = Buffer.concat([bytes, Buffer.allocUnsafe(bytes.length)]);
    const got = readSync(fd, bytes, length, bytes.length - length, null);
    const newline = bytes.subarray(length, length + got).indexOf(10);
    length += got;
    if (got === 0) return { bytes: bytes.subarray(0, length), newline: -1, end: true };
    if (newline >= 0) return { bytes: bytes.subarray(0, length), newline: length - got + newline, end: false };
  }
}

/** The rest of an open file, from where the last read stopped (`read`: how many bytes it had read). */
function readToEnd(fd: number, read: number): Buffer {
  const chunks: Buffer[] = [];
  // One read for a file that did not grow since it was opened; a short read is its end only when it returns 0.
  let buffer = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, fstatSync(fd).size - read + 1));
  let used = 0;
  for (;;) {
    if (used === buffer.length) {
      chunks.push(buffer);
      buffer = Buffer.allocUnsafe(buffer.length);
      used = 0;
    }
    const got = readSync(fd, buffer, used, buffer.length - used, null);
    if (got === 0) break;
    used += got;
  }
  chunks.push(buffer.subarray(0, used));
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

/**
 * cacheFileText as pieces of bytes to write one after another (writeCacheFile), with the per-file part as
 * bytes (ResultCache.serializeChunks, or the part as read): nothing encoded or copied twice.
 */
export function cacheFileChunks(run: RunRecord | undefined, files: Buffer | readonly Buffer[]): Buffer[] {
  return [Buffer.from(`${JSON.stringify({ format: RUN_FORMAT, run: run ?? null })}\n`), ...(Buffer.isBuffer(files) ? [files] : files)];
}

/** The text of a `--cache` file: `run` (or none) on the first line, then ResultCache's serialization. */
export function cacheFileText(run: RunRecord | undefined, files: string): string {
  // JSON.stringify never writes a raw line break, so the first line is the whole record.
  return `${JSON.stringify({ format: RUN_FORMAT, run: run ?? null })}\n${files}`;
}

function runHeader(line: string): { record?: RunRecord; malformed?: boolean } | undefined {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(data) || data.format !== RUN_FORMAT) return undefined;
  // A record of the wrong shape is never trusted: the run goes the long way and writes a new one.
  if (data.run === null) return {};
  return validRecord(data.run) ? { record: data.run } : { malformed: true };
}

function validRecord(run: unknown): run is RunRecord {
  if (!isObject(run) || typeof run.key !== 'string' || !SEVERITIES.includes(run.failOn as never) || !Number.isInteger(run.checkedFiles) || !Number.isInteger(run.entityCount)) return false;
  if (!Array.isArray(run.diagnostics) || !run.diagnostics.every(d => validDiagnostic(undefined, d))) return false;
  if (run.fixed !== undefined && !(Array.isArray(run.fixed) && run.fixed.every(d => validDiagnostic(undefined, d)))) return false;
  return Array.isArray(run.rules) && run.rules.every(r => isObject(r) && typeof r.id === 'string' && SEVERITIES.includes(r.severity as never) && typeof r.description === 'string' && typeof r.example === 'string' && [r.title, r.hint].every(v => v === undefined || typeof v === 'string'));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
