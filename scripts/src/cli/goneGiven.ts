import { spawnSync } from 'node:child_process';
import { posix } from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';
import { childEnv } from '../process/childEnv.ts';

/** Rules whose finding names a path that is not there: what deleting or moving a file another file names by path causes. */
const PATH_RULES = new Set(['location-target-missing', 'placeholder-target-missing', 'techdocs-ref-missing', 'template-skeleton-missing', 'mkdocs-docs-dir-missing']);

/**
 * The repo paths a run over given paths takes away from the revision it is judged against (HEAD, or
 * `--base`): each given path the work tree no longer holds, a folder as the files `revision` holds under it
 * (`git ls-tree`), and the old path of each rename (`renames`, old → new, gitRenames) whose new path is given
 * or under a given folder (`given`: repo paths, '' for the top). Returns repo-relative file paths, sorted.
 * Runs git; a revision git cannot list gives no files for that path.
 */
export function goneGiven(root: string, revision: string, missing: readonly string[], given: readonly string[], renames: ReadonlyMap<string, string>): string[] {
  const gone = new Set<string>();
  for (const path of missing) {
    const listed = spawnSync('git', ['-C', root, 'ls-tree', '-r', '-z', '--name-only', '--full-name', '--end-of-options', revision, '--', `./${path}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: childEnv() });
    if (listed.status === 0) listed.stdout.split('\0').filter(Boolean).forEach(file => gone.add(file));
  }
  const inGiven = (file: string) => given.some(path => path === '' || file === path || file.startsWith(`${path}/`));
  for (const [before, after] of renames) if (inGiven(after)) gone.add(before);
  return [...gone].sort();
}

/**
 * The whole run's findings that name a path the change took away (`gone`, goneGiven): a Location target,
 * a `$text` placeholder, a techdocs-ref dir or a skeleton folder that no longer exists. A gone path counts
 * as the file itself, or as a folder of it that holds no file of `repoFiles` any more (a moved docs site, a
 * deleted skeleton). Matched on the finding's `missingTarget` or on the repo path its message names, as a
 * whole path. Takes the whole run's findings; returns those. Pure; each message costs its length times the
 * number of distinct gone-path lengths, whatever the number of gone paths (a deleted folder of thousands).
 */
export function namingGone(findings: readonly Diagnostic[], gone: readonly string[], repoFiles: readonly string[]): Diagnostic[] {
  const paths = new Set(gone);
  const held = new Set<string>();
  for (const file of repoFiles) for (let dir = posix.dirname(file); dir !== '.' && !held.has(dir); dir = posix.dirname(dir)) held.add(dir);
  for (const file of gone) for (let dir = posix.dirname(file); dir !== '.' && !held.has(dir); dir = posix.dirname(dir)) paths.add(dir);
  const lengths = [...new Set([...paths].map(path => path.length))];
  return findings.filter(d => PATH_RULES.has(d.ruleId) && (paths.has(d.missingTarget?.path ?? '') || namesOneOf(d.message, paths, lengths)));
}

const BEFORE_PATH = /[\s(`'"]/;
const AFTER_PATH = /[\s/)`'",.;:]/;

/**
 * Whether `message` names one of `paths` (whose lengths are `lengths`) as a whole path: starting the
 * message or after a space, bracket or quote, and ending it or before one, a slash or punctuation.
 */
function namesOneOf(message: string, paths: ReadonlySet<string>, lengths: readonly number[]): boolean {
  for (let at = 0; at < message.length; at++) {
    if (at > 0 && !BEFORE_PATH.test(message[at - 1])) continue;
    for (const length of lengths) {
      const end = at + length;
      if (end > message.length || (end < message.length && !AFTER_PATH.test(message[end]))) continue;
      if (paths.has(message.slice(at, end))) return true;
    }
  }
  return false;
}
