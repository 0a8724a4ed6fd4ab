import type { Filter } from './model.ts';

/**
 * jsonfc's check filter: OR across filter objects, AND across keys; keys are dotted entity paths;
 * a missing value never matches; a list on either side means "any of"; strings compare case-insensitively.
 */
export function matchesFilter(entity: Record<string, unknown>, filter: Filter | undefined): boolean {
  if (!filter) return true;
  const alternatives = Array.isArray(filter) ? filter : [filter];
  return alternatives.some(f => Object.entries(f).every(([path, wanted]) => matchesValue(get(entity, path), wanted)));
}

function matchesValue(actual: unknown, wanted: string | string[]): boolean {
  if (actual === undefined || actual === null) return false;
  const wants = Array.isArray(wanted) ? wanted : [wanted];
  const actuals = Array.isArray(actual) ? actual : [actual];
  return wants.some(w => actuals.some(a => (typeof a === 'string' && typeof w === 'string' ? a.toLowerCase() === w.toLowerCase() : a === w)));
}

function get(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
