import { sortDiagnostics, type Diagnostic } from '../diagnostic.ts';

/**
 * The findings worth an annotation when a platform shows only `perLevel` of each severity: those on
 * files the pull request changed first, then the rest; the full list lives in the summary.
 */
export function pickAnnotations(diagnostics: readonly Diagnostic[], changedFiles: ReadonlySet<string>, perLevel: number): Diagnostic[] {
  const sorted = sortDiagnostics(diagnostics);
  const ordered = [...sorted.filter(d => changedFiles.has(d.file)), ...sorted.filter(d => !changedFiles.has(d.file))];
  const used = { error: 0, warning: 0, info: 0 };
  return ordered.filter(d => used[d.severity]++ < perLevel);
}
