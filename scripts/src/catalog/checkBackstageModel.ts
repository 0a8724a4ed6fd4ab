import { closest, distance } from 'fastest-levenshtein';
import type { Ajv, ValidateFunction } from 'ajv';
import type { ManagedModel } from './managedModel.ts';
import { catalogModuleHint, moduleProviding } from './moduleHints.ts';
import type * as CatalogModel from '@backstage/catalog-model';
import { BUILTIN_KINDS, entityModelCore, type BuiltinKind } from '../backstage.ts';
import { builtinKindValidator, schemaValidEntityPolicy } from '../prebuilt/backstageValidators.ts';
import { fixedValidators } from '../prebuilt/prebuiltValidators.ts';
import { draft07MetaSpec, usePrebuiltMetaSchema } from '../prebuilt/prebuiltMetaSchema.ts';
import { modelSpec, type ValidatorSpec } from '../prebuilt/validatorSpecs.ts';
import { entityReferences, namesKind, relationFieldsOf } from './relationFields.ts';
import type { Diagnostic } from '../diagnostic.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { backstageAjvMessage, errorPath, leafErrors } from './ajvPaths.ts';
import { diagnosticAt, type CatalogEntity } from './catalogEntity.ts';
import { unreadPlaceholder } from './placeholders.ts';
import { ajvErrorsPlugin, ajvPackage } from '../load/lazyPackages.ts';
import { logText } from '../report/safeText.ts';
import { isRecord } from '../load/loadCatalog.ts';

/** The hint of a document with neither apiVersion nor kind; withNonEntityReadHints names the target that read it. */
export const NOT_AN_ENTITY_HINT = 'This document has no apiVersion or kind, so it is not a catalog entity: if it is meant as one, give it apiVersion, kind and metadata.name; if not, remove it, or leave its file out of what reads it.';
const ADR_HINT = 'See https://backstage.io/docs/features/software-catalog/descriptor-format for the field formats.';

/**
 * The hint for a field at the top level that Backstage's entity schema refuses (`<root> must NOT have
 * additional properties`; the catalog then refuses the whole entity as a malformed envelope): usually a
 * spec or metadata field that lost its indentation. Names spec.<field> when the kind's relation fields
 * (Backstage's catalog model) have it. Undefined for any other schema error.
 */
function rootFieldHint(error: { keyword: string; instancePath: string; params: Record<string, unknown> }, kind: unknown): string | undefined {
  if (error.keyword !== 'additionalProperties' || error.instancePath !== '') return undefined;
  const field = String(error.params.additionalProperty);
  const inSpec = relationFieldsOf(typeof kind === 'string' ? kind : undefined).some(f => f.path === `spec.${field}`);
  return inSpec
    ? `${field} is a field of spec (spec.${field}) written at the top level: indent it under spec:. As it is, Backstage refuses the whole entity.`
    : `Only apiVersion, kind, metadata and spec may sit at the top level, and Backstage refuses the whole entity otherwise: if ${field} belongs to the entity, indent it under spec: or metadata:.`;
}

interface ModelValidators {
  envelope: ValidateFunction;
  /** The every-error validator of Entity or of a built-in kind. */
  schema(id: string): ValidateFunction;
  kindCheckers: { kind: BuiltinKind; check(entity: unknown): Promise<boolean> | boolean }[];
  knownKinds: string[];
}

let validators: ModelValidators | undefined;

/**
 * Backstage's validators plus the same schemas compiled with every error kept; prebuilt by `npm run
 * build` (scripts/src/prebuilt/) when made for the installed packages, else compiled now. Built once per process.
 */
function modelValidators(): ModelValidators {
  if (validators) return validators;
  const model = fixedValidators(modelSpec());
  // The same validators, in the same order, as the catalog backend's BuiltinKindsEntityProcessor,
  // plus the Template kind that the scaffolder entity-model module adds.
  const order: BuiltinKind[] = ['API', 'Component', 'Resource', 'Group', 'Location', 'User', 'System', 'Domain', 'Template'];
  const checkers = new Map<BuiltinKind, CatalogModel.KindValidator>();
  validators = {
    envelope: model('EntityEnvelope'),
    schema: id => model(id),
    // Each kind's validator is made on first use: most catalogs' entities stop at the first few kinds.
    kindCheckers: order.map(kind => ({
      kind,
      check: e => {
        let checker = checkers.get(kind);
        if (!checker) checkers.set(kind, (checker = builtinKindValidator(kind)));
        return checker.check(e as never);
      },
    })),
    knownKinds: [...BUILTIN_KINDS],
  };
  return validators;
}


