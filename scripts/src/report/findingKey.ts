import { createHash } from 'node:crypto';
import type { Diagnostic } from '../diagnostic.ts';

/**
 * What identifies a finding across runs when lines move: rule, file, entity and the message with line and
 * column numbers taken out (messages cite other places as `file:12` or `line 12`). Findings identical in
 * all of these are numbered in line order (from 1). A finding with a `group` is keyed by it alone. Takes the findings (any order); returns a key and an
 * occurrence number per finding.
 */
export function findingKeys(diagnostics: readonly Diagnostic[]): Map<Diagnostic, { key: string; occurrence: number }> {
  const byBase = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    // A finding said once for a cause at several places is that cause, wherever it stands (Diagnostic.group).
    const base = d.group !== undefined ? `group\u0000${d.group}` : `${d.ruleId}\u0000${d.file}\u0000${d.entityRef ?? ''}\u0000${lineFree(d.message)}`;
    (byBase.get(base) ?? byBase.set(base, []).get(base)!).push(d);
  }
  const keys = new Map<Diagnostic, { key: string; occurrence: number }>();
  for (const [base, list] of byBase) {
    list.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
    list.forEach((d, i) => keys.set(d, { key: i === 0 ? base : `${base}\u0000#${i + 1}`, occurrence: i + 1 }));
  }
  return keys;
}

/** A finding's key as a short hex digest (for SARIF partialFingerprints). */
export function fingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/** The message without line and column numbers, so the same finding keeps its identity when lines move. */
export function lineFree(message: string): string {
  return message.replace(/:\d+(?::\d+)?\b/g, '').replace(/\b(lines?|columns?) \d+(?:, (?:line )?\d+)*/gi, '$1');
}
