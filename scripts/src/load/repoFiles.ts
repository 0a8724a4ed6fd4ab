import { readRegularFile } from './readSource.ts';
import { lstatSync, readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { UsageError } from '../config/usageError.ts';
import { childEnv } from '../process/childEnv.ts';
import { logText } from '../report/safeText.ts';
import { FILE_START, type Diagnostic } from '../diagnostic.ts';
import { gitHostView, type GitHostView } from './gitHostView.ts';

// `.git` is git's bookkeeping: Backstage reads the tree from the git host, never this folder. What npm
// installs (node_modules) is tens of thousands of files and never catalog input: it is not walked, but a
// file in it that git tracks is (trackedInstalledFiles), and one that something names is still found
// (RepoFileSet). Every other folder is listed, whatever it holds: Backstage reads whatever a Location, a
// placeholder or a techdocs-ref names (it has no skip list), and a template's fetch copies every file of
// its skeleton. No content a pull request writes (a built site's techdocs_metadata.json, say) hides files.
const INSTALLED = 'node_modules';

/**
 * Every regular file below `root`, as sorted forward-slash paths relative to it, but those in `.git` and
 * `node_modules` folders (`installed`, when given, collects the paths of the latter). Symbolic links are
 * never followed (a pull request can link to host files); `symlinks`, when given, collects their paths.
 * Names that are not valid UTF-8 cannot be opened by the name Node gives them (their bytes read as
 * U+FFFD): they are left out, files and folders alike, and `undecodable`, when given, collects them.
 * What git ignores and does not track is left out too, files, links and folders alike (`hidden`, by default
 * gitHostView(root).ignored: false for every path outside a git work tree): Backstage reads the repository
 * from its git host, which never holds them.
 */
export async function listRepoFiles(root: string, symlinks?: string[], undecodable?: string[], installed?: string[], hidden: (path: string) => boolean = gitHostView(root).ignored): Promise<string[]> {
  const found: string[] = [];
  async function walk(relative: string): Promise<void> {
    const here = join(root, relative);
    let entries;
    try {
      entries = await readdir(here, { withFileTypes: true });
    } catch {
      return;
    }
    const folders: Promise<void>[] = [];
    for (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (undecodableName(here, entry.name)) {
        undecodable?.push(path);
        continue;
      }
      if (hidden(path)) continue;
      if (entry.isDirectory()) {
        if (entry.name === INSTALLED) installed?.push(path);
        else if (entry.name !== '.git') folders.push(walk(path));
      } else if (entry.isFile()) {
        found.push(path);
      } else if (entry.isSymbolicLink()) {
        symlinks?.push(path);
      }
    }
    await Promise.all(folders);
  }
  await walk('');
  return found.sort();
}

/**
 * Every regular file below a template's skeleton `folder`, as fetch:template copies it: its globby lists
 * every entry (`dot: true`, no ignore list), so node_modules too; only `.git` is left out (the skeleton
 * comes from the git host's tree, which never holds one). Sorted forward-slash paths relative to `folder`;
 * links are not followed nor listed, and names that are not valid UTF-8 are left out, as listRepoFiles does.
 * `hidden` (a folder-relative path: a file or folder the git host does not hold) leaves more out.
 * Reads synchronously: a skeleton is a few files.
 */
export function listSkeletonFiles(folder: string, hidden: (path: string) => boolean = () => false): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    const here = join(folder, relative);
    let entries;
    try {
      entries = readdirSync(here, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (undecodableName(here, entry.name)) continue;
      if (hidden(path)) continue;
      if (entry.isDirectory()) {
        if (entry.name !== '.git') walk(path);
      } else if (entry.isFile()) {
        found.push(path);
      }
    }
  };
  walk('');
  return found.sort();
}

/**
 * The repo's listed files (listRepoFiles), which also answers `has` for a file in one of the `installed`
 * folders it was not walked into, when something names that file: Backstage reads any file a Location,
 * placeholder or techdocs-ref names. Such a file counts only when it is a regular file reached through real
 * folders, no symbolic link on the way (as the listing never follows one). `namedInstalled` collects the
 * ones found: a run's replay key covers node_modules by npm's record and git's tracked files only
 * (runInputsKey), so a run that read another must not be replayed. A file git ignores and does not track
 * (the usual node_modules) is not found: the git host does not hold it. Iterating gives the listed files only.
 */
export class RepoFileSet extends Set<string> {
  readonly namedInstalled = new Set<string>();
  readonly #looked = new Map<string, boolean>();

  readonly #root: string;
  readonly #installed: readonly string[];
  readonly #hidden: (path: string) => boolean;

  constructor(root: string, files: Iterable<string>, installed: readonly string[] = [], hidden: (path: string) => boolean = () => false) {
    super(files);
    this.#root = root;
    this.#installed = installed;
    this.#hidden = hidden;
  }