/**
 * Whether `entity` passes catalog-model's entity envelope schema (apiVersion, kind, metadata.name and any
 * metadata.namespace as non-empty strings), which the catalog backend's validateEntityEnvelope checks before
 * it handles an emitted entity (ProcessorOutputCollector) or processes one.
 */
export function fitsEntityEnvelope(entity: unknown): boolean {
  return modelValidators().envelope(entity) === true;
}

let policies: { schema: CatalogModel.EntityPolicy; foreignRoot: CatalogModel.EntityPolicy; fieldFormat: CatalogModel.EntityPolicy } | undefined;

function backstagePolicies() {
  const m = entityModelCore();
  return (policies ??= { schema: schemaValidEntityPolicy(), foreignRoot: new m.NoForeignRootFieldsEntityPolicy(), fieldFormat: new m.FieldFormatEntityPolicy() });
}


/**
 * Backstage's verdict on one entity, with every error it would hit rather than the first:
 * envelope, then the policies (schema, foreign root fields, field formats), then the kind schema,
 * then the reference syntax its relation emitter parses.
 */
export async function checkBackstageModel(record: CatalogEntity, model?: ManagedModel, options: { apiGroups?: ReadonlySet<string> } = {}): Promise<Diagnostic[]> {
  const v = modelValidators();
  const { schema: schemaPolicy, foreignRoot: foreignRootPolicy, fieldFormat: fieldFormatPolicy } = backstagePolicies();
  const found = new Findings(record);
  const entity = withoutMisshapenMaps(record.entity, found);
  if (!v.envelope(entity)) {
    const errors = leafErrors(v.envelope.errors ?? []);
    // A document that is no entity at all (an OpenAPI file, a docker-compose file a `./*.yaml` target reads):
    // Backstage stops at its first error, and the rest would only say the same three times.
    const notAnEntity = isRecord(entity) && !('apiVersion' in entity) && !('kind' in entity);
    for (const error of notAnEntity ? errors.slice(0, 1) : errors) found.ajv('entity-envelope', error, notAnEntity ? NOT_AN_ENTITY_HINT : 'Every entity needs apiVersion, kind and metadata.name as non-empty strings.');
    return found.list;
  }
  if (!(await passes(() => schemaPolicy.enforce(entity as never)))) {
    const schema = v.schema('Entity');
    schema(entity);
    for (const error of leafErrors(schema.errors ?? [])) found.ajv('entity-schema', error, rootFieldHint(error, entity.kind) ?? ADR_HINT);
  }
  for (const [field, message] of await peel(foreignRootPolicy, entity, foreignField)) {
    found.add(['' + field], 'entity-foreign-root-field', message, 'Only apiVersion, kind, metadata and spec may appear at the top level; relations and status are written by Backstage.', true);
  }
  const defaulted = withDefaultNamespace(entity);
  for (const [path, message] of await peel(fieldFormatPolicy, defaulted, formatField)) {
    const fixed = formatFix(path, valueAt(defaulted, path));
    found.add(path, 'entity-field-format', withLengthNote(message), fixed === undefined ? ADR_HINT : `Write ${JSON.stringify(fixed)}, which Backstage accepts. ${ADR_HINT}`, path[path.length - 2] === 'labels' || path[path.length - 2] === 'annotations');
  }
  // A kind of an API group the config declares is the managed Backstage's custom processor's to judge.
  const custom = options.apiGroups?.has(String(defaulted.apiVersion).split('/')[0].toLowerCase()) ?? false;
  if (custom) {
    // Only its shape as an entity is Backstage's; the kind itself belongs to that processor.
  } else if (model && defaulted.kind !== 'Template') checkModelKind(defaulted, record, model, found);
  else await checkKind(defaulted, record, v, found);
  checkRefSyntax(record, found);
  return found.list;
}

