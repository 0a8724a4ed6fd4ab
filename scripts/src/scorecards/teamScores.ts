import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { referencesOf } from '../catalog/checkReferences.ts';
import { score } from './maturity.ts';
import type { EntityScore } from './scoreCatalog.ts';

export interface Failing {
  entityRef: string;
  checkId: string;
}

export interface TeamScore {
  team: string;
  entities: number;
  /** The lowest rank among the team's entities (the maturity plugin's rollup). */
  rank: number;
  passed: number;
  applicable: number;
  failing: Failing[];
}

/**
 * Scores per team: the entities a group owns plus, through the group hierarchy, those its
 * descendant groups own; the level is the minimum over its components, the score is pooled over
 * all results.
 */
export function teamScores(scores: readonly EntityScore[], groups: readonly CatalogEntity[]): Map<string, TeamScore> {
  const parentOf = new Map<string, string>();
  for (const group of groups) {
    for (const ref of referencesOf(group)) {
      if (ref.field === 'parent') parentOf.set(group.ref!, ref.target);
      if (ref.field === 'children') parentOf.set(ref.target, group.ref!);
    }
  }
  const known = new Set(groups.map(g => g.ref));
  const members = new Map<string, EntityScore[]>();
  for (const entity of scores) {
    const seen = new Set<string>();
    // Owners that are not groups of the catalog (a typo, a user) are no team to score.
    for (let team = entity.owner; team && known.has(team) && !seen.has(team); team = parentOf.get(team)) {
      seen.add(team);
      (members.get(team) ?? members.set(team, []).get(team)!).push(entity);
    }
  }
  const teams = new Map<string, TeamScore>();
  for (const [team, owned] of [...members].sort(([a], [b]) => a.localeCompare(b))) {
    const pooled = score(owned.flatMap(e => e.results));
    teams.set(team, {
      team,
      entities: owned.length,
      rank: Math.min(...ranked(owned).map(e => e.rank)),
      ...pooled,
      failing: owned.flatMap(e => e.results.filter(r => r.outcome === 'fail').map(r => ({ entityRef: e.ref, checkId: r.checkId }))),
    });
  }
  return teams;
}

/**
 * The maturity plugin rolls teams up over their components; an entity kind with only bronze checks
 * (a Resource, say) would otherwise cap every team at Bronze however good its services are.
 */
function ranked(owned: EntityScore[]): EntityScore[] {
  const components = owned.filter(e => e.entity.kind === 'Component');
  return components.length > 0 ? components : owned;
}

export interface TeamChange {
  team: string;
  before?: TeamScore;
  after?: TeamScore;
  newlyFailing: Failing[];
  fixed: Failing[];
}

/** What a change does to each team: level and score before and after, and the checks that moved. */
export function diffTeams(before: ReadonlyMap<string, TeamScore>, after: ReadonlyMap<string, TeamScore>): TeamChange[] {
  const key = (f: Failing) => `${f.entityRef}|${f.checkId}`;
  const changes: TeamChange[] = [];
  for (const team of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(team);
    const a = after.get(team);
    const was = new Set(b?.failing.map(key));
    const now = new Set(a?.failing.map(key));
    const newlyFailing = (a?.failing ?? []).filter(f => !was.has(key(f)));
    const fixed = (b?.failing ?? []).filter(f => !now.has(key(f)));
    if (b?.rank !== a?.rank || b?.passed !== a?.passed || b?.applicable !== a?.applicable || newlyFailing.length || fixed.length) {
      changes.push({ team, before: b, after: a, newlyFailing, fixed });
    }
  }
  return changes;
}
