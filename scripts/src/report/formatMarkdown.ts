import { countDiagnostics, sortDiagnostics, type Diagnostic } from '../diagnostic.ts';
import type { FormatOptions } from './formatOptions.ts';

const ICON = { error: '❌', warning: '⚠️', info: 'ℹ️' } as const;
// GitHub caps a comment at 65,536 characters; leave room for the rest of a PR report.
const MAX_CHARS = 60_000;

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>').replace(/<(?!br>)/g, '&lt;');

/** A Markdown table for job summaries and PR comments, summarised rather than cut mid-row. */
export function formatMarkdown(diagnostics: readonly Diagnostic[], options: FormatOptions): string {
  const totals = countDiagnostics(diagnostics);
  const head = [
    `### Catalog gate: ${totals.error > 0 ? '❌ failed' : '✅ passed'}`,
    '',
    `${totals.error} errors · ${totals.warning} warnings · ${totals.info} info · ${options.checkedFiles} files · ${options.entityCount} entities`,
    '',
  ];
  if (diagnostics.length === 0) return `${head.join('\n')}\n`;
  const rows = ['| | Where | Rule | Finding |', '|---|---|---|---|'];
  let size = head.join('\n').length + rows.join('\n').length;
  const sorted = sortDiagnostics(diagnostics);
  let shown = 0;
  for (const d of sorted) {
    const row = `| ${ICON[d.severity]} | \`${cell(d.file)}:${d.range.start.line}:${d.range.start.column}\` | \`${d.ruleId}\` | ${cell(d.message)}${d.hint ? `<br>_${cell(d.hint)}_` : ''} |`;
    if (size + row.length > MAX_CHARS) break;
    rows.push(row);
    size += row.length + 1;
    shown++;
  }
  if (shown < sorted.length) rows.push('', `…and ${sorted.length - shown} more findings; download the JSON or SARIF report for the full list.`);
  return `${[...head, ...rows].join('\n')}\n`;
}
