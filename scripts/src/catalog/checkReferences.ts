import { closest, distance } from 'fastest-levenshtein';
import type { Diagnostic } from '../diagnostic.ts';
import { boundedText } from '../report/safeText.ts';
import { entityModelCore } from '../backstage.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { diagnosticAt, type CatalogEntity } from './catalogEntity.ts';
import { entityReferences, type Reference } from './relationFields.ts';
import { envPlaceholderNote } from './envPlaceholder.ts';
import type { EntityIndex } from './entityIndex.ts';
import type { ProvidedScope } from './providedScopes.ts';

export type { Reference };

/** Every relation field of an entity, parsed with Backstage's default kind and the entity's namespace. */
export function referencesOf(entity: CatalogEntity): Reference[] {
  return entityReferences(entity).references;
}

export function checkReferences(
  entities: readonly CatalogEntity[],
  index: EntityIndex,
  isExternal: (ref: string) => boolean,
  options: {
    /** Without a config nothing says where the rest of the org lives: a kind this catalog never defines is only a warning. */
    unconfigured?: boolean;
    /**
     * Refs the change's files (or the base) defined before it: without a config, a kind this catalog no longer
     * defines is still no kind "that lives elsewhere" when the change deleted its last entity here.
     */
    formerlyDefined?: ReadonlyMap<string, string>;
    /** The org provider of the managed Backstage that brings a ref from elsewhere (providedScopes). */
    providedBy?: (ref: string) => ProvidedScope | undefined;
    /** Ref -> the file whose document would define it but does not parse (SourceFile.unparsedRefs). */
    unparsed?: ReadonlyMap<string, string>;
    /** Whether an entity's kind is one the model does not know (an entity-kind-unknown finding on it). */
    unknownKind?: (entity: CatalogEntity) => boolean;
    /** Ref -> the repo file that defines it but no Location reaches (a location-unreachable finding; unreachableDefinitions). */
    unreachable?: ReadonlyMap<string, string>;
    /** The finding by which Backstage's own model refuses an entity of the index (modelRefusal), if it does. */
    refused?: (entity: CatalogEntity) => Diagnostic | undefined;
  } = {},
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const suggest = suggester(index);
  // Only an unresolved reference needs the kinds the catalog defines: worked out on the first one.
  let kinds: Set<string> | undefined;
  const definesKind = (kind: string) => (kinds ??= new Set([...index.keys()].map(ref => ref.slice(0, ref.indexOf(':'))))).has(kind);
  const referenced = entities.map(entity => referencesOf(entity));
  const elsewhereGroups = new Map<string, ElsewhereGroup>();
  // How often the repo names each ref no entity here defines: a provided name used once beside a near one
  // used more is likely its misspelling (see providedNearMiss).
  let unresolvedUses: Map<string, number> | undefined;
  const usesOf = () => {
    if (unresolvedUses) return unresolvedUses;
    unresolvedUses = new Map();
    for (const list of referenced) for (const { target } of list) if (!index.has(target)) unresolvedUses.set(target, (unresolvedUses.get(target) ?? 0) + 1);
    return unresolvedUses;
  };
  entities.forEach((entity, at) => {
    for (const reference of referenced[at]) {
      const { target, field } = reference;
      const kind = target.slice(0, target.indexOf(':'));
      if (reference.allowedKinds && !reference.allowedKinds.some(k => k.toLowerCase() === kind)) {
        const kinds = reference.allowedKinds.join(' or ');
        // BuiltinKindsEntityProcessor (and the scaffolder's processor for Template) emits the relation for
        // any kind; only the ModelProcessor of an extended model (catalog.modules, entity.relationFields)
        // skips a target outside the field's allowedKinds, so only there is the relation lost.
        if (entity.relationFields) {
          diagnostics.push(diagnosticAt(entity, reference.path, {
            ruleId: 'ref-kind-not-allowed',
            severity: 'error',
            message: `spec.${field} points at ${target}, but the managed Backstage's model relates ${field} only to ${kinds}: it drops this relation.`,
            hint: `Refer to a ${kinds} instead; the catalog accepts the entity silently but the relation never appears.`,
          }));
          continue;
        }
        diagnostics.push(diagnosticAt(entity, reference.path, {
          ruleId: 'ref-kind-not-allowed',
          severity: 'warning',
          message: `spec.${field} points at ${target}; Backstage relates it, but ${field} is usually a ${kinds}.`,
          hint: `Refer to a ${kinds} unless this is deliberate: owner and membership views, CODEOWNERS and most plugins look for those kinds.`,
        }));
      }
      if (target === entity.ref) {
        diagnostics.push(
          diagnosticAt(entity, reference.path, { ruleId: 'ref-self', severity: 'warning', message: `spec.${field} refers to the entity itself.`, hint: 'Remove the reference.' }),
        );
        continue;
      }
      const defined = index.get(target);
      if (defined) {
        // Every entity by that ref is one Backstage refuses: the relation leads to no entity in the catalog, and
        // the refusal is the finding (like a file that does not parse); this reference follows from it. A name
        // no entity can have (a `{{ values.x }}` left in) is the reference's own error too: said below.
        const refusal = options.refused && defined.every(e => options.refused!(e) !== undefined) ? options.refused(defined[0]) : undefined;
        if (!refusal) continue;
        if (!impossibleTarget(entity, reference)) {
          const at = `${refusal.file}:${refusal.range.start.line}:${refusal.range.start.column}`;
          diagnostics.push(diagnosticAt(entity, reference.path, {
            ruleId: 'ref-unresolved',
            severity: 'info',
            message: `spec.${field} refers to ${target}, which ${defined.length > 1 ? `each of its ${defined.length} definitions fails` : 'its definition fails'} Backstage's own checks (the ${refusal.ruleId} finding at ${at}), so the catalog never holds it.`,
            hint: `Fix the ${refusal.ruleId} finding at ${at}; this reference resolves once Backstage accepts the entity.`,
          }));
          continue;
        }
      }
      const brokenFile = options.unparsed?.get(target);
      if (brokenFile !== undefined) {
        // The YAML error is the finding; this reference only follows from it.
        diagnostics.push(diagnosticAt(entity, reference.path, {
          ruleId: 'ref-unresolved',
          severity: 'info',
          message: `spec.${field} refers to ${target}, which is defined in ${brokenFile}, which does not parse.`,
          hint: `Fix the YAML error in ${brokenFile}; this reference resolves once it parses.`,
        }));
        continue;
      }
      const strandedIn = options.unreachable?.get(target);
      if (strandedIn !== undefined) {
        // The unreachable file is the finding (location-unreachable, often from a mistyped Location target).
        diagnostics.push(diagnosticAt(entity, reference.path, {
          ruleId: 'ref-unresolved',
          severity: 'info',
          message: `spec.${field} refers to ${target}, which is defined in ${strandedIn}, a file no Location reaches, so Backstage never reads it.`,
          hint: `Fix the location-unreachable finding on ${strandedIn} (often a mistyped Location target); this reference resolves once a Location reaches it.`,
        }));
        continue;
      }
      // A same-named entity of a kind the field cannot point at (a System called like the team that owns it)
      // is no typo of this ref: Backstage's model (relationFields' allowedKinds) says what the field takes.
      // A ref written without a kind means the field's default kind: `providesApis: [payments]` asks for an
      // API, and the Component called payments that provides it (the usual naming) is no typo of it either.
      const meantKinds = reference.allowedKinds ?? (!reference.kindWritten && reference.defaultKind ? [reference.defaultKind] : undefined);
      // One whose own kind is mistyped (entity-kind-unknown) stays the guess: its hint says to correct that kind.
      const mistypedKind = (ref: string) => { const d = index.get(ref)?.[0]; return d !== undefined && options.unknownKind !== undefined && options.unknownKind(d); };
      const guess = suggest(target, meantKinds, mistypedKind);
      const impossible = impossibleTarget(entity, reference);
      if (impossible) {
        // No catalog anywhere holds an entity by that name, so neither an org provider, catalog.external nor
        // "this folder defines no such kind" can account for it: Backstage accepts the entity and the relation
        // leads nowhere (an owner shown as a dead link), whatever the managed Backstage ingests.
        diagnostics.push({ ...diagnosticAt(entity, reference.path, {
          ruleId: 'ref-unresolved',
          severity: 'error',
          message: `spec.${field} refers to ${target}, but ${impossible}, so no entity in any catalog can have it: Backstage accepts this entity and the relation points at nothing.`,
          hint: guess
            ? `Did you mean ${asWritten(index, guess)}?`
            : `${envPlaceholderNote(String(valueAt(entity.raw, reference.path) ?? ''))}Write the entity's name as its metadata.name has it${reference.allowedKinds ? ` (a ${reference.allowedKinds.join(' or ')} name such as team-a, not a person's name or an email address)` : ''}.`,
        }), unresolvedRef: target, unresolvedField: `spec.${field}` });
        continue;
      }
      const provided = options.providedBy?.(target);
      if (provided) {
        diagnostics.push(providedReference(index, entity, reference, provided, guess ?? undefined, guess ? undefined : providedNearMiss(target, usesOf(), options.providedBy!)));
        continue;
      }
      if (isExternal(target)) continue;
      // The same name under another kind is a wrong kind, not an entity that lives elsewhere.
      const sameName = guess !== undefined && guess.slice(guess.indexOf('/')) === target.slice(target.indexOf('/'));
      const elsewhere = options.unconfigured && !definesKind(kind) && !sameName && !options.formerlyDefined?.has(target);
      const unresolved = diagnosticAt(entity, reference.path, {
          ruleId: 'ref-unresolved',
          severity: elsewhere ? 'warning' : 'error',
          message: elsewhere
            ? `spec.${field} refers to ${target}; this folder defines no ${kind} entities, so it cannot be checked here.`
            : `spec.${field} refers to ${target}, which is not defined in this catalog.`,
          hint: elsewhere
            ? 'Check against the live catalog with --catalog-url, or declare where they live under catalog.external in gitops.config.yaml.'
            : guess
            ? `Did you mean ${asWritten(index, guess)}?${sameName && options.unknownKind ? otherKindHint(index, guess, kind, options.unknownKind) : ''}`
            : 'Add the entity, fix the name, or declare where it lives under catalog.external in gitops.config.yaml (for example groups and users ingested from Entra ID).',
      });
      if (elsewhere) {
        // One finding per field and missing kind: a Group's members from an org provider are one cause, not one
        // warning per user (a generated groups file named 54 users and got 54 warnings), and so is a template
        // collection whose every Template names an owner group (19 warnings for 5 refs), and so are the owner
        // groups of a repo's components, APIs, resources and systems (one warning per kind of entity gave five
        // for one group: giedri/backstage-catalog-sample, fresh16).
        const entityKind = (entity.ref ?? '').slice(0, Math.max(0, (entity.ref ?? '').indexOf(':'))) || 'other';
        const key = `${field}\u0000${kind}`;
        const group = elsewhereGroups.get(key);
        if (group) {
          if (!group.targets.includes(target)) group.targets.push(target);
          if (!group.entities.has(at)) group.entities.set(at, entity.file);
          if (!group.entityKinds.includes(entityKind)) group.entityKinds.push(entityKind);
        } else {
          elsewhereGroups.set(key, { diagnostic: unresolved, targets: [target], field, kind, entityKinds: [entityKind], entities: new Map([[at, entity.file]]) });
          diagnostics.push(unresolved);
        }
        continue;
      }
      diagnostics.push({ ...unresolved, unresolvedRef: target, unresolvedField: `spec.${field}` });
    }
  });
  for (const group of elsewhereGroups.values()) group.diagnostic.message = elsewhereMessage(group);
  return diagnostics;
}

/**
 * Why a reference's target can be no entity's ref, or undefined when it can: its name or namespace fails the
 * format Backstage's FieldFormatEntityPolicy requires of every entity (catalog-model's makeValidator), e.g.
 * `owner: joshua mathianas` or `owner: someone@example.com`. parseEntityRef accepts such strings, so the
 * catalog relates them. Takes the entity and the reference; returns the reason, quoting the value as written.
 */
let nameValidators: ReturnType<ReturnType<typeof entityModelCore>['makeValidator']> | undefined;

function impossibleTarget(entity: CatalogEntity, reference: Reference): string | undefined {
  const { target } = reference;
  const slash = target.indexOf('/');
  const namespace = target.slice(target.indexOf(':') + 1, slash);
  const name = target.slice(slash + 1);
  const validators = (nameValidators ??= entityModelCore().makeValidator());
  const written = valueAt(entity.raw, reference.path);
  // The name as written (parseEntityRef's: after the first `/`, else after the first `:`); compound refs
  // ({kind, name}) and placeholders leave no plain string: Backstage's lower-cased form.
  const writtenName = typeof written === 'string' ? written.slice(written.includes('/') ? written.indexOf('/') + 1 : written.indexOf(':') + 1) : name;
  if (!validators.isValidEntityName(name)) {
    return `its name ${JSON.stringify(boundedText(writtenName, 120))} is no valid entity name (letters, digits and - _ . between them, at most 63 characters)`;
  }
  // The entity's own namespace, inherited, is its own entity-field-format finding, not one per reference.
  if (namespace !== entity.namespace.toLowerCase() && !validators.isValidNamespace(namespace)) {
    const slashAt = typeof written === 'string' ? written.indexOf('/') : -1;
    const colonAt = typeof written === 'string' ? written.indexOf(':') : -1;
    const writtenNamespace = typeof written === 'string' && slashAt >= 0 ? written.slice(colonAt >= 0 && colonAt < slashAt ? colonAt + 1 : 0, slashAt) : namespace;
    return `its namespace ${JSON.stringify(boundedText(writtenNamespace, 120))} is no valid namespace (lower-case letters, digits and -, at most 63 characters)`;
  }
  return undefined;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let at = root;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[key as string | number];
  }
  return at;
}

