import { spawnSync } from 'node:child_process';
import { UsageError } from '../config/usageError.ts';
import { childEnv } from '../process/childEnv.ts';
import { logText } from '../report/safeText.ts';

/**
 * The files under `root` in its work tree that differ from `baseRef` (git diff, renames as a removal and an
 * addition) plus the untracked ones git does not ignore, as paths from `root` (the folder holding
 * gitops.config.yaml, which may sit below the top of the git repository), sorted; files outside `root` are
 * left out. Throws UsageError when git cannot compare (an unknown revision).
 */
export function gitChangedFiles(root: string, baseRef: string): string[] {
  // -z: without it git quotes and escapes unusual names (a newline, a tab, a quote, non-ASCII), which would
  // then match no entity or the wrong one. --end-of-options: a base ref is never read as an option.
  // --relative: every reader compares these with paths from the root (entity files, $ref targets, policy
  // files, gitops.config.yaml); from the top of the repository, a root in a subfolder matched none of them,
  // so a breaking change through a $ref'd file and a rewritten policy file passed (ls-files is already relative).
  const diff = spawnSync('git', ['-C', root, 'diff', '--name-only', '--relative', '--no-renames', '-z', '--end-of-options', baseRef, '--'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: childEnv() });
  if (diff.status !== 0) throw new UsageError(`git diff against ${logText(baseRef)} failed: ${logText(diff.stderr.trim())}`);
  const untracked = spawnSync('git', ['-C', root, 'ls-files', '-z', '--others', '--exclude-standard'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: childEnv() });
  if (untracked.status !== 0) throw new UsageError(`git ls-files failed: ${logText(untracked.stderr.trim())}`);
  return [...new Set([...diff.stdout.split('\0'), ...untracked.stdout.split('\0')].filter(Boolean))].sort();
}
