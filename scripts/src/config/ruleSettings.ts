import type { Diagnostic } from '../diagnostic.ts';
import { applyBaseline, readBaseline } from './baseline.ts';
import type { GitopsConfig } from './gitopsConfig.ts';
import { LOCKED_RULES } from './lockedRules.ts';

/**
 * The `rules:` setting gitops.config.yaml gives rule `ruleId`: its own, else its family's (`policy` covers
 * `policy/*`), else undefined. Own keys only: a rule id is never read from a prototype.
 */
export function ruleSetting(config: GitopsConfig, ruleId: string): GitopsConfig['rules'][string] | undefined {
  const family = ruleId.split('/')[0];
  return Object.hasOwn(config.rules, ruleId) ? config.rules[ruleId] : Object.hasOwn(config.rules, family) ? config.rules[family] : undefined;
}

/** Severity overrides from gitops.config.yaml, by rule id or by family (`policy` covers `policy/*`). */
export function applyRuleSettings(diagnostics: readonly Diagnostic[], config: GitopsConfig): Diagnostic[] {
  return diagnostics.flatMap(d => {
    // Security rules cannot be lowered by the config a pull request may change (lockedRuleSettings says so).
    if (LOCKED_RULES.has(d.ruleId)) return [d];
    const setting = ruleSetting(config, d.ruleId);
    if (setting === 'off') return [];
    return setting ? [{ ...d, severity: setting }] : [d];
  });
}

/**
 * The catalog gate's findings as `check` settles them on a whole offline run: `rules:` applied, then the
 * baseline's counts. The commands that refuse to act on a failing gate (sync, techdocs publish) judge
 * with this, so a catalog put under the gate with a baseline or a lowered rule, which `check` passes, is
 * not refused after merge. Throws UsageError when the config names a baseline that cannot be read.
 */
export function settledGateFindings(diagnostics: readonly Diagnostic[], config: GitopsConfig): Diagnostic[] {
  const settled = applyRuleSettings(diagnostics, config);
  return config.baseline ? applyBaseline(settled, readBaseline(config.root, config.baseline), config.baseline) : settled;
}
