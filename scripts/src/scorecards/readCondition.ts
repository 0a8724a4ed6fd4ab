import type { Condition } from './model.ts';

const has = (node: object, key: string) => Object.hasOwn(node, key);

/**
 * A rule's condition as jsonfc's config reader reads it from app-config (readRuleNestedCondition and
 * readRuleTopLevelCondition in the jsonfc module's service/config.ts), which is what Tech Insights
 * evaluates: a node with `fact` is a leaf (fact, operator, value, path, params, priority, name; any
 * `all`/`any`/`not` beside it is dropped); otherwise only the first of `all`, `any`, `not` is kept, in
 * that order (json-rules-engine itself would prefer `any`), with its name and priority.
 * Takes a condition as written in scorecards/; returns a new one; never throws.
 */
export function readCondition(node: Condition): Condition {
  if (has(node, 'fact')) {
    const { fact, operator, value, path, params, priority, name } = node;
    return omitUndefined({ fact, operator, value, path, params, priority, name });
  }
  const base = { name: node.name, priority: node.priority };
  if (has(node, 'all')) return omitUndefined({ ...base, all: (node.all ?? []).map(readCondition) });
  if (has(node, 'any')) return omitUndefined({ ...base, any: (node.any ?? []).map(readCondition) });
  if (has(node, 'not')) return omitUndefined({ ...base, not: node.not ? readCondition(node.not) : node.not });
  return omitUndefined({ ...base, condition: node.condition });
}

/**
 * The keys of a condition node that jsonfc's reader drops (see readCondition), in the order written:
 * `any`/`not` beside `all`, `not` beside `any`, and any of them beside `fact`.
 */
export function ignoredBranches(node: Condition): ('all' | 'any' | 'not')[] {
  const kept = has(node, 'fact') ? undefined : (['all', 'any', 'not'] as const).find(k => has(node, k));
  return (['all', 'any', 'not'] as const).filter(k => has(node, k) && k !== kept);
}

function omitUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
