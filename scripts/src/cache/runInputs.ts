import { createHash, hash as sha, type Hash } from 'node:crypto';
import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join } from 'node:path';
import { textHash } from '../load/readSource.ts';
import { isYamlFile } from '../load/repoFiles.ts';

/**
 * The YAML files a runInputsKey walk read, by repo-relative path: their bytes exactly as hashed into the
 * key, `digest` (their sha256, as the key holds it) and `hash` (textHash of them, the `--cache`'s key
 * for a file). A loader that judges these bytes instead of reading the files again judges what the key
 * names, even if a file changes meanwhile.
 */
export type RunTexts = Map<string, { bytes: Buffer; digest: string; hash: string }>;

// Larger YAML files are streamed into the key like any other file, and not kept: the loader reads (or
// refuses) them itself.
const KEEP_MAX_BYTES = 1 << 20;

/**
 * sha256 of everything below `root` that a `check` run can read, plus `parts` (the caller's other inputs:
 * the toolkit's own key, the options that change findings). Two runs with the same key read the same
 * bytes (config and policies included: they are files here) and so report the same findings: the whole
 * run can be replayed.
 *
 * Covered, in name order, every folder level:
 * - every regular file by path and full content (the listing, catalog files, placeholder targets,
 *   mkdocs.yml, CODEOWNERS, templates, skeletons, scorecards, app-config: also files the catalog listing
 *   skips, such as site/, dist/ and .cache/, which a placeholder or config path can still name);
 * - every folder by path, empty ones included (a skeleton folder's existence is a finding's input);
 * - every symbolic link by its text and where it finally leads (a link out of the repo is a finding,
 *   and one that leads back in is read through);
 * - not `.git`: git's bookkeeping (the index's file times, reflogs, the credentials a CI checkout writes
 *   into its config) differs between two checkouts of the same commit, Backstage never sees it (it reads
 *   the tree from the git host), and `check` reads it only for --base, which the caller keys by the
 *   base revision's archive;
 * - each `node_modules` folder by npm's record of what it installed (`.package-lock.json`, rewritten by
 *   every `npm ci` / `npm install`), as cacheKey covers the toolkit's own packages.
 * `skip`: repo-relative paths left out (the cache file itself, rewritten by every run that misses);
 * the folders that hold them are walked but their own existence is not hashed (the first run creates them).
 * A YAML file of at most KEEP_MAX_BYTES is hashed into the key by its own sha256, which `keep` is filled
 * with (RunTexts, so the run need not read or hash the files again); `stamps` is filled with what the
 * walk saw of every path (InputStamps), so that inputsUnchanged can later tell whether any of it changed
 * without reading it again. Neither changes the key.
 * Reads files; a folder or file that vanishes mid-walk is hashed as unreadable rather than thrown.
 */
