import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
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

/**
 * skeletonGlobProblems' options: `rendered`, the list is the rendered input (a `${{` in it is text, not an
 * expression to come); `folder`, the skeleton folder on disk, when known: globby turns a pattern naming a
 * folder in it into that folder's `/**` (dir-glob), which changes what it returns.
 */
export interface SkeletonGlobOptions { rendered?: boolean; folder?: string }

// fast-glob expands every pattern's {…} groups up front and compiles each expansion to its own matcher,
// tried on every skeleton entry. Measured with scaffolder-backend 4.2.0's globby 11.1.0 (2 shared cores,
// busy): 8,192 plain names took 0.4 s, 32,768 took 1.1 s; 4,096 `{a,b}…*.txt` patterns 1.8 s and 16,384
// 4 s over a 200-file skeleton; `**/{a,b}…*.txt` over 2,000 files 6.5 s at 8,192 and 3 minutes at 32,768;
// in the millions the expansion alone runs out of memory. Backstage renders 1,024 in about a second. A
// list's patterns together, once expanded, stay within this; past it the gate (which matches them too)
// refuses them.
export const MAX_GLOB_EXPANSIONS = 10_000;

interface FastGlob {
  generateTasks(patterns: string[], options: object): { base: string; dynamic: boolean; positive: string[] }[];
}

interface DirGlob {
  sync(pattern: string, options: { cwd: string }): string[];
}

let loaded: { fastGlob: FastGlob; dirGlob: DirGlob } | undefined;

/**
 * fast-glob and dir-glob as the scaffolder's globby loads them: the code that splits a pattern into the
 * tasks it walks (expanding braces) and the code that turns a pattern naming a folder into its `/**`.
 */
function scaffolderGlobCode(): { fastGlob: FastGlob; dirGlob: DirGlob } {
  if (!loaded) {
    const backend = createRequire(createRequire(import.meta.url).resolve('@backstage/plugin-scaffolder-backend'));
    const globby = createRequire(backend.resolve('globby'));
    loaded = { fastGlob: globby('fast-glob') as FastGlob, dirGlob: globby('dir-glob') as DirGlob };
  }
  return loaded;
}

/**
 * One part of what globby walks for a pattern, as fast-glob splits it: `patterns`, the expanded patterns;
 * `prefix`, what fast-glob puts before every path it returns for them: for a walk (a dynamic task), its
 * base folder as written (fast-glob's basePath: nothing for `.`, so `./**` returns `src/a.html` but
 * `./static/*` returns `./static/a.png`); for a static pattern, the pattern itself, returned as written.
 * `rest`, the part of a walked pattern after its base, matched against the walked paths.
 */
interface GlobPart { patterns: string[]; prefix: string; rest: string[]; dynamic: boolean }

/**
 * The parts globby walks for one pattern with cwd = `folder` (when known): dir-glob first (a pattern
 * naming a folder there becomes `<folder>/**`, path.posix.join tidying its `./`), then fast-glob's tasks
 * (dot: true, as fetch:template passes it). A lone negative pattern, or an empty one without the folder,
 * gives none. Never throws.
 */
function globParts(pattern: string, folder: string | undefined): GlobPart[] {
  const { fastGlob, dirGlob } = scaffolderGlobCode();
  let globs = [pattern];
  // dir-glob stats the path: a name the file system refuses (a NUL) is left as written, for the walk to judge.
  try {
    if (folder !== undefined && existsSync(folder)) globs = dirGlob.sync(pattern, { cwd: folder });
  } catch { /* as written */ }
  // An empty pattern names the folder itself (dir-glob makes it **); fast-glob alone refuses it.
  return fastGlob.generateTasks(globs.filter(glob => glob !== ''), { dot: true }).flatMap((task): GlobPart[] => task.dynamic
    ? [{ patterns: task.positive, prefix: task.base === '.' ? '' : task.base, rest: task.positive.map(p => afterBase(p, task.base)), dynamic: true }]
    : task.positive.map(p => ({ patterns: [p], prefix: p, rest: [], dynamic: false })));
}

