import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { referencesOf } from '../catalog/checkReferences.ts';
import { ownerOf, type EntityChanges } from './entityChanges.ts';

/** A relation this change adds from one of its entities to an entity another team owns. */
export interface NewRelation {
  /** The entity that gained the relation (head ref). */
  ref: string;
  /** The relation field (`system`, `providesApis`, `subcomponentOf`, `owner`, …). */
  field: string;
  target: string;
  /** The team asked: the target's spec.owner, or for `owner` the new owning group itself. */
  team: string;
}

/**
 * Relations the added, changed and renamed entities of a change gain (a field/target pair the base
 * entity, or the entity it was renamed from, did not have) whose target belongs to another team than the
 * entity's own owner (for `owner`: than the entity's owner in the base). Attaching an entity to another team's system, API or component changes that team's
 * entity page, graph and scorecards in Backstage (relations are emitted from the source entity alone), and
 * handing an entity to a group makes that group answer for it, so that team should review. Targets that
 * are not in the head catalog, or have no owner, ask nobody. Returns one entry per relation, in order.
 */
export function newRelations(changes: EntityChanges, base: readonly CatalogEntity[], head: readonly CatalogEntity[]): NewRelation[] {
  const before = new Map(base.filter(e => e.ref).map(e => [e.ref!, e]));
  const after = new Map(head.filter(e => e.ref).map(e => [e.ref!, e]));
  const renamedFrom = new Map(changes.renamed.map(r => [r.to, r.from]));
  const renamedTo = new Map(changes.renamed.map(r => [r.from, r.to]));
  const touched = new Set([...changes.added, ...changes.changed].map(e => e.ref).concat(changes.renamed.map(r => r.to)));
  const found: NewRelation[] = [];
  for (const ref of touched) {
    const entity = after.get(ref);
    if (!entity) continue;
    const was = before.get(renamedFrom.get(ref) ?? ref);
    // A reference repointed at the new name of an entity the change renames is the relation it had.
    const had = new Set(was ? referencesOf(was).flatMap(r => [`${r.field}|${r.target}`, `${r.field}|${renamedTo.get(r.target) ?? r.target}`]) : []);
    const own = ownerOf(entity);
    for (const r of referencesOf(entity)) {
      if (had.has(`${r.field}|${r.target}`) || r.target === ref) continue;
      const target = after.get(r.target);
      // A new owner is another team than the one that owned the entity before (a new entity's is its own).
      // A new owner the head catalog does not define (a misspelt group: the gate's ref-unresolved) asks nobody:
      // the report asked the typo itself to review, as if it were a team.
      const team = r.field === 'owner' ? (was && target ? r.target : undefined) : target ? ownerOf(target) : undefined;
      if (!team || team === (r.field === 'owner' ? ownerOf(was!) : own)) continue;
      found.push({ ref, field: r.field, target: r.target, team });
    }
  }
  return found;
}
