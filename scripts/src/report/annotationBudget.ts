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
  return budgeted(annotationOrder(diagnostics, changedFiles), perLevel);
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
