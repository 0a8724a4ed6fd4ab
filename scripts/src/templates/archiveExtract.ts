import { realpathSync } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, readdir, readlink, rmdir, symlink, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { danglingWithoutLinks } from '../load/repoPath.ts';

const require = createRequire(import.meta.url);

/** The isChildPath Backstage's TarArchiveResponse judges a link with (backend-plugin-api, as the scaffolder resolves it). */
function backstageIsChildPath(): (base: string, path: string) => boolean {
  const index = createRequire(require.resolve('@backstage/plugin-scaffolder-backend')).resolve('@backstage/backend-plugin-api');
  // Its paths module alone: the package's index loads the catalog model and its kinds (unreadScaffolderModules).
  return require(join(dirname(index), 'paths.cjs.js')).isChildPath;
}

/** Git's tree order, which `git archive` (and so the host's tarball) follows: bytewise, a folder as `name/`. */
function gitOrder(a: { name: string; folder: boolean }, b: { name: string; folder: boolean }): number {
  return Buffer.compare(Buffer.from(a.folder ? `${a.name}/` : a.name), Buffer.from(b.folder ? `${b.name}/` : b.name));
}

export interface ExtractedTree {
  /** Links kept, relative to the folder (posix). */
  links: string[];
  /** Regular files written, relative to the folder (posix). */
  files: string[];
  /** Links left out because their target leaves the folder, relative to the folder (posix). */
  dropped: string[];
}

/**
 * Copies folder `from` into `targetDir` as Backstage's tree readers extract the git host's archive of it
 * (TarArchiveResponse.dir): entries in the archive's order, a symbolic link created as the link it is only
 * when backend-plugin-api's isChildPath(targetDir, target) holds for its target resolved from where it lands,
 * judged against what was extracted before it (isChildPath follows the links already there), and otherwise
 * left out without a word, whether its target exists on this machine or not (the archive holds the link's
 * text, never the file). As node-tar extracts, nothing is ever written through a link already in `targetDir`
 * (a previous step's, or this tree's): an entry whose path goes through one is left out ("Cannot extract
 * through symbolic link", a warning Backstage's reader ignores), and an entry where a link or file stands
 * replaces it instead of writing through it. Else a link a step kept because it led nowhere could lead out
 * once a later step's link made its path resolve (two fetch:plain steps wrote a file anywhere on the runner).
 * `keep` leaves out what the host does not hold (git-ignored files).
 */
export async function extractAsArchive(from: string, targetDir: string, keep: (source: string) => boolean): Promise<ExtractedTree> {
  const isChildPath = backstageIsChildPath();
  const tree: ExtractedTree = { links: [], files: [], dropped: [] };
  const walk = async (dir: string, into: string, rel: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).map(e => ({ entry: e, name: e.name, folder: e.isDirectory() })).sort(gitOrder);
    for (const { entry, name } of entries) {
      const source = join(dir, name);
      const dest = join(into, name);
      const path = rel ? `${rel}/${name}` : name;
      if (!keep(source)) continue;
      if (await throughLink(targetDir, dest)) continue;
      const there = await lstat(dest).catch(() => undefined);
      if (there?.isDirectory()) {
        // A folder stays a folder; node-tar removes it for another entry only when it is empty.
        if (!entry.isDirectory() && !(await rmdir(dest).then(() => true, () => false))) continue;
      } else if (there) await unlink(dest);
      if (entry.isSymbolicLink()) {
        const target = await readlink(source);
        if (isChildPath(targetDir, resolve(dirname(dest), target))) {
          await symlink(target, dest);
          tree.links.push(path);
        } else tree.dropped.push(path);
      } else if (entry.isDirectory()) {
        await mkdir(dest, { recursive: true });
        await walk(source, dest, path);
      } else if (entry.isFile()) {
        await copyFile(source, dest);
        await chmod(dest, (await lstat(source)).mode & 0o7777);
        tree.files.push(path);
      }
    }
  };
  await mkdir(targetDir, { recursive: true });
  await walk(from, targetDir, '');
  return tree;
}

/**
 * Whether a symbolic link stands between `targetDir` and `dest` (a folder on the way, `targetDir` itself and
 * `dest` excepted): what node-tar's mkdir checks before it writes an entry. Asks the file system (lstat).
 */
export async function throughLink(targetDir: string, dest: string): Promise<boolean> {
  const parts = relative(targetDir, dirname(dest)).split(sep).filter(part => part !== '');
  let at = targetDir;
  for (const part of parts) {
    at = join(at, part);
    if ((await lstat(at).catch(() => undefined))?.isSymbolicLink()) return true;
  }
  return false;
}

/**
 * The first kept link (relative to `targetDir`) that, followed as the system follows it, leads outside
 * `targetDir`: Backstage's isChildPath judges a target's path after normalising it as text, so a path that
 * reads as inside but climbs back out through another link (d/s -> .., x -> d/s/s/../../../etc/passwd) is
 * kept there, and the dry-run would then read a host file through it. Such a link is refused, never read;
 * a dangling one reached through no other link leads nowhere and passes.
 */
export function linkLeavingTree(targetDir: string, links: readonly string[]): string | undefined {
  const realTarget = realpathSync(targetDir);
  for (const link of links) {
    const absolute = join(targetDir, ...link.split('/'));
    try {
      const rel = relative(realTarget, realpathSync(absolute));
      if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return link;
    } catch {
      if (!danglingWithoutLinks(dirname(absolute), basename(absolute))) return link;
    }
  }
  return undefined;
}
