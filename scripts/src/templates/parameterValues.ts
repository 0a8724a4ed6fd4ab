import type { Ajv } from 'ajv';
import { isRecord } from '../load/loadCatalog.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { boundedText } from '../report/safeText.ts';

/** A parameter's `default` or `enum` item that the parameter's own schema refuses. */
export interface ParameterValueProblem {
  path: PathSegment[];
  message: string;
  hint: string;
  severity: 'error' | 'warning';
}

const COMBINERS = ['allOf', 'anyOf', 'oneOf'] as const;

// Ajv's uniqueItems compares every pair of an array's items when they are not all strings or numbers of a
// declared type: a default of 15,000 objects under `uniqueItems: true` held check 11 s, 45,000 (within the
// file cap) minutes. A value holding a longer array than this is not judged (no form offers such a default).
const MAX_JUDGED_ITEMS = 1_000;
/** The most items a list on a parameter page may hold for the page to be compiled and judged (see checkTemplate). */
export const MAX_PAGE_ITEMS = 10_000;

/** Whether `value` holds an array (at any depth) of more than `max` items. */
export function holdsLongArray(value: unknown, max: number, depth = 0): boolean {
  if (depth > 64 || typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.length > max || value.some(item => holdsLongArray(item, max, depth + 1));
  return Object.values(value).some(item => holdsLongArray(item, max, depth + 1));
}

/**
 * The `default`s and `enum` items of a parameter page that the field's own schema refuses (the default
 * outside its enum, `type: string` with `enum: [true, false]`, a default breaking its pattern). Backstage's
 * form (react-jsonschema-form with Ajv 8) fills the default in or offers the item, then refuses it when
 * the page is submitted; the backend's jsonschema refuses an enum item of the wrong type too. So the user
 * must change the default first (an error when the field is hidden, read-only or disabled: they cannot),
 * and an enum none of whose items pass leaves no value to choose. Schemas that do not compile alone
 * ($ref to elsewhere) are not judged; a default holding `${{` or null is left alone.
 */
export function parameterValueProblems(page: unknown, pagePath: PathSegment[], ajv: Ajv, strip: (schema: unknown) => unknown): ParameterValueProblem[] {
  const found: ParameterValueProblem[] = [];
  // One compiled validator per schema: an enum's items are each judged by the same schema, and a compile
  // per item (a fresh stripped copy each time, which Ajv caches by identity) cost a millisecond each.
  const compiled = new Map<Record<string, unknown>, ReturnType<Ajv['compile']> | undefined>();
  const refuses = (schema: Record<string, unknown>, value: unknown): string | undefined => {
    if (holdsLongArray(value, MAX_JUDGED_ITEMS)) return undefined;
    if (!compiled.has(schema)) {
      try {
        compiled.set(schema, ajv.compile(strip(schema) as object));
      } catch {
        compiled.set(schema, undefined);
      }
    }
    const validate = compiled.get(schema);
    if (!validate) return undefined;
    if (validate(value)) return undefined;
    const first = validate.errors?.[0];
    if (!first) return 'refused';
    const allowed = first.keyword === 'enum' && isRecord(first.params) && Array.isArray(first.params.allowedValues) ? ` (${first.params.allowedValues.slice(0, 8).map(v => boundedText(JSON.stringify(v), 40)).join(', ')})` : '';
    return `${first.instancePath ? `${first.instancePath} ` : ''}${first.message ?? 'is refused'}${allowed}`;
  };
  const judge = (schema: Record<string, unknown>, path: PathSegment[], name: string) => {
    const { default: given, enum: items, ...rest } = schema;
    if (Array.isArray(items) && items.length > 0) {
      const bad = items.map((item, i) => ({ item, i, why: refuses(rest, item) })).filter(b => b.why !== undefined);
      const all = bad.length === items.length;
      for (const { item, i, why } of bad.slice(0, 3)) {
        const quote = typeof item === 'boolean' || typeof item === 'number' || item === null;
        found.push({
          path: [...path, 'enum', i],
          severity: all ? 'error' : 'warning',
          message: `The choice ${boundedText(JSON.stringify(item), 80)} of parameter ${name} does not pass the parameter's own schema (${why}): Backstage's form offers it and then refuses it, and so does the backend${all ? '; none of its choices passes, so no value can be submitted' : ''}.`,
          hint: quote ? `Quote it (enum: ['${String(item)}', …]) to offer the text, or change the parameter's type to match the choices.` : "Make the choices and the parameter's type, pattern and limits agree.",
        });
      }
    }
    if (given !== undefined && given !== null && !(typeof given === 'string' && given.includes('${{'))) {
      const why = refuses(schema, given);
      if (why) {
        const locked = schema['ui:widget'] === 'hidden' || schema['ui:readonly'] === true || schema['ui:disabled'] === true || schema.readOnly === true;
        found.push({
          path: [...path, 'default'],
          severity: locked ? 'error' : 'warning',
          message: `The default ${boundedText(JSON.stringify(given), 80)} of parameter ${name} does not pass the parameter's own schema (${why}): Backstage's form fills it in and then refuses the page until ${locked ? 'it is changed, which this hidden or read-only field does not let anyone do' : 'the user changes it'}.`,
          hint: `Give a default the schema accepts${Array.isArray(items) ? ' (one of the enum values)' : ''}, or remove it.`,
        });
      }
    }
  };
  const walk = (schema: unknown, path: PathSegment[], name: string, depth: number): void => {
    if (!isRecord(schema) || depth > 32) return;
    if (path !== pagePath) judge(schema, path, name);
    if (isRecord(schema.properties)) for (const [key, value] of Object.entries(schema.properties)) walk(value, [...path, 'properties', key], key, depth + 1);
    if (isRecord(schema.items)) walk(schema.items, [...path, 'items'], `${name}[]`, depth + 1);
    for (const key of COMBINERS) if (Array.isArray(schema[key])) (schema[key] as unknown[]).forEach((branch, i) => walk(branch, [...path, key, i], name, depth + 1));
    for (const key of ['then', 'else'] as const) walk(schema[key], [...path, key], name, depth + 1);
    if (isRecord(schema.dependencies)) for (const [key, value] of Object.entries(schema.dependencies)) walk(value, [...path, 'dependencies', key], name, depth + 1);
  };
  walk(page, pagePath, 'page', 0);
  return found;
}
