import type { ErrorObject } from 'ajv';
import { errorPath } from '../catalog/ajvPaths.ts';
import { isRecord } from '../load/loadCatalog.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { boundedText } from '../report/safeText.ts';

const SUMMARIES = new Set(['anyOf', 'oneOf', 'if', 'allOf', 'not']);

/**
 * What draft-07's meta-schema refuses in a parameter page (`errors`: Ajv's, from checking `page` as a schema),
 * one problem per place: its path inside the page and, said once, what is written there and what it must be.
 * Ajv's own text ("schema is invalid: data/properties/Tags/type must be equal to one of the allowed values,
 * data/properties/Tags/type must be array, data/properties/Tags/type must match a schema in anyOf") repeats
 * the place for each alternative it tried. A place whose errors a deeper one explains (`items` is neither a
 * schema nor a list of valid ones because of its items' own) is left to the deeper one. Pure.
 */
export function pageSchemaProblems(page: unknown, errors: readonly ErrorObject[]): { path: PathSegment[]; message: string }[] {
  const byPlace = new Map<string, ErrorObject[]>();
  for (const error of errors) byPlace.set(error.instancePath, [...(byPlace.get(error.instancePath) ?? []), error]);
  const places = [...byPlace.keys()];
  const deepest = places.filter(place => !places.some(other => other.startsWith(`${place}/`)));
  return deepest.map(place => {
    const found = byPlace.get(place)!;
    const leaves = found.filter(e => !SUMMARIES.has(e.keyword));
    const said = [...new Set((leaves.length ? leaves : found).map(mustBe))];
    // Each leaf is one alternative of an anyOf/oneOf the value meets none of.
    const alternatives = leaves.length > 1 && found.some(e => SUMMARIES.has(e.keyword));
    const { path } = errorPath(found[0]);
    const repeated = found.find(e => e.keyword === 'uniqueItems');
    if (repeated && !alternatives) return repeatedItem(page, path, repeated);
    const value = valueAt(page, path);
    const where = path.length ? dotted(path) : 'The page';
    const written = value === null || ['string', 'number', 'boolean'].includes(typeof value) ? ` is ${boundedText(JSON.stringify(value), 120)}: it` : '';
    return { path, message: `${where}${written} ${said.join(alternatives ? ', or ' : '; ')}.` };
  });
}

/**
 * A list the meta-schema wants without repeats (`required`, `enum`, `type`) that holds one twice: said at the
 * repeat (Ajv's params: `j` the later index, `i` the earlier, its loop running from the end), with both indices
 * as the page's YAML counts them from 0 (Ajv's "items ## 6 and 1 are identical" stood at the list's first item).
 */
function repeatedItem(page: unknown, path: PathSegment[], error: ErrorObject): { path: PathSegment[]; message: string } {
  const { i, j } = error.params as { i?: unknown; j?: unknown };
  if (typeof i !== 'number' || typeof j !== 'number') return { path, message: `${path.length ? dotted(path) : 'The page'} ${mustBe(error)}.` };
  const value = valueAt(page, [...path, j]);
  const written = value === null || ['string', 'number', 'boolean'].includes(typeof value) ? ` (${boundedText(JSON.stringify(value), 120)})` : '';
  return { path: [...path, j], message: `${dotted([...path, j])} repeats ${dotted([...path, i])}${written}: the list must not hold an item twice.` };
}

/** An error's requirement, with the allowed values of an enum. */
function mustBe(error: ErrorObject): string {
  const allowed = error.keyword === 'enum' && Array.isArray(error.params.allowedValues) ? ` (${boundedText(error.params.allowedValues.map(v => (typeof v === 'string' ? v : JSON.stringify(v))).join(', '), 300)})` : '';
  return `${error.message ?? `fails ${error.keyword}`}${allowed}`;
}

/** `properties.Tags.type`, `items[0].type`: a path inside a page as its YAML reads. */
function dotted(path: readonly PathSegment[]): string {
  return boundedText(path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i ? '.' : ''}${segment}`)).join(''), 200);
}

function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let at = value;
  for (const segment of path) {
    if (Array.isArray(at) && typeof segment === 'number') at = at[segment];
    else if (isRecord(at)) at = at[String(segment)];
    else return undefined;
  }
  return at;
}
