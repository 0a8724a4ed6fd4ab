import { spawnSync } from 'node:child_process';
import { UsageError } from '../config/usageError.ts';
import { childEnv } from '../process/childEnv.ts';
import { logText } from '../report/safeText.ts';

/**
 * The files under `root` in its work tree that differ from `baseRef` (git diff, renames as a removal and an
 * addition) plus the untracked ones git does not ignore, as paths from `root` (the folder holding
 * gitops.config.yaml, which may sit below the top of the git repository), sorted; files outside `root` are
 * left out. Throws UsageError when git cannot compare (an unknown revision) or `baseRef` is ambiguous.
 */
export function gitChangedFiles(root: string, baseRef: string): string[] {
  refuseAmbiguous(root, baseRef);
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

/**
 * Throws UsageError when the short name `ref` names more than one ref by git's rules (gitrevisions: refs/<name>,
 * refs/tags/<name>, refs/heads/<name>, refs/remotes/<name>, refs/remotes/<name>/HEAD, in that order). git then
 * takes the first and only warns: a tag named origin/main, which anyone who may push a tag can create, made
 * `--base origin/main` the pull request's own commit, and CI compared the change with itself. Full names
 * (refs/remotes/origin/main), commit ids and expressions (main~1) are left to git.
 */
export function refuseAmbiguous(root: string, ref: string): void {
  if (ref.startsWith('refs/') || !/^[^~^:@{}\s\\]+$/.test(ref)) return;
  const candidates = [`refs/${ref}`, `refs/tags/${ref}`, `refs/heads/${ref}`, `refs/remotes/${ref}`, `refs/remotes/${ref}/HEAD`];
  const listed = spawnSync('git', ['-C', root, 'for-each-ref', '--format=%(refname)', ...candidates], { encoding: 'utf8', env: childEnv() });
  const found = new Set(listed.status === 0 ? listed.stdout.split('\n') : []);
  const matches = candidates.filter(name => found.has(name));
  if (matches.length > 1) throw new UsageError(`the revision ${logText(ref)} is ambiguous: it names ${matches.map(logText).join(' and ')}, and git would take the first. Name the one meant in full, e.g. ${logText(matches.find(name => name.startsWith('refs/remotes/')) ?? matches[matches.length - 1])}.`);
}
