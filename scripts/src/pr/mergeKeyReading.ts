import type { ApiChangeInput } from './apiChanges.ts';
import { parseDefinition } from './parseDefinition.ts';

type Diffs = ReturnType<ApiChangeInput['compare']>['diffs'];

// A `<<` key in block or flow style: only then can the two readings differ.
const MERGE_KEY = /(^|[\s{,])<<\s*:/m;

/**
 * The breaking changes only the YAML 1.1 reading of a definition's merge keys (`<<: *shape`) shows. The
 * gate reads definitions as `yaml` and Backstage's $openapi bundler do (YAML 1.2: `<<` is a plain key), but
 * js-yaml, which Swagger UI in Backstage's API docs and most code generators use, merges it: a property
 * removed from a merged anchor changes nothing the 1.2 reading diffs. Takes both texts, the diff and a
 * resolver of each side's repo `$ref`s (resolveRepoRefs); returns the breaking changes of the merged
 * reading that the plain one (`plain`) does not list, each saying which reading found it, or none when
 * neither text writes a merge key or either side does not parse with merges.
 */
export function mergeKeyBreaking(before: string, after: string, plain: Diffs, compare: ApiChangeInput['compare'], resolve: (document: unknown, side: 'base' | 'head') => unknown): Diffs {
  if (!MERGE_KEY.test(before) && !MERGE_KEY.test(after)) return [];
  const [b, a] = [parseDefinition(before, true), parseDefinition(after, true)];
  if (!('value' in b) || !('value' in a) || b.value === undefined || a.value === undefined) return [];
  const known = new Set(plain.filter(d => d.type === 'breaking').map(d => d.description));
  return compare(resolve(b.value, 'base'), resolve(a.value, 'head')).diffs
    .filter(d => d.type === 'breaking' && !known.has(d.description))
    .map(d => ({ ...d, description: `${d.description ?? `${d.action} ${d.path.join('.')}`} (reading the YAML merge keys, <<, as js-yaml and Swagger UI do)` }));
}