export function runInputsKey(root: string, parts: readonly string[], skip: ReadonlySet<string> = new Set(), keep?: RunTexts, stamps?: InputStamps): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:${part}\n`);
  if (stamps) stamps.skip = skip;
  const made = new Set([...skip].flatMap(path => path.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
  try {
    // Joined once: the walk's paths are names readdir gave (no `/`, `.` or `..`), so appending them needs
    // no normalizing, which path.join did for every file.
    walk(hash, join(root, '/'), '', skip, made, keep, stamps);
  } finally {
    buffer = undefined;
    slab = undefined;
  }
  return hash.digest('hex');
}

function walk(hash: Hash, root: string, folder: string, skip: ReadonlySet<string>, made: ReadonlySet<string>, keep?: RunTexts, stamps?: InputStamps): void {
  // Stamped before it is listed: an entry added or removed after this changes what the stamp records.
  const stamp = stamps && folderStamp(stamps, root + folder);
  let entries;
  try {
    entries = readdirSync(root + folder, { withFileTypes: true });
  } catch {
    hash.update(`?${folder}\0`);
    stamps?.entries.set(folder, '?D');
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (stamps) stamps.entries.set(folder, stamp === RACY ? `=${listing(folder, entries, skip)}` : stamp!);
  for (const entry of entries) {
    const path = folder ? `${folder}/${entry.name}` : entry.name;
    if (skip.has(path) || entry.name === '.git') continue;
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules') {
        hash.update(`M${path}\0`);
        file(hash, root, `${path}/.package-lock.json`, undefined, stamps);
        continue;
      }
      if (!made.has(path)) hash.update(`D${path}\0`);
      walk(hash, root, path, skip, made, keep, stamps);
    } else if (entry.isFile()) {
      hash.update(`F${path}\0`);
      file(hash, root, path, keep, stamps);
    } else if (entry.isSymbolicLink()) {
      const link = linkText(root + path);
      hash.update(`L${path}\0${link}`);
      stamps?.entries.set(path, `L${link}`);
    } else {
      hash.update(`S${path}\0`);
    }
  }
}

// Where a link leads is decided by other paths (maybe outside the root): it is always resolved again.
function linkText(path: string): string {
  return `${readLink(path)}\0${realPath(path)}\0`;
}

// The names and kinds a folder listed, as the walk hashes them: a racy folder is compared by this.
function listing(folder: string, entries: Dirent[], skip: ReadonlySet<string>): string {
  return entries
    .filter(e => !skip.has(folder ? `${folder}/${e.name}` : e.name) && e.name !== '.git')
    .map(e => `${e.isDirectory() ? 'D' : e.isFile() ? 'F' : e.isSymbolicLink() ? 'L' : 'S'}${e.name}`)
    .join('\0');
}

// One buffer for the walk's reads, grown to the largest file: for 10k small files, allocating one
// buffer each (readFileSync) cost a tenth of the walk. Dropped when the walk ends.
let buffer: Buffer | undefined;

// Kept files are copied into shared slabs of this size: one allocation per slab, not per file.
const SLAB_BYTES = 1 << 20;
let slab: Buffer | undefined;
let slabUsed = 0;

function file(hash: Hash, root: string, path: string, keep?: RunTexts, stamps?: InputStamps): void {
  let fd: number;
  try {
    fd = openSync(root + path, 'r');
  } catch {
    hash.update('?\0');
    stamps?.entries.set(path, '?');
    return;
  }
  try {
    // Taken before the read: a write after it changes the stamp, even one that races the read.
    const stamp = stamps && fileStamp(stamps, fstatSync(fd));
    const bytes = readAll(fd);
    const length = bytes.length;
    if (length > KEEP_MAX_BYTES || !isYamlFile(path)) {
      hash.update(`${length}\0`).update(bytes);
      stamps?.entries.set(path, stamp === RACY ? `=${sha('sha256', bytes, 'hex')}` : stamp!);
      return;
    }
    const digest = sha('sha256', bytes, 'hex');
    hash.update(`${length}\0${digest}\0`);
    stamps?.entries.set(path, stamp === RACY ? `=${digest}` : stamp!);
    if (keep) {
      const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
      keep.set(path, { bytes: copyToSlab(bytes), digest, hash: bom ? textHash(bytes) : digest });
    }
  } catch {
    hash.update('?\0');
    stamps?.entries.set(path, '?');
  } finally {
    closeSync(fd);
  }
}

/** The whole content of an open file, in the walk's shared buffer (valid until the next read). */
function readAll(fd: number): Buffer {
  buffer ??= Buffer.allocUnsafe(1 << 16);
  let length = 0;
  // Until read says the end: a file that grows while it is read is read whole.
  for (;;) {
    if (length === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)]);
    const read = readSync(fd, buffer, length, buffer.length - length, null);
    if (read === 0) break;
    length += read;
  }
  return buffer.subarray(0, length);
}

function copyToSlab(bytes: Buffer): Buffer {
  if (!slab || slabUsed + bytes.length > slab.length) {
    slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, bytes.length));
    slabUsed = 0;
  }
  bytes.copy(slab, slabUsed);
  const copy = slab.subarray(slabUsed, slabUsed + bytes.length);
  slabUsed += bytes.length;
  return copy;
}

/**
 * What a runInputsKey walk saw of every path under the root, so that inputsUnchanged can tell, without
 * reading files again, whether any of it changed since: per path a stamp of its file system record, or for
 * a "racily clean" path its content. `started`: when the walk began, by the clock file times are compared
 * with (Date.now(); tests move it to take the stamp path with files they have just written).
 */
export class InputStamps {
  readonly entries = new Map<string, string>();
  /** The walk's skip list (runInputsKey): a racy folder's listing is compared without those paths. */
  skip: ReadonlySet<string> = new Set();
  constructor(readonly started = Date.now()) {}
}

/**
 * Whether every path a runInputsKey walk stamped is still as it saw it, so that the walk's key still names
 * what is under `root` (the check after a run that its report judged the bytes its key names). Every path
 * is compared by its stamp: device, inode, size, modification and change time. The change time (ctime) is
 * set by the kernel on every write, truncation, rename or permission change and cannot be set back from
 * user space (utimes sets only the modification and access times); a file replaced by a rename has another
 * inode; a folder whose entries are added, removed or renamed has new times. So an equal stamp means no
 * write since the walk stamped the path, but for one case, git's "racily clean" file: a write in the same
 * tick of the file system clock as the write before the walk (timestamps come from a coarse clock, 1 to
 * 10 ms, or 1 to 2 s on some file systems) leaves the times as they were. A path whose times are within
 * RACY_MS of the walk's start (or later) is therefore stamped by its content instead (a file's sha256, a
 * folder's listing) and compared by content here. Links are always resolved again (where one leads
 * depends on other paths). A path that was unreadable must still be. Reads file system records, and the
 * content of racy paths only.
 */
export function inputsUnchanged(root: string, stamps: InputStamps): boolean {
  const base = join(root, '/');
  for (const [path, stamp] of stamps.entries) {
    if (!unchanged(base, path, stamp, stamps)) return false;
  }
  return true;
}

function unchanged(base: string, path: string, stamp: string, stamps: InputStamps): boolean {
  const full = base + path;
  if (stamp === '?') return !readable(full);
  if (stamp === '?D') return !listable(full);
  if (stamp[0] === 'L') return stamp === `L${linkText(full)}`;
  let now: Stats | undefined;
  try {
    now = path === '' ? statSync(full) : lstatSync(full);
  } catch {
    return false;
  }
  if (stamp[0] !== '=') return (now.isDirectory() ? folderStamp(stamps, now) : now.isFile() ? fileStamp(stamps, now) : 'other') === stamp;
  // Racy: compared by content, with the walk's own rules (its skip list is in the listing it recorded).
  try {
    if (now.isDirectory()) {
      const entries = readdirSync(full, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return listing(path, entries, stamps.skip) === stamp.slice(1);
    }
    if (!now.isFile()) return false;
    const fd = openSync(full, 'r');
    try {
      return `=${sha('sha256', readAll(fd), 'hex')}` === stamp;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  } finally {
    buffer = undefined;
  }
}

// Within this much of the walk's start a path's times cannot tell a later write in the same clock tick
// from none: 2 s file systems (FAT) and a clock a little off the file server's.
const RACY_MS = 3000;
const RACY = 'racy';

function fileStamp(stamps: InputStamps, st: Stats): string {
  if (Math.max(st.mtimeMs, st.ctimeMs) > stamps.started - RACY_MS) return RACY;
  return `F${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}

function folderStamp(stamps: InputStamps, st: Stats | string): string {
  if (typeof st === 'string') {
    try {
      st = statSync(st);
    } catch {
      return RACY;
    }
  }
  if (Math.max(st.mtimeMs, st.ctimeMs) > stamps.started - RACY_MS) return RACY;
  return `D${st.dev}:${st.ino}:${st.mtimeMs}:${st.ctimeMs}`;
}

function readable(path: string): boolean {
  try {
    closeSync(openSync(path, 'r'));
    return true;
  } catch {
    return false;
  }
}

function listable(path: string): boolean {
  try {
    readdirSync(path);
    return true;
  } catch {
    return false;
  }
}

function readLink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '?';
  }
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return '?';
  }
}