/**
 * A suggested ref with its name as the defining entity writes it (`group:default/Platform-Teams`): the ref is
 * Backstage's lower-cased form, which would send a reader looking for a spelling the catalog does not hold.
 * Kind and namespace stay lower-case, as every ref in a message is.
 */
function asWritten(index: EntityIndex, ref: string): string {
  const name = index.get(ref)?.[0]?.name;
  return name !== undefined && name.toLowerCase() === ref.slice(ref.indexOf('/') + 1) ? `${ref.slice(0, ref.indexOf('/') + 1)}${name}` : ref;
}

/** References from one field, of any kind of entity, to one kind this folder never defines: one cause. */
interface ElsewhereGroup {
  diagnostic: Diagnostic;
  /** The distinct refs, in the order first named. */
  targets: string[];
  field: string;
  kind: string;
  /** The kinds of the entities that name them (component, template…), in the order first seen. */
  entityKinds: string[];
  /** Index of each entity that names one of them -> its file, in order (the first holds the finding). */
  entities: Map<number, string>;
}

/**
 * The message of a grouped ref-unresolved warning: the first ref, how many more (up to five named), and when
 * more than one entity names them, how many and in which other files (up to five), so the one warning stands
 * for every use. Takes the group; returns the message.
 */
function elsewhereMessage({ targets, field, kind, entityKinds, entities }: ElsewhereGroup): string {
  const list = (items: readonly string[]) => `${items.slice(0, 5).map(item => boundedText(item, 120)).join(', ')}${items.length > 5 ? ', …' : ''}`;
  const refs = targets.length === 1 ? targets[0] : `${targets[0]} and ${targets.length - 1} more ${kind} ref${targets.length > 2 ? 's' : ''} (${list(targets.slice(1))})`;
  const [first, ...others] = [...entities.values()];
  const otherFiles = [...new Set(others.filter(file => file !== first))];
  // One kind of entity names it: "of this and 6 more template entities"; several: the kinds, in the parentheses.
  const oneKind = entityKinds.length === 1;
  const aside = [oneKind ? '' : `kinds ${list(entityKinds)}`, otherFiles.length > 0 ? `in ${list(otherFiles)}` : ''].filter(Boolean).join('; ');
  const whose = entities.size === 1
    ? `spec.${field}`
    : `spec.${field} of this and ${entities.size - 1} more ${oneKind ? `${entityKinds[0]} ` : ''}entit${entities.size > 2 ? 'ies' : 'y'}${aside ? ` (${aside})` : ''}`;
  const several = targets.length > 1 || entities.size > 1;
  return `${whose} refer${entities.size === 1 ? 's' : ''} to ${refs}; this folder defines no ${kind} entities, so ${several ? 'none of them can' : 'it cannot'} be checked here.`;
}

