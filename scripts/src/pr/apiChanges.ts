import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { DEFAULT_DEFINITION_LIMITS, definitionOverLimit, mayHoldRef, refTarget, resolvedTooDeepProblem, type DefinitionLimits } from '../catalog/apiRefs.ts';
import type { ApiChangePolicy } from '../config/gitopsConfig.ts';
import type { Diagnostic, Range } from '../diagnostic.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { rangeOfPath } from '../load/yamlPath.ts';
import { ownerOf, type Dependent, type Rename } from './entityChanges.ts';
import { protoBreaking } from './protoBreaking.ts';
import { protoImports, safeImport } from './protoImports.ts';
import { headerDiffs, headersAsPayload, inlineChannelMessages, inMessageHeaders } from './asyncApiMessages.ts';
import { consumerBreaking } from './consumerBreaking.ts';
import { graphqlBreaking } from './graphqlBreaking.ts';
import { consumerList, consumerNote, consumersByApi, membersByGroup, teamsToProtect } from './apiConsumers.ts';
import { definitionOf, formatOf, typeOf, type ApiDefinition, type ApiFormat } from './apiDefinition.ts';
import { lifecycleOf, relaxedNote, verdictOf } from './apiPolicy.ts';
import { removedApis, sameDefinitionFile } from './removedApis.ts';
import { resolveRepoRefs, type RevisionFiles } from './resolveRepoRefs.ts';
import { nodeBudgetProblem } from '../load/yamlNodeBudget.ts';
import { ALIAS_LIMIT_HINT, parseDefinition } from './parseDefinition.ts';
import { mergeKeyBreaking } from './mergeKeyReading.ts';

export { definitionOf, type ApiDefinition, type ApiFormat };

export interface ApiDiffEntry {
  type: 'breaking' | 'non-breaking' | 'annotation' | 'deprecated' | 'unclassified';
  action: string;
  description: string;
  /** `GET /payments/{id}` (OpenAPI) or `channel orders/created` (AsyncAPI), when the change is inside one. */
  operation?: string;
  /** The changed field below the operation, dotted (`responses.200.content`). */
  field?: string;
  path: (string | number)[];
  /**
   * GraphQL Inspector's reason, when it calls the change DANGEROUS (an enum value or union member added, a
   * default changed): no breaking change, but the report lists it apart from the other safe changes.
   */
  dangerous?: string;
  /**
   * Set on the one breaking change that stands for a whole change the diff cannot judge (a specification it
   * has no rules for, a .proto buf cannot compile): keeping the old shape does not pass it, so the hint says
   * what would let the diff judge it (this text, empty when nothing in the repository would).
   */
  unjudged?: string;
}

export interface ApiChange {
  api: string;
  /** The API's ref in the base revision, when the change renames it. */
  renamedFrom?: string;
  owner?: string;
  /** The owner in the base revision, when the change hands the API to another team. */
  ownerBefore?: string;
  lifecycle?: string;
  format: ApiFormat;
  file: string;
  versionBefore?: string;
  versionAfter?: string;
  /** Classified changes (api-smart-diff for OpenAPI/AsyncAPI, `buf breaking` for a self-contained .proto, GraphQL Inspector for GraphQL SDL); absent when nothing diffs it. */
  diff?: ApiDiffEntry[];
  /** Consumers in the head, and those that consumed it in the base (apiConsumers.ts). */
  consumers: Dependent[];
  /** Teams owning consumers (before or after the change), other than the API's owner before the change. */
  otherTeams: string[];
  /** What the policy makes of the breaking changes: `allowed` says why in `reason`. */
  verdict: 'error' | 'warning' | 'allowed' | 'none';
  reason?: string;
}

// api-smart-diff describes OpenAPI changes itself; for the rest it gives only the action.
const DONE: Record<string, string> = { add: 'added', remove: 'removed', replace: 'replaced', rename: 'renamed' };
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

const versionOf = (document: unknown) => (isRecord(document) && isRecord(document.info) && document.info.version !== undefined ? String(document.info.version) : undefined);

const SPEC_KEYS = ['openapi', 'asyncapi', 'swagger'] as const;

/** `asyncapi 2.6.0`, `openapi 3.0.3` or `swagger 2.0` as the document declares it (clipped: it is pull-request text). */
function specVersion(document: unknown): string {
  const key = SPEC_KEYS.find(k => isRecord(document) && document[k] !== undefined);
  const text = String(key && isRecord(document) ? document[key] : '(no specification)');
  if (!key) return document === undefined ? 'a text that does not parse' : 'a document that declares no specification';
  return `${key} ${text.length > 40 ? `${text.slice(0, 39)}…` : text}`;
}

/**
 * Two sides the breaking-change diff cannot compare, as one breaking change: nothing tells the consumers
 * what stays, and a change nobody can judge must not pass as a change with nothing breaking.
 */
