import { createRequire } from 'node:module';
import type { Filter } from './model.ts';

// jsonfc reads each filter key with lodash's get, so `metadata.annotations["acme.com/tier"]` and
// `metadata.tags[0]` are paths too; loaded as one function, as camelCase.ts loads its own.
const get: (value: unknown, path: string) => unknown = createRequire(import.meta.url)('lodash/get');

/**
 * jsonfc's check filter (JsonRulesEngineFactChecker.matchesFilter): OR across filter objects, AND
 * across keys; keys are lodash `get` paths into the entity; a missing or null value never matches; a
 * list on either side means "any of"; strings compare case-insensitively, anything else with ===.
 * Takes the entity and the filter; returns whether the check applies; never throws.
 */
export function matchesFilter(entity: Record<string, unknown>, filter: Filter | undefined): boolean {
  if (!filter) return true;
  const alternatives = Array.isArray(filter) ? filter : [filter];
  return alternatives.some(f => Object.entries(f).every(([path, wanted]) => matchesValue(get(entity, path), wanted)));
}

function matchesValue(actual: unknown, wanted: unknown): boolean {
  if (actual === undefined || actual === null) return false;
  return Array.isArray(wanted) ? wanted.some(w => compare(actual, w)) : compare(actual, wanted);
}

function compare(actual: unknown, wanted: unknown): boolean {
  if (Array.isArray(actual)) return actual.some(a => compare(a, wanted));
  return typeof actual === 'string' && typeof wanted === 'string' ? actual.toLowerCase() === wanted.toLowerCase() : actual === wanted;
}

/**
 * The entity as jsonfc's filter sees it: fetched back from the catalog, which fills in
 * `metadata.namespace` (default) on every entity it stores, so `{ metadata.namespace: default }` matches
 * an entity whose file names no namespace (measured on a real backend). Takes an entity as written;
 * returns it unchanged when it already has a namespace or no metadata mapping.
 */
export function asServedByCatalog(entity: Record<string, unknown>): Record<string, unknown> {
  const metadata = entity.metadata;
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata) || (metadata as Record<string, unknown>).namespace !== undefined) return entity;
  return { ...entity, metadata: { ...metadata, namespace: 'default' } };
}