/**
 * A reference a provider accounts for is no error; it is said (info) so nothing is assumed silently. A
 * near-miss of what the repo itself defines stays an error: far likelier a typo that points at nothing.
 */
function providedReference(index: EntityIndex, entity: CatalogEntity, reference: Reference, provided: ProvidedScope, guess: string | undefined, near?: { ref: string; uses: number; own: number }): Diagnostic {
  const { target, path, field } = reference;
  const source = `the ${provided.provider} provider in ${provided.file}`;
  // The target as data: the message names the likelier ref and counts of uses, which change with other
  // entities; `check --base` matches the finding by the target it misses (sameFinding.ts), not the wording.
  if (near) {
    return { ...diagnosticAt(entity, path, {
      ruleId: 'ref-provided-elsewhere',
      severity: 'warning',
      message: `spec.${field} refers to ${target}, which is not in this repo (${source} could bring it), but the repo names it ${near.own === 1 ? 'once' : `${near.own} times`} and ${near.ref}, spelt almost the same, ${near.uses} times: likely a misspelling, which Backstage accepts silently (the relation leads to no entity).`,
      hint: `Did you mean ${near.ref}? If both exist there, nothing to fix; \`--catalog-url\` checks it against the live catalog.`,
    }), unresolvedRef: target, unresolvedField: `spec.${field}` };
  }
  if (guess) {
    return { ...diagnosticAt(entity, path, {
      ruleId: 'ref-unresolved',
      severity: 'error',
      message: `spec.${field} refers to ${target}, which this repo does not define; only ${source} could bring it, yet the repo defines ${guess}.`,
      hint: `Did you mean ${asWritten(index, guess)}? If ${target} really comes from that provider, list it under catalog.external refs in gitops.config.yaml.`,
    }), unresolvedRef: target, unresolvedField: `spec.${field}` };
  }
  const scope = `${provided.kinds.join(' and ')} entities${provided.namespace ? ` in the ${provided.namespace} namespace` : ''}`;
  return diagnosticAt(entity, path, {
    ruleId: 'ref-provided-elsewhere',
    severity: 'info',
    message: `spec.${field} refers to ${target}, which is not in this repo: ${source} brings ${scope} into the catalog.`,
    hint: 'Nothing to fix if it exists there; `--catalog-url` checks it against the live catalog.',
  });
}

