import { lstatSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../config/usageError.ts';
import { logText } from '../report/safeText.ts';

/**
 * The first folder on the way from `root` to `file` (repo-relative) that is a symbolic link, or
 * undefined. A link to a folder is no finding of the gate where nothing reads through it (readSymlinks),
 * so a merged pull request can leave `catalog/teams/x -> ../../.github/workflows` (or a path out of the
 * checkout) where a command later writes.
 */
export function linkedFolder(root: string, file: string): string | undefined {
  const parts = file.split(/[\\/]/).filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const folder = parts.slice(0, i).join('/');
    const stat = lstatSync(join(root, folder), { throwIfNoEntry: false });
    if (!stat) return undefined;
    if (stat.isSymbolicLink()) return folder;
  }
  return undefined;
}

/**
 * The absolute path a command may write the repo file `file` (as the config names it, relative to `root`)
 * to, the way init and import write theirs: never outside the repository, never through a folder that is
 * a symbolic link, never through a file that is one (the link could lead anywhere: a workflow, a host
 * file). Throws UsageError (one line, exit 2) before anything is written; `what` names the file's role.
 */
export function repoWriteTarget(root: string, file: string, what: string): string {
  const path = resolve(root, file);
  const inRepo = relative(resolve(root), path).split(sep).join('/');
  if (!path.startsWith(resolve(root) + sep)) throw new UsageError(`refusing to write ${what} ${logText(file.slice(0, 200))}: it is outside the repository. Name a file inside it.`);
  const link = linkedFolder(root, inRepo);
  if (link !== undefined) throw new UsageError(`refusing to write ${logText(inRepo.slice(0, 200))}: ${logText(link.slice(0, 200))} is a symbolic link, and nothing is written through one (it could lead out of the repository). Replace the link with a folder, then run again.`);
  if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) throw new UsageError(`refusing to write ${logText(inRepo.slice(0, 200))}: it is a symbolic link, and nothing is written through one (it could lead out of the repository). Replace the link with a file, then run again.`);
  return path;
}
