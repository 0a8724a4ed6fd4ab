import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './usageError.ts';
import { logText } from '../report/safeText.ts';

export const CONFIG_FILE = 'gitops.config.yaml';

/**
 * The repository root a command works on. With `--root`, that folder (a UsageError when it is not an
 * existing folder). Without it, found the way git and ESLint find theirs: the nearest folder from `cwd`
 * upwards that holds gitops.config.yaml, stopping at the top of the git repository (a folder holding
 * `.git`); with no config on the way, `cwd` itself, judged as Backstage would judge a plain folder.
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
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return resolve(cwd);
  }
}
