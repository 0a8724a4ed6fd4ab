import type { CodeownersRule } from './codeowners.ts';

export const REQUIRED_REVIEWERS_POLICY = 'fd2167ab-b0be-447a-8ec8-39368250530e';
const MESSAGE_PREFIX = 'backstage-gitops:';

export interface ReviewerPolicy {
  team: string;
  reviewerId: string;
  filenamePatterns: string[];
}

/**
 * CODEOWNERS as Azure Repos "automatically included reviewers" policies. Azure applies every matching
 * policy (no last match wins), matches case-insensitively and lets `*` cross folders, so each rule
 * becomes its own path filter plus exclusions for the later rules that take over part of it. A later
 * rule takes over only if Azure can require someone for it (one of its owners has a reviewer id) or it
 * names no owner (GitHub's "no owner"): a rule whose teams have no dev.azure.com/team-id would otherwise
 * cut its files out of the earlier rule and leave them with no required reviewer at all; they stay with
 * the earlier rule's owners (see unmappedOwners for the warning).
 */
export function reviewerPolicies(rules: readonly CodeownersRule[], repoFiles: readonly string[], reviewerIds: ReadonlyMap<string, string>): ReviewerPolicy[] {
  const patterns = new Map<string, string[]>();
  const takesOver = (rule: CodeownersRule) => rule.owners.length === 0 || rule.owners.some(o => reviewerIds.has(o));
  rules.forEach((rule, i) => {
    const matched = repoFiles.filter(f => rule.matches(f));
    const overriding = rules.slice(i + 1).filter(later => takesOver(later) && matched.some(f => later.matches(f)));
    const filter = [...azureGlobs(rule.pattern), ...overriding.flatMap(later => azureGlobs(later.pattern).map(g => `!${g}`))];
    for (const owner of rule.owners) {
      if (!reviewerIds.has(owner)) continue;
      (patterns.get(owner) ?? patterns.set(owner, []).get(owner)!).push(...filter);
    }
  });
  return [...patterns].map(([team, filenamePatterns]) => ({ team, reviewerId: reviewerIds.get(team)!, filenamePatterns })).sort((a, b) => a.team.localeCompare(b.team));
}

/**
 * The owners CODEOWNERS names that have no reviewer id (no dev.azure.com/team-id on their Group), each
 * with the patterns of the rules where none of the owners has one: Azure cannot require them, so those
 * files fall back to the earlier rules' owners (reviewerPolicies). Sorted by owner.
 */
export function unmappedOwners(rules: readonly CodeownersRule[], reviewerIds: ReadonlyMap<string, string>): { owner: string; patterns: string[] }[] {
  const found = new Map<string, string[]>();
  for (const rule of rules) {
    if (rule.owners.length === 0 || rule.owners.some(o => reviewerIds.has(o))) continue;
    for (const owner of rule.owners) (found.get(owner) ?? found.set(owner, []).get(owner)!).push(rule.pattern);
  }
  return [...found].map(([owner, patterns]) => ({ owner, patterns })).sort((a, b) => a.owner.localeCompare(b.owner));
}

/** A GitHub CODEOWNERS pattern in Azure's path-filter syntax (absolute, `*` crosses `/`). */
export function azureGlobs(pattern: string): string[] {
  if (pattern === '*') return ['*'];
  const anchored = pattern.startsWith('/') || pattern.slice(0, -1).includes('/');
  const path = pattern.replace(/^\//, '').replace(/\*\*/g, '*');
  const base = anchored ? [`/${path}`] : [`/${path}`, `*/${path}`];
  if (path.endsWith('/')) return base.map(p => `${p}*`);
  if (path.endsWith('/*')) return base.flatMap(p => [p, `!${p}/*`]);
  return base.flatMap(p => [p, `${p}/*`]);
}

export interface AzurePolicyConfiguration {
  id?: number;
  isEnabled: boolean;
  isBlocking: boolean;
  type: { id: string };
  settings: { requiredReviewerIds: string[]; filenamePatterns: string[]; message: string; minimumApproverCount: number; creatorVoteCounts: boolean; addedFilesOnly: boolean; scope: { repositoryId: string; refName: string; matchKind: string }[] };
}

export function toConfiguration(policy: ReviewerPolicy, repositoryId: string, branch: string): AzurePolicyConfiguration {
  return {
    isEnabled: true,
    isBlocking: true,
    type: { id: REQUIRED_REVIEWERS_POLICY },
    settings: {
      requiredReviewerIds: [policy.reviewerId],
      filenamePatterns: policy.filenamePatterns,
      message: `${MESSAGE_PREFIX} ${policy.team} owns these files (from the catalog)`,
      minimumApproverCount: 1,
      creatorVoteCounts: false,
      addedFilesOnly: false,
      scope: [{ repositoryId, refName: `refs/heads/${branch}`, matchKind: 'Exact' }],
    },
  };
}

export interface PolicyPlan {
  create: AzurePolicyConfiguration[];
  update: AzurePolicyConfiguration[];
  remove: AzurePolicyConfiguration[];
  unchanged: number;
}

/**
 * Desired policies against the ones this tool created before for the same repository and branch
 * (recognised by their message and their scope). `existing` is every policy of the project (Azure's
 * GET policy/configurations lists them all): a policy this tool wrote for another repository or branch
 * of the project (another control repo, a release branch) is none of this run's business and is never
 * updated or removed. Takes the desired configurations (all for one repo and branch, from
 * toConfiguration for `repositoryId` and `branch`); returns what to create, update and remove.
 */
export function planPolicies(desired: readonly AzurePolicyConfiguration[], existing: readonly AzurePolicyConfiguration[], repositoryId: string, branch: string): PolicyPlan {
  const scopes = new Set([scopeKey({ repositoryId, refName: `refs/heads/${branch}`, matchKind: 'Exact' })]);
  const sameScope = (p: AzurePolicyConfiguration) => Array.isArray(p.settings?.scope) && p.settings.scope.length > 0 && p.settings.scope.every(s => scopes.has(scopeKey(s)));
  const ours = existing.filter(p => p.type?.id === REQUIRED_REVIEWERS_POLICY && p.settings?.message?.startsWith(MESSAGE_PREFIX) && sameScope(p));
  const key = (p: AzurePolicyConfiguration) => `${p.settings.message}|${JSON.stringify(p.settings.scope)}`;
  const current = new Map(ours.map(p => [key(p), p]));
  const plan: PolicyPlan = { create: [], update: [], remove: [], unchanged: 0 };
  for (const policy of desired) {
    const found = current.get(key(policy));
    current.delete(key(policy));
    if (!found) plan.create.push(policy);
    else if (JSON.stringify(found.settings.filenamePatterns) !== JSON.stringify(policy.settings.filenamePatterns) || JSON.stringify(found.settings.requiredReviewerIds) !== JSON.stringify(policy.settings.requiredReviewerIds) || !found.isBlocking || !found.isEnabled) plan.update.push({ ...policy, id: found.id });
    else plan.unchanged++;
  }
  plan.remove.push(...current.values());
  return plan;
}

/** A policy scope entry as one comparable string; Azure compares repository ids and ref names case-insensitively. */
function scopeKey(scope: { repositoryId?: string | null; refName?: string | null; matchKind?: string | null }): string {
  return `${String(scope.repositoryId ?? '').toLowerCase()}|${String(scope.refName ?? '').toLowerCase()}|${String(scope.matchKind ?? 'exact').toLowerCase()}`;
}