function cannotCompare(before: string, after: string, remedy?: string): ReturnType<ApiChangeInput['compare']> {
  return { diffs: [{ action: 'replace', type: 'breaking', description: `the definition moves from ${before} to ${after}, which the breaking-change diff cannot compare, so the whole change counts as breaking`, path: [], ...(remedy !== undefined ? { unjudged: remedy } : {}) }] };
}

/**
 * Whether api-smart-diff classifies changes to this document with a specification's rules: its engine is not
 * the JSON Schema fallback (`classifies`) and the document declares a major it has rules for, OpenAPI 3 or
 * AsyncAPI 2 (its engine test, /2.+/ on `asyncapi`, also takes `3.2.0`).
 */
function classifiable(document: unknown, classifies: ApiChangeInput['classifies']): boolean {
  const major = specMajor(document);
  return (major === 'openapi 3' || major === 'asyncapi 2') && classifies(document);
}

/** The one breaking change a diff of a specification api-smart-diff has no rules for stands for. */
function unclassifiable(document: unknown): ApiDiffEntry {
  return { action: 'replace', type: 'breaking', description: `the definition is ${specVersion(document)}, whose changes the breaking-change diff cannot classify (it knows OpenAPI 3 and AsyncAPI 2), so the whole change counts as breaking`, path: [], unjudged: '' };
}

/** One side of a change as cannotCompare names it: `openapi 3.0.3`, `a gRPC .proto`, `spec.type other` (clipped: it is pull-request text). */
function sideOf(entity: CatalogEntity, format: ApiFormat, document: unknown): string {
  if (specMajor(document) !== undefined || format === 'openapi' || format === 'asyncapi') return specVersion(document);
  if (format === 'grpc') return 'a gRPC .proto';
  const type = typeOf(entity);
  return type ? `spec.type ${type.length > 40 ? `${type.slice(0, 39)}…` : type}` : 'an API with no spec.type';
}

/**
 * The ways out of a breaking change that `format` has, for the api-breaking-change hint. Only OpenAPI and
 * AsyncAPI carry an `info.version`, and a new major of it excuses the change only when the policy says so
 * (`apiChanges.allowWhenMajorVersion`, as {@link verdictOf} reads it); GraphQL deprecates with its
 * `@deprecated` directive (graphql-js's), protobuf with the `deprecated` option and a versioned package.
 * Takes the head's format and the policy the change is judged by; returns a clause without a full stop.
 */
export function breakingWays(format: ApiFormat, policy: ApiChangePolicy): string {
  if (format === 'graphql') return 'keep the old shape and mark what goes @deprecated(reason: "…") first, removing it once they no longer query it';
  if (format === 'grpc') return 'keep the old shape and mark what goes deprecated first (`[deprecated = true]` on a field, `option deprecated = true;` in an rpc; reserve a removed field\'s number and name), or publish the change in a new versioned package (….v2)';
  const version = policy.allowWhenMajorVersion && (format === 'openapi' || format === 'asyncapi') ? ', release a new major info.version' : '';
  return `keep the old shape and deprecate it first${version}`;
}

/**
 * Whether the gate judges a definition in this format: a document that declares OpenAPI, AsyncAPI or
 * Swagger (api-smart-diff), any gRPC API (protoBreaking: a proto buf cannot compile alone counts as
 * breaking whenever it changes) or any GraphQL API (graphqlBreaking: SDL that does not build alone counts
 * as breaking whenever it changes).
 */
function judged(format: ApiFormat, document: unknown): boolean {
  return format === 'grpc' || format === 'graphql' || ((format === 'openapi' || format === 'asyncapi') && specMajor(document) !== undefined);
}

/** The specification and its major version a document declares (`openapi 3`, `asyncapi 2`), or undefined. */
function specMajor(document: unknown): string | undefined {
  const key = SPEC_KEYS.find(k => isRecord(document) && document[k] !== undefined);
  return key && isRecord(document) ? `${key} ${String(document[key]).split('.')[0].trim()}` : undefined;
}

/** Where in the API a diff path lands: the operation and the field below it. */
function locate(format: ApiFormat, path: (string | number)[]): Pick<ApiDiffEntry, 'operation' | 'field'> {
  const [top, name, method, ...rest] = path.map(String);
  if (format === 'openapi' && top === 'paths' && name) {
    if (method && METHODS.has(method)) return { operation: `${method.toUpperCase()} ${name}`, ...(rest.length ? { field: rest.join('.') } : {}) };
    return { operation: name, ...(method ? { field: [method, ...rest].join('.') } : {}) };
  }
  if (format === 'asyncapi' && top === 'channels' && name) return { operation: `channel ${name}`, ...(method ? { field: [method, ...rest].join('.') } : {}) };
  return path.length ? { field: path.map(String).join('.') } : {};
}