/**
 * Another ref of the same kind and namespace that the repo names more often than `target`, that the same
 * provider accounts for, and that differs from it by a letter left out, added or two swapped (at most two
 * such edits): `biling-team` beside `billing-team`. Names that differ by a changed letter (`team-a`,
 * `team-b`) are distinct teams as often as not, so they are never offered, nor are members of one naming
 * scheme (schemeSiblings: `squad-12` beside `squad-1`). Takes the target, how often
 * each unresolved ref is named, and the provider test; returns the likelier ref with both counts, or
 * undefined.
 */
function providedNearMiss(target: string, uses: ReadonlyMap<string, number>, providedBy: (ref: string) => ProvidedScope | undefined): { ref: string; uses: number; own: number } | undefined {
  const own = uses.get(target) ?? 1;
  const prefix = target.slice(0, target.indexOf('/') + 1);
  const name = target.slice(prefix.length);
  if (name.length < 5) return undefined;
  let best: { ref: string; uses: number; own: number } | undefined;
  for (const [ref, count] of uses) {
    if (count <= own || ref === target || !ref.startsWith(prefix) || (best && count <= best.uses)) continue;
    const other = ref.slice(prefix.length);
    if (Math.abs(other.length - name.length) > 2 || distance(name, other) > 2) continue;
    const sameLetters = other.length === name.length && [...other].sort().join('') === [...name].sort().join('');
    if (other.length === name.length && !sameLetters) continue;
    if (segmentApart(name, other) || schemeSiblings(name, other)) continue;
    if (!providedBy(ref)) continue;
    best = { ref, uses: count, own };
  }
  return best;
}

