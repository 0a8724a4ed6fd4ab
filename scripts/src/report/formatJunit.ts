import { sortDiagnostics, type Diagnostic } from '../diagnostic.ts';
import { findingKeys, lineFree } from './findingKey.ts';
import { checkedCount, type FormatOptions } from './formatOptions.ts';

const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, ch => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!)
    // XML 1.0 forbids most control characters even when escaped.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');

/**
 * A test case name that stays the same while the finding does: rule, entity (or file) and the message
 * without line numbers, cut to a readable length; identical findings are numbered in line order.
 */
function caseName(d: Diagnostic, occurrence: number): string {
  const message = lineFree(d.message).split('\n')[0];
  const short = message.length > 120 ? `${message.slice(0, 119)}…` : message;
  return `${d.ruleId} ${d.entityRef ?? d.file}: ${short}${occurrence > 1 ? ` (${occurrence})` : ''}`;
}

/** One test suite per file, one test case per finding; errors fail, warnings and info pass with output. */
export function formatJunit(diagnostics: readonly Diagnostic[], options: FormatOptions): string {
  const keys = findingKeys(diagnostics);
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of sortDiagnostics(diagnostics)) (byFile.get(d.file) ?? byFile.set(d.file, []).get(d.file)!).push(d);
  const suites = [...byFile].map(([file, list]) => {
    const failures = list.filter(d => d.severity === 'error').length;
    const cases = list.map(d => {
      // The name leaves the line out, so Azure's Tests tab tracks one finding across runs as lines move.
      const name = escapeXml(caseName(d, keys.get(d)!.occurrence));
      const text = escapeXml(`${d.message}${d.hint ? `\nhint: ${d.hint}` : ''}${d.entityRef ? `\nentity: ${d.entityRef}` : ''}\nat ${file}:${d.range.start.line}:${d.range.start.column}`);
      return d.severity === 'error'
        ? `    <testcase classname="${escapeXml(file)}" name="${name}">\n      <failure type="${escapeXml(d.ruleId)}" message="${escapeXml(d.message)}">${text}</failure>\n    </testcase>`
        : `    <testcase classname="${escapeXml(file)}" name="${name}">\n      <system-out>${d.severity}: ${text}</system-out>\n    </testcase>`;
    });
    return `  <testsuite name="${escapeXml(file)}" tests="${list.length}" failures="${failures}" errors="0">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const total = diagnostics.length;
  const failures = diagnostics.filter(d => d.severity === 'error').length;
  if (suites.length === 0) {
    suites.push(`  <testsuite name="${escapeXml(options.toolName)}" tests="1" failures="0" errors="0">\n    <testcase classname="catalog" name="${escapeXml(checkedCount(options))}${options.entityCount === undefined ? '' : `, ${options.entityCount} entities`} checked"/>\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${escapeXml(options.toolName)}" tests="${Math.max(total, 1)}" failures="${failures}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
