import type { Diagnostic } from '../diagnostic.ts';
import { readRepoFile } from '../load/repoPath.ts';
import { logText } from '../report/safeText.ts';
import { LOCKED_RULES } from './lockedRules.ts';
import { UsageError } from './usageError.ts';

/**
 * The findings a catalog had when it was put under the gate (`baseline:` in gitops.config.yaml, written by
 * `check --write-baseline`): per file, per rule, how many. Counted, not placed: lines move with every edit,
 * and ESLint's bulk suppressions count for the same reason.
 */
export type Baseline = Record<string, Record<string, number>>;

const FORMAT = 'backstage-gitops-baseline/v1';

/**
 * Rules saying a file the toolkit generates is out of date, and the command that regenerates it. A baseline
 * never holds them: the fix is one command, and a count recorded for one would hide every later drift of
 * that file (a policy edit that leaves the editor schema stale) for good.
 */
export const REGENERATED: ReadonlyMap<string, string> = new Map([
  ['codeowners-stale', 'npx backstage-gitops codeowners --write'],
  ['schema-stale', 'npx backstage-gitops schema --write'],
  ['scorecard-config-stale', 'npx backstage-gitops scorecards --write-config'],
]);
const unbaselined = (ruleId: string) => LOCKED_RULES.has(ruleId) || REGENERATED.has(ruleId);

/**
 * Reads the baseline file the config names (a repo path, already checked to stay inside the repo).
 * Takes the root and the path; returns the counts. Throws UsageError (one line, exit 2) when the file is
 * missing, is a link out of the repo, or is not a baseline this toolkit wrote.
 */