/**
 * Whether one name is the other with one short segment more: two adjacent characters, a separator and
 * another (`team-a.c` beside `team-c`, `squad-a` beside `squad`). Such names follow a naming scheme (one
 * team per letter or region) and are distinct teams as often as a changed letter is; a separator alone
 * left out (`dataeng`, `data-eng`) or a letter alone still counts as a likely misspelling.
 */
function segmentApart(a: string, b: string): boolean {
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  if (long.length - short.length !== 2) return false;
  const separator = (c: string) => c === '-' || c === '_' || c === '.';
  for (let i = 0; i + 1 < long.length; i++) {
    const [x, y] = [long[i], long[i + 1]];
    if (separator(x) !== separator(y) && long.slice(0, i) + long.slice(i + 2) === short) return true;
  }
  return false;
}

/**
 * Whether two names are members of one numbered or lettered naming scheme (one team per number, letter or
 * region), which are separate teams, not misspellings of each other: they differ only in their numbers
 * (`platform2` beside `platform`, `squad-12` beside `squad-1`, `api-v1` beside `api-v2`), or only in a last
 * segment of one or two letters or a number, or one has such a segment more (`team-ab` beside `team-a`,
 * `team` beside `team-1`). A letter doubled (`team-aa` beside `team-a`) is still a slip of the finger.
 */
