import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import type { ApiChangePolicy } from '../config/gitopsConfig.ts';
import { isRecord } from '../load/loadCatalog.ts';
import type { ApiChange } from './apiChanges.ts';

/** `spec.lifecycle` of an entity, when it is a string. */
export const lifecycleOf = (entity: CatalogEntity | undefined) => (entity && isRecord(entity.entity.spec) && typeof entity.entity.spec.lifecycle === 'string' ? entity.entity.spec.lifecycle : undefined);

/**
 * The major number of an info.version written `1`, `1.2`, `v1.2.3` or `1.2.3-beta+build` (digits without a
 * leading zero, a pre-release or build only after all three numbers, as semver writes them), else
 * undefined: `01.0.0`, `1,0.0`, `１.0.0` or a date such as `2024-12-01` (read as major 2024 before) name no
 * new major, whatever their text.
 */
function majorOf(version: string | undefined): number | undefined {
  const match = version === undefined ? null : /^v?(0|[1-9][0-9]{0,8})(?:\.(?:0|[1-9][0-9]{0,8})(?:\.(?:0|[1-9][0-9]{0,8})(?:-[0-9a-z.-]+)?(?:\+[0-9a-z.-]+)?)?)?$/i.exec(version);
  return match ? Number(match[1]) : undefined;
}

/** Whether `after` names a later major version than `before` (both readable by majorOf). */
function newMajor(before: string | undefined, after: string | undefined): boolean {
  const [from, to] = [majorOf(before), majorOf(after)];
  return from !== undefined && to !== undefined && to > from;
}

/**
 * The policy's verdict on an API change with (or without) breaking changes reaching `otherTeams`. The
 * consumers rely on the API as it is before the change: a lifecycle the same change moves into the exempt
 * list (production -> experimental) excuses nothing.
 */
export function verdictOf(policy: ApiChangePolicy, breaking: boolean, otherTeams: readonly string[], [lifecycleBefore, lifecycle]: (string | undefined)[], [versionBefore, versionAfter]: (string | undefined)[]): [ApiChange['verdict'], string | undefined] {
  if (!breaking || !otherTeams.length) return ['none', undefined];
  const exempt = (l: string | undefined) => l !== undefined && policy.allowWhenLifecycle.includes(l);
  if (exempt(lifecycle) && exempt(lifecycleBefore)) return ['allowed', `its lifecycle is ${lifecycle}`];
  if (policy.allowWhenMajorVersion && newMajor(versionBefore, versionAfter)) return ['allowed', `info.version moves from ${versionBefore} to ${versionAfter}`];
  if (policy.breakingWithOtherConsumers === 'allowed') return ['allowed', 'apiChanges.breakingWithOtherConsumers is allowed'];
  return [policy.breakingWithOtherConsumers, undefined];
}

const SEVERITY: Record<ApiChangePolicy['breakingWithOtherConsumers'], number> = { allowed: 0, warning: 1, error: 2 };

/**
 * The policy a pull request is judged by when it also edits `apiChanges` in gitops.config.yaml: what both
 * the base revision's and the head's allow (the more severe verdict, lifecycles exempt in both, a new major
 * excusing only when both say so). Consumers relied on the base's policy, and a change must not loosen the
 * rule that judges it. Takes the base's policy (undefined when the base has no readable config) and the
 * head's; returns the policy and whether it is stricter than the head's (`relaxed`: the change loosens it).
 */
export function strictestPolicy(before: ApiChangePolicy | undefined, after: ApiChangePolicy): { policy: ApiChangePolicy; relaxed: boolean } {
  if (!before) return { policy: after, relaxed: false };
  const policy: ApiChangePolicy = {
    ...after,
    breakingWithOtherConsumers: SEVERITY[before.breakingWithOtherConsumers] > SEVERITY[after.breakingWithOtherConsumers] ? before.breakingWithOtherConsumers : after.breakingWithOtherConsumers,
    allowWhenLifecycle: after.allowWhenLifecycle.filter(l => before.allowWhenLifecycle.includes(l)),
    allowWhenMajorVersion: before.allowWhenMajorVersion && after.allowWhenMajorVersion,
  };
  const relaxed = policy.breakingWithOtherConsumers !== after.breakingWithOtherConsumers || policy.allowWhenLifecycle.length !== after.allowWhenLifecycle.length || policy.allowWhenMajorVersion !== after.allowWhenMajorVersion;
  return { policy, relaxed };
}

/** What a finding adds when the change also loosens the policy (strictestPolicy). */
export const relaxedNote = (relaxed: boolean | undefined) => (relaxed ? ' This change also loosens apiChanges in gitops.config.yaml: it is judged by what both the base revision\'s policy and the new one allow; the new policy applies to the pull requests after it.' : '');
