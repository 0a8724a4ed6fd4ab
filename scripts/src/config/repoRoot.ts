import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './usageError.ts';
import { logText } from '../report/safeText.ts';

export const CONFIG_FILE = 'gitops.config.yaml';

/**
 * The repository root a command works on. With `--root`, that folder (a UsageError when it is not an
 * existing folder). Without it, found the way git and ESLint find theirs: the nearest folder from `cwd`
 * upwards that holds gitops.config.yaml, stopping at the top of the git repository (a folder holding
 * `.git`); with no config on the way, that top (Backstage reads a repository whole: a template's
 * `../../skeletons/x` from a subfolder is in it), or `cwd` itself outside a git repository, judged as
 * Backstage would judge a plain folder. implicitScope says when the run is then scoped to `cwd`.
 */
export function repoRoot(cwd: string, rootFlag: string | undefined): string {
  if (rootFlag !== undefined) {
    const root = resolve(cwd, rootFlag);
    if (!existsSync(root)) throw new UsageError(`--root ${logText(rootFlag)}: no such folder`);
    if (!statSync(root).isDirectory()) throw new UsageError(`--root ${logText(rootFlag)} is a file: give the repository's folder`);
    return root;
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, CONFIG_FILE))) return dir;
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return resolve(cwd);
  }
}

/**
 * The folder a run without paths is scoped to when repoRoot took the top of the git repository for a
 * `cwd` below it (no gitops.config.yaml on the way, no `--root`): `cwd`, so that `check` there reports
 * that folder's files, judged within the whole repository, as `check <folder>` from the top would.
 * Undefined otherwise.
 */
export function implicitScope(cwd: string, rootFlag: string | undefined, root: string): string | undefined {
  const here = resolve(cwd);
  return rootFlag === undefined && root !== here && !existsSync(join(root, CONFIG_FILE)) ? here : undefined;
}
