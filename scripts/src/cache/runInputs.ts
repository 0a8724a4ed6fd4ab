import { createHash, hash as sha, type Hash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { textHash } from '../load/readSource.ts';
import { isYamlFile, regularFileThroughFolders, trackedInstalledFiles } from '../load/repoFiles.ts';
import { gitHostView } from '../load/gitHostView.ts';

/**
 * The YAML files a runInputsKey walk read, by repo-relative path: their bytes exactly as hashed into the
 * key, `digest` (their sha256, as the key holds it) and `hash` (textHash of them, the `--cache`'s key
 * for a file). A loader that judges these bytes instead of reading the files again judges what the key
 * names, even if a file changes meanwhile.
 */
export type RunTexts = Map<string, { bytes: Buffer; digest: string; hash: string }>;

// Larger files (YAML or not) are streamed into the key by their sha256, and not kept: the loader reads (or
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
 *   mkdocs.yml, CODEOWNERS, templates, skeletons, scorecards, app-config, and every other file, which a
 *   placeholder or config path can still name);
 * - every folder by path, empty ones included (a skeleton folder's existence is a finding's input);
 * - every symbolic link by its text and where it finally leads (a link out of the repo is a finding,
 *   and one that leads back in is read through);
 * - not `.git`: git's bookkeeping (the index's file times, reflogs, the credentials a CI checkout writes
 *   into its config) differs between two checkouts of the same commit, Backstage never sees it (it reads
 *   the tree from the git host), and `check` reads it only for --base, which the caller keys by the
 *   base revision's archive;
 * - each `node_modules` folder by npm's record of what it installed (`.package-lock.json`, rewritten by
 *   every `npm ci` / `npm install`), as cacheKey covers the toolkit's own packages, and by every file git
 *   tracks in it (trackedInstalledFiles: Location globs and discovery read those), by path and full
 *   content. Another file in one that a Location or placeholder names is read by name (RepoFileSet) but
 *   not covered here: `check` does not keep such a run for replay;
 * - for every path, whether git ignores it and does not track it (gitHostView, the very answer the run
 *   judged by: the run leaves such files out), so that a .gitignore edit, .git/info/exclude, a global
 *   excludes file, or an ignored file that becomes tracked (`git add -f`, which changes only .git) changes
 *   the key. The ignored files' content is still hashed like every other: a config or policy file read by
 *   its path is read whatever git says.
 * `skip`: repo-relative paths left out (the cache file itself, rewritten by every run that misses);
 * the folders that hold them are walked but their own existence is not hashed (the first run creates them).
 * Each file is hashed into the key by its length and its own sha256 (read in pieces, in bounded memory);
 * `keep` is filled with the YAML files of at most KEEP_MAX_BYTES (RunTexts, so the run need not read or
 * hash them again); `seen` is filled with every path the
 * walk met (InputsSeen), so that inputsUnchanged can later tell, mostly without reading, whether any of it
 * changed. Neither changes the key.
 * Reads files; a folder or file that vanishes mid-walk is hashed as unreadable rather than thrown.
 */
