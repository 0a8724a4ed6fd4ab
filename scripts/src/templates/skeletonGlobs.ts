import { createRequire } from 'node:module';
import { posix } from 'node:path';
import { globBacktracks } from '../catalog/locationTargets.ts';
import { boundedText } from '../report/safeText.ts';
import { braceExpansionCount } from './braceExpansions.ts';

/**
 * What is wrong with one pattern of a fetch:template glob list: its index in the list, the rule
 * (template-glob-unsafe, an error: the scaffolder fails or is exhausted; template-glob-matches-nothing, a
 * warning: the pattern is harmless but copies nothing verbatim), a message and a fix.
 */
export interface SkeletonGlobProblem {
  index: number;
  ruleId: 'template-glob-unsafe' | 'template-glob-matches-nothing';
  severity: 'error' | 'warning';
  message: string;
  hint: string;
}

/** skeletonGlobProblems' options: `rendered`, the list is the rendered input (a `${{` in it is text, not an expression to come). */
export interface SkeletonGlobOptions { rendered?: boolean }

// fast-glob expands every pattern's {…} groups up front and compiles each expansion to its own matcher,
// tried on every skeleton entry. Measured with scaffolder-backend 4.2.0's globby 11.1.0 (2 shared cores,
// busy): 8,192 plain names took 0.4 s, 32,768 took 1.1 s; 4,096 `{a,b}…*.txt` patterns 1.8 s and 16,384
// 4 s over a 200-file skeleton; `**/{a,b}…*.txt` over 2,000 files 6.5 s at 8,192 and 3 minutes at 32,768;
// in the millions the expansion alone runs out of memory. Backstage renders 1,024 in about a second. A
// list's patterns together, once expanded, stay within this; past it the gate (which matches them too)
// refuses them.
export const MAX_GLOB_EXPANSIONS = 10_000;

interface FastGlob {
  generateTasks(patterns: string[], options: object): { positive: string[] }[];
}

let fastGlob: FastGlob | undefined;

/** fast-glob as the scaffolder's globby loads it: the code that expands braces into the patterns it matches. */
function scaffolderFastGlob(): FastGlob {
  if (!fastGlob) {
    const backend = createRequire(createRequire(import.meta.url).resolve('@backstage/plugin-scaffolder-backend'));
    fastGlob = createRequire(backend.resolve('globby'))('fast-glob') as FastGlob;
  }
  return fastGlob;
}

/**
 * The patterns of a fetch:template glob list (`copyWithoutTemplating`, or the older `copyWithoutRender`)
 * worth a finding, in list order. fetch:template (templateActionHandler, scaffolder-backend 4.2.0) hands
 * the list to globby 11 with cwd = the skeleton folder and copies verbatim the skeleton entries whose
 * paths (`static/logo.png`) are among what globby returns.
 * - template-glob-unsafe (error): a pattern that backtracks (globBacktracks), one braces refuses (globby
 *   throws, the task fails), a pattern whose {…} groups expand past MAX_GLOB_EXPANSIONS patterns,
 *   counted as braces counts them (braceExpansionCount), or the pattern at which the list's expansions
 *   together cross that bound (neither it nor the later patterns are matched by the gate).
 * - template-glob-matches-nothing (warning): a pattern (or one of its expansions) that is absolute, or has
 *   a `.` or `..` segment (`./static/*`, `../skeleton/a.txt`): globby returns such paths as written
 *   (`/x`, `./static/a`), never a skeleton entry's path, so Backstage copies nothing by it and renders the
 *   entries it means as templates.
 * `list`: the input as written (anything); unless `options.rendered`, patterns holding `${{` are the
 * rendered value's business and skipped. Never throws.
 */
export function skeletonGlobProblems(list: unknown, options: SkeletonGlobOptions = {}): SkeletonGlobProblem[] {
  return judgeList(list, options).problems;
}

/**
 * The patterns to hand the scaffolder's globby for `list` so that it matches what Backstage matches,
 * without an expansion past the bound or a walk outside the skeleton: every pattern as written, but those
 * skeletonGlobProblems refuses (and, unless `options.rendered`, those holding `${{`), and for a pattern
 * with expansions that match nothing, its other expansions. Never throws.
 */
export function matchableSkeletonGlobs(list: unknown, options: SkeletonGlobOptions = {}): string[] {
  return [...judgeList(list, options).kept.values()].flat();
}

/** Whether globby returns the matches of one expanded pattern in a form no skeleton entry has. */
function matchesNothing(expanded: string): boolean {
  return posix.isAbsolute(expanded) || expanded.split('/').some(segment => segment === '.' || segment === '..');
}

