import pc from 'picocolors';
import { countDiagnostics, type Diagnostic } from '../diagnostic.ts';
import { checkedPhrase, counted, type FormatOptions } from './formatOptions.ts';
import { groupFindings, groupMessage } from './groupFindings.ts';
import { logText } from './safeText.ts';

/**
 * Grouped by file, one line per finding, like eslint's stylish output; every value escaped to one log line
 * (logText). With --base, findings the base revision already has (alreadyOnBase) come after the change's
 * own, under a line that says so; they still count in the summary line and for the exit code.
 */
export function formatStylish(diagnostics: readonly Diagnostic[], options: FormatOptions): string {
  const c = pc.createColors(options.color);
  const old = diagnostics.filter(d => d.alreadyOnBase);
  if (old.length === 0) return `${[...findingLines(diagnostics, c), ...closing(diagnostics, options, c)].join('\n')}\n`;
  const introduced = diagnostics.filter(d => !d.alreadyOnBase);
  const base = logText(options.baseRef ?? 'the base revision');
  const lines = introduced.length ? [c.bold(`Introduced by this change (${introduced.length}):`), '', ...findingLines(introduced, c), ''] : [c.bold('Introduced by this change: none.'), ''];
  const blocking = old.some(d => d.severity === 'error');
  lines.push(c.bold(`Already on ${base} (${old.length}), not introduced by this change${blocking ? `; its errors still fail the gate until they are fixed on ${base}` : ''}:`), '', ...findingLines(old, c));
  return `${[...lines, ...closing(diagnostics, options, c)].join('\n')}\n`;
}

// Locations a repeated finding lists after its first (`also at …`); --format json, sarif and the annotations have every one.
const MAX_ALSO = 10;

/**
 * One line per group of findings (groupFindings: same severity, rule and whole message: a finding naming its own entity stays its own), at
 * its first finding's place with `also at` the others: with a config, 63 entities owned by 4 missing groups
 * printed 63 findings each with the same hint; now 4, each saying where the rest are.
 */
function findingLines(diagnostics: readonly Diagnostic[], c: ReturnType<typeof pc.createColors>): string[] {
  const tone = { error: c.red, warning: c.yellow, info: c.blue };
  const lines: string[] = [];
  let file: string | undefined;
  // The position column is as wide as its widest line:column and a space (8 below 1000 lines, as ESLint's
  // stylish looks): 10005:154 must not run into its severity.
  const width = diagnostics.reduce((widest, d) => Math.max(widest, `${d.range.start.line}:${d.range.start.column}`.length + 1), 8);
  const indent = ' '.repeat(width + 8);
  for (const group of groupFindings(diagnostics, { exact: true })) {
    const d = group[0];
    if (d.file !== file) {
      if (file !== undefined) lines.push('');
      file = d.file;
      lines.push(c.underline(logText(d.file)));
    }
    const where = c.dim(`${d.range.start.line}:${d.range.start.column}`.padEnd(width));
    lines.push(`  ${where}${tone[d.severity](d.severity.padEnd(8))}${logText(groupMessage(group, true))}  ${c.dim(logText(d.ruleId))}`);
    if (d.hint) lines.push(`  ${indent}${c.dim(`hint: ${logText(d.hint)}`)}`);
    if (group.length > 1) lines.push(`  ${indent}${c.dim(alsoAt(group))}`);
  }
  return lines;
}

/** `also at 44:10, catalog/b.yaml:8:10 …` for a group's findings after its first: same file by line, others by path. */
function alsoAt(group: readonly Diagnostic[]): string {
  const rest = group.slice(1);
  const place = (d: Diagnostic) => `${d.file === group[0].file ? '' : `${logText(d.file)}:`}${d.range.start.line}:${d.range.start.column}`;
  const shown = rest.slice(0, MAX_ALSO).map(place).join(', ');
  const more = rest.length > MAX_ALSO ? ` …and ${rest.length - MAX_ALSO} more (--format json lists every one)` : '';
  return `also at ${shown}${more} (${group.length} findings)`;
}

function closing(diagnostics: readonly Diagnostic[], options: FormatOptions, c: ReturnType<typeof pc.createColors>): string[] {
  const summary = summaryLine(diagnostics, options);
  return [...(diagnostics.length ? [''] : []), summary.startsWith('✖') ? c.red(c.bold(summary)) : c.green(summary)];
}

/** The closing line of a run, uncoloured: `✖ 1 error, 0 warnings, 0 info in 3 files (9 entities)` (✔ when no error). */
export function summaryLine(diagnostics: readonly Diagnostic[], options: Pick<FormatOptions, 'checkedFiles' | 'entityCount' | 'checkedUnit' | 'baseRef'>): string {
  const totals = countDiagnostics(diagnostics);
  const summary = `${counted(totals.error, 'error')}, ${counted(totals.warning, 'warning')}, ${counted(totals.info, 'info')} in ${checkedPhrase(options)}`;
  const old = diagnostics.filter(d => d.alreadyOnBase).length;
  const split = old ? `; ${old} already on ${logText(options.baseRef ?? 'the base revision')}, ${diagnostics.length - old} introduced by this change` : '';
  return `${totals.error > 0 ? '✖' : '✔'} ${summary}${split}`;
}
