import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { referencesOf } from '../catalog/checkReferences.ts';
import { computeFacts, type RepoFacts } from './computeFacts.ts';
import { evaluateChecks, schemaNames, type CheckResult } from './evaluateChecks.ts';
import { asServedByCatalog, matchesFilter } from './matchFilter.ts';
import { maturityRank, score } from './maturity.ts';
import type { ScorecardData } from './model.ts';

export interface EntityScore {
  ref: string;
  file: string;
  entity: CatalogEntity;
  owner?: string;
  results: CheckResult[];
  /** Maturity rank over all checks (what the maturity plugin shows), 0 = base level. */
  rank: number;
  /** Rank per scorecard the entity is in scope of. */
  scorecards: Record<string, number>;
}

/**
 * Evaluates every check on every entity, with exemptions applied, as Tech Insights would. `refused`: refs
 * of entities Backstage's validators refuse; they have no facts, so every check is not applicable.
 * `today` (YYYY-MM-DD): exemptions that expired before it are ignored (lintScorecards reports them).
 */
export async function scoreCatalog(data: ScorecardData, entities: readonly CatalogEntity[], repo: RepoFacts, refused: ReadonlySet<string> = new Set(), today?: string): Promise<EntityScore[]> {
  const checks = data.checks.map(c => c.value);
  const retrievers = data.retrievers.map(r => r.value);
  const rankOf = rankLookup(data);
  const schemas = schemaNames(retrievers);
  const exempt = new Map<string, Set<string>>();
  for (const { value } of data.exemptions) {
    // An expired exemption exempts nothing: the check counts again from the day after `expires`.
    if (today !== undefined && value.expires < today) continue;
    const set = exempt.get(value.entityRef) ?? exempt.set(value.entityRef, new Set()).get(value.entityRef)!;
    value.checks.forEach(c => set.add(c));
  }
  const scores: EntityScore[] = [];
  for (const entity of entities) {
    if (!entity.ref) continue;
    const exemptions = exempt.get(entity.ref);
    // An entity Backstage refuses is not in the catalog: no retriever gives it a fact.
    const facts = refused.has(entity.ref) ? new Map() : computeFacts(entity, retrievers, repo);
    const served = asServedByCatalog(entity.entity);
    const results = await evaluateChecks(served, facts, checks, id => Boolean(exemptions && (exemptions.has(id) || exemptions.has('*'))), schemas);
    const owner = referencesOf(entity).find(r => r.field === 'owner')?.target;
    const perScorecard: Record<string, number> = {};
    for (const { value: scorecard } of data.scorecards) {
      if (!matchesFilter(served, scorecard.filter)) continue;
      perScorecard[scorecard.id] = maturityRank(results.filter(r => scorecard.checks.includes(r.checkId)), rankOf);
    }
    scores.push({ ref: entity.ref, file: entity.file, entity, owner, results, rank: maturityRank(results, rankOf), scorecards: perScorecard });
  }
  return scores;
}

export function rankLookup(data: ScorecardData): (checkId: string) => number {
  const levels = new Map(data.config?.value.levels.map(l => [l.id, l.rank]) ?? []);
  const ranks = new Map(data.checks.map(c => [c.value.id, levels.get(c.value.level) ?? 0]));
  return id => ranks.get(id) ?? 0;
}

export { score };