async function checkKind(entity: Record<string, unknown>, record: CatalogEntity, v: ModelValidators, found: Findings) {
  for (const checker of v.kindCheckers) {
    let recognised: boolean;
    try {
      recognised = await checker.check(entity);
    } catch (error) {
      const schema = v.schema(checker.kind);
      schema(entity);
      const errors = leafErrors(schema.errors ?? []);
      const hint = await extensionHint(entity, kindHint(checker.kind), record.raw);
      if (errors.length === 0) found.add(['spec'], 'entity-kind-schema', String(error), hint);
      for (const e of errors) found.ajv('entity-kind-schema', e, hint);
      return;
    }
    if (recognised) return;
  }
  const kind = String(entity.kind);
  const near = v.knownKinds.find(k => k.toLowerCase() === kind.toLowerCase());
  const onKind = near !== undefined && near !== kind;
  const module = onKind || near ? undefined : await moduleProviding(entity);
  found.add(
    [onKind || !near ? 'kind' : 'apiVersion'],
    'entity-kind-unknown',
    `No processor recognized the entity ${record.ref ?? kind} as valid, possibly caused by a foreign kind or apiVersion`,
    onKind
      ? `Kinds are case-sensitive: write '${near}'.`
      : near
        ? `${near} takes apiVersion ${near === 'Template' ? 'scaffolder.backstage.io/v1beta3' : 'backstage.io/v1alpha1 or backstage.io/v1beta1'}.${near === 'Template' && String(entity.apiVersion) === 'backstage.io/v1beta2' ? V1BETA2_MIGRATION : ''}`
        : module
          ? catalogModuleHint(module, `The kind ${kind}`)
          : `${kindGuess(kind, v.knownKinds)}Known kinds: ${v.knownKinds.join(', ')}. A custom kind needs a processor in the managed Backstage first, or the catalog module that adds it listed under catalog.modules in gitops.config.yaml.`,
  );
}

// A v1beta2 Template (Backstage dropped it in 1.0) renders with handlebars-style `{{ parameters.x }}`; v1beta3
// renders only `${{ … }}`, so changing the apiVersion alone leaves every value unrendered.
const V1BETA2_MIGRATION = ' Changing the apiVersion alone is not enough: v1beta3 renders only ${{ … }}, so write every {{ parameters.x }} as ${{ parameters.x }}, and likewise for steps and outputs (Backstage\'s migration guide: https://backstage.io/docs/features/software-templates/migrating-from-v1beta2-to-v1beta3).';

/**
 * The hint for a built-in kind's schema error that only an extension explains: a `$openapi`-style
 * placeholder the config does not resolve (catalog.placeholderResolvers), a `$json` or `$yaml` definition
 * (parsed, so not text), or a spec.type that an installed catalog module adds (catalog.modules); else
 * `fallback`. `raw` is the entity as written (placeholders unresolved).
 */