export interface ApiChangeInput {
  base: readonly CatalogEntity[];
  head: readonly CatalogEntity[];
  renamed: readonly Rename[];
  /** The policy the change is judged by (strictestPolicy of the base's and the head's). */
  policy: ApiChangePolicy;
  /** The head's policy allows more than `policy`: the change loosens it, and findings say so. */
  policyRelaxed?: boolean;
  repoUrl?: string;
  /** What a definition may hold before it is parsed (bytes, YAML values, nesting); DEFAULT_DEFINITION_LIMITS when absent. */
  limits?: DefinitionLimits;
  /**
   * The repo files of each revision, to resolve the definitions' repo-local `$ref`s from (base from the
   * base tree, head from the head's), and the files the change touches: a definition whose `$ref` closure
   * reaches a changed file counts as changed. Without them only the definition texts are compared.
   */
  revisions?: { base: RevisionFiles; head: RevisionFiles; changedFiles: ReadonlySet<string> };
  /** api-smart-diff's `apiCompare`, passed in so the library loads only when a definition changed. */
  compare: (before: unknown, after: unknown) => { diffs: { action: string; type: string; description?: string; path: (string | number)[]; before?: unknown; after?: unknown; unjudged?: string }[] };
  /**
   * Whether `compare` classifies changes to this (base) document with a specification's rules: api-smart-diff's
   * `discoverCompareEngine` picks other than its JSON Schema fallback. Swagger 2.0, AsyncAPI 3 or an
   * `openapi` written as a number fall back, and every change to them comes out unclassified.
   */
  classifies: (document: unknown) => boolean;
}

// Findings per API for its breaking changes; the rest are counted in one more.
const MAX_BREAKING_FINDINGS = 100;

/**
 * The definition of an API the change adds, when Spectral lints it as it lints a changed one: an OpenAPI or
 * AsyncAPI text (by its content, else the entity's spec.type) of this repository, within the parsers' limits
 * and, with the revisions, its $ref closure within the node budget. Undefined otherwise.
 */
function lintableAdded(entity: CatalogEntity, input: ApiChangeInput): ApiDefinition | undefined {
  const added = definitionOf(entity, input.repoUrl);
  if (!added || definitionOverLimit(added.text, added.file, input.limits) !== undefined) return undefined;
  const read = parseDefinition(added.text);
  const document = 'value' in read ? read.value : undefined;
  const format = formatOf(entity, document);
  if (format !== 'openapi' && format !== 'asyncapi') return undefined;
  const resolved = input.revisions && document !== undefined ? resolveRepoRefs(document, added.file, input.revisions.head, input.limits ?? DEFAULT_DEFINITION_LIMITS) : undefined;
  return resolved?.overLimit === 'nodes' ? undefined : added;
}

/**
 * Every API whose definition differs between base and head (renames followed), or one of whose
 * repo-local `$ref` targets changed (`revisions`), diffed with their repo-local `$ref`s resolved on each
 * side from its own revision (resolveRepoRefs), with
 * api-smart-diff (OpenAPI 3.0, AsyncAPI 2.x; each change breaking, non-breaking, annotation-only or a
 * deprecation), `buf breaking` (a gRPC .proto, protoBreaking) or GraphQL Inspector (the SDL of a GraphQL
 * API, graphqlBreaking: its DANGEROUS changes are non-breaking, marked `dangerous`), with their consumers before and after the change and their teams (consumersByApi,
 * teamsToProtect: judged against the owner before the change), and the policy's verdict on breaking changes
 * that reach another team. A base definition the gate judged (an OpenAPI or AsyncAPI document, any gRPC or GraphQL API) whose
 * head is not the same judged format (another spec.type, text, a definition this repo does not hold) is one
 * breaking change nobody can judge (cannotCompare); so is an API removed while its consumers from other
 * teams are repointed or dropped in the same change (removedApis), and so is any change to a document in a
 * specification the diff has no rules for (Swagger 2.0, AsyncAPI 3: `classifies`), to a .proto buf cannot
 * compile alone, or to GraphQL SDL that does not build into a schema alone (either side). A definition that writes
 * YAML merge keys is diffed merged as well (mergeKeyBreaking). Returns the changes, the changed OpenAPI/AsyncAPI definitions (to lint) with their base texts (`baseOf`: the same format on the base) and one Diagnostic (`api-breaking-change`) per breaking
 * change the policy does not allow, at the line of the changed node in the head definition (an inline
 * .proto or SDL: at its spec.definition). Asynchronous only because GraphQL Inspector's `diff` is. A definition
 * whose resolved closure goes over the limits is a finding (`yaml-depth-limit`, `yaml-node-limit`) and is not diffed.
 */
