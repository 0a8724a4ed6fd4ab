import { LineCounter, parseDocument } from 'yaml';
import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { placeholderTarget } from '../catalog/placeholders.ts';
import { DEFAULT_DEFINITION_LIMITS, definitionOverLimit, resolvedTooDeepProblem, type DefinitionLimits } from '../catalog/apiRefs.ts';
import { referencesOf } from '../catalog/checkReferences.ts';
import type { ApiChangePolicy } from '../config/gitopsConfig.ts';
import type { Diagnostic, Range } from '../diagnostic.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { rangeOfPath } from '../load/yamlPath.ts';
import { ownerOf, type Dependent, type Rename } from './entityChanges.ts';
import { protoBreaking } from './protoBreaking.ts';
import { resolveRepoRefs, type RevisionFiles } from './resolveRepoRefs.ts';
import { nodeBudgetProblem } from '../load/yamlNodeBudget.ts';
import { ALIAS_LIMIT_HINT, parseDefinition } from './parseDefinition.ts';

export type ApiFormat = 'openapi' | 'asyncapi' | 'grpc' | 'graphql' | 'other';

/** An API's definition text and where it lives (the `$text`/`$openapi`/`$asyncapi` target, or the entity file when inline). */
export interface ApiDefinition {
  text: string;
  file: string;
  /** Inline definitions: the entity whose `spec.definition` holds the text. */
  inlineIn?: CatalogEntity;
}

export interface ApiDiffEntry {
  type: 'breaking' | 'non-breaking' | 'annotation' | 'deprecated' | 'unclassified';
  action: string;
  description: string;
  /** `GET /payments/{id}` (OpenAPI) or `channel orders/created` (AsyncAPI), when the change is inside one. */
  operation?: string;
  /** The changed field below the operation, dotted (`responses.200.content`). */
  field?: string;
  path: (string | number)[];
}

export interface ApiChange {
  api: string;
  owner?: string;
  lifecycle?: string;
  format: ApiFormat;
  file: string;
  versionBefore?: string;
  versionAfter?: string;
  /** Classified changes (api-smart-diff for OpenAPI/AsyncAPI, `buf breaking` for a self-contained .proto); absent when nothing diffs it. */
  diff?: ApiDiffEntry[];
  consumers: Dependent[];
  /** Teams owning consumers, other than the API's owner. */
  otherTeams: string[];
  /** What the policy makes of the breaking changes: `allowed` says why in `reason`. */
  verdict: 'error' | 'warning' | 'allowed' | 'none';
  reason?: string;
}

// api-smart-diff describes OpenAPI changes itself; for the rest it gives only the action.
const DONE: Record<string, string> = { add: 'added', remove: 'removed', replace: 'replaced', rename: 'renamed' };
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** The definition of an API entity as Backstage would hold it after placeholder substitution. */
export function definitionOf(entity: CatalogEntity, repoUrl?: string): ApiDefinition | undefined {
  const spec = isRecord(entity.entity.spec) ? entity.entity.spec : {};
  const rawSpec = isRecord(entity.raw.spec) ? entity.raw.spec : {};
  const value = spec.definition;
  if (value === undefined || value === '(unavailable)') return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const raw = rawSpec.definition;
  if (isRecord(raw)) {
    const [key] = Object.keys(raw);
    const target = key ? placeholderTarget(entity.file, raw[key], repoUrl) : undefined;
    return target ? { text, file: target } : undefined;
  }
  return { text, file: entity.file, inlineIn: entity };
}

function formatOf(entity: CatalogEntity, document: unknown): ApiFormat {
  const type = isRecord(entity.entity.spec) && typeof entity.entity.spec.type === 'string' ? entity.entity.spec.type.toLowerCase() : '';
  if (isRecord(document) && typeof document.openapi === 'string') return 'openapi';
  if (isRecord(document) && typeof document.asyncapi === 'string') return 'asyncapi';
  if (type === 'grpc' || type === 'graphql' || type === 'openapi' || type === 'asyncapi') return type;
  return 'other';
}

const versionOf = (document: unknown) => (isRecord(document) && isRecord(document.info) && document.info.version !== undefined ? String(document.info.version) : undefined);

