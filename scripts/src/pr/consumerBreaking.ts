import type { ApiFormat } from './apiDefinition.ts';

/** One change as api-smart-diff gives it: its values before and after are kept for the rules below. */
export interface ComparedDiff {
  action: string;
  type: string;
  description?: string;
  path: (string | number)[];
  before?: unknown;
  after?: unknown;
  unjudged?: string;
}

/** Which way the values at a place travel, seen from a consumer: it reads them (a response) or sends them (a request). */
type Side = 'reads' | 'sends';

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/**
 * Whether a consumer reads or sends the values at `path` (a diff path of an OpenAPI 3 or AsyncAPI 2
 * document): OpenAPI responses are read and requests (parameters, request bodies) sent, and the other way
 * round inside a callback (the API calls the consumer); AsyncAPI 2 `subscribe` messages are read and
 * `publish` messages sent (the operation is named from the consumer's side). Undefined where the same node
 * may be both (`components.schemas`, shared headers): the diff also reports a change there at each place
 * that uses it.
 */
export function sideOf(path: readonly (string | number)[], format: ApiFormat): Side | undefined {
  const at = path.map(String);
  if (format === 'asyncapi') return at[0] === 'channels' ? (at[2] === 'subscribe' ? 'reads' : at[2] === 'publish' ? 'sends' : undefined) : undefined;
  if (at[0] === 'components') return at[1] === 'responses' ? 'reads' : at[1] === 'requestBodies' || at[1] === 'parameters' ? 'sends' : undefined;
  if (at[0] !== 'paths') return undefined;
  if (at[2] === 'parameters') return 'sends';
  if (!METHODS.has(at[2])) return undefined;
  const part = at[3];
  if (part === 'parameters' || part === 'requestBody') return 'sends';
  if (part === 'responses') return 'reads';
  // paths./p.post.callbacks.<name>.<expression>.<method>.<part>: the API sends the request, the consumer answers.
  if (part === 'callbacks' && METHODS.has(at[6])) return at[7] === 'responses' ? 'sends' : at[7] === 'requestBody' || at[7] === 'parameters' ? 'reads' : undefined;
  return undefined;
}