export async function apiChanges(input: ApiChangeInput): Promise<{ changes: ApiChange[]; diagnostics: Diagnostic[]; definitions: ApiDefinition[]; baseOf: Map<ApiDefinition, ApiDefinition> }> {
  const renamed = [...input.renamed, ...sameDefinitionFile(input)];
  const oldName = new Map(renamed.filter(r => r.from !== r.to).map(r => [r.to, r.from]));
  const before = new Map(input.base.filter(e => e.ref && e.kind === 'API').map(e => [e.ref!, e]));
  const consumersOf = consumersByApi(input.base, input.head, new Map(renamed.map(r => [r.from, r.to])));
  const changes: ApiChange[] = [];
  const diagnostics: Diagnostic[] = [];
  const definitions: ApiDefinition[] = [];
  // Each linted definition's text on the base, so that what Spectral already found there is told apart.
  const baseOf = new Map<ApiDefinition, ApiDefinition>();
  // An API defined twice in one file is, on either side, the one Backstage keeps: the later document replaces
  // the earlier under the same location key. Compared document by document, an untouched file of two looked
  // like a definition changed (fresh user, giantswarm's crds.yaml). Copies in other files are each compared,
  // as before: which file Backstage keeps is whichever it processes first.
  const kept = new Map(input.head.filter(e => e.ref && e.kind === 'API').map(e => [`${e.ref}\u0000${e.file}`, e]));
  for (const entity of kept.values()) {
    if (!entity.ref) continue;
    const was = before.get(oldName.get(entity.ref) ?? entity.ref);
    const prior = was && definitionOf(was, input.repoUrl);
    if (!was || !prior) {
      // An API the change adds (or whose definition the base did not keep in this repo) has nothing to diff,
      // but its definition is the change's as much as an edited one: Spectral lints it (it may not even parse).
      const added = lintableAdded(entity, input);
      if (added) {
        definitions.push(added);
        // A file another API already read on the base: what Spectral found in it there is not this change's.
        const shared = added.inlineIn ? undefined : [...before.values()].map(e => definitionOf(e, input.repoUrl)).find(d => d && !d.inlineIn && d.file === added.file);
        if (shared) baseOf.set(added, shared);
      }
      continue;
    }
    // Undefined when the head's definition is not in this repo (a URL Backstage reads at ingestion, a missing file).
    const after = definitionOf(entity, input.repoUrl);
    const sameText = after !== undefined && after.text === prior.text;
    const sameType = typeOf(was) === typeOf(entity);
    // Only a definition that writes a $ref can change through another file.
    // A .proto changes through the files it imports as an OpenAPI text does through its $refs.
    const imported = sameText && sameType && input.revisions && typeOf(entity).toLowerCase() === 'grpc' ? [...protoImports(prior.text, prior.inlineIn ? undefined : prior.file, input.revisions.base).paths, ...protoImports(after.text, after.inlineIn ? undefined : after.file, input.revisions.head).paths] : [];
    if (sameText && sameType && (!input.revisions || !mayHoldRef(after.text)) && !imported.some(f => input.revisions!.changedFiles.has(f))) continue;
    // A definition over the parsers' limits is never parsed, diffed or linted (the gate reports it).
    const afterOver = after !== undefined && definitionOverLimit(after.text, after.file, input.limits) !== undefined;
    const beforeRead = definitionOverLimit(prior.text, prior.file, input.limits) ? undefined : parseDefinition(prior.text);
    const afterRead = afterOver || !after ? undefined : parseDefinition(after.text);
    const beforeDoc = beforeRead && 'value' in beforeRead ? beforeRead.value : undefined;
    const afterDoc = afterRead && 'value' in afterRead ? afterRead.value : undefined;
    const limits = input.limits ?? DEFAULT_DEFINITION_LIMITS;
    const beforeResolved = input.revisions && beforeDoc !== undefined ? resolveRepoRefs(beforeDoc, prior.file, input.revisions.base, limits) : undefined;
    const afterResolved = input.revisions && after && afterDoc !== undefined ? resolveRepoRefs(afterDoc, after.file, input.revisions.head, limits) : undefined;
    const format = formatOf(entity, afterDoc);
    const formatBefore = formatOf(was, beforeDoc);
    // The base side is one the gate judged (a diffable specification, or a gRPC API) and the head
    // side is not the same judged format: nothing would be diffed, so the change is one nobody can judge.
    const leftJudged = (!after || format !== formatBefore) && judged(formatBefore, beforeDoc);
    // GraphQL SDL on both sides: read as a schema (graphqlBreaking), never by the YAML limits and readings below.
    const sdl = format === 'graphql' && formatBefore === 'graphql';
    if (sameText && !leftJudged) {
      const changed = input.revisions?.changedFiles;
      const reached = [...(beforeResolved?.files ?? []), ...(afterResolved?.files ?? []), ...imported];
      if (!changed || !reached.some(f => changed.has(f))) continue;
    }
    if (!after && !leftJudged) continue;
    const owner = ownerOf(entity);
    const ownerBefore = ownerOf(was);
    const lifecycle = lifecycleOf(entity);
    const lifecycleBefore = lifecycleOf(was);
    const consumers = consumersOf.get(entity.ref) ?? [];
    const otherTeams = teamsToProtect(consumers, ownerBefore ?? owner, membersByGroup(input.base));
    const overLimit = leftJudged || sdl ? undefined : beforeResolved?.overLimit ?? afterResolved?.overLimit;
    const file = after?.file ?? entity.file;
    const definitionRange = after && !after.inlineIn ? { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } } : entity.locate(entity.document, ['spec', 'definition']);
    // A referenced file over the limits is the lint step's finding (repoRefResolver); the budget and depth of the whole closure are found here.
    if (overLimit === 'depth') diagnostics.push(resolvedTooDeepProblem(file, definitionRange, 'the breaking-change diff'));
    // Neither side can be diffed: a change would go through unjudged, so it is a finding, never a silent skip.
    const aliases = !leftJudged && !sdl && ([beforeRead, afterRead].some(read => read && 'refused' in read && read.refused === 'aliases') || overLimit === 'aliases');
    if (aliases) {
      diagnostics.push({
        ruleId: 'yaml-alias-limit',
        severity: 'error',
        message: `This API definition${overLimit === 'aliases' ? ', or a file its $refs reach,' : ''} expands its anchors and aliases too far (more than 100 expansions, in ${beforeRead && 'refused' in beforeRead && beforeRead.refused === 'aliases' ? 'the base revision' : 'this change'}); it is not diffed, so breaking changes to its consumers cannot be judged.`,
        hint: ALIAS_LIMIT_HINT,
        file,
        range: definitionRange,
        entityRef: entity.ref,
      });
    }
    if (overLimit === 'nodes') diagnostics.push({ ...nodeBudgetProblem(file, definitionRange.start, limits.maxNodes), range: definitionRange, message: `With its $refs resolved, this definition holds more than ${limits.maxNodes} YAML values; it is not diffed.`, hint: 'Refer to shared schemas once from components/schemas and point at them with local $refs, instead of pulling the same file in at many places.' });
    const diffable = !leftJudged && (format === 'openapi' || format === 'asyncapi') && beforeDoc !== undefined && afterDoc !== undefined && !overLimit;
    // A .proto is no YAML: only the byte cap bounds it (the YAML budgets would count its lines as values and
    // skip buf on a large, ordinary file, passing its breaking changes unjudged).
    const protoOver = format === 'grpc' && after !== undefined && Buffer.byteLength(after.text) > limits.maxBytes;
    const proto = !leftJudged && after && format === 'grpc' && !protoOver ? protoOf(prior, after, input.revisions) : undefined;
    // SDL is bounded by its bytes, bracket nesting and graphql's token limit, not by the YAML readings' node budget.
    const graphql = !leftJudged && after && sdl ? await graphqlBreaking(prior.text, after.text, limits) : undefined;
    let compared: ReturnType<ApiChangeInput['compare']> | undefined;
    // The diff picks its rules from the base side: across two specifications (OpenAPI to AsyncAPI, AsyncAPI 2
    // to 3, Swagger to OpenAPI) everything it finds is unclassified, and nothing would count as breaking.
    const [specBefore, specAfter] = [specMajor(beforeDoc), specMajor(afterDoc)];
    // A head that no longer parses (the base did) is no less a change nobody can judge.
    const unreadable = specBefore !== undefined && afterRead !== undefined && 'refused' in afterRead && afterRead.refused === 'syntax';
    const crossSpec = (diffable && specBefore !== specAfter) || unreadable;
    if (leftJudged) {
      const [from, to] = [sideOf(was, formatBefore, beforeDoc), after ? sideOf(entity, format, afterDoc) : isRecord(entity.raw.spec) && entity.raw.spec.definition !== undefined ? 'a definition this revision does not hold (a URL Backstage reads only at ingestion, or a missing file)' : 'no spec.definition'];
      // The same document under another spec.type (a Swagger 2 text the type made OpenAPI): the type is what moved.
      compared = from === to ? cannotCompare(`${from} as ${sideOf(was, 'other', undefined)}`, `${to} as ${sideOf(entity, 'other', undefined)}`) : cannotCompare(from, to);
    }
    else if (protoOver) compared = cannotCompare('a gRPC .proto', `a .proto of ${Buffer.byteLength(after!.text)} bytes, over the ${limits.maxBytes}-byte cap buf is given`, `split it into files it imports, each under ${limits.maxBytes} bytes`);
    // A proto buf cannot compile alone gives only compile errors: for the head, a change nobody can judge; for
    // the base (it imports other files), no change to it can be judged either.
    // buf ran and gave no answer (stopped, failed, or flooded its output): no change can be told from what stays.
    else if (proto && 'failed' in proto) compared = cannotCompare('a gRPC .proto', `a changed .proto that buf could not judge (${proto.failed})`, 'make the change in smaller steps that buf can judge');
    else if (proto && 'doesNotCompile' in proto) {
      const absent = proto.missing && `it imports ${missingList(proto.missing)}, which this ${proto.doesNotCompile === 'base' ? 'base ' : ''}revision of the repository does not hold`;
      const example = proto.missing?.find(p => safeImport(p) && p.length <= 80);
      const remedy = proto.missing && `keep the files it imports in this repository (at a path that ends with the import path${example ? `, such as third_party/${example.startsWith('google/') ? 'googleapis/' : ''}${example}` : ''}) so that buf can compile it`;
      compared = proto.doesNotCompile === 'head'
        ? cannotCompare('a gRPC .proto', `a text that buf cannot compile on its own (${absent ?? proto.error})`, remedy ?? 'make it compile again')
        : cannotCompare(`a .proto that buf cannot compile (${absent ?? `${proto.error}; buf reads it with the files it imports from this repository`})`, 'a changed .proto', remedy ?? '');
    }
    // The same for SDL that does not build into a schema alone (graphql-js with assumeValidSDL): a head broken in
    // the change, or a base that relies on types defined elsewhere, whose changes cannot be told from what stays.
    else if (graphql && 'doesNotBuild' in graphql) compared = graphql.doesNotBuild === 'head' ? cannotCompare('a GraphQL schema', `a text that does not build as a GraphQL schema on its own (${graphql.error})`) : cannotCompare(`GraphQL SDL that does not build as a schema on its own (${graphql.error}; each side is read alone, without the files or supergraph it relies on)`, 'a changed SDL', 'keep every type it uses in the definition\'s own text so that it builds alone');
    else if (crossSpec) compared = cannotCompare(specVersion(beforeDoc), specVersion(afterDoc));
    else {
      try {
        const from = beforeResolved?.document ?? beforeDoc;
        const sides = diffable ? [inlineChannelMessages(from, limits.maxNodes), inlineChannelMessages(afterResolved?.document ?? afterDoc, limits.maxNodes)] : [];
        if (diffable && sides.some(side => side === undefined)) diagnostics.push({ ...nodeBudgetProblem(file, definitionRange.start, limits.maxNodes), range: definitionRange, message: `With the messages its channels name by $ref written in place, this definition holds more than ${limits.maxNodes} YAML values; it is not diffed.`, hint: 'Name fewer large messages from many channels, or split the definition.' });
        else compared = diffable ? input.compare(sides[0], sides[1]) : undefined;
        // A specification the diff has no rules for (Swagger 2.0, AsyncAPI 3): every change is unclassified,
        // which must not read as nothing breaking; the gate judged this format when it moved away, so it counts.
        if (compared?.diffs.length && specBefore !== undefined && !classifiable(from, input.classifies)) compared = { diffs: [unclassifiable(beforeDoc), ...compared.diffs] };
        else if (compared && after) {
          const revisions = input.revisions;
          const resolve = (document: unknown, side: 'base' | 'head') => (revisions ? resolveRepoRefs(document, side === 'base' ? prior.file : after.file, revisions[side], limits).document : undefined) ?? document;
          const spec = specMajor(from) === 'asyncapi 2' ? 'asyncapi' : 'openapi';
          // A message's headers are a schema api-smart-diff leaves unclassified: diffed again with the payload's rules.
          const plain = spec === 'asyncapi' && compared.diffs.some(d => inMessageHeaders(d.path)) ? [...compared.diffs.filter(d => !inMessageHeaders(d.path)), ...headerDiffs(input.compare(headersAsPayload(sides[0]), headersAsPayload(sides[1])).diffs)] : compared.diffs;
          compared = { diffs: consumerBreaking([...plain, ...mergeKeyBreaking(prior.text, after.text, plain, input.compare, resolve)], spec, sides[1]) };
        }
      } catch (error) {
        // Local $refs chained through deep schemas can nest the resolved document past the stack: no diff then.
        if (error instanceof RangeError) diagnostics.push(resolvedTooDeepProblem(file, definitionRange, 'the breaking-change diff'));
        // api-smart-diff compares OpenAPI 3.x and AsyncAPI 2.x; two sides it cannot compare count as breaking.
        else compared = cannotCompare(specVersion(beforeDoc), specVersion(afterDoc));
      }
    }
    // buf's and GraphQL Inspector's findings carry their line in the head file.
    const lineFindings = Array.isArray(proto) ? proto : Array.isArray(graphql) ? graphql : undefined;
    const diff = lineFindings
      ? lineFindings.map(f => f.entry)
      : compared
      ? compared.diffs.map(d => ({ type: normaliseType(d.type), action: d.action, description: d.description ?? `${DONE[d.action] ?? d.action} ${d.path.join('.')}`, path: d.path, ...locate(format, d.path), ...('unjudged' in d && typeof d.unjudged === 'string' ? { unjudged: d.unjudged } : {}) }))
      : undefined;
    // Spectral resolves the same $refs (shared nodes expanded as it walks them): a closure over the node budget is the finding above, not linted.
    if (after && (format === 'openapi' || format === 'asyncapi') && !afterOver && afterResolved?.overLimit !== 'nodes') {
      definitions.push(after);
      if (formatBefore === format) baseOf.set(after, prior);
    }
    const versionBefore = versionOf(beforeDoc);
    const versionAfter = versionOf(afterDoc);
    const breaking = diff?.filter(d => d.type === 'breaking') ?? [];
    const renamedFrom = was.ref !== entity.ref ? was.ref : undefined;
    const [verdict, reason] = verdictOf(input.policy, breaking.length > 0, otherTeams, [lifecycleBefore, lifecycle], [versionBefore, versionAfter]);
    changes.push({ api: entity.ref, ...(renamedFrom ? { renamedFrom } : {}), ...(owner ? { owner } : {}), ...(ownerBefore !== owner && ownerBefore ? { ownerBefore } : {}), ...(lifecycle ? { lifecycle } : {}), format, file, ...(versionBefore ? { versionBefore } : {}), ...(versionAfter ? { versionAfter } : {}), ...(diff ? { diff } : {}), consumers, otherTeams, verdict, ...(reason ? { reason } : {}) });
    if (verdict !== 'error' && verdict !== 'warning') continue;
    const breakingLines = lineFindings?.filter(f => f.entry.type === 'breaking');
    // Each breaking change is located in the head's files: parsed once for all of them, not once per change
    // (100 changes in a 700 KB definition parsed it 100 times: a minute of the gate per API it changes).
    const parsedTexts: ParsedTexts = new Map();
    // An inline definition's lines are not the entity file's: its findings point at spec.definition.
    const where = !after || (breakingLines && after.inlineIn) ? () => ({ file, range: definitionRange }) : breakingLines ? (index: number) => ({ file, range: lineRange(breakingLines[index]?.line ?? 1) }) : (index: number) => locateThroughRefs(after, breaking[index].path, input.revisions?.head, parsedTexts);
    const notes = [
      ownerBefore !== owner ? ` Its owner moves from ${ownerBefore ?? '(none)'} to ${owner ?? '(none)'} in this change: its consumers relied on ${ownerBefore ?? '(none)'}, so every other team counts; hand the API over in its own pull request first.` : '',
      lifecycle !== lifecycleBefore ? ` Its lifecycle moves from ${lifecycleBefore ?? '(none)'} to ${lifecycle ?? '(none)'} in this change: the policy's lifecycle exemption counts the lifecycle its consumers rely on, before the change.` : '',
      consumerNote(consumers),
      relaxedNote(input.policyRelaxed),
    ].join('');
    for (const [index, d] of breaking.entries()) {
      // A schema-wide rename breaks thousands of paths: past the cap one finding counts the rest (SARIF
      // uploads and annotations have limits; the report's JSON lists every change).
      if (index === MAX_BREAKING_FINDINGS) {
        diagnostics.push({
          ruleId: 'api-breaking-change',
          severity: verdict,
          message: `…and ${breaking.length - MAX_BREAKING_FINDINGS} more breaking changes to ${entity.ref}, not listed one by one (the report's JSON lists every change).`,
          hint: waysOut(breaking[0], format, input.policy, otherTeams),
          file,
          range: definitionRange,
          entityRef: entity.ref,
        });
        break;
      }
      diagnostics.push({
        ruleId: 'api-breaking-change',
        severity: verdict,
        message: `Breaking change to ${entity.ref}${renamedFrom ? ` (${renamedFrom} before this change)` : ''}: ${d.description}. Consumed by ${consumerList(consumers)}.`,
        hint: `${waysOut(d, format, input.policy, otherTeams)}${notes}`,
        ...where(index),
        entityRef: entity.ref,
      });
    }
  }
  const removed = removedApis(input, before, oldName, consumersOf);
  changes.push(...removed.changes);
  diagnostics.push(...removed.diagnostics);
  return { changes, diagnostics, definitions, baseOf };
}