export function runInputsKey(root: string, parts: readonly string[], skip: ReadonlySet<string> = new Set(), keep?: RunTexts, seen?: InputsSeen): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:${part}\n`);
  const made = new Set([...skip].flatMap(path => path.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
  try {
    // Joined once: the walk's paths are names readdir gave (no `/`, `.` or `..`), so appending them needs
    // no normalizing, which path.join did for every file.
    const installed: string[] = [];
    const view = gitHostView(root);
    walk(hash, join(root, '/'), '', skip, made, installed, view.ignored, keep, seen);
    for (const path of trackedInstalledFiles(root, installed, view)) {
      if (skip.has(path)) continue;
      hash.update(`T${path}\0`);
      // Never through a link (which could lead to a device that never ends): the loader reads none either.
      if (regularFileThroughFolders(root, path)) file(hash, join(root, '/'), path, undefined, seen);
      else hash.update('?\0');
    }
  } finally {
    buffer = undefined;
    slab = undefined;
    pending = 0;
  }
  return hash.digest('hex');
}

function walk(hash: Hash, root: string, folder: string, skip: ReadonlySet<string>, made: ReadonlySet<string>, installed: string[], ignored: (path: string) => boolean, keep?: RunTexts, seen?: InputsSeen): void {
  let entries;
  try {
    entries = readdirSync(root + folder, { withFileTypes: true });
  } catch {
    hash.update(`?${folder}\0`);
    seen?.paths.set(folder, '?');
    return;
  }
  seen?.paths.set(folder, 'D');
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = folder ? `${folder}/${entry.name}` : entry.name;
    if (skip.has(path) || entry.name === '.git') continue;
    // Per path, not git's listing as it came: a folder that only holds the skipped cache file is listed
    // as ignored once a run has created it, which must not change the next run's key.
    if (!made.has(path) && ignored(path)) hash.update(`I${path}\0`);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules') {
        hash.update(`M${path}\0`);
        installedRecord(hash, root, `${path}/.package-lock.json`, seen);
        installed.push(path);
        continue;
      }
      if (!made.has(path)) hash.update(`D${path}\0`);
      walk(hash, root, path, skip, made, installed, ignored, keep, seen);
    } else if (entry.isFile()) {
      hash.update(`F${path}\0`);
      file(hash, root, path, keep, seen);
    } else if (entry.isSymbolicLink()) {
      const link = linkText(root + path);
      hash.update(`L${path}\0${link}`);
      seen?.paths.set(path, `L${link}`);
    } else {
      hash.update(`S${path}\0`);
      seen?.paths.set(path, 'S');
    }
  }
}

// npm's record is a name the walk asks for, not one readdir listed: a pull request can commit it as a link
// (to /dev/zero, to a FIFO) or as a folder, and opening such a path could block or never end. Hashed by
// what it is, as the walk hashes what it lists; only a regular file is read.
function installedRecord(hash: Hash, root: string, path: string, seen?: InputsSeen): void {
  const stats = lstatSync(root + path, { throwIfNoEntry: false });
  if (!stats || stats.isFile()) return file(hash, root, path, undefined, seen);
  if (stats.isSymbolicLink()) {
    const link = linkText(root + path);
    hash.update(`L${link}`);
    seen?.paths.set(path, `L${link}`);
    return;
  }
  hash.update(stats.isDirectory() ? 'D\0' : 'S\0');
  seen?.paths.set(path, stats.isDirectory() ? 'D' : 'S');
}

// Where a link leads is decided by other paths (maybe outside the root): it is always resolved again.
function linkText(path: string): string {
  return `${readLink(path)}\0${realPath(path)}\0`;
}

// One buffer for the walk's reads, grown to the largest file: for 10k small files, allocating one
// buffer each (readFileSync) cost a tenth of the walk. Dropped when the walk ends.
let buffer: Buffer | undefined;
/** How many bytes of the file being read readIntoSlab left at the start of `buffer`. */
let pending = 0;

// Kept files are copied into shared slabs of this size: one allocation per slab, not per file.
const SLAB_BYTES = 1 << 20;
let slab: Buffer | undefined;
let slabUsed = 0;

function file(hash: Hash, root: string, path: string, keep?: RunTexts, seen?: InputsSeen): void {
  let fd: number;
  try {
    fd = openSync(root + path, 'r');
  } catch {
    hash.update('?\0');
    seen?.paths.set(path, '?');
    return;
  }
  seen?.paths.set(path, 'F');
  try {
    const kept = keep !== undefined && isYamlFile(path);
    const read = (kept && readIntoSlab(fd)) || readContent(fd);
    if (!Buffer.isBuffer(read)) {
      hash.update(`${read.length}\0${read.digest}\0`);
      return;
    }
    const digest = sha('sha256', read, 'hex');
    hash.update(`${read.length}\0${digest}\0`);
    if (kept) {
      const bom = read[0] === 0xef && read[1] === 0xbb && read[2] === 0xbf;
      keep.set(path, { bytes: read.buffer === slab?.buffer ? takeFromSlab(read) : copyToSlab(read), digest, hash: bom ? textHash(read) : digest });
    }
  } catch {
    hash.update('?\0');
    seen?.paths.set(path, '?');
  } finally {
    closeSync(fd);
  }
}

/**
 * The content of an open regular file: its bytes in the walk's shared buffer (valid until the next read) when
 * it holds at most KEEP_MAX_BYTES, else its length and sha256, streamed through that buffer. The buffer never
 * grows past twice KEEP_MAX_BYTES: a file of gigabytes once grew it to 4 GiB (and readSync's 32-bit length then
 * wrapped to 0, so every later file read as empty).
 */
function readContent(fd: number): Buffer | { length: number; digest: string } {
  buffer ??= Buffer.allocUnsafe(1 << 16);
  // Bytes readIntoSlab already put at the buffer's start.
  let length = pending;
  pending = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > KEEP_MAX_BYTES) return streamed(fd, buffer);
      buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)]);
    }
    const asked = buffer.length - length;
    const read = readSync(fd, buffer, length, asked, null);
    length += read;
    // A regular file's read returns less than asked only at its end (POSIX), so a short read needs no second
    // read to learn it: one system call fewer per file. A file that changes after this is what
    // inputsUnchanged looks for once the run is done.
    if (read < asked) break;
  }
  return length > KEEP_MAX_BYTES ? { length, digest: sha('sha256', buffer.subarray(0, length), 'hex') } : buffer.subarray(0, length);
}

/** The length and sha256 of a file whose first bytes fill `head` (the shared buffer), read on through it. */
function streamed(fd: number, head: Buffer): { length: number; digest: string } {
  const digest = createHash('sha256').update(head);
  let length = head.length;
  for (;;) {
    const read = readSync(fd, head, 0, head.length, null);
    if (read === 0) return { length, digest: digest.digest('hex') };
    digest.update(head.subarray(0, read));
    length += read;
  }
}

// A slab with less room than this left is retired before a read into it: most files then fit in one read.
const SLAB_READ_MIN = 1 << 16;

/**
 * The whole content of an open regular file read straight into the slab's free part (not yet taken: see
 * takeFromSlab), or undefined when it does not fit there: its bytes read so far are then in the walk's
 * shared buffer, and readContent reads on. Copying each kept file from the shared buffer into the slab cost
 * ≈4 µs a file (Buffer#copy's per-call work), 25–40 ms of a 10k catalog's `--cache` run.
 */
function readIntoSlab(fd: number): Buffer | undefined {
  if (!slab || slab.length - slabUsed < SLAB_READ_MIN) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabUsed = 0;
  }
  const asked = slab.length - slabUsed;
  const read = readSync(fd, slab, slabUsed, asked, null);
  // A short read is the file's end (readContent's reasoning); a full one may not be.
  if (read < asked) return slab.subarray(slabUsed, slabUsed + read);
  buffer = Buffer.allocUnsafe(Math.max(buffer?.length ?? 0, 1 << 16, read * 2));
  slab.copy(buffer, 0, slabUsed, slabUsed + read);
  pending = read;
  return undefined;
}

/** Marks a file readIntoSlab gave as taken: the next read starts after it. */
function takeFromSlab(bytes: Buffer): Buffer {
  slabUsed += bytes.length;
  return bytes;
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

// A file system stamps a change with a coarse clock (a tick of 1 to 10 ms; 1 to 2 s on FAT, HFS+ or some
// network file systems) that may run a little behind this process's: a path last changed this close to
// the walk's start may have changed after the walk read it.
const RECENT_MS = 3000;

/**
 * Every path a runInputsKey walk met, with what it was (`F` file, `D` folder, `S` other, `L` and the text
 * the key holds for a link, `?` unreadable), and when the walk began (`started`, milliseconds by the clock
 * file times are compared with), for inputsUnchanged.
 */
export class InputsSeen {
  readonly paths = new Map<string, string>();
  /** `margin`: RECENT_MS (tests: 0, to take the path of times that tell with files they have just written). */
  constructor(readonly started = Date.now(), readonly margin = RECENT_MS) {}
}

/**
 * Whether everything under `root` is still as a runInputsKey walk (`seen`) found it, so that the walk's key
 * still names it: the check after a run that its report judged the bytes its key names (a gate reads some
 * files itself, after the walk). Without reading a file: each path the walk met still exists as the same
 * kind and neither its modification nor its change time (ctime) is later than RECENT_MS before the walk
 * began. The kernel sets ctime to the current time on every write, truncation, rename, link or permission
 * change, and no system call sets it back (`utimes` sets only the modification and access times); a folder
 * whose entries are added, removed or renamed gets new times too. So a path whose times are older than the
 * walk's start has not changed since the walk read it (git's "racily clean" reasoning: a time within a
 * clock tick or two of the walk proves nothing, hence the margin). A link is resolved again (where it leads
 * depends on other paths). When any path is that recent, or was unreadable and exists, or has a time in the future
 * (a clock that cannot be trusted), the answer is `again()`: the caller walks and hashes everything again
 * and compares the keys. Reads file system records only, unless it calls `again`.
 */
export function inputsUnchanged(root: string, seen: InputsSeen, again: () => boolean): boolean {
  const base = join(root, '/');
  const oldest = seen.started - seen.margin;
  const future = Date.now() + seen.margin;
  let recent = false;
  for (const [path, kind] of seen.paths) {
    if (kind === '?') {
      // Still missing is unchanged (node_modules without npm's record, as pnpm and yarn leave it); a path
      // that exists but could not be read cannot be told apart by its times.
      if (lstatSync(base + path, { throwIfNoEntry: false })) recent = true;
      continue;
    }
    if (kind[0] === 'L') {
      if (kind !== `L${linkText(base + path)}`) return false;
      continue;
    }
    let now;
    try {
      now = path === '' ? statSync(base) : lstatSync(base + path);
    } catch {
      return false;
    }
    if ((now.isDirectory() ? 'D' : now.isFile() ? 'F' : now.isSymbolicLink() ? 'L' : 'S') !== kind) return false;
    const changed = Math.max(now.mtimeMs, now.ctimeMs);
    if (changed >= oldest || changed > future) recent = true;
  }
  return recent ? again() : true;
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
