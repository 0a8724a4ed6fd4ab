import { FILE_START, type Diagnostic, type Severity } from '../diagnostic.ts';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import { LOCKED_RULES } from '../config/lockedRules.ts';
import { catalogRules } from '../catalog/catalogRules.ts';
import { templateRules } from '../templates/templateRules.ts';
import { configRules } from '../backstageConfig/configRules.ts';
import { scorecardRules } from '../scorecards/scorecardRules.ts';
import { apiRules } from './apiRules.ts';

// A rule's own severity, where the base config does not set it (policy/… and unknown ids: error).
const defaultSeverity = (id: string): Severity => [catalogRules, templateRules, configRules, scorecardRules, apiRules].map(r => r.get(id)).find(Boolean)?.severity ?? 'error';

const RANK: Record<Severity | 'off', number> = { off: 0, info: 1, warning: 2, error: 3 };
const shown = (value: unknown) => JSON.stringify(value ?? null).slice(0, 120);
const gained = (before: readonly string[], after: readonly string[]) => after.filter(item => !before.includes(item));

/**
 * What a pull request's gitops.config.yaml turns off or loosens compared with the base revision's: the
 * gate judges a pull request by the pull request's own config, so a change there can silence the checks a
 * reviewer relies on while the verdict stays green (a removed `codeowners` section or `catalog.roots` stops
 * the CODEOWNERS, editor schema, Backstage config and scorecard gates; a rule set lower, a laxer failOn, a
 * wider adoptFrom). Each is a `config-weakened` finding on gitops.config.yaml (locked: the config it judges
 * cannot lower it). `configAlone`: the pull request changes no file but gitops.config.yaml, so nothing is
 * judged under the loosened config and the platform team's review of that file (CODEOWNERS) is the whole
 * decision: a warning. Otherwise an error: the rest of the change would pass under a config nobody has
 * approved yet. Locked rules are left to config-rule-locked. Pure.
 */
export function configWeakened(base: GitopsConfig, head: GitopsConfig, configAlone = false): Diagnostic[] {
  const finding = (what: string) => weakening(what, configAlone);
  const found: string[] = [];
  if (!base.found) return [];
  if (!head.found) return [finding('gitops.config.yaml is removed: the gate judges the repository as a folder without a config (no org policies, CODEOWNERS, editor schema, Backstage config or scorecards)')];
  if (base.catalog.roots.length > 0 && head.catalog.roots.length === 0) found.push(`catalog.roots is removed (was ${shown(base.catalog.roots)}): without roots the CODEOWNERS, editor schema, Backstage config and scorecard gates do not run`);
  for (const section of ['codeowners', 'editorSchema', 'backstageConfig'] as const) {
    if (base[section] && !head[section]) found.push(`the ${section} section is removed: its gate no longer runs`);
  }
  if (base.codeowners && head.codeowners) {
    for (const key of ['file', 'platformTeam'] as const) {
      if (base.codeowners[key] !== head.codeowners[key]) found.push(`codeowners.${key} changes from ${shown(base.codeowners[key])} to ${shown(head.codeowners[key])}: it decides who reviews what`);
    }
    const dropped = (base.codeowners.platformPaths ?? []).filter(path => !(head.codeowners!.platformPaths ?? []).includes(path));
    if (dropped.length) found.push(`codeowners.platformPaths no longer lists ${shown(dropped)}: the platform team stops owning them`);
  }
  if (RANK[head.failOn] > RANK[base.failOn]) found.push(`failOn changes from ${shown(base.failOn)} to ${shown(head.failOn)}: fewer findings fail the gate`);
  for (const [id, setting] of Object.entries(head.rules)) {
    if (LOCKED_RULES.has(id)) continue;
    const before = base.rules[id] ?? defaultSeverity(id);
    if (RANK[setting] < RANK[before]) found.push(`rules.${id} is set to ${shown(setting)} (was ${shown(before)})`);
  }
  if (RANK[head.apiChanges.breakingWithOtherConsumers === 'allowed' ? 'off' : head.apiChanges.breakingWithOtherConsumers] < RANK[base.apiChanges.breakingWithOtherConsumers === 'allowed' ? 'off' : base.apiChanges.breakingWithOtherConsumers]) found.push(`apiChanges.breakingWithOtherConsumers changes from ${shown(base.apiChanges.breakingWithOtherConsumers)} to ${shown(head.apiChanges.breakingWithOtherConsumers)}`);
  const lifecycles = gained(base.apiChanges.allowWhenLifecycle, head.apiChanges.allowWhenLifecycle);
  if (lifecycles.length) found.push(`apiChanges.allowWhenLifecycle now also excuses ${shown(lifecycles)}`);
  if (!base.apiChanges.allowWhenMajorVersion && head.apiChanges.allowWhenMajorVersion) found.push('apiChanges.allowWhenMajorVersion is turned on');
  if (base.catalog.policies !== head.catalog.policies) found.push(`catalog.policies changes from ${shown(base.catalog.policies)} to ${shown(head.catalog.policies)}: the org policies applied change`);
  const adopt = gained(base.catalog.adoptFrom, head.catalog.adoptFrom);
  if (adopt.length) found.push(`catalog.adoptFrom gains ${shown(adopt)}: sync will unregister those locations and take their entities`);
  const types = gained(base.catalog.allowedLocationTypes, head.catalog.allowedLocationTypes);
  if (types.length) found.push(`catalog.allowedLocationTypes gains ${shown(types)}`);
  return found.slice(0, 20).map(finding);
}

function weakening(what: string, configAlone: boolean): Diagnostic {
  return configAlone
    ? {
        ruleId: 'config-weakened',
        severity: 'warning',
        message: `Compared with the base revision, ${what}. This pull request changes nothing else, so nothing in it is judged under the loosened config; once merged, every later pull request is.`,
        hint: 'The platform team reviews gitops.config.yaml (CODEOWNERS): approve only a change meant to loosen the gate.',
        file: 'gitops.config.yaml',
        range: FILE_START,
      }
    : {
        ruleId: 'config-weakened',
        severity: 'error',
        message: `Compared with the base revision, ${what}. This pull request also changes other files, and the gate would judge them under the loosened config that nobody has approved yet.`,
        hint: 'Keep the base revision\'s setting here. To loosen the gate on purpose, change gitops.config.yaml in a pull request of its own: the platform team (CODEOWNERS) approves it there, and later changes are judged under it.',
        file: 'gitops.config.yaml',
        range: FILE_START,
      };
}
