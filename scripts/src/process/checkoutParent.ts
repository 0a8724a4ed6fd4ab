import { spawnSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { freemem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv } from './childEnv.ts';

// Linux's memory file system, mounted at /dev/shm by systemd, Debian and container runtimes alike (Docker
// gives it 64 MB), and statfs's f_type for it (linux/magic.h).
export const MEMORY_FOLDER = '/dev/shm';
const TMPFS_MAGIC = 0x01021994;
// What a file costs a file system beyond its bytes (its inode, its entry in a folder), and its page size.
const PAGE = 4096;
// ls-tree's listing of a big repository is about 100 bytes a file: a million files at most.
const MAX_LISTING = 128 * 1024 * 1024;

/**
 * The folder a checkout of revision `ref` of the git repository at `root` is made in (checkoutBase):
 * Linux's memory file system (/dev/shm) when TMPDIR, TMP or TEMP (in `env`) names no folder of the operator's choosing
 * and the revision's files take at most a quarter of its room (memoryRoom: its free space, bounded by the
 * memory the machine and its container have left), else os.tmpdir(). Copies a killed run left there over a
 * day ago are removed first (removeStaleCopies). Creating thousands
 * of small files is what a base checkout costs on a disk's file system (the 10,000 files of `npm run
 * bench`'s pull request: 1.2–6.8 s of system time on this machine's ext4, 0.16 s on tmpfs), and a CI job's
 * checkout of the base lives only for the run. Returns an absolute folder; never throws: anything it
 * cannot tell (no tmpfs there, git cannot list the revision) means os.tmpdir().
 */
export function checkoutParent(root: string, ref: string, env: NodeJS.ProcessEnv = process.env, memoryFolder = MEMORY_FOLDER): string {
  return checkoutPlace(root, ref, env, memoryFolder).parent;
}

/**
 * checkoutParent's folder, and when it is the memory folder the bytes the extraction may write there: a quarter of
 * its free space. ls-tree gives the sizes git stores, and git archive writes what the repo's attributes and config
 * make of them: a filter (Git LFS's smudge turns a pointer of 130 bytes into the file it names), `eol=crlf`,
 * `export-subst`. The extraction stops at the budget (checkoutBase then makes it on disk) rather than fill a
 * memory file system other processes share, and the machine's memory with it.
 */
export function checkoutPlace(root: string, ref: string, env: NodeJS.ProcessEnv = process.env, memoryFolder = MEMORY_FOLDER): { parent: string; budget?: number } {
  // os.tmpdir() reads these: one that is set is the operator's choice of where scratch files go.
  if (env.TMPDIR || env.TMP || env.TEMP || process.platform !== 'linux') return { parent: tmpdir() };
  if (memoryRoom(memoryFolder) === undefined) return { parent: tmpdir() };
  removeStaleCopies(memoryFolder);
  const room = memoryRoom(memoryFolder) ?? 0;
  const need = treeBytes(root, ref);
  return need !== undefined && need * 4 <= room ? { parent: memoryFolder, budget: Math.floor(room / 4) } : { parent: tmpdir() };
}

/**
 * The bytes this process may write in `folder` when it is a tmpfs, else undefined: its free space (statfs),
 * but no more than the memory the machine has available (os.freemem(), MemAvailable) and, in a container,
 * what its memory limit leaves (a tmpfs's pages count against the cgroup of whoever writes them, and a
 * container's /dev/shm may be sized past its limit: the kernel would end the job instead).
 */
export function memoryRoom(folder: string): number | undefined {
  let free: number;
  try {
    const stats = statfsSync(folder);
    if (stats.type !== TMPFS_MAGIC) return undefined;
    free = stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
  return Math.max(0, Math.min(free, freemem(), cgroupMemoryLeft() ?? Infinity));
}

// A process's own cgroup as a container sees it: cgroup v2's files, then v1's memory controller.
const CGROUP_USAGE = ['/sys/fs/cgroup/memory.current', '/sys/fs/cgroup/memory/memory.usage_in_bytes'];

/** The container's memory limit (process.constrainedMemory) less what its cgroup uses, or undefined when there is no limit or it cannot be read. */
function cgroupMemoryLeft(): number | undefined {
  const limit = process.constrainedMemory?.() ?? 0;
  if (!(limit > 0 && limit < 2 ** 53)) return undefined;
  for (const file of CGROUP_USAGE) {
    try {
      const used = Number(readFileSync(file, 'utf8').trim());
      if (Number.isFinite(used)) return limit - used;
    } catch {
      // Not this cgroup version.
    }
  }
  return undefined;
}

// A copy left in the memory folder by a run that was killed outright (SIGKILL, the out-of-memory killer), which
// no handler sees: it would hold the machine's memory until it restarts. No run takes a day.
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Removes this user's base copies (`gitops-base-*` folders) in `folder` older than a day; returns how many.
 * Never throws: one it cannot remove stays.
 */
export function removeStaleCopies(folder: string, now = Date.now()): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith('gitops-base-')) continue;
    const path = join(folder, name);
    try {
      const stats = lstatSync(path);
      if (!stats.isDirectory() || stats.uid !== process.getuid?.() || now - stats.mtimeMs < STALE_AFTER_MS) continue;
      rmSync(path, { recursive: true, force: true });
      removed++;
    } catch {
      // Another run's, gone meanwhile, or not ours to remove.
    }
  }
  return removed;
}

/**
 * What the files of revision `ref` take written out (`git ls-tree -r -l`): each blob's size rounded up to
 * whole pages, plus a page a file; undefined when git cannot list it.
 */
export function treeBytes(root: string, ref: string): number | undefined {
  const listing = spawnSync('git', ['-C', root, 'ls-tree', '-r', '-l', '-z', '--full-tree', '--end-of-options', ref], { env: childEnv(), maxBuffer: MAX_LISTING });
  if (listing.status !== 0 || listing.error) return undefined;
  return bytesOfListing(listing.stdout);
}

/** What the files of an `ls-tree -r -l -z` listing take (records `<mode> <type> <object> <size>\t<path>\0`; a submodule's size `-` is none). */
export function bytesOfListing(listing: Buffer): number {
  let total = 0;
  for (let start = 0; start < listing.length; ) {
    let end = listing.indexOf(0, start);
    if (end < 0) end = listing.length;
    const tab = listing.indexOf(9, start);
    if (tab > start && tab < end) {
      const size = Number(listing.subarray(listing.lastIndexOf(32, tab) + 1, tab).toString('latin1').trim());
      if (Number.isFinite(size)) total += Math.ceil(size / PAGE) * PAGE + PAGE;
    }
    start = end + 1;
  }
  return total;
}
