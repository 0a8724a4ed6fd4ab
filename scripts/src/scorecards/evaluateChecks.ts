import { Engine } from 'json-rules-engine';
import { matchesFilter } from './matchFilter.ts';
import type { Check, Condition, FactRetriever } from './model.ts';

export type Outcome = 'pass' | 'fail' | 'not-applicable';

export interface CheckResult {
  checkId: string;
  outcome: Outcome;
  /** Why a check did not apply, or what failed it. */
  reason?: 'filtered' | 'missing-facts' | 'exempt' | 'error';
  detail?: string;
}

export function referencedFacts(condition: Condition, found = new Set<string>()): Set<string> {
  if (condition.fact) found.add(condition.fact);
  condition.all?.forEach(c => referencedFacts(c, found));
  condition.any?.forEach(c => referencedFacts(c, found));
  if (condition.not) referencedFacts(condition.not, found);
  return found;
}

/**
 * Tech Insights' jsonfc semantics for one entity: a filtered-out check has no result; a check whose
 * facts are not all present is skipped (not applicable, never failed); the rest run in one
 * json-rules-engine Engine with default options, whose verdict is the result.
 */
export async function evaluateChecks(
  entity: Record<string, unknown>,
  facts: ReadonlyMap<string, Record<string, unknown>>,
  checks: readonly Check[],
  isExempt: (checkId: string) => boolean = () => false,
): Promise<CheckResult[]> {
  const results = new Map<string, CheckResult>();
  const runnable: Check[] = [];
  const flat: Record<string, unknown> = {};
  for (const check of checks) {
    if (!matchesFilter(entity, check.filter)) {
      results.set(check.id, { checkId: check.id, outcome: 'not-applicable', reason: 'filtered' });
      continue;
    }
    const own: Record<string, unknown> = {};
    for (const id of check.factIds) Object.assign(own, facts.get(id));
    const missing = [...referencedFacts(check.rule.conditions)].filter(name => !Object.hasOwn(own, name));
    if (missing.length > 0) {
      results.set(check.id, { checkId: check.id, outcome: 'not-applicable', reason: 'missing-facts', detail: missing.join(', ') });
      continue;
    }
    if (isExempt(check.id)) {
      results.set(check.id, { checkId: check.id, outcome: 'not-applicable', reason: 'exempt' });
      continue;
    }
    Object.assign(flat, own);
    runnable.push(check);
  }
  if (runnable.length > 0) {
    const engine = engineFor(runnable);
    try {
      const { results: passed, failureResults } = await engine.run(flat);
      for (const r of passed) results.set(r.name as string, { checkId: r.name as string, outcome: 'pass' });
      for (const r of failureResults) results.set(r.name as string, { checkId: r.name as string, outcome: 'fail' });
    } catch (error) {
      for (const check of runnable) {
        results.set(check.id, { checkId: check.id, outcome: 'fail', reason: 'error', detail: (error as Error).message });
      }
    }
  }
  return checks.map(c => results.get(c.id)!);
}

// Building rules is most of an Engine's cost, and entities of one kind share the same runnable
// checks: reuse one Engine per set of check objects (runs are sequential, each with its own almanac).
const engines = new Map<string, { checks: Check[]; engine: Engine }>();

function engineFor(runnable: Check[]): Engine {
  const key = runnable.map(c => c.id).join('\n');
  const cached = engines.get(key);
  if (cached && cached.checks.every((c, i) => c === runnable[i])) return cached.engine;
  const engine = new Engine([], { allowUndefinedFacts: false });
  for (const check of runnable) engine.addRule({ name: check.id, conditions: check.rule.conditions as never, event: { type: check.id }, priority: check.rule.priority });
  engines.set(key, { checks: runnable, engine });
  return engine;
}

export function retrieverById(retrievers: readonly FactRetriever[]): Map<string, FactRetriever> {
  return new Map(retrievers.map(r => [r.id, r]));
}
