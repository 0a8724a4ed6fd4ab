import { builtinModelKinds, type RelationField } from '../backstage.ts';
import { isRecord } from '../load/loadCatalog.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import type { CatalogEntity } from './catalogEntity.ts';

let relationFields: Map<string, RelationField[]> | undefined;

/** Relation fields per kind, from Backstage's catalog model, plus the Template's owner. */
export function relationFieldsOf(kind: string | undefined): RelationField[] {
  relationFields ??= new Map([
    ...builtinModelKinds().map(k => [k.kind, k.relationFields] as const),
    ['Template', [{ path: 'spec.owner', relation: 'ownedBy', defaultKind: 'Group', allowedKinds: ['Group', 'User'] }]] as const,
  ]);
  return (kind && relationFields.get(kind)) || [];
}

export interface WrittenReference {
  field: RelationField;
  /** The spec key, e.g. `dependsOn`. */
  key: string;
  path: PathSegment[];
  written: string;
}

// The model check and the reference check both read them: worked out once per entity.
const written = new WeakMap<CatalogEntity, WrittenReference[]>();

/** Every string an entity writes into one of its kind's relation fields, with where it stands. */
export function writtenReferences(entity: CatalogEntity): WrittenReference[] {
  const known = written.get(entity);
  if (known) return known;
  const found = collectWritten(entity);
  written.set(entity, found);
  return found;
}

function collectWritten(entity: CatalogEntity): WrittenReference[] {
  const spec = isRecord(entity.entity.spec) ? entity.entity.spec : {};
  const found: WrittenReference[] = [];
  for (const field of entity.relationFields ?? relationFieldsOf(entity.kind)) {
    const key = field.path.replace(/^spec\./, '');
    const value = spec[key];
    const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
    values.forEach((written, index) => {
      if (typeof written === 'string') found.push({ field, key, path: Array.isArray(value) ? ['spec', key, index] : ['spec', key], written });
    });
  }
  return found;
}
