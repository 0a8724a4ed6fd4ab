import type { Diagnostic } from '../diagnostic.ts';
import { evaluateChecks, schemaNames } from './evaluateChecks.ts';
import { asServedByCatalog } from './matchFilter.ts';
import type { ScorecardData } from './model.ts';

const DEFAULT_ENTITY = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'example' }, spec: { type: 'service', lifecycle: 'production', owner: 'team' } };

/**
 * Runs every check's golden cases (facts -> expected outcome) with the gate's evaluator. A case whose run
 * errors never passes, whatever it expects: Tech Insights answers such an entity with an error and no
 * result at all (jsonfc rethrows the engine's error), not with a failed check.
 */
export async function runCheckTests(data: ScorecardData): Promise<{ passed: number; failed: Diagnostic[] }> {
  let passed = 0;
  const failed: Diagnostic[] = [];
  const schemas = schemaNames(data.retrievers.map(r => r.value));
  for (const located of data.checks) {
    const check = located.value;
    for (const [index, test] of check.tests.entries()) {
      const facts = new Map(Object.entries(test.facts));
      const [result] = await evaluateChecks(asServedByCatalog(test.entity ?? DEFAULT_ENTITY), facts, [check], undefined, schemas);
      if (result.outcome === test.expect && result.reason !== 'error') {
        passed++;
        continue;
      }
      failed.push({
        ruleId: 'scorecard-test-failed',
        severity: 'error',
        message: `Check ${check.id}, case "${test.name}": expected ${test.expect}, got ${result.reason === 'error' ? 'an error' : result.outcome}${result.reason ? ` (${result.reason === 'error' ? 'Tech Insights would fail the entity' : result.reason}${result.detail ? `: ${result.detail}` : ''})` : ''}.`,
        hint: 'Fix the rule or the expectation; the case documents what the check means.',
        file: located.source.file,
        range: located.source.locate(located.document, ['tests', index]),
      });
    }
  }
  return { passed, failed };
}
