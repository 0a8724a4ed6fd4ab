import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { referencesOf } from '../catalog/checkReferences.ts';
import { isRecord } from '../load/loadCatalog.ts';

export interface EntityChanges {
  added: CatalogEntity[];
  changed: CatalogEntity[];
  removed: CatalogEntity[];
  /** Entities whose lifecycle became deprecated. */
  deprecated: CatalogEntity[];
}

export function entityChanges(base: readonly CatalogEntity[], head: readonly CatalogEntity[]): EntityChanges {
  const before = new Map(base.filter(e => e.ref).map(e => [e.ref!, e]));
  const after = new Map(head.filter(e => e.ref).map(e => [e.ref!, e]));
  const lifecycle = (e: CatalogEntity | undefined) => (e && isRecord(e.entity.spec) ? e.entity.spec.lifecycle : undefined);
  return {
    added: [...after.values()].filter(e => !before.has(e.ref!)),
    changed: [...after.values()].filter(e => before.has(e.ref!) && JSON.stringify(before.get(e.ref!)!.raw) !== JSON.stringify(e.raw)),
    removed: [...before.values()].filter(e => !after.has(e.ref!)),
    deprecated: [...after.values()].filter(e => lifecycle(e) === 'deprecated' && lifecycle(before.get(e.ref!)) !== 'deprecated'),
  };
}

export interface Impact {
  /** A removed or deprecated entity and who still points at it (as of the base, for removals). */
  subject: string;
  why: 'removed' | 'deprecated';
  dependents: { ref: string; field: string; owner?: string }[];
}

/** Who is hurt by a removal or deprecation: every entity whose relations point at it. */
export function impact(changes: EntityChanges, base: readonly CatalogEntity[], head: readonly CatalogEntity[]): Impact[] {
  const pointingAt = (entities: readonly CatalogEntity[], ref: string) =>
    entities.flatMap(e => referencesOf(e).filter(r => r.target === ref && e.ref !== ref).map(r => ({ ref: e.ref!, field: r.field, owner: referencesOf(e).find(o => o.field === 'owner')?.target })));
  const removedRefs = new Set(changes.removed.map(e => e.ref!));
  return [
    ...changes.removed.map(e => ({ subject: e.ref!, why: 'removed' as const, dependents: pointingAt(base, e.ref!).filter(d => !removedRefs.has(d.ref)) })),
    ...changes.deprecated.map(e => ({ subject: e.ref!, why: 'deprecated' as const, dependents: pointingAt(head, e.ref!) })),
  ].filter(i => i.dependents.length > 0);
}

/** APIs that lose a consumer between base and head, with the consumer that left. */
export function lostConsumers(base: readonly CatalogEntity[], head: readonly CatalogEntity[]): { api: string; consumer: string }[] {
  const consumers = (entities: readonly CatalogEntity[]) => new Set(entities.flatMap(e => referencesOf(e).filter(r => r.field === 'consumesApis').map(r => `${r.target}|${e.ref}`)));
  const now = consumers(head);
  return [...consumers(base)].filter(pair => !now.has(pair)).map(pair => {
    const [api, consumer] = pair.split('|');
    return { api, consumer };
  });
}
