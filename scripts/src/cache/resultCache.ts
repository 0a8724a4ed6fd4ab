import { hash as sha } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { SEVERITIES, type Diagnostic } from '../diagnostic.ts';
import type { RunTexts } from './runInputs.ts';

/** What one file contributed in an earlier run, valid while its text hashes the same. */
export interface CachedFile {
  /** sha256 of the file's text. */
  hash: string;
  /** The parsed documents, `null` also where a document could not be read (listed in `unread`). */
  documents: unknown[];
  unread: number[];
  problems: Diagnostic[];
  /**
   * Per document: the Backstage-model and org-policy findings of its entity. `substituted` is the hash
   * of the entity after placeholder substitution, when that changed it (the findings then also depend
   * on the files the placeholders read).
   */
  findings: ({ model: Diagnostic[]; policies: Diagnostic[]; substituted?: string } | null)[];
}

// One line of JSON for the format and key, then one line per file, `[path, CachedFile]`: a file whose
// results came back unchanged is written back as the line it was read from, not serialized again.
const FORMAT = 'backstage-gitops-cache/2';

/** The sha256 of a file's text, as the cache keys it. */
export function contentHash(text: string): string {
  // One-shot: for thousands of small files, a Hash object each costs twice the hashing.
  return sha('sha256', text, 'hex');
}

/**
 * Per-file results of the catalog gate from an earlier run (`check --cache FILE`, the convention of
 * ESLint and Prettier). Everything that decides a file's results besides its own text (toolkit code,
 * Backstage package versions, org policies, config) is in `key`: a cache written under another key is
 * ignored as a whole. Checks across entities and files never come from the cache.
 */
export class ResultCache {
  readonly #previous: Record<string, CachedFile>;
  /** The line each previous entry was read from, when read from a text (from bytes: `#lineBytes`). */
  readonly #lines: Record<string, string>;
  /** Where each previous entry's line is in the bytes it was decoded from (`read`'s `bytes`): written back as it is. */
  #lineBytes?: LineBytes;
  // Keyed by paths from a file anyone could have written: no prototype for a `__proto__` key to reach.
  readonly #next: Record<string, CachedFile> = Object.create(null);
  /** How many files and entities took their results from the cache in this run. */
  readonly hits = { files: 0, entities: 0 };
  /** Why the previous cache was not used, for a one-line notice; undefined when it was used or there was none. */
  readonly notice?: string;
  /**
   * The YAML files the run's key was computed from (runInputsKey's `keep`), when the caller has them:
   * the loader judges these bytes, with their hashes, rather than reading and hashing the files again.
   */
  texts?: RunTexts;

  #changed = false;
  #put = 0;
  readonly #previousFindings: number;

  private constructor(readonly key: string, previous: Record<string, CachedFile>, notice?: string, lines: Record<string, string> = Object.create(null)) {
    this.#previous = previous;
    this.#lines = lines;
    this.notice = notice;
    let findings = 0;
    for (const file in previous) for (const found of previous[file].findings) if (found !== null) findings++;
    this.#previousFindings = findings;
    // An ignored cache file is rewritten even when this run finds nothing to keep.
    if (notice) this.#changed = true;
  }