/** A walked pattern's part after its base folder (after one leading ./ when the base is `.`). */
function afterBase(pattern: string, base: string): string {
  if (base === '.') return pattern.startsWith('./') ? pattern.slice(2) : pattern;
  return pattern.startsWith(`${base}/`) ? pattern.slice(base.length + 1) : pattern;
}

/**
 * Why the paths globby returns for a part are never a skeleton entry's path (the `**\/*` listing
 * fetch:template compares them with, which has no `.` or `..` segment and is relative), else undefined:
 * an absolute prefix, a prefix that climbs out of the folder, a `..` or `.` segment in the prefix (kept
 * in every path returned), or one in the walked part (no walked path has one, so nothing matches).
 */
function partUnusable(part: GlobPart): 'absolute' | 'climbs' | 'dotdot' | 'dot' | 'walked' | undefined {
  const segments = (path: string) => path.split('/');
  if (posix.isAbsolute(part.prefix)) return 'absolute';
  if (part.prefix !== '' && /^\.\.(\/|$)/.test(posix.normalize(part.prefix))) return 'climbs';
  if (segments(part.prefix).includes('..')) return 'dotdot';
  if (segments(part.prefix).includes('.')) return 'dot';
  if (part.rest.some(rest => segments(rest).some(s => s === '.' || s === '..'))) return 'walked';
  return undefined;
}

/**
 * The path a `.`-segment prefix names inside the skeleton folder (`./github/workflows/` → github/workflows),
 * when the folder holds nothing there; undefined when it does, or the prefix names the folder itself.
 */
function missingPath(prefix: string, folder: string): string | undefined {
  const path = posix.normalize(prefix).replace(/\/+$/, '');
  if (path === '' || path === '.' || path.startsWith('../') || path === '..' || posix.isAbsolute(path)) return undefined;
  try {
    return existsSync(posix.join(folder, path)) ? undefined : path;
  } catch {
    return undefined;
  }
}

/** Whether globby would walk outside the skeleton folder (or the whole disk) for a part: never worth walking. */
function walksOutside(part: GlobPart): boolean {
  const why = partUnusable(part);
  return why === 'absolute' || why === 'climbs';
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
 * - template-glob-matches-nothing (warning): a pattern (or one of its expansions) whose matches globby
 *   returns in a form no skeleton entry has, judged on the parts fast-glob splits it into (globParts):
 *   absolute (`/.github/**`), climbing out (`../skeleton/a.txt`), or a fixed folder written with a `.`
 *   or `..` segment (`./static/*` returns `./static/a.png`), or a `.`/`..` segment after a wildcard
 *   (matches no walked path). A leading `./` followed by a wildcard (`./**\/*.html`, `./*.html`, `./**`)
 *   is fine: fast-glob's base is then `.` and it returns plain skeleton paths (`src/a.html`). A static
 *   pattern (`./a.html`) is judged only with `options.folder`, where dir-glob decides whether it names a
 *   folder (then `./static` works as `static/**`) or a file (returned as written: nothing).
 * `list`: the input as written (anything); unless `options.rendered`, patterns holding `${{` are the
 * rendered value's business and skipped. Never throws.
 */
export function skeletonGlobProblems(list: unknown, options: SkeletonGlobOptions = {}): SkeletonGlobProblem[] {
  return judgeList(list, options).problems;
}

/**
 * The patterns to hand the scaffolder's globby for `list` so that it matches what Backstage matches,
 * without an expansion past the bound or a walk outside the skeleton: every pattern as written, but those
 * skeletonGlobProblems refuses as unsafe (and, unless `options.rendered`, those holding `${{`), and for a
 * pattern with parts that would walk outside the folder (absolute, climbing: globby returns nothing usable
 * for them), its other parts. A pattern that merely matches nothing (`./static/*`) is kept: globby's own
 * walk gives what Backstage gets. Never throws.
 */
export function matchableSkeletonGlobs(list: unknown, options: SkeletonGlobOptions = {}): string[] {
  return [...judgeList(list, options).kept.values()].flat();
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
    const parts = globParts(pattern, options.folder);
    // Without the folder a static pattern's fate is unknown (naming a folder, dir-glob tidies it), unless no tidying helps.
    const nothing = parts.flatMap(part => {
      const why = partUnusable(part);
      return why && (part.dynamic || options.folder !== undefined || why === 'absolute' || why === 'climbs') ? [{ part, why }] : [];
    });
    // What Backstage walks is walked as written (its matches are globby's); only a walk outside the folder is left out.
    kept.set(index, parts.some(walksOutside) ? parts.filter(part => !walksOutside(part)).flatMap(part => part.patterns) : [pattern]);
    if (nothing.length) problems.push({ index, ruleId: 'template-glob-matches-nothing', severity: 'warning', ...matchesNothingText(pattern, shown, nothing[0], parts.length === 1 && nothing[0].part.patterns.length === 1, options.folder) });
  }
  return { problems, kept };
}

