import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import type { ApiChangePolicy } from '../config/gitopsConfig.ts';
import { isRecord } from '../load/loadCatalog.ts';
import type { ApiChange } from './apiChanges.ts';

/** `spec.lifecycle` of an entity, when it is a string. */
export const lifecycleOf = (entity: CatalogEntity | undefined) => (entity && isRecord(entity.entity.spec) && typeof entity.entity.spec.lifecycle === 'string' ? entity.entity.spec.lifecycle : undefined);

/**
 * The major number of an info.version written `1`, `1.2`, `v1.2.3` or `1.2.3-beta` (digits without a
 * leading zero, as semver writes them), else undefined: `01.0.0`, `1,0.0` or `１.0.0` name no new major,
 * whatever their text.
 */
function majorOf(version: string | undefined): number | undefined {
  const match = version === undefined ? null : /^v?(0|[1-9][0-9]{0,8})(?:[.+-]|$)/i.exec(version);
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