const lineRange = (line: number): Range => ({ start: { line, column: 1 }, end: { line, column: 1 } });

function normaliseType(type: string): ApiDiffEntry['type'] {
  return type === 'breaking' || type === 'non-breaking' || type === 'annotation' || type === 'deprecated' ? type : 'unclassified';
}

/** The value at `segment` of a YAML map (keys compared as text: `200:` is the diff's `'200'`) or sequence, or undefined. */
function childNode(node: unknown, segment: string | number): Node | undefined {
  if (isMap(node)) {
    const pair = node.items.find(item => String(isScalar(item.key) ? item.key.value : item.key) === String(segment));
    return (pair?.value as Node | null | undefined) ?? undefined;
  }
  if (isSeq(node)) return (node.items[Number(segment)] as Node | null | undefined) ?? undefined;
  return undefined;
}

/**
 * Where a diff path of the head's definition is written: the path is walked through the definition text and,
 * where it enters a `$ref` object, on in the node the reference names (a `#/…` pointer in the same file, or a
 * repo file of the head revision, as resolveRepoRefs bundled it for the diff), so a change inside a
 * referenced schema is reported in the file and on the line the pull request changed, not on the `$ref`
 * line of a root file it may not touch. Follows at most 32 references; a reference that cannot be read
 * (outside the repo, missing, a cycle) leaves the finding at the `$ref`. Takes the head's definition, the
 * diff path and the head revision's files (none: the definition file only); returns the file and range.
 */
