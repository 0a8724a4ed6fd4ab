import { sortDiagnostics, type Diagnostic } from '../diagnostic.ts';
import { findingKeys, lineFree } from './findingKey.ts';
import { checkedCount, type FormatOptions } from './formatOptions.ts';
import { showInvisible } from './safeText.ts';

// What XML 1.0 forbids even as a character reference: C0 controls but tab, LF and CR, the noncharacters
// U+FFFE and U+FFFF, and a surrogate not paired (with the u flag a pair is one code point, allowed).
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

// C1 controls are XML 1.0 but a terminal's CSI (U+009B) and the like: written out too.
const C1_CONTROLS = /[\u0080-\u009f]/g;

/**
 * Text as XML attribute or content. Characters that render as nothing (bidi overrides, zero-width spaces)
 * are shown as \uXXXX (showInvisible), as in every other format: a test name on Azure's Tests tab holding
 * U+202E read reordered. A character XML 1.0 forbids is written out as \uXXXX: one such
 * character in a value a finding echoes (an owner "team\uFFFE" in YAML) made the whole file unreadable to
 * Azure's PublishTestResults, so every finding vanished from the Tests tab.
 */
const escapeXml = (text: string) =>
  showInvisible(text).replace(/[<>&"']/g, ch => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!)
    .replace(NOT_XML, ch => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)
    .replace(C1_CONTROLS, ch => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);

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
