import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { childEnv } from '../process/childEnv.ts';

/** One version of a file that a commit of the pull request wrote and its last commit no longer holds. */
export interface HistoryVersion {
  /** Repo path from the root (the folder holding gitops.config.yaml). */
  file: string;
  /** The commit that wrote it (40 hex digits), the first of the range that did. */
  commit: string;
  /** Its bytes (a symbolic link's: its target); absent when `problem` says why it was not read. */
  bytes?: Buffer;
  /** Whether git stores it as a symbolic link (mode 120000). */
  link: boolean;
  /** Why it cannot be scanned (too large, git failed). */
  problem?: string;
}

/** What historyVersions found, and why the history could not be read whole (undefined when it was). */
export interface History {
  versions: HistoryVersion[];
  problem?: string;
}

/** The most commits of one pull request whose changes are read; past it the scan is incomplete. */
export const HISTORY_MAX_COMMITS = 2_000;
/** The most bytes of earlier versions read in all (the secret scan reads 16 MiB of one file). */
export const HISTORY_MAX_BYTES = 256 * 1024 * 1024;
const MAX_VERSION_BYTES = 16 * 1024 * 1024;

/**
 * Every version of a file under `root` that a commit in `baseRef..HEAD` (the pull request's commits, merges
 * included: a merge's own resolution, where its result differs from every parent, as `git log -c` shows it)
 * wrote and that is not what the file holds now: a credential committed and then removed stays in the pull
 * request's history (GitHub keeps refs/pull/N/head; a merge commit or a rebase carries the commit into the
 * main branch), so scanning the change's net diff alone passes it. A version equal to HEAD's blob at its path
 * is left out while the work tree holds that path unchanged (the scan of the changed files reads it); each
 * blob is given once, with the first commit that wrote it. Deleted files and submodules have no version.
 * Reads with git (`rev-list --count`, `log`, `ls-tree`, `cat-file --batch`), each call bounded to 120 s, with
 * the settings that change what git prints fixed and lazy fetching off (a partial clone's missing blob is a
 * version that could not be read); a shallow checkout whose boundary falls inside the range, more than
 * HISTORY_MAX_COMMITS commits, versions over HISTORY_MAX_BYTES in all, or a git call that fails give `problem`
 * (the scan is then incomplete, never silently partial). Never throws.
 */
export function historyVersions(root: string, baseRef: string): History {
  // The runner's own git configuration must not change what git prints here (log.showSignature adds lines,
  // log.showRoot=false hides a root commit's files); a partial clone must not fetch blobs one by one.
  const settings = ['-c', 'log.showSignature=false', '-c', 'log.showRoot=true', '-c', 'color.ui=false', '-c', 'core.quotePath=false'];
  const git = (args: string[], input?: string) => spawnSync('git', ['-C', root, ...settings, ...args], { env: childEnv({ GIT_NO_LAZY_FETCH: '1' }), timeout: 120_000, maxBuffer: HISTORY_MAX_BYTES + 64 * 1024 * 1024, ...(input !== undefined ? { input } : {}) });
  const range = `${baseRef}..HEAD`;
  const count = Number(git(['rev-list', '--count', '--end-of-options', range, '--']).stdout.toString('utf8').trim());
  if (!Number.isInteger(count)) return { versions: [], problem: "git could not list the pull request's commits" };
  if (count > HISTORY_MAX_COMMITS) return { versions: [], problem: `the pull request has ${count} commits, and the scan reads the changes of at most ${HISTORY_MAX_COMMITS}` };
  const log = git(['log', '-z', '--raw', '-c', '--root', '--no-renames', '--no-abbrev', '--no-color', '--no-ext-diff', '--no-textconv', '--relative', '--format=%x01%H', '--end-of-options', range, '--']);
  if (log.status !== 0) return { versions: [], problem: "git could not list the pull request's commits" };
  const written = new Map<string, { file: string; commit: string; link: boolean }>();
  const commits: string[] = [];
  const tokens = log.stdout.toString('utf8').split('\0');
  let commit = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i].replace(/^\n+/, '');
    if (token.startsWith('\x01')) {
      commit = token.slice(1);
      if (commits[commits.length - 1] !== commit) commits.push(commit);
    } else if (token.startsWith(':')) {
      const file = tokens[++i];
      const parents = token.match(/^:+/)![0].length;
      const fields = token.slice(parents).split(' ');
      const [mode, blob] = [fields[parents], fields[2 * parents + 1]];
      // Deleted (all zeros) or a submodule (160000): nothing of it is in this repository's objects.
      if (!file || !blob || /^0+$/.test(blob) || mode === '160000') continue;
      const key = `${file}\0${blob}`;
      // git log lists the newest commit first: the last one seen of a blob is the first that wrote it.
      written.set(key, { file, commit, link: mode === '120000' });
    }
  }
  const shallow = shallowCommits(root, git);
  // A shallow base (`git fetch --depth=1 origin main`) shares no commit with the head: the range then holds the
  // base's own history, which is not the pull request's.
  if (shallow.size && git(['merge-base', '--end-of-options', baseRef, 'HEAD']).status !== 0) return { versions: [], problem: "the checkout's history is shallow, so the pull request's commits cannot be told from the base's (fetch both whole: actions/checkout's fetch-depth: 0, Azure's fetchDepth: 0)" };
  if (commits.some(c => shallow.has(c))) return { versions: [], problem: "the checkout's history is shallow inside the pull request (fetch its commits whole: actions/checkout's fetch-depth: 0, Azure's fetchDepth: 0)" };
  const head = headBlobs(git);
  const dirty = new Set(git(['diff', '--name-only', '-z', '--relative', 'HEAD', '--']).stdout.toString('utf8').split('\0'));
  const wanted = [...written.entries()].filter(([key, v]) => dirty.has(v.file) || head.get(v.file) !== key.slice(key.indexOf('\0') + 1));
  return readVersions(wanted.map(([key, v]) => ({ ...v, blob: key.slice(key.indexOf('\0') + 1) })), git);
}

