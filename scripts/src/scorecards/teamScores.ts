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
  /** Checks an exemption takes out of the score (not applicable, reason exempt): neither passing nor failing. */
  exempt: Failing[];
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
      exempt: owned.flatMap(e => e.results.filter(r => r.reason === 'exempt').map(r => ({ entityRef: e.ref, checkId: r.checkId }))),
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
  /**
   * Failures on the base that an exemption takes out of the head's score: not fixed (the entity fails the
   * check as before), though the score and level rise as if it were. A pull request adding its own
   * exemption read as "✅ fixed" in its report.
   */
  exempted?: Failing[];
  /** Failures on the base that no longer count for this team, and why: neither fixed nor newly failing. */
  noLongerCounted?: (Failing & { why: 'check removed' | 'entity removed' | 'moved to another team' })[];
}

export interface DiffContext {
  /** Entities the change renames (base ref -> head ref): the same entity, so its failures carry over. */
  renamed?: readonly { from: string; to: string }[];
  /** The head's check ids: a base failure of a check the change removes is not fixed. */
  checkIds: ReadonlySet<string>;
  /** The head's entity refs: a base failure of an entity the change removes is not fixed. */
  entityRefs: ReadonlySet<string>;
}

/**
 * What a change does to each team: level and score before and after, and the checks that moved.
 * With `context`, a failure is matched across teams and renames (an entity that moves to another team
 * or is renamed and still fails is neither newly failing nor fixed), and a base failure whose check or
 * entity the change removes is listed as no longer counted, not as fixed.
 */
export function diffTeams(before: ReadonlyMap<string, TeamScore>, after: ReadonlyMap<string, TeamScore>, context?: DiffContext): TeamChange[] {
  const key = (f: Failing) => `${f.entityRef}|${f.checkId}`;
  const oldName = new Map(context?.renamed?.map(r => [r.to, r.from]));
  const newName = new Map(context?.renamed?.map(r => [r.from, r.to]));
  const asBase = (f: Failing) => key({ entityRef: oldName.get(f.entityRef) ?? f.entityRef, checkId: f.checkId });
  const failingBefore = new Set([...before.values()].flatMap(t => t.failing.map(key)));
  const failingAfter = new Set([...after.values()].flatMap(t => t.failing.map(asBase)));
  const exemptAfter = new Set([...after.values()].flatMap(t => (t.exempt ?? []).map(asBase)));
  const changes: TeamChange[] = [];
  for (const team of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(team);
    const a = after.get(team);
    const was = context ? failingBefore : new Set(b?.failing.map(key));
    const now = context ? failingAfter : new Set(a?.failing.map(key));
    const newlyFailing = (a?.failing ?? []).filter(f => !was.has(context ? asBase(f) : key(f)));
    const gone = (b?.failing ?? []).filter(f => !now.has(key(f)));
    const whyGone = (f: Failing): NonNullable<TeamChange['noLongerCounted']>[number]['why'] | undefined =>
      !context ? undefined : !context.checkIds.has(f.checkId) ? 'check removed' : !context.entityRefs.has(newName.get(f.entityRef) ?? f.entityRef) ? 'entity removed' : undefined;
    const exempted = gone.filter(f => whyGone(f) === undefined && exemptAfter.has(key(f)));
    const fixed = gone.filter(f => whyGone(f) === undefined && !exemptAfter.has(key(f)));
    const stillOwned = new Set(a?.failing.map(asBase));
    const noLongerCounted = context
      ? [
          ...gone.filter(f => whyGone(f) !== undefined).map(f => ({ ...f, why: whyGone(f)! })),
          ...(b?.failing ?? []).filter(f => now.has(key(f)) && !stillOwned.has(key(f))).map(f => ({ ...f, why: 'moved to another team' as const })),
        ]
      : [];
    if (b?.rank !== a?.rank || b?.passed !== a?.passed || b?.applicable !== a?.applicable || newlyFailing.length || fixed.length || exempted.length || noLongerCounted.length) {
      changes.push({ team, before: b, after: a, newlyFailing, fixed, ...(exempted.length ? { exempted } : {}), ...(noLongerCounted.length ? { noLongerCounted } : {}) });
    }
  }
  return changes;
}