async function extensionHint(entity: Record<string, unknown>, fallback: string, raw: Record<string, unknown> = entity): Promise<string> {
  const spec = isPlainRecord(entity.spec) ? entity.spec : {};
  // As written: $json and $yaml are already replaced by their file's value in `entity`.
  const written = isPlainRecord(raw.spec) ? raw.spec.definition : undefined;
  const placeholder = isPlainRecord(written) ? Object.keys(written).find(k => k.startsWith('$')) : undefined;
  if (placeholder && !['$text', '$json', '$yaml'].includes(placeholder)) {
    const name = placeholder.slice(1).slice(0, 40);
    return `spec.definition uses the placeholder $${name}, which only the managed Backstage's resolver for it turns into text (for $openapi and $asyncapi: @backstage/plugin-catalog-backend-module-openapi). If it runs that module, add ${name} to catalog.placeholderResolvers in gitops.config.yaml; otherwise use $text.`;
  }
  if (placeholder === '$json' || placeholder === '$yaml') {
    // Backstage's placeholder processor parses these two: the definition becomes the parsed value, not text.
    return `spec.definition uses ${placeholder}, which Backstage replaces with the file's parsed value (an object), while a definition must be text: read the file with $text, which hands Backstage the definition as written.`;
  }
  const module = await moduleProviding(entity);
  return module ? catalogModuleHint(module, `spec.type ${JSON.stringify(String(spec.type).slice(0, 40))} of ${String(entity.kind)}`) : fallback;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

let modelAjv: Ajv | undefined;
const MODEL_OPTIONS = { allowUnionTypes: true, allErrors: true, validateSchema: true, addUsedSchema: false, strict: false };

/** draft-07's meta-schema as the managed model's SchemaValidator Ajv (with ajv-errors) checks each kind schema against it. */
export function managedModelMetaSpec(): ValidatorSpec {
  return draft07MetaSpec('managed-model-meta-schema', MODEL_OPTIONS, ['ajv-errors']);
}
const modelSchemas = new WeakMap<object, ValidateFunction>();

/**
 * With catalog modules that extend the model, the backend's ModelProcessor judges kinds instead of
 * BuiltinKindsEntityProcessor: the compiled model's kind (by kind, apiVersion and spec.type) and its JSON
 * Schema, validated with ajv and ajv-errors as its SchemaValidator does, every error listed. The
 * scaffolder's Template keeps its own processor.
 */
function checkModelKind(entity: Record<string, unknown>, record: CatalogEntity, model: ManagedModel, found: Findings) {
  let kind;
  try {
    kind = model.getKind(entity as never);
  } catch (error) {
    const onType = /spec type/.test((error as Error).message);
    found.add(onType ? ['spec', 'type'] : ['apiVersion'], 'entity-kind-unknown', (error as Error).message, onType ? 'Use a spec.type the managed Backstage\'s model defines for this kind.' : 'Use the apiVersion the model defines for this kind, e.g. backstage.io/v1alpha1.');
    return;
  }
  if (!kind) {
    found.add(['kind'], 'entity-kind-unknown', `No processor recognized the entity ${record.ref ?? String(entity.kind)} as valid, possibly caused by a foreign kind or apiVersion`, `${kindGuess(String(entity.kind), [...model.kinds, 'Template'])}Known kinds with the catalog modules ${model.modules.join(', ')}: ${[...model.kinds, 'Template'].join(', ')}.`);
    return;
  }
  if (!modelAjv) {
    modelAjv = new (ajvPackage().Ajv)(MODEL_OPTIONS);
    usePrebuiltMetaSchema(modelAjv, managedModelMetaSpec());
    ajvErrorsPlugin()(modelAjv);
  }
  let validate = modelSchemas.get(kind.jsonSchema);
  if (!validate) modelSchemas.set(kind.jsonSchema, (validate = modelAjv.compile(kind.jsonSchema)));
  const builtin = modelValidators().knownKinds.includes(String(entity.kind));
  const hint = builtin ? kindHint(String(entity.kind)) : `The ${String(entity.kind)} kind comes from ${model.modules.join(', ')}; compare with the kind's schema there.`;
  if (validate(entity)) return;
  for (const error of leafErrors(validate.errors ?? [])) found.ajv('entity-kind-schema', error, hint);
}

function kindHint(kind: string): string {
  return `Compare with the ${kind} format: https://backstage.io/docs/features/software-catalog/descriptor-format#kind-${kind.toLowerCase()}`;
}

function checkRefSyntax(record: CatalogEntity, found: Findings) {
  for (const { field, key, path, written, message } of entityReferences(record).malformed) {
    // Only a ref that names no kind is mended by naming one: `component:` (no name) is not.
    const shown = logText(written.slice(0, 100));
    const hint = field.defaultKind
      ? 'Write a reference as [kind:][namespace/]name, e.g. group:default/team-a.'
      : namesKind(written) || written.trim() === ''
        ? `Write ${key}'s reference in full, as kind:[namespace/]name, e.g. component:default/orders-api.`
        : `${key} has no default kind: write it in full, e.g. component:${shown} or resource:${shown}.`;
    found.add(path, 'entity-ref-format', message, hint);
  }
  if (record.ref && record.ref.length > 255) {
    found.add(['metadata', 'name'], 'entity-ref-too-long', `The entity ref ${record.ref} is ${record.ref.length} characters; Backstage stores at most 255.`, 'Shorten the name or the namespace.');
  }
}

class Findings {
  readonly list: Diagnostic[] = [];
  // Made on the first finding: most entities have none.
  #seen: Set<string> | undefined;
  constructor(private readonly record: CatalogEntity) {}

  add(path: PathSegment[], ruleId: string, message: string, hint: string, key = false) {
    // A placeholder Backstage resolves at ingestion and the gate cannot read: its value is unknown.
    if (!this.record.placeholderFree && insideUnread(this.record.entity, path)) return;
    const id = path.join('.');
    this.#seen ??= new Set();
    if (this.#seen.has(id)) return;
    this.#seen.add(id);
    this.list.push(diagnosticAt(this.record, path, { ruleId, severity: 'error', message, hint }, { key }));
  }

  ajv(ruleId: string, error: Parameters<typeof errorPath>[0], hint: string) {
    const { path, key } = errorPath(error);
    const value = valueAt(this.record.raw, path);
    // YAML reads an unquoted 1234, true or 1.10 as a number or boolean, where Backstage wants a string.
    const unquoted = error.keyword === 'type' && String(error.params.type).includes('string') && (typeof value === 'number' || typeof value === 'boolean');
    if (unquoted) {
      // The fix quotes the characters as written: 1.10 reads as 1.1, 0755 as 755, True as true. Not an alias
      // (`*a`: the anchored value is the one to quote) or a tagged value; an anchor stays before the quotes.
      const written = this.#written(path, key);
      const shown = written && !written.text.startsWith('*') && !/(?:^|[\s[{,])![^\s]*\s*$/.test(written.before) ? written.text : undefined;
      const anchor = shown === undefined ? '' : /(?:^|\s)(&[^\s]+)\s+$/.exec(written!.before)?.[1] ?? '';
      const read = shown !== undefined && shown !== String(value) ? `${shown} as the ${typeof value} ${String(value)}` : `${String(value)} as a ${typeof value}`;
      const last = path[path.length - 1];
      const quoted = shown === undefined ? undefined : `${anchor && `${logText(anchor.slice(0, 100))} `}${JSON.stringify(shown)}`;
      // A key YAML reads plainly is written as it is; any other (a space, `#`, `: `) in double quotes.
      const keyText = /^[A-Za-z0-9_][\w./-]*$/.test(String(last)) ? String(last) : JSON.stringify(String(last).slice(0, 100));
      const alias = written?.text.startsWith('*') ? written.text : undefined;
      // `!!int "8080"`, `!!bool "true"`: the tag, not a missing quote, makes it a number or boolean.
      const tag = written && alias === undefined ? /(?:^|[\s[{,])(![^\s,[\]{}]*)\s*$/.exec(written.before)?.[1] : undefined;
      if (tag !== undefined) {
        const text = /^["']/.test(written!.text) ? written!.text : JSON.stringify(written!.text);
        const fixTag = `Remove the tag ${logText(tag.slice(0, 60))}: ${typeof last === 'number' ? `- ${logText(text.slice(0, 200))}` : `${logText(keyText)}: ${logText(text.slice(0, 200))}`}`;
        this.add(path, ruleId, `${backstageAjvMessage(error)}: the tag ${logText(tag.slice(0, 60))} makes YAML read it as the ${typeof value} ${String(value)}.`, fixTag, key);
        return;
      }
      const fix = alias !== undefined ? `${alias} is an alias: quote the value where its anchor (&${alias.slice(1)}) is written, as written there.` : quoted === undefined ? 'Put the value in double quotes exactly as you wrote it: YAML keeps quoted text as it is.' : typeof last === 'number' ? `Quote the item: ${quoted}` : `Quote it: ${logText(keyText)}: ${quoted}`;
      this.add(path, ruleId, `${backstageAjvMessage(error)}: YAML reads the unquoted ${read}; quote it.`, fix, key);
    } else if (error.keyword === 'type' && value === null && path.length > 0) {
      // `targets:` with every item commented out (DEFRA's systems/all.yaml) is null, not an empty list:
      // Backstage refuses it with the bare "must be array".
      const last = path[path.length - 1];
      const field = logText(String(last).slice(0, 100));
      const expected = String(error.params.type);
      const fix = expected.includes('array') ? `Write ${field}: [] for none, give it its items, or remove the key.` : `Give ${field} ${expected.includes('object') ? 'its keys' : 'a value'}, or remove the key where it is optional.`;
      // `null` or `~` written out is no empty line: said as written.
      const shown = this.#written(path, key)?.text;
      if (typeof last === 'number') {
        const list = logText(String(path[path.length - 2] ?? '').slice(0, 100));
        if (shown !== undefined) this.add(path, ruleId, `${backstageAjvMessage(error)}: item ${last + 1} of ${list} is written as ${shown}, which YAML reads as null (no value).`, `Write the item, or remove it. ${hint}`, key);
        else this.add(path, ruleId, `${backstageAjvMessage(error)}: item ${last + 1} of ${list} is empty (a "-" with nothing after it), which YAML reads as null.`, `Remove the empty "-" line, or write the item after it. ${hint}`, key);
      } else if (shown !== undefined) {
        this.add(path, ruleId, `${backstageAjvMessage(error)}: ${field} is written as ${shown}, which YAML reads as null (no value).`, `${fix} ${hint}`, key);
      } else {
        this.add(path, ruleId, `${backstageAjvMessage(error)}: ${field} has no value, which YAML reads as null (a key with nothing after it, as when all its items are commented out).`, `${fix} ${hint}`, key);
      }
    } else if (error.keyword === 'type' && error.params.type === 'array' && typeof value === 'string' && typeof path[path.length - 1] === 'string') {
      // `members: team-a`: one value where the kind wants a list (Backstage refuses the entity; a list of one is fine).
      const last = String(path[path.length - 1]);
      const keyText = /^[A-Za-z0-9_][\w./-]*$/.test(last) ? last : JSON.stringify(last.slice(0, 100));
      const written = this.#written(path, key)?.text;
      // As written when a flow list reads it alike: a quoted scalar, or a plain one, whose commas split it into
      // the items meant (`a, b` is no ref: a name has no comma); anything else double-quoted.
      const quoted = written !== undefined && /^(?:"[^"\\\n]*"|'[^'\n]*')$/.test(written);
      const plain = written !== undefined && !/[\n[\]{}#"']|^[*&!|>%@`?:-]/.test(written);
      const item = written !== undefined && written.length <= 200 && (quoted || plain) ? written : JSON.stringify(value.slice(0, 200));
      this.add(path, ruleId, `${backstageAjvMessage(error)}: ${logText(keyText)} is written as one value, where Backstage wants a list.`, `Write it as a list${item.includes(',') ? '' : ' (of one item is fine)'}: ${logText(keyText)}: [${logText(item)}]. ${hint}`, key);
    } else this.add(path, ruleId, backstageAjvMessage(error), hint, key);
  }

  /**
   * The value at `path` as the file writes it (at most 100 characters, log-safe) with what its line writes
   * before it, or undefined when empty or not at hand.
   */
  #written(path: PathSegment[], key: boolean): { text: string; before: string } | undefined {
    let written: { text: string; before: string } | undefined;
    this.record.locate(this.record.document, path, { key, written: (text, before) => (written = { text, before }) });
    return written !== undefined && written.text.trim() !== '' && written.text.length <= 100 ? { text: logText(written.text), before: written.before } : undefined;
  }
}

/** Whether `path` in `entity` lies at or under the stand-in of an unread placeholder (unreadPlaceholder). */
function insideUnread(entity: unknown, path: readonly PathSegment[]): boolean {
  let node = entity;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return false;
    node = (node as Record<PathSegment, unknown>)[segment];
    if (unreadPlaceholder(node) !== undefined) return true;
  }
  return false;
}

async function passes(run: () => Promise<unknown>): Promise<boolean> {
  return (await failure(run)) === undefined;
}

/**
 * The message a policy's enforce rejects with, or `undefined` when it passes. Backstage's policies are
 * async functions that throw before their first await, so the Error is built inside this synchronous
 * call: only its message is read, and without a stack trace a legacy catalog's thousands of findings
 * do not pay for capturing one each.
 */
async function failure(run: () => Promise<unknown>): Promise<string | undefined> {
  const limit = Error.stackTraceLimit;
  let result: Promise<unknown>;
  Error.stackTraceLimit = 0;
  try {
    result = run();
  } catch (error) {
    return (error as Error).message;
  } finally {
    Error.stackTraceLimit = limit;
  }
  try {
    await result;
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Backstage's policies throw on the first problem. Re-running the same policy after taking the
 * offending field out lists every problem while the rules themselves stay Backstage's. The first
 * verdict is on the entity itself; only an entity that fails is copied.
 */
async function peel<T>(
  policy: { enforce(entity: never): Promise<unknown> },
  entity: Record<string, unknown>,
  locateAndRemove: (message: string, entity: Record<string, unknown>) => T | undefined,
): Promise<[T, string][]> {
  const found: [T, string][] = [];
  let message = await failure(() => policy.enforce(entity as never));
  if (message === undefined) return found;
  const copy = editableCopy(entity);
  for (let round = 0; round < 200 && message !== undefined; round++) {
    const where = locateAndRemove(message, copy);
    if (where === undefined) break;
    found.push([where, message]);
    message = await failure(() => policy.enforce(copy as never));
  }
  return found;
}

/**
 * A copy of `entity` that foreignField and formatField may edit without touching the original: the
 * entity and its metadata, and the labels, annotations, tags and links (each link too) in it, are copied
 * (a fraction of structuredClone's cost: spec, often the biggest part, is never edited).
 */
function editableCopy(entity: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...entity };
  if (!isPlainRecord(entity.metadata)) return copy;
  const metadata = { ...entity.metadata };
  for (const field of ['labels', 'annotations', 'tags', 'links']) if (field in metadata) metadata[field] = shallowCopy(metadata[field]);
  if (Array.isArray(metadata.links)) metadata.links = metadata.links.map(shallowCopy);
  copy.metadata = metadata;
  return copy;
}

function shallowCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.slice();
  return isPlainRecord(value) ? { ...value } : value;
}

function foreignField(message: string, entity: Record<string, unknown>): string | undefined {
  const field = /^Unknown field (.+)$/.exec(message)?.[1];
  if (field === undefined || !(field in entity)) return undefined;
  delete entity[field];
  return field;
}

const VALID_STAND_IN: Record<string, string> = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', url: 'https://example.com' };

function formatField(message: string, entity: Record<string, unknown>): PathSegment[] | undefined {
  const field = /^"([^"]+)" is not valid|^(\S+) (?:must have a value|could not be validated)/.exec(message);
  const name = field?.[1] ?? field?.[2];
  if (!name) return undefined;
  const metadata = entity.metadata as Record<string, unknown>;
  const [head, ...rest] = name.split('.');
  if (head === 'apiVersion' || head === 'kind') {
    entity[head] = VALID_STAND_IN[head];
    return [head];
  }
  if (head === 'metadata') {
    metadata[rest[0]] = rest[0] === 'namespace' ? 'default' : 'x';
    return [head, rest[0]];
  }
  if (head === 'labels' || head === 'annotations') {
    const key = rest.join('.');
    const map = metadata[head] as Record<string, unknown>;
    delete map[key];
    return ['metadata', head, key];
  }
  if (head === 'tags') {
    (metadata.tags as unknown[])[Number(rest[0])] = 'x';
    return ['metadata', 'tags', Number(rest[0])];
  }
  if (head === 'links') {
    const link = (metadata.links as Record<string, unknown>[])[Number(rest[0])];
    if (link && typeof link === 'object') link[rest[1]] = rest[1] === 'url' ? VALID_STAND_IN.url : 'x';
    else (metadata.links as unknown[])[Number(rest[0])] = { url: VALID_STAND_IN.url };
    return ['metadata', 'links', Number(rest[0]), rest[1]];
  }
  return undefined;
}

/**
 * metadata.annotations and metadata.labels are maps of strings, metadata.tags and metadata.links lists. Written as a list (`- key: value`) the
 * schema and field-format policies would each report it, the latter as "[object Object]"; one finding
 * says what is wrong, and the rest of the entity is judged without the field. An empty annotations
 * field is no finding: Backstage makes it a mapping before it validates (see below).
 */
function withoutMisshapenMaps(entity: Record<string, unknown>, found: Findings): Record<string, unknown> {
  const metadata = entity.metadata;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return entity;
  let copy: Record<string, unknown> | undefined;
  for (const field of ['annotations', 'labels']) {
    const value = (metadata as Record<string, unknown>)[field];
    if (value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value))) continue;
    // ProcessorOutputCollector writes `annotations || {}` plus the location annotations into every entity a
    // Location emits, before any validation: an empty `annotations:` (null, '', false, 0) is ingested.
    if (field === 'annotations' && !value) {
      copy ??= { ...entity, metadata: { ...(metadata as Record<string, unknown>) } };
      (copy.metadata as Record<string, unknown>)[field] = {};
      continue;
    }
    const written = Array.isArray(value) ? 'a list' : value === null ? 'empty' : `a ${typeof value}`;
    found.add(['metadata', field], 'entity-schema', `metadata.${field} must be a mapping of key: value pairs, but it is ${written}.`, Array.isArray(value) ? `Drop the '- ' in front of each entry: write "${field}:" followed by indented "key: value" lines.` : `Write ${field} as indented "key: value" lines, or remove it.`, true);
    copy ??= { ...entity, metadata: { ...(metadata as Record<string, unknown>) } };
    delete (copy.metadata as Record<string, unknown>)[field];
  }
  // metadata.tags and metadata.links are lists. Backstage's FieldFormatEntityPolicy walks any value with a
  // length (`for (i = 0; i < tags.length; …)`), so a string (`tags: a, b`) was judged character by character
  // and the stand-in written back into the string stopped the run ("internal error: Cannot assign to read
  // only property"); one finding says what is wrong, and the rest is judged without the field.
  for (const field of ['tags', 'links']) {
    const value = (metadata as Record<string, unknown>)[field];
    if (value === undefined || value === null || Array.isArray(value)) continue;
    const written = typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
    found.add(['metadata', field], 'entity-schema', `metadata.${field} must be a list, but it is ${written}.`, field === 'tags' ? 'Write tags as a list: `tags: [java, payments]`, or one "- tag" line each.' : 'Write links as a list of entries, each "- url: …" with an optional title.', true);
    copy ??= { ...entity, metadata: { ...(metadata as Record<string, unknown>) } };
    delete (copy.metadata as Record<string, unknown>)[field];
  }
  return copy ?? entity;
}

/**
 * The value a newcomer most likely meant for a tag, name or namespace that Backstage's field formats
 * refuse (`Java`, `Event Driven`, `orders_api!`): lower-cased where the format is lower-case only, runs of
 * characters the format has no place for turned into one `-`, as Backstage's own `makeValidator()`
 * (isValidTag, isValidEntityName, isValidNamespace: what FieldFormatEntityPolicy asks) then accepts.
 * Takes the field's path and value; returns the corrected value, or undefined when no such simple fix
 * passes (too long, nothing left) or the field is another one.
 */
function formatFix(path: readonly PathSegment[], value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 200 || path[0] !== 'metadata') return undefined;
  const validators = entityModelCore().makeValidator();
  const field = path[1];
  const [valid, lower, allowed] =
    field === 'tags' && path.length === 3 ? [validators.isValidTag, true, /[^a-z0-9+#]+/g]
    : field === 'name' && path.length === 2 ? [validators.isValidEntityName, false, /[^A-Za-z0-9]+/g]
    : field === 'namespace' && path.length === 2 ? [validators.isValidNamespace, true, /[^a-z0-9]+/g]
    : [];
  if (!valid || !allowed) return undefined;
  const candidate = (lower ? value.toLowerCase() : value).trim().replace(allowed, '-').replace(/^-+|-+$/g, '');
  return candidate && candidate !== value && valid(candidate) ? candidate : undefined;
}

/**
 * "Did you mean Component? " for a kind a letter or two away from a known one (`Componnet`, `Sytem`), else
 * ''. Takes the written kind and the kinds the model knows; the tolerance is template-unknown-parameter's.
 */
function kindGuess(kind: string, known: readonly string[]): string {
  if (kind.length > 100 || known.length === 0) return '';
  const guess = closest(kind.toLowerCase(), known.map(k => k.toLowerCase()));
  const meant = known.find(k => k.toLowerCase() === guess);
  return meant && distance(kind.toLowerCase(), guess) <= Math.max(2, Math.floor(kind.length / 3)) ? `Did you mean ${meant}? ` : '';
}

/** Backstage's field-format message names a 63-character limit but not how long the value is. */
function withLengthNote(message: string): string {
  const value = /at most (\d+) characters.* but found "(.*)"\./.exec(message);
  if (!value || value[2].length <= Number(value[1])) return message;
  const note = ` It is ${value[2].length} characters long; the limit is ${value[1]}.`;
  const at = message.indexOf(' To learn more');
  return at < 0 ? message + note : message.slice(0, at) + note + message.slice(at);
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return node;
}

function withDefaultNamespace(entity: Record<string, unknown>): Record<string, unknown> {
  const metadata = entity.metadata as Record<string, unknown>;
  return metadata.namespace === undefined ? { ...entity, metadata: { ...metadata, namespace: 'default' } } : entity;
}
