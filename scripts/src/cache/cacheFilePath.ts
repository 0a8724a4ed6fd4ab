import { spawnSync } from 'node:child_process';
import { closeSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { UsageError } from '../config/usageError.ts';
import { childEnv } from '../process/childEnv.ts';
import { logText } from '../report/safeText.ts';
import { leavesRoot } from '../load/leavesRoot.ts';

/** Larger than any cache this toolkit writes (about 100 MB for 100,000 files): a planted file, not a cache. */
export const MAX_CACHE_BYTES = 512 * 1024 * 1024;

// Every cache file this toolkit wrote starts so (the run record's line, or an older per-file cache).
const CACHE_START = '{"format":"backstage-gitops-';

/**
 * Refuses a `--cache FILE` (or BACKSTAGE_GITOPS_CACHE) that a pull request could have planted, or whose
 * rewrite would destroy something else; the cache is trusted as results of earlier runs, so it must be
 * a file only the toolkit and the CI's cache step write:
 * - no symbolic link (to /dev/zero, a FIFO, a repo file), no other kind of file, nothing over
 *   MAX_CACHE_BYTES;
 * - an existing non-empty file must start as a cache this toolkit wrote (never overwrite a catalog file);
 * - inside the repository `root`: not a file git tracks (a pull request commits it) and not under a
 *   linked folder.
 * `root` and `file` are absolute paths. Returns nothing; throws UsageError (exit 2) naming the path.
 */
export function checkCacheFilePath(root: string, file: string, shown: string): void {
  const refuse = (why: string) => new UsageError(`--cache ${logText(shown)} ${why}`);
  const stats = lstatOrUndefined(file);
  if (stats?.isSymbolicLink()) throw refuse('is a symbolic link; give the path of a plain file.');
  if (stats && !stats.isFile()) throw refuse('is not a plain file.');
  if (stats && stats.size > MAX_CACHE_BYTES) throw refuse(`is larger than ${MAX_CACHE_BYTES / 1024 / 1024} MB: it is not a cache this toolkit wrote.`);
  if (stats && stats.size > 0 && !startsAsCache(file)) throw refuse('is not a cache file this toolkit wrote; remove it or choose another path (it would be overwritten).');
  const inside = relative(root, file);
  if (inside === '' || leavesRoot(inside)) return;
  for (let folder = dirname(file); folder !== root && folder.startsWith(root); folder = dirname(folder)) {
    if (lstatOrUndefined(folder)?.isSymbolicLink()) throw refuse('lies under a symbolic link inside the repository.');
  }
  if (trackedByGit(root, inside)) throw refuse('is a file the repository tracks: a pull request could write its contents. Keep the cache outside the checkout (CI: the runner\'s temporary folder).');
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function startsAsCache(file: string): boolean {
  const head = Buffer.alloc(CACHE_START.length);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const read = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, read).toString('utf8') === CACHE_START;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether git tracks `path` (relative to `root`); false outside a git work tree or without git. */
function trackedByGit(root: string, path: string): boolean {
  const listed = spawnSync('git', ['-C', root, 'ls-files', '-z', '--', `:(literal)${path.split(sep).join('/')}`], { encoding: 'utf8', env: childEnv() });
  return listed.status === 0 && listed.stdout.length > 0;
}
