import { realpathSync } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
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
  /** Links left out because their target leaves the folder, relative to the folder (posix). */
  dropped: string[];
}

/**
 * Copies folder `from` into `targetDir` as Backstage's tree readers extract the git host's archive of it
 * (TarArchiveResponse.dir): entries in the archive's order, a symbolic link created as the link it is only
 * when backend-plugin-api's isChildPath(targetDir, target) holds for its target resolved from where it lands,
 * judged against what was extracted before it (isChildPath follows the links already there), and otherwise
 * left out without a word, whether its target exists on this machine or not (the archive holds the link's
 * text, never the file). `keep` leaves out what the host does not hold (git-ignored files).
 */
export async function extractAsArchive(from: string, targetDir: string, keep: (source: string) => boolean): Promise<ExtractedTree> {
  const isChildPath = backstageIsChildPath();
  const tree: ExtractedTree = { links: [], dropped: [] };
  const walk = async (dir: string, into: string, rel: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).map(e => ({ entry: e, name: e.name, folder: e.isDirectory() })).sort(gitOrder);
    for (const { entry, name } of entries) {
      const source = join(dir, name);
      const dest = join(into, name);
      const path = rel ? `${rel}/${name}` : name;
      if (!keep(source)) continue;
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
      }
    }
  };
  await mkdir(targetDir, { recursive: true });
  await walk(from, targetDir, '');
  return tree;
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
