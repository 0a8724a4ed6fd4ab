import { spawnSync } from 'node:child_process';
import { childEnv } from '../process/childEnv.ts';

/**
 * The first line of `file` (a path from `root`) that the work tree adds or changes against `baseRef`, from
 * git's zero-context diff; 1 for a file git does not track or when git cannot tell (a pure deletion gives the
 * line after it). Never throws.
 */
export function firstChangedLine(root: string, baseRef: string, file: string): number {
  const diff = spawnSync('git', ['-C', root, 'diff', '-U0', '--relative', '--no-renames', '--no-color', '--no-ext-diff', '--end-of-options', baseRef, '--', `:(literal)${file}`], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, env: childEnv() });
  if (diff.status !== 0) return 1;
  for (const hunk of diff.stdout.matchAll(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/gm)) {
    const start = Number(hunk[1]);
    if (hunk[2] !== '0') return Math.max(1, start);
  }
  const deleted = /^@@ -\d+(?:,\d+)? \+(\d+),0 @@/m.exec(diff.stdout);
  return deleted ? Math.max(1, Number(deleted[1]) + 1) : 1;
}
