/** A node of nunjucks' parse tree, as far as a lookup needs it. */
interface LookupNode {
  typename?: string;
  target?: unknown;
  val?: unknown;
  value?: unknown;
}

/**
 * The keys a lookup reads below the context (`values.nested.c` or `values['nested'].c` → ['nested', 'c']),
 * each written as a name or a string literal; undefined for any other lookup (a variable's key, a call's
 * result, another root). Takes a LookupVal node and the context name (`values`, or `cookiecutter`).
 */
export function lookupPath(node: unknown, contextName: string): string[] | undefined {
  const keys: string[] = [];
  let at = node as LookupNode | undefined;
  while (at?.typename === 'LookupVal') {
    const val = at.val as LookupNode | undefined;
    if (val?.typename !== 'Literal' || typeof val.value !== 'string') return undefined;
    keys.unshift(val.value);
    at = at.target as LookupNode | undefined;
  }
  return at?.typename === 'Symbol' && at.value === contextName && keys.length ? keys : undefined;
}

/**
 * The mapping the step's values hold at `path`, when every key on the way is written out literally in
 * template.yaml (a mapping, not an expression that builds one): its keys are then all there is. Undefined
 * where the path leaves what is written (a value built by an expression, a list, a scalar, a missing key).
 */
export function mappingAt(values: Readonly<Record<string, unknown>>, path: readonly string[]): Readonly<Record<string, unknown>> | undefined {
  let at: unknown = values;
  for (const key of path) {
    if (!isMapping(at) || !Object.hasOwn(at, key)) return undefined;
    at = at[key];
  }
  return isMapping(at) ? at : undefined;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