type Git = (args: string[], input?: string) => ReturnType<typeof spawnSync>;

/** The commits a shallow checkout has cut its history at (`.git/shallow`); none in a full clone, or when git cannot say. */
function shallowCommits(root: string, git: Git): Set<string> {
  const path = git(['rev-parse', '--path-format=absolute', '--git-path', 'shallow']).stdout.toString('utf8').trim();
  try {
    return new Set(readFileSync(path, 'utf8').split('\n').filter(Boolean));
  } catch {
    return new Set();
  }
}

/** HEAD's blob of each path under the root, by repo path from the root; empty when git cannot list it (every version is then read). */
function headBlobs(git: Git): Map<string, string> {
  const prefix = git(['rev-parse', '--show-prefix']).stdout.toString('utf8').trim();
  const listed = git(['ls-tree', '-r', '-z', '--full-tree', 'HEAD']);
  const blobs = new Map<string, string>();
  for (const entry of listed.stdout.toString('utf8').split('\0')) {
    const tab = entry.indexOf('\t');
    const path = entry.slice(tab + 1);
    const [, type, id] = entry.slice(0, tab).split(' ');
    // Only a file's blob: a submodule entry may name a blob's id as its commit (red team, session 47), and a
    // fresh checkout leaves it an empty folder, so the version that blob holds is read from the history.
    if (tab < 0 || type !== 'blob' || !path.startsWith(prefix)) continue;
    blobs.set(path.slice(prefix.length), id);
  }
  return blobs;
}

/**
 * The bytes of each version (`git cat-file --batch`), those over the bounds or that git cannot read (a missing
 * object) with a problem instead; the whole history's problem when the versions are over HISTORY_MAX_BYTES in
 * all or git's answer cannot be read.
 */
function readVersions(wanted: { file: string; commit: string; link: boolean; blob: string }[], git: Git): History {
  if (!wanted.length) return { versions: [] };
  const sizes = git(['cat-file', '--batch-check=%(objectname) %(objectsize)'], wanted.map(w => `${w.blob}\n`).join(''));
  const sizeOf = new Map(sizes.stdout.toString('utf8').split('\n').map(line => line.split(' ')).map(([blob, size]) => [blob, Number(size)]));
  let total = 0;
  const read: typeof wanted = [];
  const versions: HistoryVersion[] = [];
  for (const w of wanted) {
    const size = sizeOf.get(w.blob);
    if (size === undefined || !Number.isFinite(size)) versions.push({ file: w.file, commit: w.commit, link: w.link, problem: 'git could not read this version' });
    else if (size > MAX_VERSION_BYTES) versions.push({ file: w.file, commit: w.commit, link: w.link, problem: `this version is ${size} bytes, over the ${MAX_VERSION_BYTES} bytes the secret scan reads of one file` });
    else if ((total += size) > HISTORY_MAX_BYTES) return { versions: [], problem: `the versions its commits wrote are over the ${HISTORY_MAX_BYTES} bytes the scan reads in all` };
    else read.push(w);
  }
  if (!read.length) return { versions };
  const batch = git(['cat-file', '--batch'], read.map(w => `${w.blob}\n`).join(''));
  const out = batch.stdout as Buffer;
  let at = 0;
  for (const w of read) {
    const newline = out.indexOf(0x0a, at);
    const header = out.subarray(at, newline).toString('latin1').split(' ');
    const size = Number(header[2]);
    if (header[0] !== w.blob || !Number.isFinite(size)) return { versions: [], problem: 'git could not read the versions its commits wrote' };
    versions.push({ file: w.file, commit: w.commit, link: w.link, bytes: Buffer.from(out.subarray(newline + 1, newline + 1 + size)) });
    at = newline + 1 + size + 1;
  }
  return { versions };
}
