import { builtinModelKinds, entityModelCore, type RelationField } from '../backstage.ts';
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

/** A reference an entity writes in one of its kind's relation fields, as Backstage's relation emitter parses it. */
export interface Reference {
  source: CatalogEntity;
  /** The spec key, e.g. `dependsOn`. */
  field: string;
  path: PathSegment[];
  /** Lower-cased `kind:namespace/name`. */
  target: string;
  allowedKinds?: string[];
  /** The kind parseEntityRef fills in when the string names none (`providesApis: payments` is an API). */
  defaultKind?: string;
  /** Whether the string names its kind (`component:payments`) rather than leaving it to defaultKind. */
  kindWritten?: boolean;
}

/** A string in a relation field that parseEntityRef refuses (entity-ref-format), with its error's message. */
export interface MalformedReference {
  field: RelationField;
  /** The spec key, e.g. `dependsOn`. */
  key: string;
  path: PathSegment[];
  written: string;
  message: string;
}

export interface EntityReferences {
  references: Reference[];
  malformed: readonly MalformedReference[];
}

const NO_MALFORMED: readonly MalformedReference[] = Object.freeze([]);

// The model check (entity-ref-format), the reference, group and CODEOWNERS checks all read them: each
// string is parsed once per entity and only the result is kept.
const parsed = new WeakMap<CatalogEntity, EntityReferences>();

/**
 * Every string an entity writes into one of its kind's relation fields, parsed with Backstage's
 * parseEntityRef (the field's default kind, the entity's namespace): the references, in field order,
 * and the strings it refuses with its message.
 */
export function entityReferences(entity: CatalogEntity): EntityReferences {
  let known = parsed.get(entity);
  if (!known) parsed.set(entity, (known = parseWritten(entity)));
  return known;
}

/** Whether a ref string names its kind, read as catalog-model's parseRefString does (a colon before any slash). */
function namesKind(written: string): boolean {
  const colon = written.indexOf(':');
  const slash = written.indexOf('/');
  return colon !== -1 && (slash === -1 || colon < slash);
}

function parseWritten(entity: CatalogEntity): EntityReferences {
  const spec = isRecord(entity.entity.spec) ? entity.entity.spec : undefined;
  const references: Reference[] = [];
  let malformed: MalformedReference[] | undefined;
  if (!spec) return { references, malformed: NO_MALFORMED };
  const core = entityModelCore();
  for (const field of entity.relationFields ?? relationFieldsOf(entity.kind)) {
    const key = field.path.startsWith('spec.') ? field.path.slice(5) : field.path;
    const value = spec[key];
    if (value === undefined) continue;
    const list = Array.isArray(value);
    const values: unknown[] = list ? value : [value];
    for (let index = 0; index < values.length; index++) {
      const written = values[index];
      if (typeof written !== 'string') continue;
      const path: PathSegment[] = list ? ['spec', key, index] : ['spec', key];
      try {
        const ref = core.parseEntityRef(written, { defaultKind: field.defaultKind, defaultNamespace: entity.namespace });
        references.push({ source: entity, field: key, path, target: `${ref.kind}:${ref.namespace}/${ref.name}`.toLowerCase(), allowedKinds: field.allowedKinds, defaultKind: field.defaultKind, kindWritten: namesKind(written) });
      } catch (error) {
        (malformed ??= []).push({ field, key, path, written, message: (error as Error).message });
      }
    }
  }
  return { references, malformed: malformed ?? NO_MALFORMED };
}
