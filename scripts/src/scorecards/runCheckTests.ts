import type { Diagnostic } from '../diagnostic.ts';
import { evaluateChecks } from './evaluateChecks.ts';
import type { ScorecardData } from './model.ts';

const DEFAULT_ENTITY = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'example' }, spec: { type: 'service', lifecycle: 'production', owner: 'team' } };

/** Runs every check's golden cases (facts -> expected outcome) with the gate's evaluator. */
export async function runCheckTests(data: ScorecardData): Promise<{ passed: number; failed: Diagnostic[] }> {
  let passed = 0;
  const failed: Diagnostic[] = [];
  for (const located of data.checks) {
    const check = located.value;
    for (const [index, test] of check.tests.entries()) {
      const facts = new Map(Object.entries(test.facts));
      const [result] = await evaluateChecks(test.entity ?? DEFAULT_ENTITY, facts, [check]);
      if (result.outcome === test.expect) {
        passed++;
        continue;
      }
      failed.push({
        ruleId: 'scorecard-test-failed',
        severity: 'error',
        message: `Check ${check.id}, case "${test.name}": expected ${test.expect}, got ${result.outcome}${result.reason ? ` (${result.reason}${result.detail ? `: ${result.detail}` : ''})` : ''}.`,
        hint: 'Fix the rule or the expectation; the case documents what the check means.',
        file: located.source.file,
        range: located.source.locate(located.document, ['tests', index]),
      });
    }
  }
  return { passed, failed };
}
