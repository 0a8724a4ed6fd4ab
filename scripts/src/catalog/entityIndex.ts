import type { CatalogEntity } from './catalogEntity.ts';

export type EntityIndex = ReadonlyMap<string, readonly CatalogEntity[]>;

export function indexEntities(entities: readonly CatalogEntity[]): Map<string, CatalogEntity[]> {
  const index = new Map<string, CatalogEntity[]>();
  for (const entity of entities) {
    if (!entity.ref) continue;
    const list = index.get(entity.ref);
    if (list) list.push(entity);
    else index.set(entity.ref, [entity]);
  }
  return index;
}

export function place(entity: CatalogEntity): string {
  const line = entity.locate(entity.document, ['metadata', 'name']).start.line;
  return `${entity.file}:${line}`;
}
