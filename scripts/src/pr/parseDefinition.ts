import { parseDocument } from 'yaml';
import { selfAlias } from '../load/acyclicYaml.ts';

/** What the breaking-change diff may read of a definition text: its value, or why there is none. */
export type DefinitionValue = { value: unknown } | { refused: 'syntax' | 'aliases' };

/** Backstage's own `toJSON()` default (as parseYaml's YamlLimits.maxAliasCount). */
const MAX_ALIAS_COUNT = 100;

/**
 * One API definition text (OpenAPI/AsyncAPI, YAML or JSON) as `yaml` reads it (no merge keys unless `merge`,
 * duplicate keys kept as written), with at most MAX_ALIAS_COUNT alias expansions: `{ value }` (undefined for an empty text),
 * or `{ refused }` for a text that does not parse (`syntax`) or expands its aliases further (`aliases`,
 * `yaml`'s billion-laughs guard, or an alias inside its own anchor, which expands without end). Throws only what `yaml` throws besides that (a RangeError on a
 * stack-deep document), which the callers report as over the depth limit.
 */
export function parseDefinition(text: string, merge = false): DefinitionValue {
  const doc = parseDocument(text, { merge, uniqueKeys: false, logLevel: 'error' });
  if (doc.errors.length) return { refused: 'syntax' };
  // An alias inside its own anchor expands without end: a circular value every diff and $ref walk would follow for ever.
  if (selfAlias(doc)) return { refused: 'aliases' };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    // Anything else (a stack overflow on a deep closure) is the caller's to judge: resolveRepoRefs reports it as depth.
    if (error instanceof ReferenceError && /alias count/i.test(error.message)) return { refused: 'aliases' };
    throw error;
  }
}

/** The finding's wording for a definition (or a file its `$ref`s reach) over the alias budget. */
export const ALIAS_LIMIT_HINT = `Write the values out instead of aliasing them: more than ${MAX_ALIAS_COUNT} alias expansions is treated as a resource-exhaustion attack, as Backstage's YAML reading does.`;
