import { createHash, hash as sha, type Hash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readlinkSync, readSync, realpathSync } from 'node:fs';
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
 * with (RunTexts, so the run need not read or hash the files again); `known`, an earlier walk's RunTexts,
 * spares hashing a file whose bytes are still those (compared whole, never trusted by name). Neither
 * changes the key.
 * Reads files; a folder or file that vanishes mid-walk is hashed as unreadable rather than thrown.
 */
export function runInputsKey(root: string, parts: readonly string[], skip: ReadonlySet<string> = new Set(), keep?: RunTexts, known?: RunTexts): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:${part}\n`);
  const made = new Set([...skip].flatMap(path => path.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
  try {
    // Joined once: the walk's paths are names readdir gave (no `/`, `.` or `..`), so appending them needs
    // no normalizing, which path.join did for every file.
    walk(hash, join(root, '/'), '', skip, made, keep, known);
  } finally {
    buffer = undefined;
    slab = undefined;
  }
  return hash.digest('hex');
}

function walk(hash: Hash, root: string, folder: string, skip: ReadonlySet<string>, made: ReadonlySet<string>, keep?: RunTexts, known?: RunTexts): void {
  let entries;
  try {
    entries = readdirSync(root + folder, { withFileTypes: true });
  } catch {
    hash.update(`?${folder}\0`);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = folder ? `${folder}/${entry.name}` : entry.name;
    if (skip.has(path) || entry.name === '.git') continue;
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules') {
        hash.update(`M${path}\0`);
        file(hash, root, `${path}/.package-lock.json`);
        continue;
      }
      if (!made.has(path)) hash.update(`D${path}\0`);
      walk(hash, root, path, skip, made, keep, known);
    } else if (entry.isFile()) {
      hash.update(`F${path}\0`);
      file(hash, root, path, keep, known);
    } else if (entry.isSymbolicLink()) {
      hash.update(`L${path}\0${readLink(root + path)}\0${realPath(root + path)}\0`);
    } else {
      hash.update(`S${path}\0`);
    }
  }
}

// One buffer for the walk's reads, grown to the largest file: for 10k small files, allocating one
// buffer each (readFileSync) cost a tenth of the walk. Dropped when the walk ends.
let buffer: Buffer | undefined;

// Kept files are copied into shared slabs of this size: one allocation per slab, not per file.
const SLAB_BYTES = 1 << 20;
let slab: Buffer | undefined;
let slabUsed = 0;

function file(hash: Hash, root: string, path: string, keep?: RunTexts, known?: RunTexts): void {
  let fd: number;
  try {
    fd = openSync(root + path, 'r');
  } catch {
    hash.update('?\0');
    return;
  }
  try {
    buffer ??= Buffer.allocUnsafe(1 << 16);
    let length = 0;
    // Until read says the end: no fstat, and a file that grows while it is read is read whole.
    for (;;) {
      if (length === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)]);
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    const bytes = buffer.subarray(0, length);
    if (length > KEEP_MAX_BYTES || !isYamlFile(path)) {
      hash.update(`${length}\0`).update(bytes);
      return;
    }
    const earlier = known?.get(path);
    const digest = earlier && earlier.bytes.equals(bytes) ? earlier.digest : sha('sha256', bytes, 'hex');
    hash.update(`${length}\0${digest}\0`);
    if (keep) {
      const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
      keep.set(path, { bytes: copyToSlab(bytes), digest, hash: bom ? textHash(bytes) : digest });
    }
  } catch {
    hash.update('?\0');
  } finally {
    closeSync(fd);
  }
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
