import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import type { RemoteEntity, RemoteLocation } from './catalogApi.ts';
import { refOfRemote } from './planSync.ts';

/** An entity the repo defines that Backstage already holds from another registered location. */
export interface Adoption {
  desired: CatalogEntity;
  actual: RemoteEntity;
  /** `backstage.io/managed-by-origin-location` of the copy Backstage holds: the registered location it came through. */
  origin: string;
}

/** A registered location whose entities the repo takes over. */
export interface LocationReplacement {
  /** `<type>:<target>` as Backstage writes it in managed-by-origin-location. */
  origin: string;
  /** Its id in `/locations`; absent when Backstage reads it from app-config (catalog.locations), which the API cannot remove. */
  id?: string;
  adopted: number;
  /** Why it stays (then its entities are not adopted): what else it holds, or that app-config registers it. */
  blocked?: string;
  /** One of this repo's former roots (formerRoots): never blocked; what it holds that the repo no longer defines is removed. */
  former?: boolean;
}

export interface AdoptionPlan {
  adopt: Adoption[];
  replace: LocationReplacement[];
}

const isStructure = (e: RemoteEntity) => e.kind === 'Location';

/**
 * Which of the repo's entities Backstage holds from other locations, and which of those locations
 * the repo replaces. Backstage keeps an entity with the location that emitted it first (a second
 * location's copy is a conflict it ignores, catalog-backend's `checkLocationKeyConflict`), so the
 * hand-over must remove the old location and the old copy before the new location can claim it.
 * A location is replaced only when every entity it emits (Locations aside) is in the repo:
 * removing it otherwise would drop entities the repo does not define. `held` maps each old origin
 * to everything Backstage holds from it; `locations` is `GET /locations`. A location of `former` (this
 * repo's former roots) is always replaced: what it holds beyond the repo is the repo's own removal, and
 * one already unregistered (its entities orphans) has nothing left to unregister.
 */
export function planAdoption(candidates: readonly { desired: CatalogEntity; actual: RemoteEntity }[], held: ReadonlyMap<string, readonly RemoteEntity[]>, locations: readonly RemoteLocation[], wanted: ReadonlySet<string>, former: ReadonlySet<string> = new Set()): AdoptionPlan {
  const byOrigin = new Map<string, { desired: CatalogEntity; actual: RemoteEntity }[]>();
  for (const candidate of candidates) {
    const origin = candidate.actual.metadata.annotations?.['backstage.io/managed-by-origin-location'];
    if (!origin) continue;
    byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), candidate]);
  }
  const plan: AdoptionPlan = { adopt: [], replace: [] };
  for (const [origin, list] of [...byOrigin].sort(([a], [b]) => a.localeCompare(b))) {
    const location = locations.find(l => `${l.type}:${l.target}` === origin);
    if (former.has(origin)) {
      plan.replace.push({ origin, id: location?.id, adopted: list.length, former: true });
      plan.adopt.push(...list.map(c => ({ ...c, origin })));
      continue;
    }
    const others = (held.get(origin) ?? []).filter(e => !isStructure(e) && !wanted.has(refOfRemote(e)));
    const blocked = !location
      ? 'Backstage reads it from app-config (catalog.locations): remove it there, deploy, and sync again'
      : others.length
        ? `it also holds ${others.length} entit${others.length === 1 ? 'y' : 'ies'} this repo does not define (${others.slice(0, 3).map(refOfRemote).join(', ')}${others.length > 3 ? ', …' : ''}): import them too, or remove them from it first`
        : undefined;
    plan.replace.push({ origin, id: location?.id, adopted: blocked ? 0 : list.length, ...(blocked ? { blocked } : {}) });
    if (!blocked) plan.adopt.push(...list.map(c => ({ ...c, origin })));
  }
  return plan;
}
