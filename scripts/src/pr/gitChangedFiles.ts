import { spawnSync } from 'node:child_process';
import { UsageError } from '../config/usageError.ts';
import { childEnv } from '../process/childEnv.ts';
import { logText } from '../report/safeText.ts';

/**
 * The files of the work tree at `root` that differ from `baseRef` (git diff, renames as a removal and an
 * addition) plus the untracked ones git does not ignore, as paths from the top of the git repository,
 * sorted. Throws UsageError when git cannot compare (an unknown revision).
 */
export function gitChangedFiles(root: string, baseRef: string): string[] {
  // -z: without it git quotes and escapes unusual names (a newline, a tab, a quote, non-ASCII), which would
  // then match no entity or the wrong one. --end-of-options: a base ref is never read as an option.
  const diff = spawnSync('git', ['-C', root, 'diff', '--name-only', '--no-renames', '-z', '--end-of-options', baseRef, '--'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: childEnv() });
  if (diff.status !== 0) throw new UsageError(`git diff against ${logText(baseRef)} failed: ${logText(diff.stderr.trim())}`);
  const untracked = spawnSync('git', ['-C', root, 'ls-files', '-z', '--others', '--exclude-standard'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: childEnv() });
  if (untracked.status !== 0) throw new UsageError(`git ls-files failed: ${logText(untracked.stderr.trim())}`);
  return [...new Set([...diff.stdout.split('\0'), ...untracked.stdout.split('\0')].filter(Boolean))].sort();
}
