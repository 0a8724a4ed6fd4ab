import { createRequire } from 'node:module';
import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { diagnosticAt } from '../catalog/catalogEntity.ts';
import type { Diagnostic } from '../diagnostic.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { computeFacts, OPTIONAL_FACT_FIELDS, type EntityFacts, type RepoFacts } from './computeFacts.ts';
import { evaluateChecks, referencedFacts, schemaNames, type CheckResult } from './evaluateChecks.ts';
import { asServedByCatalog, matchesFilter } from './matchFilter.ts';
import type { Check, FactRetriever, Filter, ScorecardData } from './model.ts';

// jsonfc reads filter keys with lodash's get; its toPath splits them the same way (`metadata.annotations["a/b"]`).
const requireLodash = createRequire(import.meta.url);
const get: (value: unknown, path: string | string[]) => unknown = requireLodash('lodash/get');
const toPath: (path: string) => string[] = requireLodash('lodash/toPath');

/** One revision's side of the comparison: its entities, what its facts are computed from, and the refs Backstage refuses. */
export interface ScopeSide {
  entities: readonly CatalogEntity[];
  repo: RepoFacts;
  refused?: ReadonlySet<string>;
}

/** What moved an entity out of a check: the field (its path in the entity) and why that takes it out, in words. */
interface Cause {
  path: PathSegment[];
  what: string;
}

/**
 * `scorecard-scope-left`: an entity the change edits that the scorecard gate judged on the base revision and
 * no longer judges, because its own edit moved it out of a check's scope. The gate's checks are those it fails
 * a pull request on: blocking ones past their `enableOn`, and those of an initiative overdue on `today` (scoped
 * by the initiative's scorecard filter too, as scorecardGate). The scope is Tech Insights' own: jsonfc's check
 * `filter` (matchesFilter), and the facts it reads: a retriever whose `entityFilter` no longer matches, or a
 * fact the entity no longer gives (catalogQuality's runtime facts without the annotation), make the check not
 * applicable (evaluateChecks, 'filtered' or 'missing-facts'). Both sides are judged by the head's scorecards/
 * (what the gate enforces): a change to scorecards/ itself is config-weakened's (scorecardsWeakened).
 * Not said: an entity the head exempts from the check (scorecards/exemptions/, the approved way out), an
 * entity the change adds or removes, renames (a new ref: the report lists it removed and added), or that
 * Backstage refuses on either side (no facts at all: the model's error is the finding).
 * Severity: error when the entity failed the check on the base, or would fail it now if it were still in
 * scope (the check run with the filters left out: the usual way to dodge a failure); else a warning (a
 * reclassification that passes either way, said so a reviewer sees it). At the field that moved it out (the
 * first filter key the base matched and the head does not), with the old and new values. `touched`: refs of the
 * entities the change adds or edits (touchedEntities). Pure (no I/O); async because json-rules-engine is.
 */
