import type { Ajv, ValidateFunction } from 'ajv';
import type { Diagnostic } from '../diagnostic.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { errorPath, leafErrors } from './ajvPaths.ts';
import { diagnosticAt, type CatalogEntity } from './catalogEntity.ts';
import { policyAjv, policyMessage, type CompiledPolicy } from './checkPolicies.ts';

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A policy's scope as its own validators: whether an entity meets the top-level `if`, and the policy as if it did. */
interface PolicyScope {
  policy: CompiledPolicy;
  inScope: ValidateFunction;
  asInScope: ValidateFunction;
}

// What a part of a policy needs of the root to compile alone: the draft, the id relative $refs resolve
// against, and the definitions they name.
const ROOT_KEYS = ['$schema', '$id', 'definitions', '$defs'];

/**
 * The org policies that have a scope, each compiled twice more, by Ajvs of their own (`ajvs()`: policyAjv, the
 * one that compiled the policies; a second Ajv for each variant keeps a policy's `$id` unique in each): its
 * top-level `if` (with the root's `$schema`, `$id` and definitions) and the policy with `then` in place of its
 * conditional (`if`, `then` and `else` dropped). A policy without a top-level `if`/`then` applies to every
 * entity: no change takes an entity out of it. A variant Ajv refuses leaves that policy out (compilePolicies
 * compiled it whole).
 */
function policyScopes(policies: readonly CompiledPolicy[], ajvs: () => Ajv): PolicyScope[] {
  const scoped = policies.filter(p => p.schema && isMap(p.schema.if) && p.schema.then !== undefined);
  if (scoped.length === 0) return [];
  const [forScope, forPolicy] = [ajvs(), ajvs()];
  return scoped.flatMap(policy => {
    const { if: condition, then, else: _, ...rest } = policy.schema!;
    const root = Object.fromEntries(ROOT_KEYS.filter(k => Object.hasOwn(rest, k)).map(k => [k, rest[k]]));
    try {
      return [{ policy, inScope: forScope.compile({ ...root, allOf: [condition] }), asInScope: forPolicy.compile({ ...rest, allOf: [...(Array.isArray(rest.allOf) ? rest.allOf : []), then] }) }];
    } catch {
      return [];
    }
  });
}

/**
 * `policy-scope-left`: an entity the pull request edits (same ref on both sides, a different entity as
 * Backstage stores it) that met a policy's top-level `if` on the base revision and does not on the head, so the
 * policy's `then` no longer applies to it. `policies`: the head's compiled org policies whose failure fails the
 * gate (the caller applies gitops.config.yaml's rules and failOn). At the first path the head's entity fails the
 * `if` at (the field that moved it out), with its old and new values. Severity: error when the entity broke the
 * policy on the base or would break it now if still in scope (the entity validated against the policy with
 * `then` in place of the condition); else a warning, said so a reviewer sees it. Not said: an entity added,
 * removed or renamed (a removal is a normal deletion), and a value that changes only in letter case
 * (policy-value-case says that one). `ajvs`: makes an Ajv for the variants (policyAjv). Pure.
 */
export function policyScopeLeft(base: readonly CatalogEntity[], head: readonly CatalogEntity[], policies: readonly CompiledPolicy[], ajvs: () => Ajv = policyAjv): Diagnostic[] {
  const before = new Map(base.filter(e => e.ref).map(e => [e.ref!, e]));
  const edited = head.flatMap(entity => {
    const was = entity.ref ? before.get(entity.ref) : undefined;
    return was && JSON.stringify(was.entity) !== JSON.stringify(entity.entity) ? [{ was, entity }] : [];
  });
  if (edited.length === 0) return [];
  const scopes = policyScopes(policies, ajvs);
  const found: Diagnostic[] = [];
  for (const { was, entity } of edited) {
    for (const scope of scopes) {
      if (!scope.inScope(was.entity) || scope.inScope(entity.entity)) continue;
      const path = leftAt(scope.inScope, was.entity, entity.entity);
      if (!path) continue;
      const [old, now] = [valueAt(was.entity, path), valueAt(entity.entity, path)];
      if (typeof old === 'string' && typeof now === 'string' && old.toLowerCase() === now.toLowerCase()) continue;
      const failedBefore = !scope.policy.validate(was.entity);
      const brokenNow = failedBefore || scope.asInScope(entity.entity) ? undefined : leafErrors(scope.asInScope.errors ?? [])[0];
      found.push(finding(entity, scope.policy, path, old, now, failedBefore ? 'failed' : brokenNow ? { breaks: policyMessage(brokenNow) } : undefined));
    }
  }
  return found;
}

/** The first path where the head's entity fails the scope condition (`inScope` has just failed it), or undefined when only the base has what it names. */
function leftAt(inScope: ValidateFunction, before: Record<string, unknown>, after: Record<string, unknown>): PathSegment[] | undefined {
  inScope(after);
  const errors = leafErrors(inScope.errors ?? []);
  const paths = errors.map(e => errorPath(e).path);
  // A key the condition requires and the change removed, or a value it names that changed: the first whose value moved.
  return paths.find(p => JSON.stringify(valueAt(before, p)) !== JSON.stringify(valueAt(after, p))) ?? paths[0];
}

function valueAt(entity: unknown, path: readonly PathSegment[]): unknown {
  let node = entity;
  for (const key of path) node = isMap(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[key] : undefined;
  return node;
}

const shown = (value: unknown) => (value === undefined || value === null ? 'not set' : JSON.stringify(value).slice(0, 120));
const pathShown = (path: readonly PathSegment[]) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$-]*$/.test(p) ? `${i ? '.' : ''}${p}` : `[${JSON.stringify(p)}]`)).join('');

/** `verdict`: 'failed' (it broke the policy on the base), the violation it would have now in scope, or undefined (it would meet it). */
function finding(entity: CatalogEntity, policy: CompiledPolicy, path: PathSegment[], old: unknown, now: unknown, verdict: 'failed' | { breaks: string } | undefined): Diagnostic {
  const field = pathShown(path);
  const verdictSaid = verdict === 'failed' ? ', which it broke on the base revision (out of scope, that violation is no longer reported)' : verdict ? `, which it would now break (${verdict.breaks})` : ' (it would meet the policy either way)';
  return diagnosticAt(entity, path, {
    ruleId: 'policy-scope-left',
    severity: verdict === undefined ? 'warning' : 'error',
    message: `This change takes ${entity.ref} out of the org policy "${policy.title}" (${policy.ruleId})${verdictSaid}: ${field} changes from ${shown(old)} to ${shown(now)}, which the policy's condition (its top-level \`if\`) does not match, so the policy no longer applies to it.`,
    hint: `If ${entity.ref} still is what the policy covers, keep ${field} as it was. If it really changed, a platform team reviewer must approve that: org policies have no per-entity exemption file, so the platform team excludes the entity in the policy's own \`if\` (its schema file in the catalog.policies folder, which the platform team owns in CODEOWNERS) in a pull request of its own; or make the entity meet the policy first, then change ${field}.`,
  });
}
