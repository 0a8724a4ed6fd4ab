import pc from 'picocolors';
import { countDiagnostics, sortDiagnostics, type Diagnostic } from '../diagnostic.ts';
import { checkedPhrase, counted, type FormatOptions } from './formatOptions.ts';
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

function findingLines(diagnostics: readonly Diagnostic[], c: ReturnType<typeof pc.createColors>): string[] {
  const tone = { error: c.red, warning: c.yellow, info: c.blue };
  const lines: string[] = [];
  let file: string | undefined;
  for (const d of sortDiagnostics(diagnostics)) {
    if (d.file !== file) {
      if (file !== undefined) lines.push('');
      file = d.file;
      lines.push(c.underline(logText(d.file)));
    }
    const where = c.dim(`${d.range.start.line}:${d.range.start.column}`.padEnd(8));
    lines.push(`  ${where}${tone[d.severity](d.severity.padEnd(8))}${logText(d.message)}  ${c.dim(logText(d.ruleId))}`);
    if (d.hint) lines.push(`  ${' '.repeat(16)}${c.dim(`hint: ${logText(d.hint)}`)}`);
  }
  return lines;
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