/**
 * The major number of an info.version written `1`, `1.2`, `v1.2.3` or `1.2.3-beta` (digits without a
 * leading zero, as semver writes them), else undefined: `01.0.0`, `1,0.0` or `１.0.0` name no new major,
 * whatever their text.
 */
function majorOf(version: string | undefined): number | undefined {
  const match = version === undefined ? null : /^v?(0|[1-9][0-9]{0,8})(?:[.+-]|$)/i.exec(version);
  return match ? Number(match[1]) : undefined;
}

/** Whether `after` names a later major version than `before` (both readable by majorOf). */
function newMajor(before: string | undefined, after: string | undefined): boolean {
  const [from, to] = [majorOf(before), majorOf(after)];
  return from !== undefined && to !== undefined && to > from;
}

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
function cannotCompare(before: unknown, after: unknown): ReturnType<ApiChangeInput['compare']> {
  return { diffs: [{ action: 'replace', type: 'breaking', description: `the definition moves from ${specVersion(before)} to ${specVersion(after)}, which the breaking-change diff cannot compare, so the whole change counts as breaking`, path: [] }] };
}

/** The specification and its major version a document declares (`openapi 3`, `asyncapi 2`), or undefined. */
function specMajor(document: unknown): string | undefined {
  const key = SPEC_KEYS.find(k => isRecord(document) && document[k] !== undefined);
  return key && isRecord(document) ? `${key} ${String(document[key]).split('.')[0].trim()}` : undefined;
}

const lifecycleOf = (entity: CatalogEntity | undefined) => (entity && isRecord(entity.entity.spec) && typeof entity.entity.spec.lifecycle === 'string' ? entity.entity.spec.lifecycle : undefined);

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
  policy: ApiChangePolicy;
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
  compare: (before: unknown, after: unknown) => { diffs: { action: string; type: string; description?: string; path: (string | number)[] }[] };
}

/**
 * Every API whose definition differs between base and head (renames followed), or one of whose
 * repo-local `$ref` targets changed (`revisions`), diffed with their repo-local `$ref`s resolved on each
 * side from its own revision (resolveRepoRefs), with
 * api-smart-diff (OpenAPI 3.0, AsyncAPI 2.x; each change breaking, non-breaking, annotation-only or a
 * deprecation), with the head's consumers and their teams, and the policy's verdict on breaking changes
 * that reach another team. Returns the changes, the changed OpenAPI/AsyncAPI definitions (to lint) and one Diagnostic (`api-breaking-change`) per breaking
 * change the policy does not allow, at the line of the changed node in the head definition. A definition
 * whose resolved closure goes over the limits is a finding (`yaml-depth-limit`, `yaml-node-limit`) and is not diffed.
 */