  /**
   * Reads a cache from its bytes (or its text; `undefined` when there is no file yet). A cache that does not
   * parse, has another shape or another key is never trusted: it starts empty, with a notice saying why.
   * Bytes are decoded a line at a time (as `toString('utf8')` decodes them): one character beyond Latin-1
   * anywhere made V8 hold the whole 9 MB text of a 10k catalog's cache as two bytes a character, and decoding
   * and splitting it cost more than parsing its lines. Lines read from bytes are written back as those bytes
   * by serializeChunks.
   */
  static read(source: string | Buffer | undefined, key: string): ResultCache {
    if (source === undefined) return new ResultCache(key, {});
    const lines = typeof source === 'string' ? textLines(source) : byteLines(source);
    let header: unknown;
    try {
      header = JSON.parse(lines.line(0));
    } catch {
      return new ResultCache(key, {}, 'it is not valid JSON');
    }
    if (!isObject(header) || header.format !== FORMAT || typeof header.key !== 'string') {
      return new ResultCache(key, {}, 'it is not a cache this toolkit wrote');
    }
    if (header.key !== key) return new ResultCache(key, {}, 'the toolkit, Backstage packages, policies or config changed since it was written');
    const files: Record<string, CachedFile> = Object.create(null);
    const texts: Record<string, string> = Object.create(null);
    const index = new Map<string, number>();
    for (let i = 1; i < lines.count; i++) {
      const text = lines.line(i);
      let line: unknown;
      try {
        line = JSON.parse(text);
      } catch {
        return new ResultCache(key, {}, 'it is not valid JSON');
      }
      if (!Array.isArray(line) || line.length !== 2 || typeof line[0] !== 'string' || Object.hasOwn(files, line[0])) return new ResultCache(key, {}, 'it is not a cache this toolkit wrote');
      const [file, entry] = line as [string, unknown];
      if (!validEntry(file, entry)) return new ResultCache(key, {}, `its entry for ${file.slice(0, 200)} is malformed`);
      files[file] = entry;
      // A line read from bytes is written back as those bytes: its text is not kept (10k lines of a 10k
      // catalog's cache, which the collector then copied until the run ended).
      if (lines.bytes) index.set(file, i);
      else texts[file] = text;
    }
    const cache = new ResultCache(key, files, undefined, texts);
    if (lines.bytes) cache.#lineBytes = { bytes: lines.bytes.bytes, index, starts: lines.bytes.starts, ends: lines.bytes.ends };
    return cache;
  }

  /**
   * An empty cache that lives in this process only (no file reads or writes it): the first of a run's two
   * loads of one catalog records into it what `following` then hands the second.
   */
  static inMemory(): ResultCache {
    return new ResultCache('', {});
  }

