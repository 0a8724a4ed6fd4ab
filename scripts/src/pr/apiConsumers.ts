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
 * relied on (a change that also hands the API to a consumer's team does not make that team its author).
 * Sorted.
 */
export function teamsToProtect(consumers: readonly Dependent[], reliedOwner: string | undefined): string[] {
  return [...new Set(consumers.flatMap(c => [c.owner, c.ownerBefore]).filter((o): o is string => Boolean(o) && o !== reliedOwner))].sort();
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
