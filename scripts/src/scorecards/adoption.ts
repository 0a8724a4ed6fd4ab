import { isRecord } from '../load/loadCatalog.ts';
import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { referencesOf } from '../catalog/checkReferences.ts';

export interface Adoption {
  components: number;
  withOwner: number;
  withSystem: number;
  withLifecycle: number;
  withTechDocs: number;
  ownedByTeam: Record<string, number>;
  unownedOrUserOwned: number;
}

/** Catalog completeness the way platform teams track it. */
export function adoption(entities: readonly CatalogEntity[], groups: ReadonlySet<string>): Adoption {
  const components = entities.filter(e => e.kind === 'Component');
  const spec = (e: CatalogEntity) => (isRecord(e.entity.spec) ? e.entity.spec : {});
  const annotations = (e: CatalogEntity) => {
    const m = isRecord(e.entity.metadata) ? e.entity.metadata : {};
    return isRecord(m.annotations) ? m.annotations : {};
  };
  const ownedByTeam: Record<string, number> = {};
  let unownedOrUserOwned = 0;
  for (const e of entities.filter(x => ['Component', 'API', 'Resource', 'System', 'Domain'].includes(x.kind ?? ''))) {
    const owner = referencesOf(e).find(r => r.field === 'owner')?.target;
    if (owner && groups.has(owner)) ownedByTeam[owner] = (ownedByTeam[owner] ?? 0) + 1;
    else unownedOrUserOwned++;
  }
  return {
    components: components.length,
    withOwner: components.filter(c => Boolean(spec(c).owner)).length,
    withSystem: components.filter(c => Boolean(spec(c).system)).length,
    withLifecycle: components.filter(c => Boolean(spec(c).lifecycle)).length,
    withTechDocs: components.filter(c => Boolean(annotations(c)['backstage.io/techdocs-ref'])).length,
    ownedByTeam,
    unownedOrUserOwned,
  };
}