  /**
   * A cache holding this one's earlier results and what this run recorded so far (putParsed, putFindings),
   * for a second load of the same files in the same run: a file whose bytes hash the same is not parsed
   * again, and an entity whose findings were recorded is not checked again, exactly as a `--cache` run
   * takes them. Never written; this cache is unchanged.
   */
  following(): ResultCache {
    const previous: Record<string, CachedFile> = Object.create(null);
    for (const file in this.#previous) previous[file] = this.#previous[file];
    for (const file in this.#next) previous[file] = this.#next[file];
    return new ResultCache(this.key, previous);
  }

  /** The earlier parse of `file` if its text still hashes to `hash`: documents as parseYaml gives them. */
  parsed(file: string, hash: string): { documents: unknown[]; problems: Diagnostic[] } | undefined {
    const entry = Object.hasOwn(this.#previous, file) ? this.#previous[file] : undefined;
    if (entry?.hash !== hash) return undefined;
    const documents = [...entry.documents];
    for (const index of entry.unread) documents[index] = undefined;
    this.hits.files++;
    return { documents, problems: entry.problems };
  }

  /**
   * The earlier per-entity findings of one document of `file`, if its text still hashes to `hash` and
   * its entity after placeholder substitution to `substituted` (undefined when nothing was substituted).
   */
  findings(file: string, hash: string, document: number, substituted?: string): { model: Diagnostic[]; policies: Diagnostic[] } | undefined {
    const entry = this.#previous[file];
    const found = (entry?.hash === hash && entry.findings[document]) || undefined;
    if (!found || found.substituted !== substituted) return undefined;
    this.hits.entities++;
    return found;
  }

  /**
   * Records a file's parse for the next run; documents that JSON cannot carry exactly leave the file out.
   * A parse this cache gave back (`parsed`) is kept as it was.
   */
  putParsed(file: string, hash: string, documents: readonly unknown[], problems: readonly Diagnostic[]): void {
    const previous = this.#previous[file];
    if (previous?.hash === hash && previous.problems === problems) {
      this.#next[file] = { ...previous, findings: previous.findings.map(() => null) };
      return;
    }
    this.#changed = true;
    if (!jsonExact(documents)) return;
    const unread = documents.flatMap((d, i) => (d === undefined ? [i] : []));
    this.#next[file] = { hash, documents: documents.map(d => (d === undefined ? null : d)), unread, problems: [...problems], findings: documents.map(() => null) };
  }

  /** Records the per-entity findings of one document of a file recorded with putParsed. */
  putFindings(file: string, hash: string, document: number, model: readonly Diagnostic[], policies: readonly Diagnostic[], substituted?: string): void {
    const entry = this.#next[file];
    if (entry?.hash !== hash || document >= entry.findings.length) return;
    const before = this.#previous[file]?.hash === hash ? this.#previous[file].findings[document] : null;
    if (!(before && before.model === model && before.policies === policies && before.substituted === substituted)) this.#changed = true;
    this.#put++;
    // Findings that came back from this cache are kept as read, so serialize can write the file's line back.
    entry.findings[document] = before && before.model === model && before.policies === policies && before.substituted === substituted ? before : { model: [...model], policies: [...policies], ...(substituted === undefined ? {} : { substituted }) };
  }

  /**
   * Whether the next run's cache differs from the one read: false when every file and every entity's
   * findings came back from it unchanged, so a second run over the same files need not rewrite it.
   */
  needsWrite(): boolean {
    const files = Object.keys(this.#next);
    return this.#changed || files.length !== Object.keys(this.#previous).length || !files.every(f => f in this.#previous) || this.#put !== this.#previousFindings;
  }

  /** The cache as the next run reads it: only the files seen in this run, one line each. */
  serialize(): string {
    return this.serializeBytes().toString('utf8');
  }

  /** serialize's text as UTF-8 bytes (serializeChunks joined). */
  serializeBytes(): Buffer {
    return Buffer.concat(this.serializeChunks());
  }

  /**
   * serialize's text as UTF-8 bytes, in pieces to be written one after another: lines that came back
   * unchanged are views of the bytes they were read from (when `read` had them), consecutive ones as one
   * view, so a run that changed a few files of 10,000 encodes and copies only those (writing 9 MB through
   * one joined buffer cost two copies of it).
   */
  serializeChunks(): Buffer[] {
    const chunks: Buffer[] = [];
    // Text not yet encoded, and the open range of read bytes (newline included) not yet cut as a view.
    let text = JSON.stringify({ format: FORMAT, key: this.key });
    let from = -1;
    let to = -1;
    const cut = () => {
      if (from >= 0) chunks.push(this.#lineBytes!.bytes.subarray(from, to));
      from = -1;
    };
    for (const file in this.#next) {
      const entry = this.#next[file];
      const asRead = this.#asRead(file, entry);
      const line = asRead ? this.#lineBytes?.index.get(file) : undefined;
      if (line === undefined) {
        cut();
        text += `\n${asRead ? this.#lines[file] : JSON.stringify([file, entry])}`;
        continue;
      }
      // The line with the line break before it: read lines are separated by exactly one byte.
      const start = this.#lineBytes!.starts[line] - 1;
      if (from >= 0 && start === to) {
        to = this.#lineBytes!.ends[line];
        continue;
      }
      cut();
      if (text) chunks.push(Buffer.from(text));
      text = '';
      from = start;
      to = this.#lineBytes!.ends[line];
    }
    cut();
    if (text) chunks.push(Buffer.from(text));
    return chunks;
  }

  /** Whether `entry` is the previous entry of `file` unchanged (putParsed and putFindings kept its parts). */
  #asRead(file: string, entry: CachedFile): boolean {
    const previous = Object.hasOwn(this.#previous, file) ? this.#previous[file] : undefined;
    if (!previous || !(Object.hasOwn(this.#lines, file) || this.#lineBytes?.index.has(file)) || previous.hash !== entry.hash || previous.documents !== entry.documents || previous.problems !== entry.problems || previous.unread !== entry.unread) return false;
    return entry.findings.every((f, i) => f === previous.findings[i]);
  }
}

/** The entry lines of a cache file's bytes: the line of `file` is `bytes` from `starts[index.get(file)]` to `ends[…]`. */
interface LineBytes {
  bytes: Buffer;
  index: Map<string, number>;
  starts: number[];
  ends: number[];
}

/** A cache file's lines, by number from 0 (the header); `bytes` when read from bytes: line i is `bytes` from `starts[i]` to `ends[i]`. */
interface CacheLines {
  count: number;
  line(i: number): string;
  bytes?: { bytes: Buffer; starts: number[]; ends: number[] };
}

/** The lines of a cache file's text, a final empty one (after the last line break) left out. */
function textLines(text: string): CacheLines {
  const lines = text.split('\n');
  if (lines.at(-1) === '' && lines.length > 1) lines.pop();
  return { count: lines.length, line: i => lines[i] };
}

/**
 * The lines of a cache file's bytes, each decoded when asked for. A line break is one byte in UTF-8 and
 * never part of another character's bytes, so these are the lines of the decoded text.
 */
function byteLines(bytes: Buffer): CacheLines {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let start = 0; ; ) {
    const end = bytes.indexOf(10, start);
    starts.push(start);
    ends.push(end < 0 ? bytes.length : end);
    if (end < 0) break;
    start = end + 1;
  }
  if (starts.length > 1 && starts.at(-1) === bytes.length) {
    starts.pop();
    ends.pop();
  }
  return { count: starts.length, line: i => bytes.toString('utf8', starts[i], ends[i]), bytes: { bytes, starts, ends } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Values YAML can give that JSON cannot carry back exactly (NaN, ±Infinity, -0): such a file is parsed every run.
function jsonExact(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(v => v === undefined || jsonExact(v));
  if (isObject(value)) return Object.values(value).every(jsonExact);
  return value === null || typeof value === 'string' || typeof value === 'boolean';
}

// Loops rather than every() with closures: ten thousand entries are checked on every run that reads the cache.
function validEntry(file: string, entry: unknown): entry is CachedFile {
  if (!isObject(entry) || typeof entry.hash !== 'string' || !Array.isArray(entry.documents) || !Array.isArray(entry.problems) || !Array.isArray(entry.findings) || !Array.isArray(entry.unread)) return false;
  const count = entry.documents.length;
  for (const i of entry.unread) if (!Number.isInteger(i) || i < 0 || i >= count) return false;
  if (entry.findings.length !== count || !validDiagnostics(file, entry.problems)) return false;
  for (const f of entry.findings) {
    if (f === null) continue;
    if (!isObject(f) || !Array.isArray(f.model) || !Array.isArray(f.policies) || (f.substituted !== undefined && typeof f.substituted !== 'string')) return false;
    if (!validDiagnostics(file, f.model) || !validDiagnostics(file, f.policies)) return false;
  }
  return true;
}

function validDiagnostics(file: string, list: unknown[]): boolean {
  for (const d of list) if (!validDiagnostic(file, d)) return false;
  return true;
}

/** Whether `d` has a Diagnostic's shape (and, given `file`, is about that file): for results read back from disk. */
export function validDiagnostic(file: string | undefined, d: unknown): d is Diagnostic {
  if (!isObject(d) || typeof d.file !== 'string' || (file !== undefined && d.file !== file) || typeof d.ruleId !== 'string' || typeof d.message !== 'string' || !SEVERITIES.includes(d.severity as never)) return false;
  if (d.hint !== undefined && typeof d.hint !== 'string') return false;
  if (d.entityRef !== undefined && typeof d.entityRef !== 'string') return false;
  if (d.alreadyOnBase !== undefined && d.alreadyOnBase !== true) return false;
  if (d.unresolvedRef !== undefined && typeof d.unresolvedRef !== 'string') return false;
  if (d.unresolvedField !== undefined && typeof d.unresolvedField !== 'string') return false;
  const missing = d.missingTarget as Record<string, unknown> | undefined;
  if (missing !== undefined && !(isObject(missing) && [missing.via, missing.value, missing.path].every(v => typeof v === 'string'))) return false;
  const range = d.range as Record<string, Record<string, unknown>> | undefined;
  return isObject(range) && [range.start, range.end].every(p => isObject(p) && Number.isInteger(p.line) && Number.isInteger(p.column));
}

/**
 * Writes the cache so that a run stopped half-way never leaves a truncated file: a temporary file
 * beside it, then a rename.
 */
export function writeCacheFile(path: string, data: string | Buffer | readonly Buffer[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  if (typeof data === 'string' || Buffer.isBuffer(data)) writeFileSync(temporary, data);
  else {
    const fd = openSync(temporary, 'w');
    try {
      // writeSync may write less than it was given: each piece is written until it is whole.
      for (const chunk of data) for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at, chunk.length - at);
    } finally {
      closeSync(fd);
    }
  }
  renameSync(temporary, path);
}

/** The cache file's text, or undefined when there is none yet. */
export function readCacheFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return '';
  }
}