export function locateThroughRefs(definition: ApiDefinition, path: readonly (string | number)[], head: RevisionFiles | undefined, parsed: ParsedTexts = new Map()): { file: string; range: Range } {
  if (definition.inlineIn) return { file: definition.file, range: rangeIn(definition)(path) };
  let file = definition.file;
  let text = definition.text;
  let rest = [...path];
  const seen = new Set<string>();
  for (let hop = 0; ; hop++) {
    const { doc, lineCounter } = parsedText(parsed, text);
    const here = { file, range: rangeOfPath(doc, lineCounter, rest) };
    let node: unknown = doc.contents;
    let walked = 0;
    for (; walked < rest.length; walked++) {
      const next = childNode(node, rest[walked]);
      if (next === undefined) break;
      node = next;
    }
    const ref = isMap(node) ? node.get('$ref') : undefined;
    if (walked === rest.length || typeof ref !== 'string' || hop >= 32 || seen.has(`${file}\0${ref}`)) return here;
    seen.add(`${file}\0${ref}`);
    const target = head ? refTarget(file, ref, head.repoFileSet) : ref.startsWith('#') ? { kind: 'local' as const } : undefined;
    const hash = ref.indexOf('#');
    const pointer = (hash < 0 ? '' : ref.slice(hash + 1)).replace(/^\//, '').split('/').filter(s => s !== '').map(s => {
      try {
        return decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~');
      } catch {
        return s;
      }
    });
    if (target?.kind === 'local') rest = [...pointer, ...rest.slice(walked)];
    else if (target?.kind === 'file' && head) {
      const targetText = head.read(target.path);
      if (targetText === null) return here;
      file = target.path;
      text = targetText;
      rest = [...pointer, ...rest.slice(walked)];
    } else return here;
  }
}

