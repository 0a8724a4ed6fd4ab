import { FILE_START, type Diagnostic } from '../diagnostic.ts';
import type { GitopsConfig } from './gitopsConfig.ts';

/**
 * Rules that keep a hostile pull request from doing harm: reading secrets or host files, taking over
 * review routing, exhausting the runner. gitops.config.yaml comes with pull requests too, so its
 * `rules:` may raise these but never lower or silence them; lowering one takes a change to the toolkit.
 */
export const LOCKED_RULES: ReadonlySet<string> = new Set([
  'repo-symlink',
  'repo-checkout-transform',
  'yaml-alias-limit', 'yaml-node-limit', 'yaml-file-too-large', 'yaml-depth-limit', 'api-ref-outside-repo',
  'mkdocs-unsafe-tag', 'mkdocs-unsafe-extension', 'mkdocs-merge-key', 'techdocs-file-include', 'mkdocs-hooks', 'mkdocs-inherit-outside', 'mkdocs-path-outside', 'mkdocs-plugin-not-allowed',
  'codeowners-unsafe-path', 'codeowners-team-invalid', 'codeowners-platform-path', 'codeowners-stale', 'codeowners-claim-outside', 'codeowners-too-large',
  'techdocs-ref-outside', 'placeholder-outside-repo', 'placeholder-other-revision', 'skeleton-unsafe',
  'location-glob-too-complex',
  'template-render-budget', 'template-glob-unsafe', 'template-pattern-backtracking', 'template-workflow-injection', 'template-workflow-pr-target-checkout', 'template-workflow-secrets-dump', 'policy-pattern-backtracking', 'scorecard-path-unbounded',
  'config-weakened', 'secret-written', 'secret-sanctioned', 'secret-scan-incomplete',
]);

/**
 * One `config-rule-locked` warning for each `rules:` entry of the config that tries to turn off or lower
 * a locked rule (the setting is ignored). Takes the loaded config; returns Diagnostics on
 * gitops.config.yaml; never throws.
 */
export function lockedRuleSettings(config: GitopsConfig): Diagnostic[] {
  return Object.entries(config.rules)
    .filter(([id, setting]) => LOCKED_RULES.has(id) && setting !== 'error')
    .map(([id, setting]) => ({
      ruleId: 'config-rule-locked',
      severity: 'warning' as const,
      message: `rules.${id}: '${setting}' is ignored: ${id} keeps a pull request from reading secrets or host files, taking over reviews or exhausting the runner, so gitops.config.yaml cannot lower or turn it off.`,
      hint: `Remove rules.${id} from gitops.config.yaml; fix what the rule reports instead.`,
      file: 'gitops.config.yaml',
      range: FILE_START,
    }));
}
