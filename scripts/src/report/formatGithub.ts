import type { Diagnostic } from '../diagnostic.ts';
import { annotationOrder } from './annotationBudget.ts';
import type { FormatOptions } from './formatOptions.ts';
import { summaryLine } from './formatStylish.ts';
import { logLines, logText, showInvisible } from './safeText.ts';

// GitHub renders at most 10 annotations of each level per step and drops the rest silently.
export const GITHUB_ANNOTATIONS_PER_LEVEL = 10;

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

const escapeData = (text: string) => neutralise(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
/**
 * YAML values reach these lines; they must never open a workflow or Azure command of their own (safeText's logLines,
 * line by line), and a character that renders as nothing is written out (showInvisible), so a file named
 * `entities\u200b.yaml` is not annotated as another team's `entities.yaml`.
 */
export const neutralise = (text: string) => logLines(showInvisible(text));

/** GitHub workflow commands (`::error file=…,line=…::message`), within GitHub's per-step budget. */
export function formatGithub(diagnostics: readonly Diagnostic[], options: FormatOptions): string {
  const used = { error: 0, warning: 0, info: 0 };
  const lines: string[] = [];
  // GitHub shows a few annotations per level (and 50 per job): the change's own findings first, so ones
  // already on the base (check --base) never crowd them out; those are titled as such, and the base's info
  // gets none (annotationOrder).
  const ordered = annotationOrder(diagnostics, new Set());
  for (const d of ordered) {
    if (used[d.severity]++ >= GITHUB_ANNOTATIONS_PER_LEVEL) continue;
    const props = [
      `file=${escapeProperty(d.file)}`,
      `line=${d.range.start.line}`,
      `endLine=${d.range.end.line}`,
      ...(d.range.start.line === d.range.end.line ? [`col=${d.range.start.column}`, `endColumn=${Math.max(d.range.end.column, d.range.start.column)}`] : []),
      `title=${escapeProperty(d.alreadyOnBase ? `${d.ruleId} (already on ${options.baseRef ?? 'the base revision'})` : d.ruleId)}`,
    ];
    lines.push(`::${COMMAND[d.severity]} ${props.join(',')}::${escapeData(d.hint ? `${d.message}\n${d.hint}` : d.message)}`);
  }
  const hidden = Object.values(used).reduce((sum, n) => sum + Math.max(0, n - GITHUB_ANNOTATIONS_PER_LEVEL), 0);
  const oldInfo = diagnostics.length - ordered.length;
  if (hidden > 0) lines.push(`::notice title=more findings::${hidden} more findings are not annotated (GitHub shows ${GITHUB_ANNOTATIONS_PER_LEVEL} per level); see the job summary or the JSON report.`);
  if (oldInfo > 0) lines.push(`${oldInfo} info ${oldInfo === 1 ? 'finding' : 'findings'} already on ${logText(options.baseRef ?? 'the base revision')} ${oldInfo === 1 ? 'is' : 'are'} not annotated; the JSON report lists ${oldInfo === 1 ? 'it' : 'them'}.`);
  // The same closing line as stylish: counts in words, and with --base how many are already on the base.
  lines.push(summaryLine(diagnostics, options));
  return `${lines.join('\n')}\n`;
}
