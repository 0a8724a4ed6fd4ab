import { builtinModelKinds, entityModelCore, type RelationField } from '../backstage.ts';
import { isRecord } from '../load/loadCatalog.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import type { CatalogEntity } from './catalogEntity.ts';
import { UNAVAILABLE_TEXT, unavailableText } from './placeholders.ts';

let relationFields: Map<string, RelationField[]> | undefined;

/** Relation fields per kind, from Backstage's catalog model, plus the Template's owner. */
export function relationFieldsOf(kind: string | undefined): RelationField[] {
  relationFields ??= new Map([
    ...builtinModelKinds().map(k => [k.kind, k.relationFields] as const),
    ['Template', [{ path: 'spec.owner', relation: 'ownedBy', defaultKind: 'Group', allowedKinds: ['Group', 'User'] }]] as const,
  ]);
  return (kind && relationFields.get(kind)) || [];
}

/**
 * A reference an entity writes in one of its kind's relation fields, as Backstage's relation emitter parses
 * it. A big catalog keeps one per relation until its checks across entities have run, so what only a
 * finding needs (where it is written, the field's kinds) is derived on reading, not stored.
 */
export class Reference {
  readonly source: CatalogEntity;
  /** The spec key, e.g. `dependsOn`. */
  readonly field: string;
  /** Lower-cased `kind:namespace/name`. */
  readonly target: string;
  /** Whether the string names its kind (`component:payments`) rather than leaving it to defaultKind. */
  readonly kindWritten: boolean;
  readonly #relation: RelationField;
  /** The item's index in a list field; -1 for a field holding one string. */
  readonly #index: number;

  constructor(source: CatalogEntity, field: string, index: number, target: string, relation: RelationField, kindWritten: boolean) {
    this.source = source;
    this.field = field;
    this.#index = index;
    this.target = target;
    this.#relation = relation;
    this.kindWritten = kindWritten;
  }

  /** Where the string is written: `['spec', field]`, or `['spec', field, index]` in a list (a new array each read). */
  get path(): PathSegment[] {
    return this.#index < 0 ? ['spec', this.field] : ['spec', this.field, this.#index];
  }

  /** The kinds Backstage's model allows in the field, if it limits them. */
  get allowedKinds(): string[] | undefined {
    return this.#relation.allowedKinds;
  }

  /** The kind parseEntityRef fills in when the string names none (`providesApis: payments` is an API). */
  get defaultKind(): string | undefined {
    return this.#relation.defaultKind;
  }
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
export function namesKind(written: string): boolean {
  const colon = written.indexOf(':');
  const slash = written.indexOf('/');
  return colon !== -1 && (slash === -1 || colon < slash);
}

// Many entities name the same owner, system or API: one copy of each target string serves them all
// (a table bounded like parseYaml's, so unique names cost lookups, not memory).
const SHARED_TARGETS_MAX = 1 << 16;
const sharedTargets = new Map<string, string>();

function sharedTarget(target: string): string {
  const known = sharedTargets.get(target);
  if (known !== undefined) return known;
  if (sharedTargets.size < SHARED_TARGETS_MAX) sharedTargets.set(target, target);
  return target;
}

// Most strings written into relation fields recur (an owner, a system, an API many entities name): each is
// parsed once per default kind and namespace, the only inputs parseEntityRef reads besides the string.
// Bounded like the shared targets; a string it refuses is not remembered (its error is the finding).
const PARSED_MAX = 1 << 16;
let parsedCount = 0;
const parsedTargets = new Map<string, Map<string, Map<string, string>>>();

/** The lower-cased `kind:namespace/name` parseEntityRef makes of `written`; throws its error for a string it refuses. */
function targetOf(written: string, defaultKind: string | undefined, namespace: string | undefined): string {
  let byNamespace = parsedTargets.get(defaultKind ?? '');
  if (!byNamespace) parsedTargets.set(defaultKind ?? '', (byNamespace = new Map()));
  let byWritten = byNamespace.get(namespace ?? '');
  if (!byWritten) byNamespace.set(namespace ?? '', (byWritten = new Map()));
  const known = byWritten.get(written);
  if (known !== undefined) return known;
  const ref = entityModelCore().parseEntityRef(written, { defaultKind, defaultNamespace: namespace });
  const target = sharedTarget(`${ref.kind}:${ref.namespace}/${ref.name}`.toLowerCase());
  if (parsedCount < PARSED_MAX) {
    byWritten.set(written, target);
    parsedCount++;
  }
  return target;
}

function parseWritten(entity: CatalogEntity): EntityReferences {
  const spec = isRecord(entity.entity.spec) ? entity.entity.spec : undefined;
  const references: Reference[] = [];
  let malformed: MalformedReference[] | undefined;
  if (!spec) return { references, malformed: NO_MALFORMED };
  for (const field of entity.relationFields ?? relationFieldsOf(entity.kind)) {
    const key = field.path.startsWith('spec.') ? field.path.slice(5) : field.path;
    const value = spec[key];
    if (value === undefined) continue;
    const list = Array.isArray(value);
    const values: unknown[] = list ? value : [value];
    for (let index = 0; index < values.length; index++) {
      const written = values[index];
      if (typeof written !== 'string') continue;
      // A $text placeholder without a value: the ref Backstage would read is unknown, not "(unavailable)".
      if (written === UNAVAILABLE_TEXT && unavailableText(entity.entity, list ? ['spec', key, index] : ['spec', key])) continue;
      try {
        references.push(new Reference(entity, key, list ? index : -1, targetOf(written, field.defaultKind, entity.namespace), field, namesKind(written)));
      } catch (error) {
        (malformed ??= []).push({ field, key, path: list ? ['spec', key, index] : ['spec', key], written, message: (error as Error).message });
      }
    }
  }
  return { references, malformed: malformed ?? NO_MALFORMED };
}

