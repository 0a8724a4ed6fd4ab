import { isRecord } from '../load/loadCatalog.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { boundedText } from '../report/safeText.ts';

/** A region field of a parameter page that offers values outside the allow-list. */
export interface RegionOffer {
  /** Path from the page to the property (`['dependencies', 'deploy', 'oneOf', 0, 'properties', 'region']`). */
  path: PathSegment[];
  /** The field as a form value path: `region`, `azure.region`. */
  name: string;
  /** The offered values outside the allow-list, as text (bounded); `(any value)` first for a free-text field. */
  outside: string[];
}

/** What regionOffers found on one page; `tooLarge` says why the walk stopped before the page's end. */
export interface RegionWalk {
  offers: RegionOffer[];
  tooLarge?: string;
}

// The page is PR input: a walk bounded in depth and in schemas visited (YAML aliases and $ref cycles are
// visited once). Real pages nest a handful of levels and hold tens of schemas.
const MAX_DEPTH = 32;
const MAX_NODES = 5000;
const SHOWN_VALUES = 10;

/**
 * Every field of one scaffolder parameter page (a JSON Schema, as react-jsonschema-form renders it in
 * Backstage's stepper) whose name says it picks a region (/region/i: region, azureRegion, aws_region), that
 * can hold one (mayHoldText: its type, when declared, is string or array) and that offers a value outside `allowed`. Fields are found wherever the form can show one: nested object
 * `properties` and `patternProperties`, RJSF's conditional `dependencies` (schema form), `allOf`/`anyOf`/
 * `oneOf`, `then`/`else`, `items`/`additionalItems`/`additionalProperties`, and `$ref`s into the page itself
 * (`#/definitions/…`: RJSF resolves a $ref against its rootSchema, which is the page). An `if` schema only
 * tests the answers, and `not` only refuses them: neither shows a field. A field offers its `enum` and
 * `const` values, its `default`, its `examples` (RJSF lists them as suggestions) and those of its own
 * branches and `items` (a multi-select); one with no enum or const anywhere is free text: `(any value)`.
 * Returns the offers in page order and, when the page is deeper than 32 levels or holds more than 5,000
 * schemas, why the walk stopped (what lies beyond was not checked). Never throws.
 */
