import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { referencesOf } from '../catalog/checkReferences.ts';
import { ownerOf, type Dependent } from './entityChanges.ts';

/**
 * The consumers of every API (by its head name, renames followed through `newName`), counted from both
 * revisions: a component that consumes the API in the head, and one that consumed it in the base but
 * drops its `spec.consumesApis` entry, or is removed, in the same change (`onlyBefore`). Each consumer's
 * owner is the head's when it stays, with the base owner kept as `ownerBefore` when the change hands the
 * consumer to another team. Backstage builds `apiConsumedBy` from `spec.consumesApis` alone, so these
 * are the teams its catalog showed depending on the API before and after; a change to a consumer in the
 * same pull request as a breaking change to its API is not the consumer's team agreeing to it.
 */
export function consumersByApi(base: readonly CatalogEntity[], head: readonly CatalogEntity[], newName: ReadonlyMap<string, string>): Map<string, Dependent[]> {
  const map = (ref: string) => newName.get(ref) ?? ref;
  const byApi = new Map<string, Map<string, Dependent>>();
  const add = (api: string, d: Dependent) => (byApi.get(api) ?? byApi.set(api, new Map()).get(api)!).set(d.ref, d);
  const inHead = new Map(head.filter(e => e.ref).map(e => [e.ref!, e]));
  for (const e of head) {
    if (!e.ref) continue;
    for (const r of referencesOf(e)) {
      if (r.field !== 'consumesApis') continue;
      const owner = ownerOf(e);
      add(map(r.target), { ref: e.ref, field: r.field, ...(owner ? { owner } : {}) });
    }
  }
  for (const e of base) {
    if (!e.ref) continue;
    for (const r of referencesOf(e)) {
      if (r.field !== 'consumesApis') continue;
      const api = map(r.target);
      const ref = map(e.ref);
      const ownerBefore = ownerOf(e);
      const known = byApi.get(api)?.get(ref);
      if (known) {
        if (ownerBefore && ownerBefore !== known.owner) known.ownerBefore = ownerBefore;
        continue;
      }
      const stays = inHead.get(ref);
      const owner = stays ? ownerOf(stays) : ownerBefore;
      add(api, { ref, field: r.field, ...(owner ? { owner } : {}), ...(ownerBefore && ownerBefore !== owner ? { ownerBefore } : {}), onlyBefore: true });
    }
  }
  return new Map([...byApi].map(([api, consumers]) => [api, [...consumers.values()]]));
}

/**
 * The teams a breaking change to an API reaches: every owner its consumers have before or after the
 * change (consumersByApi), except `reliedOwner`, the API's owner before the change, which its consumers
 * relied on (a change that also hands the API to a consumer's team does not make that team its author),
 * and a user the base revision makes a member of that owner (`members`, membersByGroup): a component a
 * member of the API's own team owns is that team's own. Another group, a sub-group included (Backstage's
 * membership does not pass from a child group to its parent), still counts. Sorted.
 */
export function teamsToProtect(consumers: readonly Dependent[], reliedOwner: string | undefined, members?: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const ownTeam = reliedOwner === undefined ? undefined : members?.get(reliedOwner);
  return [...new Set(consumers.flatMap(c => [c.owner, c.ownerBefore]).filter((o): o is string => Boolean(o) && o !== reliedOwner && !(o!.startsWith('user:') && ownTeam?.has(o!))))].sort();
}

const membersCache = new WeakMap<readonly CatalogEntity[], Map<string, Set<string>>>();

/**
 * The users each group has as members in `entities` (a revision's catalog), by lower-case ref
 * (`group:default/payments` → `user:default/alice`): a User's `spec.memberOf` and a Group's `spec.members`,
 * parsed as Backstage parses them (default kinds Group and User, the entity's namespace), the two fields
 * BuiltinKindsEntityProcessor turns into memberOf / hasMember relations. Callers pass the base revision:
 * a pull request that adds a consumer's owner to the API's team is not that team agreeing to its own
 * change. Users the repo does not define (an org provider brings them) are no one's members here.
 * Computed once per catalog array.
 */
export function membersByGroup(entities: readonly CatalogEntity[]): Map<string, Set<string>> {
  let members = membersCache.get(entities);
  if (members) return members;
  members = new Map();
  const add = (group: string, user: string) => (members!.get(group) ?? members!.set(group, new Set()).get(group)!).add(user);
  for (const e of entities) {
    // Refs are lower-cased `kind:namespace/name` (refOf).
    const kind = e.ref?.slice(0, e.ref.indexOf(':'));
    if (kind !== 'user' && kind !== 'group') continue;
    for (const r of referencesOf(e)) {
      if (kind === 'user' && r.field === 'memberOf' && r.target.startsWith('group:')) add(r.target, e.ref!);
      if (kind === 'group' && r.field === 'members' && r.target.startsWith('user:')) add(e.ref!, r.target);
    }
  }
  membersCache.set(entities, members);
  return members;
}

/** `component:default/x (group:default/a; owned by group:default/b before this change)`: a consumer and why it counts. */
export function describeConsumer(c: Dependent): string {
  const notes = [c.owner, c.ownerBefore ? `owned by ${c.ownerBefore} before this change` : undefined, c.onlyBefore ? 'consumed it before this change' : undefined].filter(Boolean);
  return `${c.ref}${notes.length ? ` (${notes.join('; ')})` : ''}`;
}

const MAX_LISTED = 10;

/** The consumers and why each counts (describeConsumer), at most MAX_LISTED of them. */
export const consumerList = (consumers: readonly Dependent[]) => `${consumers.slice(0, MAX_LISTED).map(describeConsumer).join(', ')}${consumers.length > MAX_LISTED ? ` and ${consumers.length - MAX_LISTED} more` : ''}`;

/** Why a consumer changed in the same pull request still counts, when one did. */
export function consumerNote(consumers: readonly Dependent[]): string {
  if (!consumers.some(c => c.onlyBefore || c.ownerBefore)) return '';
  return ' A consumer that stops consuming it, or is handed to another team, in the same change still counts: make that change in its own pull request, which its team reviews, before this one.';
}