export async function scorecardScopeLeft(data: ScorecardData, base: ScopeSide, head: ScopeSide, touched: ReadonlySet<string>, today: string): Promise<Diagnostic[]> {
  const gated = gatedChecks(data, today);
  if (gated.size === 0) return [];
  const checks = data.checks.map(c => c.value);
  const retrievers = data.retrievers.map(r => r.value);
  const unfiltered = retrievers.map(({ entityFilter: _, ...r }) => r);
  const schemas = schemaNames(retrievers);
  const exempt = exemptions(data, today);
  const before = new Map(base.entities.filter(e => e.ref).map(e => [e.ref!, e]));
  const found: Diagnostic[] = [];
  for (const entity of head.entities) {
    const was = entity.ref && touched.has(entity.ref) ? before.get(entity.ref) : undefined;
    if (!was || head.refused?.has(entity.ref!) || base.refused?.has(entity.ref!)) continue;
    const sides = {
      before: { served: asServedByCatalog(was.entity), facts: computeFacts(was, retrievers, base.repo) },
      after: { served: asServedByCatalog(entity.entity), facts: computeFacts(entity, retrievers, head.repo) },
    };
    const [resultsBefore, resultsAfter] = await Promise.all([
      evaluateChecks(sides.before.served, sides.before.facts, checks, undefined, schemas),
      evaluateChecks(sides.after.served, sides.after.facts, checks, undefined, schemas),
    ]);
    for (const [i, check] of checks.entries()) {
      const scopes = gated.get(check.id);
      const exemptions = exempt.get(entity.ref!);
      if (!scopes || exemptions?.has(check.id) || exemptions?.has('*')) continue;
      if (!judged(resultsBefore[i]) || !scopes.some(s => matchesFilter(sides.before.served, s.filter))) continue;
      const cause = leftBy(check, resultsAfter[i], scopes, retrievers, sides);
      if (!cause) continue;
      const failedBefore = resultsBefore[i].outcome === 'fail';
      // As if still in scope: no check filter, every retriever's facts computed whatever its entityFilter.
      const [inScope] = failedBefore ? [undefined] : await evaluateChecks(sides.after.served, computeFacts(entity, unfiltered, head.repo), [{ ...check, filter: undefined }], undefined, schemas);
      const verdict = failedBefore ? 'failed' : inScope?.outcome === 'fail' ? 'would-fail' : 'passes';
      found.push(finding(entity, check, cause, valueAt(was.entity, cause.path), valueAt(entity.entity, cause.path), verdict, data.config?.value.maxExemptionDays));
    }
  }
  return found;
}

/** A result Tech Insights gives the check a verdict in (pass or fail, an engine error included): in scope. */
const judged = (result: CheckResult | undefined) => result?.outcome === 'pass' || result?.outcome === 'fail';

type Scope = { filter: Filter | undefined; initiative?: string };
type Side = { served: Record<string, unknown>; facts: EntityFacts };

/**
 * The checks the gate fails a pull request on, each with the filters that scope it there: a blocking check
 * (past enableOn) everywhere (no filter), an overdue initiative's check within its scorecard's filter.
 */
function gatedChecks(data: ScorecardData, today: string): Map<string, Scope[]> {
  const gated = new Map<string, Scope[]>();
  const add = (id: string, scope: Scope) => (gated.get(id) ?? gated.set(id, []).get(id)!).push(scope);
  for (const { value: c } of data.checks) if (c.enforcement.mode === 'blocking' && (!c.enforcement.enableOn || c.enforcement.enableOn <= today)) add(c.id, { filter: undefined });
  for (const { value: initiative } of data.initiatives) {
    if (initiative.dueDate >= today) continue;
    const scorecard = data.scorecards.find(s => s.value.id === initiative.scorecard)?.value;
    for (const id of initiative.checks) add(id, { filter: scorecard?.filter, initiative: initiative.title });
  }
  return gated;
}

/** Refs to the checks the head exempts them from, from exemptions not expired on `today` (as scoreCatalog reads them). */
function exemptions(data: ScorecardData, today: string): Map<string, Set<string>> {
  const exempt = new Map<string, Set<string>>();
  for (const { value } of data.exemptions) {
    if (value.expires < today) continue;
    const set = exempt.get(value.entityRef) ?? exempt.set(value.entityRef, new Set()).get(value.entityRef)!;
    value.checks.forEach(c => set.add(c));
  }
  return exempt;
}

/**
 * What takes the head's entity out of a check the base judged it by, or undefined while the gate still judges
 * it: the check's filter, a retriever's entityFilter that drops the facts the check reads, a fact the entity no
 * longer gives (Tech Insights skips a check whose facts are missing), or the initiative scorecards' filters.
 */
