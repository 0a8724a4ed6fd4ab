import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, PAYMENTS_OPENAPI, startPullRequest } from '../pr/prChange.ts';
import { runBin } from './runBin.ts';

// Red team 35: schemas/api-lint/ruleset.yaml is a pull-request file. loadApiRuleset checked each tuned rule's
// value but not its name, and Spectral looks a name up in a plain object: a rule it does not define ended the
// gate (report) with "internal error: Cannot extend non-existing rule", and `__proto__`, `constructor` or
// `toString` found Object.prototype's member ("internal error: rule.formats is not iterable"). Each is now
// one message naming the ruleset and the rule, exit 2; a rule the extended rulesets define still tunes.
const RULESET = 'schemas/api-lint/ruleset.yaml';

async function pullRequest(rule: string): Promise<{ root: string; base: string }> {
  const root = await dataRepoCopy();
  const base = startPullRequest(root);
  edit(root, RULESET, text => `${text.trimEnd()}\n  ${JSON.stringify(rule)}: 'off'\n`);
  edit(root, PAYMENTS_OPENAPI, text => text.replace(/^info:\n/m, 'info:\n  x-changed: yes\n'));
  commit(root, 'tune a rule');
  return { root, base };
}

describe('rule names in the API lint ruleset (shipped bin, report)', () => {
  it.each(['no-such-rule', '__proto__', 'constructor', 'toString'])('%s: one message naming the ruleset and the rule, exit 2', async rule => {
    const { root, base } = await pullRequest(rule);
    const run = await runBin(['report', '--base', base, '--today', '2026-11-23'], root);
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(run.stderr).toBe(`backstage-gitops report: ${RULESET}: rule ${JSON.stringify(rule)} is not a rule of the rulesets extends names (spectral:oas, spectral:asyncapi): a ruleset here may only tune their rules. Fix the name or remove it.\n`);
    expect(run.status).toBe(2);
  }, 120_000);

  it('a rule spectral:oas defines is tuned as before', async () => {
    const { root, base } = await pullRequest('operation-tags');
    const run = await runBin(['report', '--base', base, '--today', '2026-11-23', '--format', 'json'], root);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.status).not.toBe(2);
    expect(JSON.parse(run.stdout).diagnostics.some((d: { ruleId: string }) => d.ruleId === 'config-weakened')).toBe(true);
  }, 120_000);
});