function matchesNothingText(pattern: string, shown: string, { part, why }: { part: GlobPart; why: NonNullable<ReturnType<typeof partUnusable>> }, single: boolean, folder?: string): { message: string; hint: string } {
  const first = part.patterns[0];
  const whole = single && first === pattern;
  const subject = whole ? `The pattern ${shown}` : `The pattern ${shown}, through its expansion ${JSON.stringify(boundedText(first, 80))},`;
  // `./github/workflows/` for a skeleton's .github/workflows: globby returns nothing because no such path
  // exists, whatever the ./ does, and dropping the ./ alone would match nothing either.
  const missing = why === 'dot' && folder !== undefined ? missingPath(part.prefix, folder) : undefined;
  if (missing !== undefined) {
    const dotted = `.${missing}`;
    const written = pattern.replace(/^(\.\/)+/, '');
    const fixed = whole && written.startsWith(missing) && existsSync(posix.join(folder!, dotted)) ? `.${written}` : undefined;
    return {
      message: `${subject} matches nothing: the skeleton folder has no ${boundedText(missing, 80)}, so the entries it means are rendered as templates like the rest: a \${{ … }} in them (a GitHub Actions expression) is replaced, usually by nothing.`,
      hint: fixed ? `Write ${JSON.stringify(boundedText(fixed, 80))}: the folder is ${boundedText(dotted, 80)}, with a dot.` : 'Write a path of the skeleton folder, relative to it and without a leading ./ (e.g. .github/workflows/** or assets/*.png).',
    };
  }
  const prefix = JSON.stringify(boundedText(part.prefix, 80));
  const reason = {
    absolute: 'is absolute: globby returns absolute paths for it',
    climbs: 'climbs out of the skeleton folder: globby returns the paths it finds with the .. in them',
    dotdot: 'has a .. segment: globby returns the paths it finds with the .. in them',
    dot: part.dynamic
      ? `starts with a fixed folder written with a . segment (${prefix}): globby keeps that folder as written at the front of every path it returns (${JSON.stringify(boundedText(`${part.prefix}/a.png`, 90))}); it drops a leading ./ only when a wildcard follows it (./**/*.html returns src/a.html)`
      : 'names one path with a . segment: globby returns it as written',
    walked: 'has a . or .. segment after a wildcard: no path globby walks has one',
  }[why];
  const message = `${subject} matches nothing. It ${reason}, while fetch:template copies verbatim only the skeleton entries whose own path (relative to the skeleton folder, such as .github/workflows/ci.yml) is among them, so the entries it means are rendered as templates like the rest: a \${{ … }} in them (a GitHub Actions expression) is replaced, usually by nothing.`;
  const trimmed = pattern.replace(/^\/+/, '').replace(/^(\.\/)+/, '');
  const fine = trimmed !== pattern && trimmed !== '' && globParts(trimmed, undefined).every(p => partUnusable(p) === undefined);
  const hint = whole && fine
    ? `Write it relative to the skeleton folder: ${JSON.stringify(boundedText(trimmed, 80))} (drop the leading ${pattern.startsWith('/') ? '/' : './'}).`
    : 'Write it relative to the skeleton folder, without a leading / and without . or .. segments, e.g. .github/workflows/** or assets/*.png.';
  return { message, hint };
}
