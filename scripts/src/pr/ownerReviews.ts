import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { ownersOf, type CodeownersRule } from '../codeowners/codeowners.ts';
import { ownerOf, type EntityChanges } from './entityChanges.ts';

/** A team whose own entity the change touches without CODEOWNERS making that team approve it. */
export interface OwnerReview {
  team: string;
  why: string;
}

/**
 * The owning groups a change touches that CODEOWNERS does not make approve it. GitHub asks one code owner
 * per file, so in a file several teams own (their entities share it, e.g. a domains file) any one of them
 * approves a change to another team's entity alone, even handing it to itself, or adds an entity in another
 * team's name. Returns, for each entity the change adds (as in `head`), edits, removes, renames, moves or
 * hands to another group (as it was in `base`), that owner when the file's line in the base revision's
 * CODEOWNERS (`rules`) names more than one owner besides `platformTeam` (the base config's, who co-owns files
 * holding Users, Groups and Locations and reviews for everyone anyway); in a one-team file CODEOWNERS asks
 * that team already. In order, one entry per entity; entities without an owner ask nobody. Pure.
 */
export function ownerReviews(changes: EntityChanges, base: readonly CatalogEntity[], head: readonly CatalogEntity[], rules: readonly CodeownersRule[], platformTeam?: string): OwnerReview[] {
  const before = new Map(base.filter(e => e.ref).map(e => [e.ref!, e]));
  const after = new Map(head.filter(e => e.ref).map(e => [e.ref!, e]));
  const touched: [string, 'added' | 'edited' | 'removed' | 'renamed' | 'moved', string?][] = [
    ...changes.added.map(e => [e.ref, 'added', e.ref] as [string, 'added', string]),
    ...changes.changed.map(e => [e.ref, 'edited'] as [string, 'edited']),
    ...changes.removed.map(e => [e.ref, 'removed'] as [string, 'removed']),
    ...changes.renamed.map(r => [r.from, r.from === r.to ? 'moved' : 'renamed', r.to] as [string, 'renamed' | 'moved', string]),
  ];
  const found: OwnerReview[] = [];
  for (const [ref, how, to] of touched) {
    // An added entity is judged as it is in the head: its owner never agreed to own it.
    const was = how === 'added' ? after.get(ref) : before.get(ref);
    const team = was && ownerOf(was);
    if (!was || !team) continue;
    const owners = (ownersOf(rules, was.file)?.owners ?? []).filter(o => o.toLowerCase() !== platformTeam?.toLowerCase());
    if (owners.length < 2) continue;
    const now = after.get(to ?? ref);
    const owner = now && ownerOf(now);
    const what = owner && owner !== team ? `is handed from ${team} to ${owner}` : `is ${how}`;
    found.push({ team, why: `${ref} ${what} in ${was.file}, which CODEOWNERS gives to ${owners.length} teams (${owners.slice(0, 5).join(', ')}${owners.length > 5 ? ', …' : ''}): any one of them approves it alone` });
  }
  return found;
}
