import { lstatSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, parse, relative, sep } from 'node:path';
import { readRegularFile } from './readSource.ts';

/**
 * Thrown instead of reading a path that leads outside the repository through a symbolic link. Its
 * message names the repo-relative path only: never the target, never the content.
 */
export class OutsideRepositoryError extends Error {
  constructor(readonly file: string) {
    super(`${JSON.stringify(file).slice(1, -1)} is a symbolic link (or lies in a linked folder) that leads outside the repository; it is not read.`);
    this.name = 'OutsideRepositoryError';
  }
}

/**
 * Whether `real` lies in the repository whose real root is `realRoot`. Git's own folder does not count: no
 * commit can hold a `.git` path segment, so the git host Backstage reads never serves one, while a
 * checkout's `.git/config` holds the job's credentials (actions/checkout's extraheader, a token in a remote
 * URL) and its hooks and config run code: a committed link into it is read or written nowhere.
 */
function inside(realRoot: string, real: string): boolean {
  const rel = relative(realRoot, real);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep) && !rel.split(sep).includes('.git'));
}

/**
 * The real absolute path of repo-relative `file` under `root`, after resolving every symbolic link on
 * the way. Throws OutsideRepositoryError when that real path is outside the root's own real path (a
 * pull request can commit a link to /etc/passwd or ~/.ssh), and the fs error when it does not exist.
 */
export function realRepoPath(root: string, file: string): string {
  const realRoot = realpathSync(root);
  let real: string;
  try {
    real = realpathSync(join(root, file));
  } catch (error) {
    // A dangling link: where it points is not ours to say, and it cannot be read anyway.
    if (isLink(join(root, file))) throw new OutsideRepositoryError(file);
    throw error;
  }
  if (!inside(realRoot, real)) throw new OutsideRepositoryError(file);
  return real;
}

/**
 * The content of a repo-relative file, refusing links that leave the repository (see realRepoPath) and
 * anything but a regular file (readRegularFile: a folder throws EISDIR, a FIFO or device ENOTREG).
 */
export function readRepoFile(root: string, file: string): Buffer;
export function readRepoFile(root: string, file: string, encoding: 'utf8'): string;
export function readRepoFile(root: string, file: string, encoding?: 'utf8'): Buffer | string {
  const bytes = readRegularFile(realRepoPath(root, file));
  return encoding ? bytes.toString(encoding) : bytes;
}

/**
 * Throws OutsideRepositoryError for the first symbolic link below repo-relative `folder` whose target is
 * outside the repository (or dangling); for copying a whole tree (docs) safely.
 */
export function assertTreeInside(root: string, folder: string): void {
  const realRoot = realpathSync(root);
  const walk = (dir: string) => {
    const absolute = realRepoPath(root, dir);
    for (const entry of readdirSync(absolute, { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      // Git's own folder is never copied with a tree (no commit holds it), so nothing in it is judged.
      if (entry.name === '.git') continue;
      if (entry.isSymbolicLink()) {
        let real: string;
        try {
          real = realpathSync(join(absolute, entry.name));
        } catch {
          throw new OutsideRepositoryError(path);
        }
        if (!inside(realRoot, real)) throw new OutsideRepositoryError(path);
      } else if (entry.isDirectory()) walk(path);
    }
  };
  walk(folder);
}

/**
 * Whether the link `name` in real folder `dir` leads nowhere without passing through another link. Its
 * target is followed segment by segment as the system would: a `..` after a link goes up from the link's
 * target, not from the link, so a path that reads as inside (d/s/../../x with s -> ..) can leave the
 * repository; such a path, or one ending on an existing entry, is not dangling in this sense.
 */
export function danglingWithoutLinks(dir: string, name: string): boolean {
  let target: string;
  try {
    target = readlinkSync(join(dir, name));
  } catch {
    return false;
  }
  let at = isAbsolute(target) ? parse(dir).root : dir;
  let exists = true;
  for (const segment of target.split(sep === '/' ? '/' : /[\\/]+/)) {
    if (segment === '' || segment === '.') continue;
    at = segment === '..' ? dirname(at) : join(at, segment);
    if (!exists) continue;
    try {
      if (lstatSync(at).isSymbolicLink()) return false;
    } catch {
      exists = false;
    }
  }
  return !exists;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Where to write repo-relative `file` (a snapshot, a generated file) without following a link out of
 * the repository: the file's real path when it exists (or is a link, even a dangling one), else the new
 * name inside its folder's real path. Throws OutsideRepositoryError like realRepoPath.
 */
export function writableRepoPath(root: string, file: string): string {
  const absolute = join(root, file);
  let exists = true;
  try {
    lstatSync(absolute);
  } catch {
    exists = false;
  }
  if (exists) return realRepoPath(root, file);
  const slash = file.lastIndexOf('/');
  const folder = slash < 0 ? '' : file.slice(0, slash);
  return join(realRepoPath(root, folder), file.slice(slash + 1));
}