// JSON Schema keywords whose value maps names to subschemas, lists subschemas, or is one subschema.
const NAMED_SCHEMAS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);
const LISTED_SCHEMAS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const ONE_SCHEMA = new Set(['items', 'additionalProperties', 'additionalItems', 'not', 'contains', 'if', 'then', 'else', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties']);

// Every keyword a schema may hold (JSON Schema draft 4 to 2020-12, and the ones OpenAPI 3 and AsyncAPI 2 add):
// a key outside them is no keyword, and validators, documentation and code generators pass it by.
const SCHEMA_VOCABULARY = new Set([
  ...NAMED_SCHEMAS, ...LISTED_SCHEMAS, ...ONE_SCHEMA,
  '$schema', '$id', 'id', '$ref', '$anchor', '$dynamicRef', '$dynamicAnchor', '$recursiveRef', '$recursiveAnchor', '$vocabulary', '$comment',
  'type', 'enum', 'const', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern',
  'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains', 'maxProperties', 'minProperties', 'required', 'dependentRequired', 'dependencies',
  'format', 'contentEncoding', 'contentMediaType', 'contentSchema', 'title', 'description', 'default', 'deprecated', 'readOnly', 'writeOnly', 'examples',
  'nullable', 'discriminator', 'xml', 'externalDocs', 'example',
]);

// Objects of OpenAPI 3 and AsyncAPI 2 whose keys are names the author chose (a header, a property, a media
// type, a channel), not fields: a name there may be `schema` or start with `x-` and mean nothing by it. The
// Paths, Responses and Callback objects are left out: an `x-` key in them is an extension (the spec says so).
const NAMED_BY_AUTHOR = new Set(['headers', 'properties', 'patternProperties', 'definitions', '$defs', 'content', 'encoding', 'links', 'examples', 'variables', 'channels', 'schemas', 'parameters', 'requestBodies', 'securitySchemes', 'messages', 'messageTraits', 'operationTraits', 'callbacks', 'servers', 'serverVariables', 'correlationIds', 'channelBindings', 'operationBindings', 'messageBindings', 'serverBindings', 'dependentSchemas']);

/** Whether the key at index `i` of a diff path is a field of an object (not a name an author chose, nor a list index). */
function isField(at: readonly string[], i: number): boolean {
  return (i === 0 || !NAMED_BY_AUTHOR.has(at[i - 1])) && !/^\d+$/.test(at[i]) && !(at[0] === 'channels' && i === 1) && !(at[0] === 'paths' && i === 1);
}

/** The index of the first key inside a schema on `path`: below `schema` (OpenAPI), `payload` or a message's `headers` (AsyncAPI), or a component schema. */
function schemaStart(at: readonly string[], format: ApiFormat): number | undefined {
  if (at[0] === 'components' && at[1] === 'schemas') return 3;
  if (format === 'openapi') {
    // The field `schema`, not a header or property an author named `schema`.
    for (let i = 1; i < at.length; i++) if (at[i] === 'schema' && isField(at, i)) return i + 1;
    return undefined;
  }
  // channels.<name>.<operation>.message[.oneOf.<n>].(payload|headers)
  if (at[0] !== 'channels' || at[3] !== 'message') return undefined;
  const i = at[4] === 'oneOf' ? 6 : 4;
  return at[i] === 'payload' || at[i] === 'headers' ? i + 1 : undefined;
}

// Fields that describe and change nothing a consumer sends or reads: an `example` added to a header, response
// `links` (design-time navigation), a binding's `bindingVersion`. The diff leaves some of them unclassified.
const DESCRIPTIVE = new Set(['description', 'summary', 'title', 'example', 'examples', 'externalDocs', 'tags', 'links', 'deprecated', 'bindingVersion', '$comment', 'contact', 'license', 'termsOfService']);

/** Whether `path` changes an extension (`x-…` field) or a descriptive field (DESCRIPTIVE) of some object. */
function inExtensionOrDescription(at: readonly string[]): boolean {
  return at.some((key, i) => isField(at, i) && (key.startsWith('x-') || DESCRIPTIVE.has(key)));
}

/**
 * The JSON Schema keyword `path` ends in, when its last key is a keyword of a schema (walked from the schema's
 * root, so a property named `type` is told from the keyword), else undefined.
 */
function schemaKeyword(path: readonly (string | number)[], format: ApiFormat): string | undefined {
  const at = path.map(String);
  let i = schemaStart(at, format);
  if (i === undefined) return undefined;
  while (i < at.length - 1) {
    const key = at[i];
    if (NAMED_SCHEMAS.has(key) || LISTED_SCHEMAS.has(key)) i += 2;
    else if (key === 'items' && /^\d+$/.test(at[i + 1])) i += 2;
    else if (ONE_SCHEMA.has(key)) i += 1;
    else return undefined;
  }
  return i === at.length - 1 ? at[i] : undefined;
}

/**
 * Whether `path` changes a key of a schema that is no schema keyword (a misspelt `requried`, a plain YAML
 * reading's `<<`): nothing that reads the definition acts on it.
 */
function atUnknownSchemaKey(path: readonly (string | number)[], format: ApiFormat): boolean {
  const at = path.map(String);
  let i = schemaStart(at, format);
  if (i === undefined) return false;
  while (i < at.length) {
    const key = at[i];
    if (!SCHEMA_VOCABULARY.has(key)) return true;
    if (NAMED_SCHEMAS.has(key) || LISTED_SCHEMAS.has(key)) i += 2;
    else if (key === 'items' && /^\d+$/.test(at[i + 1] ?? '')) i += 2;
    else if (ONE_SCHEMA.has(key)) i += 1;
    else return false;
  }
  return false;
}

/** The JSON types a `type` value names (a name or a list of names), or undefined for any other value. */
function typesOf(value: unknown): Set<string> | undefined {
  if (typeof value === 'string') return new Set([value]);
  return Array.isArray(value) && value.every(t => typeof t === 'string') ? new Set(value as string[]) : undefined;
}

/** Whether values of JSON type `type` are within `types` (`number` takes integers). */
const covers = (types: ReadonlySet<string>, type: string) => types.has(type) || (type === 'integer' && types.has('number'));

const clip = (text: string) => (text.length > 60 ? `${text.slice(0, 59)}…` : text);
const listed = (types: readonly string[]) => types.map(t => clip(t)).join(', ');

/** Why a change to a schema's `type`, `nullable` or `additionalProperties` breaks a consumer on `side`, or undefined. */
function schemaBreak(keyword: string, diff: ComparedDiff, side: Side): string | undefined {
  const { action, before, after } = diff;
  if (keyword === 'type') {
    // A type added where there was none narrows what a sender may send; one removed widens what a reader gets.
    if (action === 'add') return side === 'sends' ? 'values of other types than it now names were accepted before' : undefined;
    if (action === 'remove') return side === 'reads' ? 'values of any type may now arrive' : undefined;
    const [was, is] = [typesOf(before), typesOf(after)];
    if (!was || !is) return undefined;
    const added = [...is].filter(t => !covers(was, t));
    const removed = [...was].filter(t => !covers(is, t));
    if (side === 'reads' && added.length) return `consumers now receive ${listed(added)} values they do not expect`;
    if (side === 'sends' && removed.length) return `${listed(removed)} values that consumers send are no longer accepted`;
    return undefined;
  }
  if (keyword === 'nullable') {
    if (side === 'reads' && after === true && before !== true) return 'consumers now receive null where they expect a value';
    if (side === 'sends' && before === true && after !== true) return 'null values that consumers send are no longer accepted';
    return undefined;
  }
  if (keyword === 'additionalProperties' && side === 'sends') {
    const open = before === undefined || before === true;
    if (before !== false && after === false) return 'properties it does not name, which were accepted, are now rejected';
    if (open && after !== null && typeof after === 'object') return 'properties it does not name, which were accepted with any value, must now match a schema';
  }
  return undefined;
}

/** Whether schemaBreak's verdict on this `type` or `nullable` change is read from its values alone: both are type lists, or booleans. */
function decidedByTypes(keyword: string | undefined, diff: ComparedDiff): boolean {
  if (diff.action !== 'replace' && !(keyword === 'nullable' && diff.action === 'add')) return false;
  if (keyword === 'type') return typesOf(diff.before) !== undefined && typesOf(diff.after) !== undefined;
  return keyword === 'nullable' && (diff.before === undefined || typeof diff.before === 'boolean') && typeof diff.after === 'boolean';
}

/** The server URLs a diff's value before the change names: a `url`, a server, or a list or map of servers. */
function serverUrls(value: unknown, lastKey: string): string[] {
  if (lastKey === 'url') return typeof value === 'string' ? [value] : [];
  const one = (server: unknown) => (server !== null && typeof server === 'object' && typeof (server as { url?: unknown }).url === 'string' ? [(server as { url: string }).url] : []);
  if (Array.isArray(value)) return value.flatMap(one);
  if (value !== null && typeof value === 'object' && !('url' in value)) return Object.values(value).flatMap(one);
  return one(value);
}

/** Every server URL a document lists: its own `servers` (a list in OpenAPI, a map in AsyncAPI) and each OpenAPI path's and operation's. */
function allServerUrls(document: unknown): Set<string> {
  const urls = new Set<string>();
  const add = (servers: unknown) => serverUrls(servers, 'servers').forEach(url => urls.add(url));
  if (document === null || typeof document !== 'object') return urls;
  const doc = document as { servers?: unknown; paths?: unknown };
  add(doc.servers);
  if (doc.paths !== null && typeof doc.paths === 'object') {
    for (const item of Object.values(doc.paths as object)) {
      if (item === null || typeof item !== 'object') continue;
      add((item as { servers?: unknown }).servers);
      for (const [method, operation] of Object.entries(item)) if (METHODS.has(method) && operation !== null && typeof operation === 'object') add((operation as { servers?: unknown }).servers);
    }
  }
  return urls;
}

/**
 * What an added `parameters` list (`paths.<p>.<method>.parameters` or `paths.<p>.parameters`) or
 * `requestBody` requires of a caller, in api-smart-diff's words for the same change to an existing list
 * ("required query parameter `limit`", "required request body"); undefined when it requires nothing. Local
 * `#/…` $refs are read from the head document. Pure.
 */
function addedRequirement(at: readonly string[], after: unknown, head: unknown): string | undefined {
  if (at[0] !== 'paths' || at.length < 3) return undefined;
  const onOperation = at.length === 4 && METHODS.has(at[2]);
  if ((onOperation && at[3] === 'parameters') || (at.length === 3 && at[2] === 'parameters')) {
    const required = (Array.isArray(after) ? after : []).map(p => resolveLocal(p, head)).filter((p): p is Record<string, unknown> => p !== null && typeof p === 'object' && ((p as Record<string, unknown>).required === true || (p as Record<string, unknown>).in === 'path'));
    if (!required.length) return undefined;
    const [first] = required;
    const more = required.length > 1 ? ` and ${required.length - 1} more required parameter${required.length > 2 ? 's' : ''}` : '';
    return `required ${clip(String(first.in ?? ''))} parameter \`${clip(String(first.name ?? ''))}\`${more}`;
  }
  if (onOperation && at[3] === 'requestBody') {
    const body = resolveLocal(after, head);
    return body !== null && typeof body === 'object' && (body as { required?: unknown }).required === true ? 'required request body' : undefined;
  }
  return undefined;
}

/** A `{ $ref: '#/…' }` read from `document` (a few hops at most); anything else as it is. */
function resolveLocal(value: unknown, document: unknown, hops = 0): unknown {
  const ref = value !== null && typeof value === 'object' ? (value as { $ref?: unknown }).$ref : undefined;
  if (typeof ref !== 'string' || !ref.startsWith('#/') || hops > 8) return value;
  let node: unknown = document;
  for (const part of ref.slice(2).split('/').map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  }
  return resolveLocal(node, document, hops + 1);
}

/**
 * api-smart-diff's changes to an OpenAPI 3 or AsyncAPI 2 definition, with the ones its rules pass although
 * they break a consumer counted as breaking, as oasdiff's checks judge them:
 * - a schema's `type` that now lets a reader receive another type, or no longer accepts a type a sender
 *   sends (api-smart-diff reverses its request rule for responses and subscribe messages, so `string` to
 *   `integer` in a response passed as non-breaking); `nullable: true` added where consumers read, or taken
 *   away where they send; `additionalProperties` closed where consumers send;
 * - a parameters list or a request body added to an operation (or a path) that had none, which api-smart-diff
 *   takes as a whole for an annotation: a required parameter (any path parameter) or a required body in it
 *   is one callers never sent (oasdiff: new-required-request-parameter, request-body-became-required);
 * - a server URL the definition no longer lists anywhere (clients built from it call the old address;
 *   api-smart-diff files servers as annotations);
 * - any change it leaves unclassified (response and message headers, callbacks, message traits, bindings,
 *   discriminators), outside `x-` extensions: a change the diff cannot judge must not read as nothing
 *   breaking.
 * Takes the diffs (with their `before`/`after` values), the format and the head document as compared;
 * returns the diffs in the same order, a counted change's description saying why. The one change it counts
 * as non-breaking against api-smart-diff is a `type` or `nullable` whose values a consumer still reads or
 * sends alike (integer to number, or null allowed, in a request; the other way in a response): its request
 * rule calls every change to them breaking, and a gate that cries wolf gets switched off.
 */
export function consumerBreaking(diffs: readonly ComparedDiff[], format: ApiFormat, head: unknown): ComparedDiff[] {
  return asUsed(judged(diffs, format, head), format);
}

/**
 * api-smart-diff diffs a schema of `components.schemas` twice: where a path uses it (resolved, with the
 * response or request rules of that place) and as the component itself, where it applies request rules
 * alone, so a property added as required to a schema only responses use was non-breaking in the response
 * and breaking again as the component (a fresh user's false api-breaking-change). A component's breaking
 * change that the diff also gives where the definition uses it (same action, same path below the schema,
 * same values) takes the classification of those uses; one no use repeats keeps its own. Pure.
 */
function asUsed(diffs: ComparedDiff[], format: ApiFormat): ComparedDiff[] {
  if (format !== 'openapi') return diffs;
  const used = diffs.filter(d => String(d.path[0]) !== 'components');
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return diffs.map(diff => {
    if (String(diff.path[0]) !== 'components' || diff.path[1] !== 'schemas' || diff.path.length < 4 || diff.type !== 'breaking') return diff;
    const tail = diff.path.slice(3).map(String);
    const uses = used.filter(u => u.action === diff.action && u.path.length > tail.length + 1 && tail.every((t, i) => String(u.path[u.path.length - tail.length + i]) === t) && same(u.before, diff.before) && same(u.after, diff.after));
    if (!uses.length || uses.some(u => u.type === 'breaking')) return diff;
    return { ...diff, type: uses[0].type, description: `${diff.description ?? `${diff.action} ${diff.path.join('.')}`}: where the definition uses this schema, the same change is ${uses[0].type} (${uses[0].description ?? uses[0].path.join('.')})` };
  });
}

function judged(diffs: readonly ComparedDiff[], format: ApiFormat, head: unknown): ComparedDiff[] {
  let headUrls: Set<string> | undefined;
  return diffs.map(diff => {
    const said = diff.description ?? `${diff.action} ${diff.path.join('.')}`;
    const at = diff.path.map(String);
    const keyword = schemaKeyword(diff.path, format);
    const side = sideOf(diff.path, format);
    const schemaWhy = keyword && side ? schemaBreak(keyword, diff, side) : undefined;
    if (schemaWhy) return diff.type === 'breaking' ? diff : { ...diff, type: 'breaking', description: `${said}: ${schemaWhy}` };
    // A type or nullable whose values a consumer still reads or sends alike (integer to number in a request,
    // nullable added to one): api-smart-diff's request rule calls any change to them breaking.
    if (diff.type === 'breaking' && side && decidedByTypes(keyword, diff)) return { ...diff, type: 'non-breaking' };
    if (diff.type === 'breaking') return diff;
    const required = format === 'openapi' && diff.action === 'add' ? addedRequirement(at, diff.after, head) : undefined;
    if (required) return { ...diff, type: 'breaking', description: `[Added] ${required}` };
    const servers = at.indexOf('servers');
    if (servers >= 0 && (diff.action === 'remove' || diff.action === 'replace') && (servers === 0 || format === 'openapi')) {
      headUrls ??= allServerUrls(head);
      const gone = serverUrls(diff.before, at[at.length - 1]).filter(url => !headUrls!.has(url));
      if (gone.length) return { ...diff, type: 'breaking', description: `${said}: the server ${clip(gone[0])}${gone.length > 1 ? ` and ${gone.length - 1} more` : ''} is no longer listed, and clients built from this definition call it` };
      return diff;
    }
    // A component is diffed again where a path or channel uses it (references resolved, messages written in place).
    // A key that is no keyword of the specification (a plain YAML reading's merge key `<<`, which the merge
    // key reading diffs on its own; an unknown schema keyword) changes nothing a consumer's tools read.
    const inert = at[0] === 'components' || at.includes('<<') || inExtensionOrDescription(at) || atUnknownSchemaKey(diff.path, format);
    if (diff.type === 'unclassified' && !inert) return { ...diff, type: 'breaking', description: `${said}: a change the breaking-change diff cannot classify, so it counts as breaking` };
    return diff;
  });
}
