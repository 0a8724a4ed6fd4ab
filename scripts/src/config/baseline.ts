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
 * The baseline of a run's findings: those at or above `failOn`, counted per file and rule, locked rules
 * left out (gitops.config.yaml cannot lower them, and neither can a file it names). Returns the file's text
 * (sorted, so a rewrite shows only what changed) and how many locked findings stay failing. Pure.
 */
export function baselineOf(diagnostics: readonly Diagnostic[], isFailing: (d: Diagnostic) => boolean): { text: string; counted: number; files: number; locked: number } {
  // Maps, not object keys: a file a pull request names `__proto__` must not reach Object.prototype.
  const findings = new Map<string, Map<string, number>>();
  let counted = 0;
  let locked = 0;
  for (const d of diagnostics) {
    if (!isFailing(d)) continue;
    if (LOCKED_RULES.has(d.ruleId)) {
      locked++;
      continue;
    }
    if (!findings.has(d.file)) findings.set(d.file, new Map());
    const rules = findings.get(d.file)!;
    rules.set(d.ruleId, (rules.get(d.ruleId) ?? 0) + 1);
    counted++;
  }
  const sorted = Object.fromEntries([...findings.keys()].sort().map(file => [file, Object.fromEntries([...findings.get(file)!].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))]));
  const text = `${JSON.stringify({ format: FORMAT, about: 'Findings the catalog had when it was put under the gate, counted per file and rule: up to these counts they are info. Shrink it as teams fix them (check --write-baseline); never grow it in a pull request that changes other files.', findings: sorted }, null, 2)}\n`;
  return { text, counted, files: findings.size, locked };
}

/**
 * The findings with the baseline applied: in a file and rule whose count is within the baseline's, each
 * finding becomes info and its hint says it was known; past the count, every finding of that file and rule
 * keeps its severity (which of them is new cannot be told) and its hint says how many the baseline allows.
 * Locked rules are never lowered. With `base` (a pull request judged against its base revision: the base's
 * own run marked `alreadyOnBase`, markAlreadyOnBase), only findings the base already had are lowered: the
 * counts cannot tell a finding the pull request swapped in for a fixed one, or added into the room fixed
 * findings left (nobody shrinks the file on every fix), from a known one, and its run can. Takes the
 * findings, the baseline, its path and the base's name; returns new findings. Pure.
 */
export function applyBaseline(diagnostics: readonly Diagnostic[], baseline: Baseline, file: string, base?: string): Diagnostic[] {
  const counts = new Map<string, number>();
  const key = (d: Diagnostic) => `${d.file}\0${d.ruleId}`;
  for (const d of diagnostics) if (d.severity !== 'info') counts.set(key(d), (counts.get(key(d)) ?? 0) + 1);
  return diagnostics.map(d => {
    if (d.severity === 'info' || LOCKED_RULES.has(d.ruleId)) return d;
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