function schemeSiblings(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.replace(/\d+/g, '') === b.replace(/\d+/g, '')) return true;
  const tag = (segment: string) => /^(\d+|[a-z]{1,2})$/i.test(segment);
  const split = (name: string) => {
    const at = Math.max(name.lastIndexOf('-'), name.lastIndexOf('_'), name.lastIndexOf('.'));
    return at < 0 ? { stem: '', last: name } : { stem: name.slice(0, at), last: name.slice(at + 1) };
  };
  const [x, y] = [split(a), split(b)];
  const doubled = (long: string, short: string) => long.length === short.length + 1 && [...long].some((c, i) => c === long[i + 1] && long.slice(0, i) + long.slice(i + 1) === short);
  if (x.stem !== '' && x.stem === y.stem && tag(x.last) && tag(y.last)) return !doubled(x.last, y.last) && !doubled(y.last, x.last);
  return (x.stem === b && tag(x.last)) || (y.stem === a && tag(y.last));
}

/**
 * When the entity of that name has a kind the model does not know (`unknownKind`: a misspelt
 * `kind: Componnet` makes every reference to the component miss), that kind is the likely mistake: name
 * where it is written, so the hint does not only point every reference at the misspelt kind. A known
 * other kind (a bare owner naming a User) gets nothing added. Takes the index, the suggested ref, the kind
 * the reference asks for and the test; returns a sentence to append, or ''.
 */
function otherKindHint(index: EntityIndex, guess: string, kind: string, unknownKind: (entity: CatalogEntity) => boolean): string {
  const definition = index.get(guess)?.[0];
  if (!definition || typeof definition.kind !== 'string' || definition.kind.toLowerCase() === kind || !unknownKind(definition)) return '';
  const at = definition.locate(definition.document, ['kind']).start;
  return ` If ${kind} is the kind meant, correct the kind written at ${definition.file}:${at.line}:${at.column} (${JSON.stringify(definition.kind.slice(0, 60))}) instead.`;
}

