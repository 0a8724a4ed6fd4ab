import pc from 'picocolors';
import { countDiagnostics, sortDiagnostics, type Diagnostic } from '../diagnostic.ts';
import { checkedPhrase, type FormatOptions } from './formatOptions.ts';
import { logText } from './safeText.ts';

/** Grouped by file, one line per finding, like eslint's stylish output; every value escaped to one log line (logText). */
export function formatStylish(diagnostics: readonly Diagnostic[], options: FormatOptions): string {
  const c = pc.createColors(options.color);
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
  const summary = summaryLine(diagnostics, options);
  if (lines.length) lines.push('');
  lines.push(summary.startsWith('✖') ? c.red(c.bold(summary)) : c.green(summary));
  return `${lines.join('\n')}\n`;
}

/** The closing line of a run, uncoloured: `✖ 1 error, 0 warnings, 0 info in 3 files (9 entities)` (✔ when no error). */
export function summaryLine(diagnostics: readonly Diagnostic[], options: Pick<FormatOptions, 'checkedFiles' | 'entityCount' | 'checkedUnit'>): string {
  const totals = countDiagnostics(diagnostics);
  const summary = `${totals.error} error${totals.error === 1 ? '' : 's'}, ${totals.warning} warning${totals.warning === 1 ? '' : 's'}, ${totals.info} info in ${checkedPhrase(options)}`;
  return `${totals.error > 0 ? '✖' : '✔'} ${summary}`;
}
