import { countDiagnostics, type Diagnostic } from '../diagnostic.ts';
import { groupFindings, groupMessage } from './groupFindings.ts';
import { checkedCount, counted, type FormatOptions } from './formatOptions.ts';
import { clipText } from './boundDiagnostics.ts';
import { mdCode, mdInline } from './safeText.ts';

const ICON = { error: '❌', warning: '⚠️', info: 'ℹ️' } as const;
// GitHub caps a comment at 65,536 characters; leave room for the rest of a PR report.
const MAX_CHARS = 60_000;

// One finding cannot fill the table on its own: values are clipped before they are escaped.
const MAX_VALUE = 1_000;
const clip = (text: string) => clipText(text, MAX_VALUE + 1);

/**
 * A Markdown table for job summaries and PR comments, summarised rather than cut mid-row. Every value
 * is escaped (mdText, mdCode: no HTML comment, mention, issue link or table break from a PR) and the
 * budget counts the escaped rows, so the table never passes MAX_CHARS. With --base, findings the base
 * already has (alreadyOnBase) get a table of their own after the change's, as in stylish and the PR report.
 */
export function formatMarkdown(diagnostics: readonly Diagnostic[], options: FormatOptions): string {
  const totals = countDiagnostics(diagnostics);
  const head = [
    `### Catalog gate: ${totals.error > 0 ? '❌ failed' : '✅ passed'}`,
    '',
    `${counted(totals.error, 'error')} · ${counted(totals.warning, 'warning')} · ${counted(totals.info, 'info')} · ${checkedCount(options)}${options.entityCount === undefined ? '' : ` · ${options.entityCount} entities`}`,
    '',
  ];
  if (diagnostics.length === 0) return `${head.join('\n')}\n`;
  const old = diagnostics.filter(d => d.alreadyOnBase);
  let size = head.join('\n').length;
  if (old.length === 0) return `${[...head, ...table(diagnostics, () => size, n => (size += n))].join('\n')}\n`;
  // With --base: the change's own findings first, with the room they need; those the base already has after
  // them, apart, in what is left (they still fail the gate, as stylish and the PR report say).
  const base = mdCode(clip(options.baseRef ?? 'the base revision'));
  const fresh = diagnostics.filter(d => !d.alreadyOnBase);
  const blocking = old.some(d => d.severity === 'error');
  const parts = [
    `#### Introduced by this change (${fresh.length})`,
    '',
    ...(fresh.length ? [...table(fresh, () => size, n => (size += n)), ''] : ['None.', '']),
    `#### Already on ${base} (${old.length})`,
    '',
    `Not introduced by this change${blocking ? `; its errors still fail the gate until they are fixed on ${base}` : ''}.`,
    '',
    ...table(old, () => size, n => (size += n)),
  ];
  return `${[...head, ...parts].join('\n')}\n`;
}

// Locations a group's row names; --format json or sarif has every one.
const MAX_WHERE = 10;

/**
 * One table of findings, one row per group (groupFindings: same severity, rule and whole message) naming
 * where its findings are, rows added while the whole output stays under MAX_CHARS (`size`
 * counts it), then "…and N more". 63 entities owned by 4 missing groups are 4 rows, not 63 repeating one hint.
 */
function table(diagnostics: readonly Diagnostic[], size: () => number, grow: (n: number) => void): string[] {
  const rows = ['| | Where | Rule | Finding |', '|---|---|---|---|'];
  grow(rows.join('\n').length);
  const groups = groupFindings(diagnostics, { exact: true });
  let shown = 0;
  for (const group of groups) {
    const d = group[0];
    const where = group.slice(0, MAX_WHERE).map(f => mdCode(`${clip(f.file)}:${f.range.start.line}:${f.range.start.column}`)).join(', ');
    const more = group.length > MAX_WHERE ? `, …and ${group.length - MAX_WHERE} more` : '';
    const count = group.length > 1 ? ` (${group.length} findings)` : '';
    const row = `| ${ICON[d.severity]} | ${where}${more} | ${mdCode(clip(d.ruleId))} | ${mdInline(clip(groupMessage(group, true)))}${count}${d.hint ? `<br>_${mdInline(clip(d.hint))}_` : ''} |`;
    // A row too long for what is left (a hostile file name escaped many times over) is counted, not shown,
    // and the shorter rows after it still are: one group cannot push every other out of the table.
    if (size() + row.length > MAX_CHARS) continue;
    rows.push(row);
    grow(row.length + 1);
    shown += group.length;
  }
  if (shown < diagnostics.length) rows.push('', `…and ${diagnostics.length - shown} more findings; download the JSON or SARIF report for the full list.`);
  return rows;
}
