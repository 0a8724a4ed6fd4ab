import { diagnosticAt } from '../catalog/catalogEntity.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { FILE_START } from '../diagnostic.ts';
import { asServedByCatalog, matchesFilter } from './matchFilter.ts';
import type { ScorecardData } from './model.ts';
import type { EntityScore } from './scoreCatalog.ts';
import { withLf } from '../load/eolConverted.ts';

export interface ScorecardGateInput {
  data: ScorecardData;
  scores: readonly EntityScore[];
  /** Refs of entities the change adds or edits; undefined when there is no base to compare with. */
  touched?: ReadonlySet<string>;
  /** The generated config as compiled now, and as committed (undefined when the file is missing). */
  compiled: string;
  committed?: string;
  today: string;
}

/**
 * Scorecard findings that fail a pull request: a blocking check (past its enableOn) failing on an
 * entity the change touches, an initiative past its due date, and a stale generated config.
 */
export function scorecardGate(input: ScorecardGateInput): Diagnostic[] {
  const { data, today } = input;
  const diagnostics: Diagnostic[] = [];
  const output = data.config?.value.output;
  // A CRLF checkout (core.autocrlf) writes the committed file with CRLF: git stores it as generated.
  if (output && (input.committed === undefined || withLf(input.committed) !== input.compiled)) {
    diagnostics.push({
      ruleId: 'scorecard-config-stale',
      severity: 'error',
      message: input.committed === undefined ? `${output} is missing.` : `${output} is out of date with scorecards/.`,
      hint: 'Run `npx backstage-gitops scorecards --write-config` and commit the result.',
      file: output,
      range: FILE_START,
    });
  }
  const checks = new Map(data.checks.map(c => [c.value.id, c.value]));
  const blocking = new Set(data.checks.filter(c => c.value.enforcement.mode === 'blocking' && (!c.value.enforcement.enableOn || c.value.enforcement.enableOn <= today)).map(c => c.value.id));
  const overdue = data.initiatives.filter(i => i.value.dueDate < today).map(i => i.value);
  for (const score of input.scores) {
    for (const result of score.results) {
      if (result.outcome !== 'fail') continue;
      const check = checks.get(result.checkId)!;
      if (input.touched?.has(score.ref) && blocking.has(check.id)) {
        diagnostics.push(diagnosticAt(score.entity, ['metadata', 'name'], { ruleId: `scorecard/${check.id}`, severity: 'error', message: `Blocking check "${check.name}" fails for ${score.ref}: ${check.description}`, hint: check.solution }));
        continue;
      }
      for (const initiative of overdue) {
        const scorecard = data.scorecards.find(s => s.value.id === initiative.scorecard)?.value;
        if (!initiative.checks.includes(check.id) || (scorecard && !matchesFilter(asServedByCatalog(score.entity.entity), scorecard.filter))) continue;
        diagnostics.push(diagnosticAt(score.entity, ['metadata', 'name'], { ruleId: `scorecard/${check.id}`, severity: 'error', message: `Initiative "${initiative.title}" was due on ${initiative.dueDate} and "${check.name}" still fails for ${score.ref}.`, hint: check.solution }));
      }
    }
  }
  return diagnostics;
}