  override has(path: string): boolean {
    if (super.has(path)) return true;
    if (!this.#installed?.length || !path.includes(`${INSTALLED}/`) || !this.#installed.some(folder => path.startsWith(`${folder}/`))) return false;
    let found = this.#looked.get(path);
    if (found === undefined) {
      found = !this.#hidden(path) && regularFileThroughFolders(this.#root, path);
      this.#looked.set(path, found);
      if (found) this.namedInstalled.add(path);
    }
    return found;
  }
}

/**
 * The text of repo-relative `file` (under `root`) when it is a regular file reached through real folders, no
 * link on the way (regularFileThroughFolders), of at most `maxBytes`; undefined otherwise, as for a file that is
 * not there. For a file read by a name the toolkit knows (CODEOWNERS, a generated file): statSync and readFileSync
 * followed a pull request's `CODEOWNERS -> /proc/self/environ` and scored the job's environment as code owners.
 */
export function regularRepoFileText(root: string, file: string, maxBytes?: number): string | undefined {
  if (!regularFileThroughFolders(root, file)) return undefined;
  try {
    return readRegularFile(join(root, file), maxBytes).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Whether repo-relative `path` is a regular file whose every folder is a real folder (lstat: no link). */
export function regularFileThroughFolders(root: string, path: string): boolean {
  const segments = path.split('/');
  if (segments.some(s => s === '' || s === '.' || s === '..')) return false;
  try {
    for (let i = 1; i < segments.length; i++) {
      if (!lstatSync(join(root, ...segments.slice(0, i))).isDirectory()) return false;
    }
    return lstatSync(join(root, path)).isFile();
  } catch {
    return false;
  }
}

/**
 * The files git tracks below the `installed` folders (node_modules folders listRepoFiles met but did not
 * walk), as sorted forward-slash paths relative to `root`: Backstage reads the tree from the git host
 * (GithubUrlReader.doSearch filters the whole git tree with Minimatch, no node_modules exclusion), so a
 * committed file there is catalog input, while what `npm ci` installed beside it is not. Costs nothing
 * when `installed` is empty; outside a git work tree (or without git) there is no tree to read and the
 * answer is empty: such files are then found only when something names them (RepoFileSet). Listed from
 * git's index (`git ls-files -z`), whole and filtered here, so no folder name reaches git as a pathspec
 * and no count of folders overflows its argument list. Paths only: whether each is a regular file on
 * disk is the caller's question (regularFileThroughFolders). Throws UsageError when git cannot list them.
 * `view` (the root's GitHostView) spares the call when it shows no such folder can hold a tracked file:
 * outside git, or when git listed each of them whole among the ignored ones (it tracks nothing there).
 */
export function trackedInstalledFiles(root: string, installed: readonly string[], view: GitHostView = gitHostView(root)): string[] {
  if (installed.length === 0 || !view.inGit || installed.every(folder => view.ignoredWhole(folder))) return [];
  const run = spawnSync('git', ['-C', root, 'ls-files', '-z'], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, env: childEnv() });
  if (run.error && (run.error as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`Could not list the files git tracks under node_modules in ${root}: ${logText(run.error.message)}`);
  if (run.status !== 0 || typeof run.stdout !== 'string') return [];
  const folders = new Set(installed);
  const tracked: string[] = [];
  for (const path of run.stdout.split('\0')) {
    if (!path.includes(`${INSTALLED}/`)) continue;
    // The walk stops at the first node_modules on a path: that folder is the one it recorded.
    const segments = path.split('/');
    const at = segments.indexOf(INSTALLED);
    if (at >= 0 && at < segments.length - 1 && folders.has(segments.slice(0, at + 1).join('/'))) tracked.push(path);
  }
  return tracked.sort();
}

/**
 * Whether `name`, as a folder listing of `folder` gave it, is a name of bytes that are not valid UTF-8: Node
 * reads such bytes as U+FFFD, and that name opens nothing (a real U+FFFD in a name is valid UTF-8 and opens).
 * Every listing of a folder a pull request fills (repository, skeleton, template tests, policies) leaves such
 * a name out of what it reads by name; `check` reports each one (repo-path-encoding).
 */
export function undecodableName(folder: string, name: string): boolean {
  return name.includes('\uFFFD') && !exists(join(folder, name));
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

export function isYamlFile(path: string): boolean {
  return path.endsWith('.yaml') || path.endsWith('.yml');
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the input order in the result. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * A file or folder whose name is not valid UTF-8: git hosts and Backstage name files in UTF-8, and the
 * checkout cannot open it by any name the toolkit can print, so nothing in it is checked.
 */
export function undecodableFinding(file: string): Diagnostic {
  return {
    ruleId: 'repo-path-encoding',
    severity: 'error',
    message: 'This name is not valid UTF-8 (the bytes shown as \uFFFD), so neither Backstage nor the toolkit can read what it holds.',
    hint: 'Rename it with UTF-8 characters only (git mv), then commit.',
    file,
    range: FILE_START,
  };
}
