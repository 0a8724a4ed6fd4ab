import { sortDiagnostics, type Diagnostic } from '../diagnostic.ts';

/**
 * The findings worth an annotation when a platform shows only `perLevel` of each severity (GitHub: 10 per
 * level and step, 50 per job), in the order they are given: the change's own findings first (those on files
 * the pull request changed before the rest), then the warnings and errors already on the base (they still
 * fail the gate), and no info the base already has: it is no news to the pull request, and each notice
 * spends the job's shared budget. The full list lives in the summary and the JSON report. Takes the
 * findings, the changed files (may be empty) and the budget; returns the chosen findings. Pure.
 */
export function pickAnnotations(diagnostics: readonly Diagnostic[], changedFiles: ReadonlySet<string>, perLevel: number): Diagnostic[] {
  return budgeted(annotationOrder(diagnostics.map(d => atChange(d, changedFiles)), changedFiles), perLevel);
}

/**
 * A finding on a file the pull request does not change, with a cause it does change (`causedBy`: a template
 * case failing on an edited skeleton), as an annotation on that changed line, its message saying where the
 * finding itself is: GitHub shows annotations in the Files view only on changed lines, and a skeleton's
 * author read nothing there. Every other finding as it is. Pure.
 */
export function atChange(d: Diagnostic, changedFiles: ReadonlySet<string>): Diagnostic {
  if (!d.causedBy || changedFiles.has(d.file) || !changedFiles.has(d.causedBy.file)) return d;
  const line = d.causedBy.line;
  return { ...d, file: d.causedBy.file, range: { start: { line, column: 1 }, end: { line, column: 1 } }, message: `${d.file}:${d.range.start.line}:${d.range.start.column}: ${d.message}` };
}

/** annotationOrder's findings cut to `perLevel` of each severity. */
function budgeted(ordered: readonly Diagnostic[], perLevel: number): Diagnostic[] {
  const used = { error: 0, warning: 0, info: 0 };
  return ordered.filter(d => used[d.severity]++ < perLevel);
}

/**
 * Every finding an annotation may be spent on, best first (pickAnnotations' order, uncut): the change's own
 * (changed files first), then the base's warnings and errors; the base's info is left out. Pure.
 */
export function annotationOrder(diagnostics: readonly Diagnostic[], changedFiles: ReadonlySet<string>): Diagnostic[] {
  const sorted = sortDiagnostics(diagnostics);
  const byFile = (list: Diagnostic[]) => [...list.filter(d => changedFiles.has(d.file)), ...list.filter(d => !changedFiles.has(d.file))];
  return [...byFile(sorted.filter(d => !d.alreadyOnBase)), ...byFile(sorted.filter(d => d.alreadyOnBase && d.severity !== 'info'))];
}
