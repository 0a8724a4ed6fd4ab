import { Engine, Fact } from 'json-rules-engine';
import { unboundedJsonPath } from './jsonPathProblem.ts';
import { matchesFilter } from './matchFilter.ts';
import type { Check, Condition, FactRetriever } from './model.ts';
import { readCondition } from './readCondition.ts';

export type Outcome = 'pass' | 'fail' | 'not-applicable';

export interface CheckResult {
  checkId: string;
  outcome: Outcome;
  /** Why a check did not apply, or what failed it. */
  reason?: 'filtered' | 'missing-facts' | 'exempt' | 'error';
  detail?: string;
}

/**
 * The fact names a condition uses, as jsonfc collects them (retrieveIndividualFactReferences): through
 * `all`, else `any`, else `not`, never through a named-condition reference or a `value: {fact}`.
 * Takes the condition as written (it is read as jsonfc's config reader reads it first).
 */
export function referencedFacts(condition: Condition, found = new Set<string>()): Set<string> {
  for (const { fact } of qualifiedReferences(readCondition(condition))) found.add(fact);
  return found;
}

/** jsonfc's retrieveQualifiedFactReferences over a condition already read by readCondition. */
function qualifiedReferences(node: Condition): { fact: string; retrieverId?: string }[] {
  if (node.all) return node.all.flatMap(qualifiedReferences);
  if (node.any) return node.any.flatMap(qualifiedReferences);
  if (node.not) return qualifiedReferences(node.not);
  if (Object.hasOwn(node, 'condition') || node.fact === undefined) return [];
  const retrieverId = typeof node.params?.factRetrieverId === 'string' ? node.params.factRetrieverId : undefined;
  return [{ fact: node.fact, retrieverId }];
}

/**
 * Tech Insights' runChecks (jsonfc's JsonRulesEngineFactChecker) for one entity: a filtered-out check
 * has no result; the latest rows of every retriever the remaining checks name form one flat fact
 * namespace (a later row wins a shared name; `params.factRetrieverId` picks one retriever's value);
 * a fact name that no schema of those retrievers defines fails the whole entity ("Not all facts are
 * defined"); a check naming a retriever outside its factIds, or whose facts are not all present, is
 * skipped (not applicable, never failed); the rest run in one json-rules-engine Engine with default
 * options, whose verdict is the result, and whose error fails every check that ran.
 * `schemas`: retriever id -> its fact names (scorecards/facts/); without it no name counts as undefined.
 * Exempt checks (this repo's layer; Tech Insights has no exemptions) are not applicable.
 */
export async function evaluateChecks(
  entity: Record<string, unknown>,
  facts: ReadonlyMap<string, Record<string, unknown>>,
  checks: readonly Check[],
  isExempt: (checkId: string) => boolean = () => false,
  schemas?: ReadonlyMap<string, readonly string[]>,
): Promise<CheckResult[]> {
  const results = new Map<string, CheckResult>();
  const applicable = checks.filter(check => {
    if (matchesFilter(entity, check.filter)) return true;
    results.set(check.id, { checkId: check.id, outcome: 'not-applicable', reason: 'filtered' });
    return false;
  });
  const retrieverIds = new Set(applicable.flatMap(c => c.factIds));
  const flat: Record<string, unknown> = {};
  const byRetriever = new Map<string, Map<string, unknown>>();
  for (const [retrieverId, row] of facts) {
    if (!retrieverIds.has(retrieverId) || !row) continue;
    for (const [name, value] of Object.entries(row)) {
      flat[name] = value;
      (byRetriever.get(name) ?? byRetriever.set(name, new Map()).get(name)!).set(retrieverId, value);
    }
  }
  const defined = schemas && new Set([...retrieverIds].flatMap(id => schemas.get(id) ?? []));
  const runnable: Check[] = [];
  const failAll = (checksToFail: readonly Check[], detail: string) => {
    for (const check of checksToFail) results.set(check.id, { checkId: check.id, outcome: 'fail', reason: 'error', detail });
  };
  for (const check of applicable) {
    const references = referencesOfCheck(check);
    const undefinedNames = defined ? [...new Set(references.map(r => r.fact).filter(name => !defined.has(name)))] : [];
    if (undefinedNames.length > 0) {
      // jsonfc throws for the whole entity: no check of it has a result.
      failAll(applicable.filter(c => !isExempt(c.id)), `Not all facts are defined: ${undefinedNames.join(',')}`);
      applicable.filter(c => isExempt(c.id)).forEach(c => results.set(c.id, { checkId: c.id, outcome: 'not-applicable', reason: 'exempt' }));
      return checks.map(c => results.get(c.id)!);
    }
    const unlisted = references.find(r => r.retrieverId !== undefined && !check.factIds.includes(r.retrieverId));
    const missing = references.filter(r => (r.retrieverId === undefined ? !Object.hasOwn(flat, r.fact) : !byRetriever.get(r.fact)?.has(r.retrieverId)));
    if (unlisted || missing.length > 0) {
      const detail = unlisted ? `factRetrieverId ${unlisted.retrieverId} is not in factIds` : [...new Set(missing.map(r => (r.retrieverId ? `${r.fact} (${r.retrieverId})` : r.fact)))].join(', ');
      results.set(check.id, { checkId: check.id, outcome: 'not-applicable', reason: 'missing-facts', detail });
      continue;
    }
    if (isExempt(check.id)) {
      results.set(check.id, { checkId: check.id, outcome: 'not-applicable', reason: 'exempt' });
      continue;
    }
    if (unboundedPathOf(check)) {
      // Never run (scorecard-path-unbounded): jsonpath-plus would run the script without a bound.
      results.set(check.id, { checkId: check.id, outcome: 'fail', reason: 'error', detail: 'not evaluated, its JSONPath has no cost bound (scorecard-path-unbounded)' });
      continue;
    }
    runnable.push(check);
  }
  if (runnable.length > 0) {
    // jsonfc registers one dynamic fact per name: the flat value, or with params.factRetrieverId that retriever's.
    const runtime = Object.fromEntries(
      [...byRetriever].map(([name, values]) => [name, new Fact(name, (params: Record<string, unknown> | undefined) => (typeof params?.factRetrieverId === 'string' ? values.get(params.factRetrieverId) : flat[name]))]),
    );
    try {
      // Inside the try: a rule json-rules-engine refuses (a node with neither fact nor all/any/not) is this entity's error too.
      const { results: passed, failureResults } = await engineFor(runnable).run(runtime);
      for (const r of passed) results.set(r.name as string, { checkId: r.name as string, outcome: 'pass' });
      for (const r of failureResults) results.set(r.name as string, { checkId: r.name as string, outcome: 'fail' });
    } catch (error) {
      failAll(runnable, (error as Error).message);
    }
  }
  return checks.map(c => results.get(c.id)!);
}