function leftBy(check: Check, after: CheckResult, scopes: readonly Scope[], retrievers: readonly FactRetriever[], sides: { before: Side; after: Side }): Cause | undefined {
  const { before } = sides;
  if (after.reason === 'filtered' && check.filter) return causeIn(check.filter, before.served, sides.after.served, 'the check\'s filter');
  if (after.reason === 'missing-facts') {
    for (const retriever of retrievers.filter(r => check.factIds.includes(r.id) && r.entityFilter)) {
      if (before.facts.has(retriever.id) && !sides.after.facts.has(retriever.id)) return causeIn(retriever.entityFilter!, before.served, sides.after.served, `the entityFilter of fact retriever ${retriever.id}, whose facts the check reads,`);
    }
    const has = (side: Side, fact: string) => check.factIds.some(id => Object.hasOwn(side.facts.get(id) ?? {}, fact));
    const gone = [...referencedFacts(check.rule.conditions)].find(fact => has(before, fact) && !has(sides.after, fact));
    if (gone === undefined) return undefined;
    const field = OPTIONAL_FACT_FIELDS[gone];
    return { path: field ? [...field] : ['metadata', 'name'], what: `the fact ${gone}, which the check reads, is no longer given for it (Tech Insights counts a check whose facts are missing as not applicable, never failed)` };
  }
  if (!judged(after) || scopes.some(s => matchesFilter(sides.after.served, s.filter))) return undefined;
  const scope = scopes.find(s => s.filter && matchesFilter(before.served, s.filter));
  return scope ? causeIn(scope.filter!, before.served, sides.after.served, `the filter of the scorecard of the overdue initiative "${scope.initiative}"`) : undefined;
}

/** The first key of a filter alternative the base entity matched that the head's does not match, with the filter in words. */
function causeIn(filter: Filter, before: Record<string, unknown>, after: Record<string, unknown>, whose: string): Cause | undefined {
  for (const alternative of Array.isArray(filter) ? filter : [filter]) {
    if (!matchesFilter(before, alternative)) continue;
    const key = Object.keys(alternative).find(k => !matchesFilter(after, { [k]: alternative[k] }));
    if (key !== undefined) return { path: toPath(key).map(p => (/^\d+$/.test(p) ? Number(p) : p)), what: `${whose} (${filterShown(filter)}) does not match` };
  }
  return undefined;
}

const valueAt = (entity: Record<string, unknown>, path: readonly PathSegment[]) => get(entity, path.map(String) as never);
const shown = (value: unknown) => (value === undefined || value === null ? 'not set' : JSON.stringify(value).slice(0, 120));
/** A path as a reader writes it: `metadata.annotations["acme.com/runtime"]`. */
const pathShown = (path: readonly PathSegment[]) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$-]*$/.test(p) ? `${i ? '.' : ''}${p}` : `[${JSON.stringify(p)}]`)).join('');
const filterShown = (filter: Filter) => (Array.isArray(filter) ? filter : [filter]).map(f => `{ ${Object.entries(f).map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : v}`).join(', ')} }`).join(' or ');

function finding(entity: CatalogEntity, check: Check, cause: Cause, was: unknown, is: unknown, verdict: 'failed' | 'would-fail' | 'passes', maxDays?: number): Diagnostic {
  const gate = check.enforcement.mode === 'blocking' ? 'blocking scorecard check' : 'scorecard check of an overdue initiative';
  const field = pathShown(cause.path);
  const verdictSaid = {
    failed: ', which it failed on the base revision (out of scope, that failure is no longer reported)',
    'would-fail': `, which it would now fail (${check.description.replace(/\.$/, '')})`,
    passes: ' (it would pass the check either way)',
  }[verdict];
  return diagnosticAt(entity, cause.path, {
    ruleId: 'scorecard-scope-left',
    severity: verdict === 'passes' ? 'warning' : 'error',
    message: `This change takes ${entity.ref} out of the ${gate} "${check.name}" (${check.id})${verdictSaid}: ${field} changes from ${shown(was)} to ${shown(is)}, and ${cause.what}, so the check no longer applies to it.`,
    hint: `If ${entity.ref} still is what the check covers, keep ${field} as it was. If it really changed, a platform team reviewer must approve that: add an exemption file in scorecards/exemptions/ (the platform team owns the folder in CODEOWNERS) with entityRef: ${entity.ref}, checks: [${check.id}], a reason, approvedBy (the approving group) and created/expires dates${maxDays ? ` at most ${maxDays} days apart` : ''}; with it the gate says nothing here.`,
  });
}