function judgeList(list: unknown, options: SkeletonGlobOptions): { problems: SkeletonGlobProblem[]; kept: Map<number, string[]> } {
  const problems: SkeletonGlobProblem[] = [];
  const kept = new Map<number, string[]>();
  let total = 0;
  for (const [index, pattern] of (Array.isArray(list) ? list : []).entries()) {
    if (typeof pattern !== 'string' || (!options.rendered && pattern.includes('${{'))) continue;
    // Past the bound the whole list is what exhausts the scaffolder: reported once, at the crossing.
    if (total > MAX_GLOB_EXPANSIONS) break;
    const shown = JSON.stringify(boundedText(pattern, 80));
    const unsafe = (message: string, hint: string) => problems.push({ index, ruleId: 'template-glob-unsafe', severity: 'error', message, hint });
    const backtracks = globBacktracks(pattern);
    if (backtracks) {
      unsafe(`The pattern ${shown} ${backtracks}: the regular expression fetch:template's globby compiles from it backtracks on a long file name for minutes, in the scaffolder and in this check, so it is not matched here.`, 'Use fewer wildcards: list the few paths, or one wildcard such as assets/** or **/*.png.');
      continue;
    }
    const counted = braceExpansionCount(pattern);
    if ('failure' in counted) {
      unsafe(`The pattern ${shown} is refused by braces, which fetch:template's globby expands {…} groups with (${boundedText(counted.failure, 200)}): globby throws and the scaffolder fails the task at this step.`, 'Write the values out ({a,b,c}), or one wildcard such as v*/**.');
      continue;
    }
    const cost = "fetch:template's globby builds every one and tries each on every skeleton entry, which takes the scaffolder minutes or all its memory (and this check as long)";
    // One pattern past the bound on its own is refused alone: the others are still judged.
    if (counted.count > MAX_GLOB_EXPANSIONS) {
      unsafe(`The pattern ${shown} expands its {…} groups to ${counted.count === Infinity ? 'countless' : counted.count.toLocaleString('en')} patterns, more than ${MAX_GLOB_EXPANSIONS.toLocaleString('en')}: ${cost}, so it is not matched here.`, 'Use fewer {…} alternatives: one wildcard such as assets/** or **/*.png.');
      continue;
    }
    total += counted.count;
    if (total > MAX_GLOB_EXPANSIONS) {
      unsafe(`With the pattern ${shown} the list expands to more than ${MAX_GLOB_EXPANSIONS.toLocaleString('en')} patterns: ${cost}, so neither it nor the patterns after it are matched here.`, 'Merge the patterns into a few wildcards (e.g. **/*.png, assets/**).');
      continue;
    }
    const expanded = scaffolderFastGlob().generateTasks([pattern], { dot: true }).flatMap(task => task.positive);
    const nothing = expanded.filter(matchesNothing);
    kept.set(index, nothing.length ? expanded.filter(p => !matchesNothing(p)) : [pattern]);
    if (nothing.length) problems.push({ index, ruleId: 'template-glob-matches-nothing', severity: 'warning', ...matchesNothingText(pattern, shown, nothing) });
  }
  return { problems, kept };
}

function matchesNothingText(pattern: string, shown: string, nothing: string[]): { message: string; hint: string } {
  const whole = nothing.length === 1 && nothing[0] === pattern;
  const first = nothing[0];
  const subject = whole ? `The pattern ${shown}` : `The pattern ${shown}, through its expansion ${JSON.stringify(boundedText(first, 80))},`;
  const why = posix.isAbsolute(first)
    ? 'is absolute: globby returns absolute paths for it'
    : first.split('/').includes('..')
      ? `${first.startsWith('../') ? 'climbs out of the skeleton folder' : 'has a .. segment'}: globby returns the paths it finds with the .. in them`
      : 'has a . segment (./): globby returns the paths it finds with the ./ in them';
  const message = `${subject} matches nothing. It ${why}, while fetch:template copies verbatim only the skeleton entries whose own path (relative to the skeleton folder, such as .github/workflows/ci.yml) is among them, so the entries it means are rendered as templates like the rest: a \${{ … }} in them (a GitHub Actions expression) is replaced, usually by nothing.`;
  const trimmed = pattern.replace(/^\/+/, '').replace(/^(\.\/)+/, '');
  const hint = whole && trimmed !== pattern && trimmed !== '' && !matchesNothing(trimmed)
    ? `Write it relative to the skeleton folder: ${JSON.stringify(boundedText(trimmed, 80))} (drop the leading ${pattern.startsWith('/') ? '/' : './'}).`
    : 'Write it relative to the skeleton folder, without a leading / and without . or .. segments, e.g. .github/workflows/** or assets/*.png.';
  return { message, hint };
}
