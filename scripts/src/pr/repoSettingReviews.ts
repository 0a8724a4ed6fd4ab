import type { Diagnostic } from '../diagnostic.ts';

/** The rules of the settings a template gives the repositories it creates (templates/repoSettings.ts), and what each does, in a few words. */
export const REPO_SETTING_RULES: ReadonlyMap<string, string> = new Map([
  ['template-repo-public', 'makes every repository it creates public'],
  ['template-repo-admin', 'makes a named user or team an admin of every repository it creates'],
  ['template-repo-unprotected', "weakens the default branch's protection of every repository it creates"],
]);

/** The rules of a template step that writes into a repository its user does not choose (templates/pushTargets.ts), and what it does. */
export const FIXED_PUSH_RULES: ReadonlyMap<string, string> = new Map([
  ['template-push-fixed-repo', 'pushes into an existing repository its user does not choose, on every run'],
]);

/** Whether `d` is one of the pull request's own findings (not already on the base) that weakens the repositories a template creates. */
export function weakensRepositories(d: Diagnostic): boolean {
  return REPO_SETTING_RULES.has(d.ruleId) && !d.alreadyOnBase && d.severity !== 'info';
}

/** Whether `d` is one of the pull request's own findings (not already on the base) of a template step that writes into another repository unchosen. */
export function pushesIntoFixedRepository(d: Diagnostic): boolean {
  return FIXED_PUSH_RULES.has(d.ruleId) && !d.alreadyOnBase && d.severity !== 'info';
}

/**
 * The platform team's review a pull request needs when it introduces a template-repo-public, -admin or
 * -unprotected finding, or a template-push-fixed-repo one, in a file the base branch's CODEOWNERS does not make
 * the platform team approve: the template's own team alone then turns every repository the template creates
 * public, or gives it an admin, or removes its protection, and the gate's verdict (warnings) stays green; or
 * makes every run push into another team's repository (an error, unless the platform team's rules: lowered it). Takes the gate's findings (those
 * marked alreadyOnBase and those a rules: setting made info are left out), the report's CODEOWNERS groups
 * (owners per changed file, from the base) and the base config's codeowners.platformTeam; returns the team
 * and its reasons, one per file and rule, or nothing without a platform team or when CODEOWNERS asks it. Pure.
 */
export function repoSettingReviews(diagnostics: readonly Diagnostic[], reviewers: readonly { owners: string[]; files: string[] }[], platformTeam: string | undefined): { team: string; reasons: string[] }[] {
  if (!platformTeam) return [];
  const ownersOf = (file: string) => reviewers.find(r => r.files.includes(file))?.owners ?? [];
  const reasons = new Set<string>();
  for (const d of diagnostics) {
    if (!weakensRepositories(d) && !pushesIntoFixedRepository(d)) continue;
    const owners = ownersOf(d.file);
    if (owners.some(o => o.toLowerCase() === platformTeam.toLowerCase())) continue;
    const approvers = owners.length ? `CODEOWNERS lets ${owners.slice(0, 3).join(', ')}${owners.length > 3 ? ', …' : ''} approve it alone` : 'CODEOWNERS names no owner for it';
    reasons.add(`${d.file} now ${REPO_SETTING_RULES.get(d.ruleId) ?? FIXED_PUSH_RULES.get(d.ruleId)} (${d.ruleId}); ${approvers}`);
  }
  return reasons.size ? [{ team: platformTeam, reasons: [...reasons] }] : [];
}

/** `asked` added to the report's team reviews: a team already there gains the reasons; the list stays sorted by team. */
export function withReviews(teams: readonly { team: string; reasons: string[] }[], asked: readonly { team: string; reasons: string[] }[]): { team: string; reasons: string[] }[] {
  const merged = new Map(teams.map(t => [t.team, [...t.reasons]]));
  for (const a of asked) merged.set(a.team, [...new Set([...(merged.get(a.team) ?? []), ...a.reasons])]);
  return [...merged].sort(([a], [b]) => (a < b ? -1 : 1)).map(([team, reasons]) => ({ team, reasons }));
}