export function apiChanges(input: ApiChangeInput): { changes: ApiChange[]; diagnostics: Diagnostic[]; definitions: ApiDefinition[] } {
  const oldName = new Map(input.renamed.filter(r => r.from !== r.to).map(r => [r.to, r.from]));
  const before = new Map(input.base.filter(e => e.ref && e.kind === 'API').map(e => [e.ref!, e]));
  const consumersOf = new Map<string, Dependent[]>();
  for (const e of input.head) {
    for (const r of referencesOf(e)) {
      if (r.field !== 'consumesApis' || !e.ref) continue;
      const owner = ownerOf(e);
      (consumersOf.get(r.target) ?? consumersOf.set(r.target, []).get(r.target)!).push({ ref: e.ref, field: r.field, ...(owner ? { owner } : {}) });
    }
  }
  const changes: ApiChange[] = [];
  const diagnostics: Diagnostic[] = [];
  const definitions: ApiDefinition[] = [];
  for (const entity of input.head) {
    if (entity.kind !== 'API' || !entity.ref) continue;
    const was = before.get(oldName.get(entity.ref) ?? entity.ref);
    const after = definitionOf(entity, input.repoUrl);
    const prior = was && definitionOf(was, input.repoUrl);
    if (!after || !prior) continue;
    const sameText = after.text === prior.text;
    // Only a definition that writes a $ref can change through another file.
    if (sameText && (!input.revisions || !after.text.includes('$ref'))) continue;
    // A definition over the parsers' limits is never parsed, diffed or linted (the gate reports it).
    const afterOver = definitionOverLimit(after.text, after.file, input.limits) !== undefined;
    const beforeRead = definitionOverLimit(prior.text, prior.file, input.limits) ? undefined : parseDefinition(prior.text);
    const afterRead = afterOver ? undefined : parseDefinition(after.text);
    const beforeDoc = beforeRead && 'value' in beforeRead ? beforeRead.value : undefined;
    const afterDoc = afterRead && 'value' in afterRead ? afterRead.value : undefined;
    const limits = input.limits ?? DEFAULT_DEFINITION_LIMITS;
    const beforeResolved = input.revisions && beforeDoc !== undefined ? resolveRepoRefs(beforeDoc, prior.file, input.revisions.base, limits) : undefined;
    const afterResolved = input.revisions && afterDoc !== undefined ? resolveRepoRefs(afterDoc, after.file, input.revisions.head, limits) : undefined;
    if (sameText) {
      const changed = input.revisions!.changedFiles;
      const reached = [...(beforeResolved?.files ?? []), ...(afterResolved?.files ?? [])];
      if (!reached.some(f => changed.has(f))) continue;
    }
    const format = formatOf(entity, afterDoc);
    const owner = ownerOf(entity);
    const lifecycle = lifecycleOf(entity);
    const lifecycleBefore = lifecycleOf(was);
    const consumers = consumersOf.get(entity.ref) ?? [];
    const otherTeams = [...new Set(consumers.map(c => c.owner).filter((o): o is string => Boolean(o) && o !== owner))].sort();
    const overLimit = beforeResolved?.overLimit ?? afterResolved?.overLimit;
    const definitionRange = after.inlineIn ? after.inlineIn.locate(after.inlineIn.document, ['spec', 'definition']) : { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } };
    // A referenced file over the limits is the lint step's finding (repoRefResolver); the budget and depth of the whole closure are found here.
    if (overLimit === 'depth') diagnostics.push(resolvedTooDeepProblem(after.file, definitionRange, 'the breaking-change diff'));
    // Neither side can be diffed: a change would go through unjudged, so it is a finding, never a silent skip.
    const aliases = [beforeRead, afterRead].some(read => read && 'refused' in read && read.refused === 'aliases') || overLimit === 'aliases';
    if (aliases) {
      diagnostics.push({
        ruleId: 'yaml-alias-limit',
        severity: 'error',
        message: `This API definition${overLimit === 'aliases' ? ', or a file its $refs reach,' : ''} expands its anchors and aliases too far (more than 100 expansions, in ${beforeRead && 'refused' in beforeRead && beforeRead.refused === 'aliases' ? 'the base revision' : 'this change'}); it is not diffed, so breaking changes to its consumers cannot be judged.`,
        hint: ALIAS_LIMIT_HINT,
        file: after.file,
        range: definitionRange,
        entityRef: entity.ref,
      });
    }
    if (overLimit === 'nodes') diagnostics.push({ ...nodeBudgetProblem(after.file, definitionRange.start, limits.maxNodes), range: definitionRange, message: `With its $refs resolved, this definition holds more than ${limits.maxNodes} YAML values; it is not diffed.`, hint: 'Refer to shared schemas once from components/schemas and point at them with local $refs, instead of pulling the same file in at many places.' });
    const diffable = (format === 'openapi' || format === 'asyncapi') && beforeDoc !== undefined && afterDoc !== undefined && !overLimit;
    const proto = format === 'grpc' && !afterOver ? protoBreaking(prior.text, after.text, after.file) : undefined;
    let compared: ReturnType<ApiChangeInput['compare']> | undefined;
    // The diff picks its rules from the base side: across two specifications (OpenAPI to AsyncAPI, AsyncAPI 2
    // to 3, Swagger to OpenAPI) everything it finds is unclassified, and nothing would count as breaking.
    const [specBefore, specAfter] = [specMajor(beforeDoc), specMajor(afterDoc)];
    // A head that no longer parses (the base did) is no less a change nobody can judge.
    const unreadable = specBefore !== undefined && afterRead !== undefined && 'refused' in afterRead && afterRead.refused === 'syntax';
    const crossSpec = (diffable && specBefore !== specAfter) || unreadable;
    if (crossSpec) compared = cannotCompare(beforeDoc, afterDoc);
    else {
      try {
        compared = diffable ? input.compare(beforeResolved?.document ?? beforeDoc, afterResolved?.document ?? afterDoc) : undefined;
      } catch (error) {
        // Local $refs chained through deep schemas can nest the resolved document past the stack: no diff then.
        if (error instanceof RangeError) diagnostics.push(resolvedTooDeepProblem(after.file, definitionRange, 'the breaking-change diff'));
        // api-smart-diff compares OpenAPI 3.x and AsyncAPI 2.x; two sides it cannot compare count as breaking.
        else compared = cannotCompare(beforeDoc, afterDoc);
      }
    }
    const diff = proto
      ? proto.map(f => f.entry)
      : compared
      ? compared.diffs.map(d => ({ type: normaliseType(d.type), action: d.action, description: d.description ?? `${DONE[d.action] ?? d.action} ${d.path.join('.')}`, path: d.path, ...locate(format, d.path) }))
      : undefined;
    // Spectral resolves the same $refs (shared nodes expanded as it walks them): a closure over the node budget is the finding above, not linted.
    if ((format === 'openapi' || format === 'asyncapi') && !afterOver && afterResolved?.overLimit !== 'nodes') definitions.push(after);
    const versionBefore = versionOf(beforeDoc);
    const versionAfter = versionOf(afterDoc);
    const breaking = diff?.filter(d => d.type === 'breaking') ?? [];
    let verdict: ApiChange['verdict'] = 'none';
    let reason: string | undefined;
    if (breaking.length && otherTeams.length) {
      // The consumers rely on the API as it is before the change: a lifecycle the same change moves into the
      // exempt list (production -> experimental) excuses nothing.
      const exempt = (l: string | undefined) => l !== undefined && input.policy.allowWhenLifecycle.includes(l);
      if (exempt(lifecycle) && exempt(lifecycleBefore)) [verdict, reason] = ['allowed', `its lifecycle is ${lifecycle}`];
      else if (input.policy.allowWhenMajorVersion && newMajor(versionBefore, versionAfter)) [verdict, reason] = ['allowed', `info.version moves from ${versionBefore} to ${versionAfter}`];
      else if (input.policy.breakingWithOtherConsumers === 'allowed') [verdict, reason] = ['allowed', 'apiChanges.breakingWithOtherConsumers is allowed'];
      else verdict = input.policy.breakingWithOtherConsumers;
    }
    changes.push({ api: entity.ref, ...(owner ? { owner } : {}), ...(lifecycle ? { lifecycle } : {}), format, file: after.file, ...(versionBefore ? { versionBefore } : {}), ...(versionAfter ? { versionAfter } : {}), ...(diff ? { diff } : {}), consumers, otherTeams, verdict, ...(reason ? { reason } : {}) });
    if (verdict !== 'error' && verdict !== 'warning') continue;
    const where = proto ? (index: number) => lineRange(proto[index]?.line ?? 1) : (index: number) => rangeIn(after)(breaking[index].path);
    for (const [index, d] of breaking.entries()) {
      diagnostics.push({
        ruleId: 'api-breaking-change',
        severity: verdict,
        message: `Breaking change to ${entity.ref}: ${d.description}. Consumed by ${consumers.map(c => `${c.ref}${c.owner ? ` (${c.owner})` : ''}`).join(', ')}.`,
        hint: `Teams ${otherTeams.join(', ')} depend on it: keep the old shape and deprecate it first, release a new major info.version, or agree the change with those teams.${lifecycle !== lifecycleBefore ? ` Its lifecycle moves from ${lifecycleBefore ?? '(none)'} to ${lifecycle ?? '(none)'} in this change: the policy's lifecycle exemption counts the lifecycle its consumers rely on, before the change.` : ''}`,
        file: after.file,
        range: where(index),
        entityRef: entity.ref,
      });
    }
  }
  return { changes, diagnostics, definitions };
}

const lineRange = (line: number): Range => ({ start: { line, column: 1 }, end: { line, column: 1 } });

function normaliseType(type: string): ApiDiffEntry['type'] {
  return type === 'breaking' || type === 'non-breaking' || type === 'annotation' || type === 'deprecated' ? type : 'unclassified';
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