/** Documents locateThroughRefs parsed, by text: one API's breaking changes share them. */
export type ParsedTexts = Map<string, { doc: Document.Parsed; lineCounter: LineCounter }>;

function parsedText(parsed: ParsedTexts, text: string) {
  let entry = parsed.get(text);
  if (!entry) {
    const lineCounter = new LineCounter();
    entry = { doc: parseDocument(text, { lineCounter, merge: false, uniqueKeys: false, logLevel: 'error' }), lineCounter };
    parsed.set(text, entry);
  }
  return entry;
}

/** Maps a path in the definition to a range in the file; an inline definition points at its `spec.definition`. */
export function rangeIn(definition: ApiDefinition): (path: readonly (string | number)[]) => Range {
  if (definition.inlineIn) {
    const entity = definition.inlineIn;
    return () => entity.locate(entity.document, ['spec', 'definition']);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(definition.text, { lineCounter, merge: false, uniqueKeys: false, logLevel: 'error' });
  return path => rangeOfPath(doc, lineCounter, path);
}

/** The ways out of `breaking` for the api-breaking-change hint: breakingWays, or for a change the diff cannot judge what would let it judge one. */
function waysOut(entry: ApiDiffEntry, format: ApiFormat, policy: ApiChangePolicy, teams: readonly string[]): string {
  const agree = `agree the change with ${teams.length === 1 ? 'that team' : 'those teams'}`;
  if (entry.unjudged === undefined) return `${dependents(teams)}: ${breakingWays(format, policy)}, or ${agree}.`;
  const version = policy.allowWhenMajorVersion && (format === 'openapi' || format === 'asyncapi') ? 'release a new major info.version, ' : '';
  const remedy = entry.unjudged ? `${entry.unjudged}; until then, ` : '';
  return `${dependents(teams)}. The diff cannot tell what this change keeps, so it counts as breaking whatever it changes (keeping the old shape does not pass it): ${remedy}${version}${version ? 'or ' : ''}${agree}.`;
}

/** Up to three import paths, clipped, for a message: `a.proto, b.proto and 2 more`. */
function missingList(paths: readonly string[]): string {
  const shown = paths.slice(0, 3).map(p => (p.length > 80 ? `${p.slice(0, 79)}…` : p));
  return paths.length > 3 ? `${shown.join(', ')} and ${paths.length - 3} more` : shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown[0];
}

/** buf's verdict on a changed .proto, each side compiled with the files it imports from its own revision (protoImports). */
function protoOf(prior: ApiDefinition, after: ApiDefinition, revisions: ApiChangeInput['revisions']) {
  const before = revisions ? protoImports(prior.text, prior.inlineIn ? undefined : prior.file, revisions.base) : undefined;
  const head = revisions ? protoImports(after.text, after.inlineIn ? undefined : after.file, revisions.head) : undefined;
  return protoBreaking({ text: prior.text, imports: before?.files }, { text: after.text, imports: head?.files }, after.file, { before: before?.missing, after: head?.missing });
}

/** "Team X depends on it" / "Teams X, Y depend on it": the teams a breaking change reaches, in the hint's words. */
function dependents(teams: readonly string[]): string {
  return teams.length === 1 ? `Team ${teams[0]} depends on it` : `Teams ${teams.join(', ')} depend on it`;
}
