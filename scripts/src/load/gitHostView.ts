import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../config/usageError.ts';
import { childEnv } from '../process/childEnv.ts';
import { logText } from '../report/safeText.ts';

/**
 * What of a working tree the git host holds. Backstage reads a repository from its git host, which has
 * only what was committed; a working tree also holds what git ignores and does not track (a `.env`, a
 * `dist/` or `site/` build, a `.venv`), which a run must not read, or a local `check` reports what CI's
 * clean checkout never does. Untracked files git does not ignore stay in: they are the developer's new
 * files, about to be added.
 */
export interface GitHostView {
  /** Whether the root is inside a git work tree (git listed it); outside one nothing is ignored. */
  readonly inGit: boolean;
  /**
   * Whether root-relative posix `path` (a file or a folder) is ignored by git and not tracked, or lies in
   * another repository below the root (a submodule's checkout, a nested clone: inOtherRepository).
   */
  ignored(path: string): boolean;
  /**
   * Whether root-relative folder `path` was listed whole (git lists a folder that way only when it
   * tracks nothing in it), or lies in another repository below the root: nothing below it is tracked.
   */
  ignoredWhole(path: string): boolean;
  /**
   * Why git refused to list the work tree (the first line it wrote, e.g. "fatal: detected dubious ownership in
   * repository at '…'"), when the root is in one but git would not read it: then nothing is ignored.
   */
  readonly refused?: string;
}

const OUTSIDE: GitHostView = { inGit: false, ignored: () => false, ignoredWhole: () => false };

// One listing per root and process: a run (check, templates render) reads it once, and every part of the
// run (the file listing, the skeleton walks, the replay key) judges by the same answer, even if the index
// changes meanwhile.
const views = new Map<string, GitHostView>();
const told = new Set<string>();

/**
 * The git host's view of `root` (GitHostView), from one `git ls-files --others --ignored --exclude-standard
 * --directory` below it (paths relative to it; a folder whose every untracked file is ignored comes as one
 * `folder/` entry, so a node_modules costs one line). Outside a work tree, or without git, nothing is
 * ignored: a tarball is read whole, as before; so too when git refuses the work tree (`refused` says why,
 * gitRefusals gives the line to print). Throws UsageError when git cannot be started or its answer
 * is too large.
 */
export function gitHostView(root: string): GitHostView {
  const key = resolve(root);
  let view = views.get(key);
  if (!view) {
    view = listIgnored(key);
    views.set(key, view);
  }
  return view;
}

function listIgnored(root: string): GitHostView {
  // No `.git` (a folder, or a worktree's file) at the root or above it: no work tree, and no git to start
  // (the child env carries no GIT_DIR). A tarball, or a base revision extracted to a temporary folder.
  if (!underGit(root)) return OUTSIDE;
  const run = spawnSync('git', ['-C', root, 'ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory'], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, env: childEnv() });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') return OUTSIDE;
  if (run.error) throw new UsageError(`Could not ask git which files it ignores in ${root}: ${logText(run.error.message)}`);
  // Git refuses a work tree it does not trust (another user's checkout: "dubious ownership", common in CI
  // containers) or cannot open (a `.git` file naming a gone folder): the folder is then read whole, files
  // git ignores included, which the caller should say (gitRefusals).
  if (run.status !== 0 || typeof run.stdout !== 'string') {
    const said = typeof run.stderr === 'string' ? run.stderr.split('\n').find(line => line.trim() !== '') : undefined;
    return { ...OUTSIDE, refused: said?.trim().slice(0, 300) || `git exited with ${run.status ?? run.signal}` };
  }
  const files = new Set<string>();
  const folders = new Set<string>();
  for (const entry of run.stdout.split('\0')) {
    if (entry === '') continue;
    // `./`: the root itself holds only ignored files (git lists it so when the root is a subfolder).
    if (entry.endsWith('/')) folders.add(entry === './' ? '' : entry.slice(0, -1));
    else files.add(entry);
  }
  // A root git ignores whole (a folder exported into an ignored part of another repository, a home folder
  // kept in git that ignores everything) is no content of that repository: it is read whole, as a tarball.
  if (folders.has('')) return OUTSIDE;
  const listedWhole = (path: string): boolean => {
    if (folders.size === 0) return false;
    if (folders.has('') || folders.has(path)) return true;
    for (let at = path.indexOf('/'); at >= 0; at = path.indexOf('/', at + 1)) if (folders.has(path.slice(0, at))) return true;
    return false;
  };
  const inOther = inOtherRepository(root);
  const ignoredWhole = (path: string): boolean => listedWhole(path) || inOther(path);
  return { inGit: true, ignored: path => files.has(path) || ignoredWhole(path), ignoredWhole };
}

/**
 * Whether root-relative `path` lies inside another git repository below the root: a submodule's checkout
 * (a folder with a `.git` file) or a repository cloned inside the work tree (a `.git` folder). The git host's
 * tree holds a submodule as a commit id only, and its archive (what Backstage's GitHub, GitLab, Bitbucket and
 * Azure readers download) none of its files; a nested clone it does not hold at all. So a Location glob, a
 * placeholder or a template's fetch never reaches such files, and the run leaves them out, as it does what
 * git ignores. A pull request cannot add a `.git` entry (git refuses the name in any case), so only a
 * checkout's own submodules and local clones are met here. Checks each folder above `path` once (an
 * existsSync of its `.git`), never the path itself, so that a file costs no system call: the folder holding
 * the `.git` is kept (empty), what is below it is left out.
 */
function inOtherRepository(root: string): (path: string) => boolean {
  const known = new Map<string, boolean>();
  const holdsRepository = (folder: string): boolean => {
    let holds = known.get(folder);
    if (holds === undefined) {
      holds = existsSync(join(root, folder, '.git'));
      known.set(folder, holds);
    }
    return holds;
  };
  return path => {
    for (let at = path.indexOf('/'); at >= 0; at = path.indexOf('/', at + 1)) if (holdsRepository(path.slice(0, at))) return true;
    return false;
  };
}

function underGit(root: string): boolean {
  for (let dir = root; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return true;
    if (dirname(dir) === dir) return false;
  }
}

/**
 * One line for each root of this process whose git refused to list it (GitHostView.refused), each given once:
 * the run read every file there, those git ignores too (a `.env`, a build folder), which a CI checkout of
 * the repository never holds. For the CLI to print; the checks themselves never do.
 */
export function gitRefusals(): string[] {
  const lines: string[] = [];
  for (const [root, view] of views) {
    if (view.refused === undefined || told.has(root)) continue;
    told.add(root);
    lines.push(`git would not list ${logText(root)} (${logText(view.refused)}), so files it ignores were read too; \`git status\` there says why (another user's checkout: \`git config --global --add safe.directory <folder>\`).`);
  }
  return lines;
}