export function regionOffers(page: unknown, allowed: readonly string[]): RegionWalk {
  const offers: RegionOffer[] = [];
  // Schemas the walk has entered: each once, however many aliases or $refs lead to it.
  const walked = new Set<object>();
  let nodes = 0;
  let tooLarge: string | undefined;
  const allow = new Set(allowed);
  // One more schema to look at; false once the page is past the bounds (then the walk unwinds).
  const enter = (schema: Record<string, unknown>, depth: number, seen: Set<object>): boolean => {
    if (tooLarge) return false;
    if (depth > MAX_DEPTH) tooLarge = `nests its schemas deeper than ${MAX_DEPTH} levels`;
    else if (++nodes > MAX_NODES) tooLarge = `holds more than ${MAX_NODES.toLocaleString('en-US')} schemas`;
    return !tooLarge && !seen.has(schema) && (seen.add(schema), true);
  };
  const resolve = (ref: unknown): { schema: Record<string, unknown>; path: PathSegment[] } | undefined => {
    const tokens = rjsfPointerTokens(ref);
    if (tokens === undefined) return undefined;
    const path: PathSegment[] = [];
    let at: unknown = page;
    for (const segment of tokens) {
      const index = Array.isArray(at) && /^\d+$/.test(segment) ? Number(segment) : undefined;
      at = index !== undefined ? (at as unknown[])[index] : isRecord(at) && Object.hasOwn(at, segment) ? at[segment] : undefined;
      path.push(index ?? segment);
    }
    return isRecord(at) ? { schema: at, path } : undefined;
  };

  // The values a field's schema offers, and whether anything (an enum or a const) limits them.
  const offered = (schema: unknown, values: unknown[], depth: number, seen: Map<object, boolean | undefined>): boolean => {
    // A boolean schema: `true` takes any value, `false` none.
    if (!isRecord(schema)) return schema === false;
    // A schema met again adds no values but keeps its verdict (two $refs to one free schema are still free);
    // one met again inside itself (a $ref cycle) limits nothing.
    if (seen.has(schema)) return seen.get(schema) ?? false;
    if (tooLarge) return true;
    if (!enter(schema, depth, new Set())) return true;
    seen.set(schema, undefined);
    const limited = limits(schema, values, depth, seen);
    seen.set(schema, limited);
    return limited;
  };
  const limits = (schema: Record<string, unknown>, values: unknown[], depth: number, seen: Map<object, boolean | undefined>): boolean => {
    const list = (value: unknown) => (Array.isArray(value) ? value : [value]);
    if ('const' in schema) values.push(schema.const);
    if (Array.isArray(schema.enum)) values.push(...schema.enum);
    if (schema.default !== undefined && schema.default !== null) values.push(...list(schema.default));
    if (Array.isArray(schema.examples)) for (const example of schema.examples) values.push(...list(example));
    let limited = 'const' in schema || Array.isArray(schema.enum);
    const target = resolve(schema.$ref);
    if (target) limited = offered(target.schema, values, depth + 1, seen) || limited;
    else if (schema.$ref !== undefined) limited = false;
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      const branches = Array.isArray(schema[key]) ? (schema[key] as unknown[]) : [];
      const each = branches.map(branch => offered(branch, values, depth + 1, seen));
      // allOf: any one limit holds for all; anyOf/oneOf: a free branch frees the field.
      if (branches.length) limited = key === 'allOf' ? limited || each.some(Boolean) : limited || each.every(Boolean);
    }
    for (const key of ['then', 'else'] as const) if (isRecord(schema[key])) offered(schema[key], values, depth + 1, seen);
    const items = Array.isArray(schema.items) ? schema.items : isRecord(schema.items) ? [schema.items] : [];
    // After a list of items (a tuple), more items take additionalItems, and any value without it.
    const more = Array.isArray(schema.items) ? [schema.additionalItems === undefined ? true : schema.additionalItems] : [];
    if (items.length) limited = [...items, ...more].map(item => offered(item, values, depth + 1, seen)).every(Boolean) || limited;
    return limited;
  };

  const judge = (schema: unknown, path: PathSegment[], name: string, depth: number): void => {
    const values: unknown[] = [];
    const limited = offered(schema, values, depth, new Map());
    const outside = [...new Set(values.map(v => (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v))).filter(v => !allow.has(v)))];
    if (!limited) outside.unshift('(any value)');
    if (!outside.length) return;
    const shown = outside.slice(0, SHOWN_VALUES).map(v => boundedText(v, 60));
    if (outside.length > SHOWN_VALUES) shown.push(`and ${outside.length - SHOWN_VALUES} more`);
    offers.push({ path, name: boundedText(name, 120), outside: shown });
  };

  const walk = (schema: unknown, path: PathSegment[], prefix: string, depth: number): void => {
    if (!isRecord(schema) || !enter(schema, depth, walked)) return;
    for (const key of ['properties', 'patternProperties'] as const) {
      if (!isRecord(schema[key])) continue;
      for (const [name, property] of Object.entries(schema[key])) {
        const at = [...path, key, name];
        // The field's own schema is judged first, then walked for the fields an object region holds.
        if (/region/i.test(name) && (isRecord(property) || property === true) && mayHoldText(property)) judge(property, at, `${prefix}${name}`, depth + 1);
        walk(property, at, `${prefix}${name}.`, depth + 1);
      }
    }
    const target = resolve(schema.$ref);
    if (target) walk(target.schema, target.path, prefix, depth + 1);
    if (isRecord(schema.dependencies)) for (const [key, dependent] of Object.entries(schema.dependencies)) walk(dependent, [...path, 'dependencies', key], prefix, depth + 1);
    for (const key of ['allOf', 'anyOf', 'oneOf', 'items'] as const) {
      if (Array.isArray(schema[key])) (schema[key] as unknown[]).forEach((branch, i) => walk(branch, [...path, key, i], prefix, depth + 1));
    }
    for (const key of ['then', 'else', 'items', 'additionalItems', 'additionalProperties'] as const) walk(schema[key], [...path, key], prefix, depth + 1);
  };

  walk(page, [], '', 0);
  return { offers, tooLarge };
}

/**
 * Whether a field of schema `property` can hold a region's name: one whose declared `type` has neither
 * `string` nor `array` (a checkbox `enableMultiRegion: {type: boolean}`, a `regionCount` number, an object
 * whose own fields the walk judges) offers no region, whatever its name says (fresh user, session 47: a
 * boolean was reported offering "(any value), false"). Undeclared types are judged.
 */
function mayHoldText(property: unknown): boolean {
  if (!isRecord(property) || property.type === undefined) return true;
  const types = Array.isArray(property.type) ? property.type : [property.type];
  return types.some(type => type === 'string' || type === 'array');
}

/**
 * The reference tokens of a `$ref` into the page as react-jsonschema-form reads it (@rjsf/utils
 * findSchemaDefinition, with jsonpointer 5's get): the whole fragment after `#` is URI-decoded first and only
 * then split on `/`, so `#/definitions/a%2Fb` names definitions → a → b, not a key "a/b"; each token then has
 * `~1` and `~0` unescaped (`~1` to `/`, `~0` to `~`, in one pass: `~01` is `~1`). Takes the `$ref` value;
 * returns undefined where RJSF finds nothing (it throws and shows no field): not a string, not starting with
 * `#`, a fragment that does not URI-decode, or a pointer that does not start with `/`. `#` alone is the page.
 */
export function rjsfPointerTokens(ref: unknown): string[] | undefined {
  if (typeof ref !== 'string' || !ref.startsWith('#')) return undefined;
  let pointer: string;
  try {
    pointer = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer.slice(1).split('/').map(token => token.replace(/~[01]/g, escape => (escape === '~1' ? '/' : '~')));
}
