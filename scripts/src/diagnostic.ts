export type Severity = 'error' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export interface Position {
  line: number;
  column: number;
}

/** 1-based, end inclusive of the last character's column + 1 (like editors show it). */
export interface Range {
  start: Position;
  end: Position;
}

export interface Diagnostic {
  ruleId: string;
  severity: Severity;
  message: string;
  hint?: string;
  /** Path relative to the repo root, with forward slashes. */
  file: string;
  range: Range;
  /** `kind:namespace/name`, lower-cased as Backstage stores it. */
  entityRef?: string;
  /**
   * Set (true) by `check --base` / `report --base` on a finding the base revision already has (same rule,
   * file, entity and line-free message, or the same target or place on an untouched entity; markAlreadyOnBase):
   * not introduced by the change. It still counts
   * for the exit code.
   */
  alreadyOnBase?: boolean;
  /**
   * On a finding said once for a cause found at several places (an action id no module provides, a filter
   * the renderer lacks, an owning group without a GitHub team, a skeleton line several steps fetch): what
   * that cause is, as a key. The finding stands at the first of its places, and its message names the
   * others, so an unrelated file that sorts earlier moves the one and rewrites the other. Across revisions
   * (`check --base`, `report --base`, SARIF fingerprints) it is the same finding as any with the same group,
   * whatever its file, line, entity, rule variant or message: still used at any of its places, it is not
   * fixed, and the base having it, the head's is not introduced. A repo path in it reads `… <path> …`
   * between blanks, so a rename follows it as it follows one in a message.
   */
  group?: string;
  /**
   * On a `placeholder-target-missing` finding about a file that does not exist: the placeholder or `$ref`
   * (`via`: `$text`, `$openapi`, …, `$ref`), the value as written, and the repo path it resolves to.
   * Checks that follow up on the miss (the did-you-mean of strayDefinitions) read these, not the message.
   */
  missingTarget?: MissingTarget;
  /**
   * On a template finding placed on a `$yaml`/`$json`/`$text` placeholder (a step a shared fragment brings in):
   * the file the placeholder names, the placeholder (`$yaml`), and where in that file the finding lies, which
   * is where it is fixed. A run over given paths (a pre-commit hook's) reports the finding when that file is given.
   */
  fragment?: FragmentPlace;
  /**
   * On a `ref-unresolved` error, or a `ref-provided-elsewhere` warning (a likely misspelling), about an entity
   * the catalog does not define: the ref as Backstage stores it. `check --base` reads it to tell a reference to
   * an entity the change removes from a misspelt one, and to match the finding with the base's whatever its
   * message says of other entities (a did-you-mean guess, counts of uses).
   */
  unresolvedRef?: string;
  /**
   * Beside `unresolvedRef`: the field the reference is written in (`spec.dependsOn`, `spec.owner`, …). Part of
   * what the finding is about: the same missing entity named from another field is another relation, which
   * `check --base` does not take for the base's finding.
   */
  unresolvedField?: string;
  /**
   * Set by `report --base` on a template test case's finding whose case file the pull request does not change:
   * the changed file (a skeleton's, the template's) and its first changed line that the case reads. GitHub
   * shows an annotation in a pull request's Files view only on its changed lines; the CI adapters annotate there.
   */
  causedBy?: { file: string; line: number };
}

/** Where in a placeholder's file a finding placed on the placeholder lies (Diagnostic.fragment). */
export interface FragmentPlace {
  file: string;
  via: string;
  range: Range;
}

/** What a reference to a file that does not exist wrote, and where that leads in the repository. */
export interface MissingTarget {
  via: string;
  value: string;
  path: string;
}

export const FILE_START: Range = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

export interface Totals {
  error: number;
  warning: number;
  info: number;
  files: number;
}

export function countDiagnostics(diagnostics: readonly Diagnostic[]): Totals {
  const totals: Totals = { error: 0, warning: 0, info: 0, files: 0 };
  const files = new Set<string>();
  for (const d of diagnostics) {
    totals[d.severity]++;
    files.add(d.file);
  }
  totals.files = files.size;
  return totals;
}

export function severityRank(severity: Severity): number {
  return severity === 'error' ? 2 : severity === 'warning' ? 1 : 0;
}

export function isAtLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) >= severityRank(threshold);
}

export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      compareText(a.file, b.file) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.column - b.range.start.column ||
      compareText(a.ruleId, b.ruleId) ||
      compareText(a.message, b.message),
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