/**
 * "Did you mean": the same name under another kind or namespace, else the nearest name of the same kind.
 * With `kinds`, only a ref of one of them (or one `alsoTaken` accepts: an entity whose own kind is
 * misspelt) is offered; a same-named entity of another kind is passed over for the nearest name of the
 * target's kind.
 */
function suggester(index: EntityIndex) {
  // Built on the first unresolved reference: a catalog whose references all resolve never needs them.
  let byName: Map<string, string[]> | undefined;
  let byKind: Map<string, string[]> | undefined;
  let byWords: Map<string, string[]> | undefined;
  const answers = new Map<string, string | undefined>();
  return (target: string, kinds?: readonly string[], alsoTaken?: (ref: string) => boolean): string | undefined => {
    const lowerKinds = kinds?.map(k => k.toLowerCase());
    const key = `${target}\u0000${lowerKinds?.join(',') ?? '*'}`;
    if (answers.has(key)) return answers.get(key);
    if (!byName || !byKind) {
      byName = new Map();
      byKind = new Map();
      for (const ref of index.keys()) {
        const name = ref.slice(ref.indexOf('/') + 1);
        const kind = ref.slice(0, ref.indexOf(':'));
        (byName.get(name) ?? byName.set(name, []).get(name)!).push(ref);
        (byKind.get(kind) ?? byKind.set(kind, []).get(kind)!).push(ref);
      }
    }
    const taken = (ref: string) => !lowerKinds || lowerKinds.includes(ref.slice(0, ref.indexOf(':'))) || (alsoTaken?.(ref) ?? false);
    const name = target.slice(target.indexOf('/') + 1);
    const sameName = byName.get(name)?.find(taken);
    if (sameName) {
      answers.set(key, sameName);
      return sameName;
    }
    // The same words in another order (`team-kolibri` for the group kolibri-team): too far apart for the
    // distance below, yet plainly the name meant. Same kind and namespace, as the target's.
    const words = wordsKey(target);
    if (words) {
      const reordered = (byWords ??= wordsIndex(index)).get(words)?.find(taken);
      if (reordered) {
        answers.set(key, reordered);
        return reordered;
      }
    }
    const limit = Math.max(2, Math.floor(name.length / 4));
    // A ref whose length differs by more than the limit is further than the limit: skipping those keeps
    // the answer (the first closest within the limit) and spares thousands of distance computations.
    // A sibling in a naming scheme (`squad-12` for `squad-1`) is another team, never the name meant.
    const candidates = byKind.get(target.slice(0, target.indexOf(':')))
      ?.filter(ref => Math.abs(ref.length - target.length) <= limit && taken(ref) && !schemeSiblings(name, ref.slice(ref.indexOf('/') + 1)));
    let answer: string | undefined;
    if (candidates?.length) {
      const best = closest(target, candidates);
      answer = distance(best, target) <= limit ? best : undefined;
    }
    answers.set(key, answer);
    return answer;
  };
}

/**
 * A ref's kind and namespace with the words of its name (split at - _ .) sorted: equal for refs whose names
 * differ only in the order of their words; undefined for a one-word name.
 */
function wordsKey(ref: string): string | undefined {
  const slash = ref.indexOf('/');
  const words = ref.slice(slash + 1).split(/[-_.]+/).filter(Boolean);
  return words.length > 1 ? `${ref.slice(0, slash + 1)}${words.sort().join('\u0000')}` : undefined;
}

/** The index's refs by wordsKey, built on the first reference whose name has more than one word. */
function wordsIndex(index: EntityIndex): Map<string, string[]> {
  const byWords = new Map<string, string[]>();
  for (const ref of index.keys()) {
    const key = wordsKey(ref);
    if (key) (byWords.get(key) ?? byWords.set(key, []).get(key)!).push(ref);
  }
  return byWords;
}