// The same for every entity: read once per check object (checks are not changed once loaded).
const checkReferences = new WeakMap<Check, { fact: string; retrieverId?: string }[]>();

function referencesOfCheck(check: Check): { fact: string; retrieverId?: string }[] {
  let references = checkReferences.get(check);
  if (!references) checkReferences.set(check, (references = qualifiedReferences(readCondition(check.rule.conditions))));
  return references;
}

const checkUnbounded = new WeakMap<Check, string | false>();

/** Why one of a check's JSONPaths (a condition's `path`, a fact-to-fact value's) has no cost bound (unboundedJsonPath), as jsonfc reads the rule. */
function unboundedPathOf(check: Check): string | undefined {
  let found = checkUnbounded.get(check);
  if (found === undefined) checkUnbounded.set(check, (found = firstUnbounded(readCondition(check.rule.conditions)) ?? false));
  return found || undefined;
}

function firstUnbounded(node: Condition): string | undefined {
  for (const child of [...(node.all ?? []), ...(node.any ?? []), ...(node.not ? [node.not] : [])]) {
    const found = firstUnbounded(child);
    if (found) return found;
  }
  const value = node.value as { path?: unknown } | null | undefined;
  for (const path of [node.path, value !== null && typeof value === 'object' && Object.hasOwn(value, 'fact') ? value.path : undefined]) {
    const found = typeof path === 'string' && path !== '' ? unboundedJsonPath(path) : undefined;
    if (found) return found;
  }
  return undefined;
}

// Building rules is most of an Engine's cost, and entities of one kind share the same runnable
// checks: reuse one Engine per set of check objects (facts come with each run, in its own almanac).
const engines = new Map<string, { checks: Check[]; engine: Engine }>();

function engineFor(runnable: Check[]): Engine {
  const key = runnable.map(c => c.id).join('\n');
  const cached = engines.get(key);
  if (cached && cached.checks.every((c, i) => c === runnable[i])) return cached.engine;
  const engine = new Engine([], { allowUndefinedFacts: false });
  for (const check of runnable) engine.addRule({ name: check.id, conditions: readCondition(check.rule.conditions) as never, event: { type: check.id }, priority: check.rule.priority });
  engines.set(key, { checks: runnable, engine });
  return engine;
}

export function retrieverById(retrievers: readonly FactRetriever[]): Map<string, FactRetriever> {
  return new Map(retrievers.map(r => [r.id, r]));
}

/**
 * The keys Tech Insights' store puts beside a schema's fact names: TechInsightsDatabase.getLatestSchemas
 * spreads the whole fact_schemas row (id, version, entityFilter) into each schema, and jsonfc takes every
 * key as a defined fact name. A rule naming one does not fail the entity; it waits for a fact of that name.
 */
export const SCHEMA_ROW_KEYS: readonly string[] = ['id', 'version', 'entityFilter'];

/** Each retriever's defined names as jsonfc sees them (its schema's and the row's), for evaluateChecks' "Not all facts are defined". */
export function schemaNames(retrievers: readonly FactRetriever[]): Map<string, string[]> {
  return new Map(retrievers.map(r => [r.id, [...new Set([...Object.keys(r.schema), ...SCHEMA_ROW_KEYS])]]));
}