export function readBaseline(root: string, file: string): Baseline {
  let text: string;
  try {
    text = readRepoFile(root, file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT'
      ? `gitops.config.yaml names the baseline ${logText(file)}, which does not exist: run \`npx backstage-gitops check --write-baseline\` to write it from today's findings, or remove baseline: from the config.`
      : `cannot read the baseline ${logText(file)} (${logText(code ?? (error as Error).message)}).`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const findings = isRecord(value) && value.format === FORMAT && isRecord(value.findings) ? value.findings : undefined;
  const valid = findings && Object.values(findings).every(rules => isRecord(rules) && Object.values(rules).every(n => Number.isInteger(n) && (n as number) > 0));
  if (!valid) throw new UsageError(`the baseline ${logText(file)} is not a file \`check --write-baseline\` wrote (format ${FORMAT}: findings → file → rule id → count); write it again with that command.`);
  return findings as Baseline;
}

/**
 * Whether the baseline counts a finding: one at or above `failOn` (isFailing), or a warning (a legacy
 * estate's warnings would otherwise show in every pull request's report), locked rules and generated files'
 * staleness (REGENERATED) never.
 */
export const recorded = (d: Diagnostic, isFailing: (d: Diagnostic) => boolean) => (isFailing(d) || d.severity === 'warning') && !unbaselined(d.ruleId);

/**
 * The baseline of a run's findings: those at or above `failOn` and every warning, counted per file and rule,
 * locked rules left out (gitops.config.yaml cannot lower them, and neither can a file it names), as are
 * generated files' staleness (REGENERATED). Returns the file's text (sorted, so a rewrite shows only what
 * changed), how many locked findings stay failing, and the commands (REGENERATED's, in its order) that
 * regenerate the stale files the failing findings name. Pure.
 */
export function baselineOf(diagnostics: readonly Diagnostic[], isFailing: (d: Diagnostic) => boolean): { text: string; counted: number; files: number; locked: number; regenerate: string[] } {
  // Maps, not object keys: a file a pull request names `__proto__` must not reach Object.prototype.
  const findings = new Map<string, Map<string, number>>();
  let counted = 0;
  let locked = 0;
  const stale = new Set<string>();
  for (const d of diagnostics) {
    if (!recorded(d, isFailing)) {
      if (isFailing(d) && REGENERATED.has(d.ruleId)) stale.add(d.ruleId);
      else if (isFailing(d) && LOCKED_RULES.has(d.ruleId)) locked++;
      continue;
    }
    if (!findings.has(d.file)) findings.set(d.file, new Map());
    const rules = findings.get(d.file)!;
    rules.set(d.ruleId, (rules.get(d.ruleId) ?? 0) + 1);
    counted++;
  }
  const sorted = Object.fromEntries([...findings.keys()].sort().map(file => [file, Object.fromEntries([...findings.get(file)!].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))]));
  const text = `${JSON.stringify({ format: FORMAT, about: 'Findings the catalog had when it was put under the gate, counted per file and rule: up to these counts they are info. Shrink it as teams fix them (check --write-baseline); never grow it in a pull request that changes other files.', findings: sorted }, null, 2)}\n`;
  return { text, counted, files: findings.size, locked, regenerate: [...REGENERATED].filter(([rule]) => stale.has(rule)).map(([, command]) => command) };
}

/**
 * The findings with the baseline applied: in a file and rule whose count is within the baseline's, each
 * finding becomes info and its hint says it was known; past the count, every finding of that file and rule
 * keeps its severity (which of them is new cannot be told) and its hint says how many the baseline allows.
 * Locked rules and generated files' staleness (REGENERATED) are never lowered, even when an older baseline
 * counts them. With `base` (a pull request judged against its base revision: the base's
 * own run marked `alreadyOnBase`, markAlreadyOnBase), only findings the base already had are lowered: the
 * counts cannot tell a finding the pull request swapped in for a fixed one, or added into the room fixed
 * findings left (nobody shrinks the file on every fix), from a known one, and its run can. Takes the
 * findings, the baseline, its path and the base's name; returns new findings. Pure. Against a base, the
 * change's own findings do not count against the baseline: the known ones stay info beside a new one.
 */
export function applyBaseline(diagnostics: readonly Diagnostic[], baseline: Baseline, file: string, base?: string): Diagnostic[] {
  const counts = new Map<string, number>();
  const key = (d: Diagnostic) => `${d.file}\0${d.ruleId}`;
  // Against a base, only the base's own findings take room in the counts: a finding the change adds is
  // its own to fix, and does not push the known ones past their count.
  for (const d of diagnostics) if (d.severity !== 'info' && (base === undefined || d.alreadyOnBase)) counts.set(key(d), (counts.get(key(d)) ?? 0) + 1);
  return diagnostics.map(d => {
    if (d.severity === 'info' || unbaselined(d.ruleId)) return d;
    const allowed = Object.hasOwn(baseline, d.file) && Object.hasOwn(baseline[d.file], d.ruleId) ? baseline[d.file][d.ruleId] : 0;
    if (allowed === 0) return d;
    const now = counts.get(key(d)) ?? 0;
    if (base !== undefined && !d.alreadyOnBase) return { ...d, hint: `${file} counts ${allowed} ${d.ruleId} in this file, but ${logText(base)} does not have this one: it is this change's. ${d.hint ?? ''}`.trim() };
    if (now <= allowed) return { ...d, severity: 'info' as const, hint: `Known when the catalog was put under the gate (${file}: ${allowed} ${d.ruleId} in this file). ${d.hint ?? ''}`.trim() };
    return { ...d, hint: `${file} allows ${allowed} ${d.ruleId} in this file, which now has ${now}: fix the new one (or any ${now - allowed} of them). ${d.hint ?? ''}`.trim() };
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether the baseline `head` only shrinks `base`, or carries its counts along the files a pull request
 * renamed or moved (`renames`, base path → head path, git's own -M detection): no file and rule of `head`
 * counts more than the base allowed there, a moved file's counts added to its new path. Such a baseline
 * lets no new finding pass (the catalog's total per rule cannot grow), so rewriting it beside the move is
 * not config-weakened: without it a pull request that only moves a folder fails on the findings the
 * baseline knew under the old path, and the baseline cannot follow in a pull request of its own (the new
 * path does not exist on the base yet). Takes both baselines and the renames; returns a boolean. Pure.
 */
export function baselineOnlyFollows(base: Baseline, head: Baseline, renames: ReadonlyMap<string, string>): boolean {
  const carried = new Map<string, Map<string, number>>();
  for (const [file, rules] of Object.entries(base)) {
    const to = renames.get(file) ?? file;
    if (!carried.has(to)) carried.set(to, new Map());
    const counts = carried.get(to)!;
    for (const [rule, n] of Object.entries(rules)) counts.set(rule, (counts.get(rule) ?? 0) + n);
  }
  return Object.entries(head).every(([file, rules]) => Object.entries(rules).every(([rule, n]) => n <= (carried.get(file)?.get(rule) ?? 0)));
}

/**
 * In a pull request (`renames`, base path → head path): each failing finding in a file the change moved,
 * of a rule the baseline still counts under the file's old path, gets a hint that says so and how to carry
 * the counts (`check --write-baseline`, committed with the move: baselineOnlyFollows accepts it). Without
 * it the finding reads as new, with no word of the move. Takes the findings after applyBaseline, the
 * baseline, its path, the renames and the failing test; returns new objects for the changed ones. Pure.
 */
export function movedFileHints(diagnostics: readonly Diagnostic[], baseline: Baseline, file: string, renames: ReadonlyMap<string, string>, isFailing: (d: Diagnostic) => boolean): Diagnostic[] {
  const from = new Map([...renames].map(([before, after]) => [after, before]));
  return diagnostics.map(d => {
    const old = from.get(d.file);
    if (old === undefined || !isFailing(d) || unbaselined(d.ruleId)) return d;
    const allowed = Object.hasOwn(baseline, old) && Object.hasOwn(baseline[old], d.ruleId) ? baseline[old][d.ruleId] : 0;
    if (allowed === 0) return d;
    return { ...d, hint: `Known as ${allowed} ${d.ruleId} of ${old} in ${file}, which counts by path: this pull request moves that file here, so run \`npx backstage-gitops check --write-baseline\` and commit the baseline with the move. ${d.hint ?? ''}`.trim() };
  });
}

/**
 * The findings a pull request fixed that the baseline still counts (as ESLint's unused bulk suppressions,
 * which `--prune-suppressions` removes): per file and rule, how far the head's findings fall below the
 * baseline's count beyond how far the base's already did (room earlier fixes left is not this change's news).
 * `head`/`base`: each side's findings before its baseline (recorded ones count), `renames` base → head (a
 * count kept under a moved file's old path follows its findings). Returns one info finding on the baseline
 * file that says how many and where and to shrink it with `check --write-baseline`, or undefined. Pure.
 */
export function baselineFixed(head: readonly Diagnostic[], baseline: Baseline, file: string, base: { findings: readonly Diagnostic[]; baseline?: Baseline }, renames: ReadonlyMap<string, string>, isFailing: (d: Diagnostic) => boolean): Diagnostic | undefined {
  const count = (list: readonly Diagnostic[]) => {
    const counts = new Map<string, number>();
    for (const d of list) if (recorded(d, isFailing)) counts.set(`${d.file}\0${d.ruleId}`, (counts.get(`${d.file}\0${d.ruleId}`) ?? 0) + 1);
    return (path: string, rule: string) => counts.get(`${path}\0${rule}`) ?? 0;
  };
  const onHead = count(head);
  const onBase = count(base.findings);
  const fixed: string[] = [];
  let total = 0;
  for (const [path, rules] of Object.entries(baseline)) {
    const moved = renames.get(path);
    for (const [rule, allowed] of Object.entries(rules)) {
      // An older baseline's count for a rule no baseline holds now lowers nothing, so it fixes nothing.
      if (unbaselined(rule)) continue;
      const slack = allowed - onHead(path, rule) - (moved && moved !== path ? onHead(moved, rule) : 0);
      const before = base.baseline && Object.hasOwn(base.baseline, path) && Object.hasOwn(base.baseline[path], rule) ? Math.max(0, base.baseline[path][rule] - onBase(path, rule)) : 0;
      const n = Math.max(0, slack) - before;
      if (n <= 0) continue;
      total += n;
      fixed.push(`${path}: ${n} ${rule}`);
    }
  }
  if (total === 0) return undefined;
  const shown = fixed.length > 5 ? `${fixed.slice(0, 5).join('; ')}; …and ${fixed.length - 5} more` : fixed.join('; ');
  return {
    ruleId: 'baseline-fixed',
    severity: 'info',
    message: `This change fixes ${total} finding${total === 1 ? '' : 's'} that ${file} still counts (${shown}): while it counts them, the same mistakes can come back in those files unnoticed.`,
    hint: `Shrink it: run \`npx backstage-gitops check --write-baseline\` and commit ${file} with this change (a baseline that only shrinks is not config-weakened; one that grows beside other changes is).`,
    file,
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
  };
}
