import { createRequire } from 'node:module';
import { isAbsolute, posix } from 'node:path';
import { globTooComplex } from '../catalog/locationTargets.ts';
import { boundedText } from '../report/safeText.ts';

/** Why one pattern of a fetch:template glob list is not matched: its index in the list, a message, a fix. */
export interface SkeletonGlobProblem {
  index: number;
  message: string;
  hint: string;
}

// fast-glob expands every pattern's {…} groups before matching anything; a list's patterns all together,
// after expansion, stay within this (each one within MAX_BRACE_EXPANSIONS of the Location globs, 64).
const MAX_LIST_PATTERNS = 256;

interface FastGlob {
  generateTasks(patterns: string[], options: object): { base: string; patterns: string[] }[];
}

let fastGlob: FastGlob | undefined;

/** fast-glob as the scaffolder's globby loads it: the code that expands braces and picks where a walk starts. */
function scaffolderFastGlob(): FastGlob {
  if (!fastGlob) {
    const backend = createRequire(createRequire(import.meta.url).resolve('@backstage/plugin-scaffolder-backend'));
    fastGlob = createRequire(backend.resolve('globby'))('fast-glob') as FastGlob;
  }
  return fastGlob;
}

/**
 * The patterns of a fetch:template glob list (`copyWithoutTemplating`, or the older `copyWithoutRender`)
 * that must not be matched, with why. fetch:template hands the list to globby (fast-glob) with cwd = the
 * skeleton folder, which expands every {…} combination up front ('{a,b}' 23 times: 8 million patterns, out
 * of memory) and walks from each pattern's base directory ('/**' walks the host's filesystem). Refused:
 * a pattern globTooComplex refuses for Location globs (more than 64 brace expansions, repeated extglob
 * groups, too many wildcards), patterns that together expand past 256, and a pattern (or any of its
 * expansions) whose base is absolute or climbs out of the folder: fetch:template copies only entries
 * inside the skeleton, so such a pattern matches none of them. `list`: the input as written (anything);
 * patterns holding `${{` are the rendered value's business and skipped. Never throws.
 */
export function skeletonGlobProblems(list: unknown): SkeletonGlobProblem[] {
  return judgeList(list).problems;
}

/** The patterns of `list` fit to be matched (strings without `${{`, none skeletonGlobProblems refuses), in order. */
export function matchableSkeletonGlobs(list: unknown): string[] {
  const { refused } = judgeList(list);
  return (Array.isArray(list) ? list : []).filter((p, i): p is string => typeof p === 'string' && !p.includes('${{') && !refused.has(i));
}

/** skeletonGlobProblems' findings, and every index not to match (past the list's bound: all the later ones, reported once). */
function judgeList(list: unknown): { problems: SkeletonGlobProblem[]; refused: Set<number> } {
  const problems: SkeletonGlobProblem[] = [];
  const refused = new Set<number>();
  let total = 0;
  (Array.isArray(list) ? list : []).forEach((pattern, index) => {
    if (typeof pattern !== 'string' || pattern.includes('${{')) return;
    if (total > MAX_LIST_PATTERNS) return void refused.add(index);
    const refuse = (message: string, hint: string) => (refused.add(index), problems.push({ index, message, hint }));
    const shown = JSON.stringify(boundedText(pattern, 80));
    const complex = globTooComplex(pattern);
    if (complex) {
      refuse(`The pattern ${shown} ${complex}: fetch:template's globby expands or backtracks on it before it matches a single file (a handful of {a,b} groups exhausts the memory of the scaffolder, and of this check), so it is not matched here.`, 'Use fewer {…} alternatives and wildcards: list the few paths, or one wildcard such as assets/** or **/*.png.');
      return;
    }
    const tasks = scaffolderFastGlob().generateTasks([pattern], { dot: true });
    total += tasks.reduce((sum, task) => sum + task.patterns.length, 0);
    const outside = tasks.map(task => task.base.replace(/\\/g, '')).find(base => isAbsolute(base) || /^\.\.(\/|$)/.test(posix.normalize(base)));
    if (outside !== undefined) {
      const where = isAbsolute(outside) ? 'is absolute' : 'climbs out of the skeleton folder (..)';
      refuse(`The pattern ${shown} ${where}: fetch:template matches these patterns from the skeleton folder and copies only entries inside it, so this one matches no file of the template; it only makes globby walk the scaffolder host's filesystem.`, 'Write the pattern relative to the skeleton folder, e.g. .github/workflows/** or assets/*.png.');
    } else if (total > MAX_LIST_PATTERNS) {
      refuse(`With the pattern ${shown} the list expands to more than ${MAX_LIST_PATTERNS} patterns, each matched against every skeleton file: neither it nor the patterns after it are matched here.`, 'Merge the patterns into a few wildcards (e.g. **/*.png).');
    }
  });
  return { problems, refused };
}
