import { backtrackingPatterns, BACKTRACKING_HINT, describeVerdict, schemaPatterns, type Backtracking, type SchemaPattern } from '../templates/regexBacktracking.ts';
import { readRepoFile } from '../load/repoPath.ts';
import type { Diagnostic } from '../diagnostic.ts';
import type { PolicySchema } from './checkPolicies.ts';

/**
 * The org policies without the regular expressions that backtrack super-linearly (recheck, on a bounded
 * worker thread: see backtrackingPatterns): Ajv runs a policy's `pattern`s on the values of every entity of
 * every pull request on the gate's one thread, so one such pattern (a plausible `^(\w+\s?)*$`) and a value a
 * team wrote (perhaps long before the policy came) held every gate past its time limit. Each is dropped from
 * a copy of its schema (the rest of the policy still applies) and is one `policy-pattern-backtracking`
 * error on its policy file, at the line that holds it. Takes the repo root (to find the line) and the
 * policies as read; returns the schemas to compile and the findings. Never throws.
 */
export async function withoutBacktrackingPatterns(root: string, policies: readonly PolicySchema[]): Promise<{ schemas: PolicySchema[]; problems: Diagnostic[] }> {
  const found = policies.map(policy => schemaPatterns(policy.schema));
  const verdicts = await backtrackingPatterns(found.flat().map(f => f.pattern));
  if (verdicts.size === 0) return { schemas: [...policies], problems: [] };
  const problems: Diagnostic[] = [];
  const schemas = policies.map((policy, i) => {
    const bad = found[i].filter(f => verdicts.has(f.pattern));
    if (bad.length === 0) return policy;
    const schema = structuredClone(policy.schema);
    for (const f of bad) {
      drop(schema, f);
      problems.push(finding(root, policy.file, f, verdicts.get(f.pattern)!));
    }
    return { file: policy.file, schema };
  });
  return { schemas, problems };
}

/** Removes the `pattern` keyword, or the `patternProperties` entry, `found` names from `schema` (a copy). */
function drop(schema: Record<string, unknown>, found: SchemaPattern): void {
  let node: unknown = schema;
  for (const key of found.path.slice(0, -1)) node = (node as Record<string | number, unknown>)?.[key];
  if (node && typeof node === 'object') delete (node as Record<string | number, unknown>)[found.path[found.path.length - 1]];
}

function finding(root: string, file: string, found: SchemaPattern, verdict: Backtracking): Diagnostic {
  let line = 1;
  try {
    const text = readRepoFile(root, file, 'utf8');
    const at = text.indexOf(JSON.stringify(found.pattern));
    if (at >= 0) line = text.slice(0, at).split('\n').length;
  } catch {
    // The policy was read a moment ago; a line is all that is looked for here.
  }
  const shown = JSON.stringify(found.pattern.length > 80 ? `${found.pattern.slice(0, 80)}…` : found.pattern);
  const attack = verdict.attack !== undefined ? ` (for example ${verdict.attack})` : '';
  return {
    ruleId: 'policy-pattern-backtracking',
    severity: 'error',
    message: `The ${found.key ? 'patternProperties key' : 'pattern'} ${shown} at ${found.path.join('.')} ${describeVerdict(verdict)}${attack}: the gate runs it on every entity's values, so one such value in any team's file would hold every pull request's gate past its time limit. It is not applied; the rest of this policy is.`,
    hint: BACKTRACKING_HINT,
    file,
    range: { start: { line, column: 1 }, end: { line, column: 1 } },
  };
}
