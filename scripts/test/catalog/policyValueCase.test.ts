import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { runBin } from '../security/runBin.ts';

const component = (name: string, type: string, lifecycle: string) => `---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  description: Tiny.\n  annotations:\n    pagerduty.com/service-id: PXXXXXX\n    github.com/project-slug: acme/analytics\nspec:\n  type: ${type}\n  lifecycle: ${lifecycle}\n  owner: data-team\n  system: analytics\n`;
type Finding = { ruleId: string; message: string; hint?: string; file: string; range: { start: { line: number; column: number } } };
const FILE = 'catalog/systems/analytics/entities.yaml';

// Red team, round 8: JSON Schema's const/enum compare exactly, Backstage's catalog filters compare lower-cased
// values: `type: Service` slipped past the policy written for production services.
describe('policy-value-case: a value a policy names only in another letter case', () => {
  it('type: Service on a production Component is a finding with the policy\'s spelling; type: service meets the policy itself', async () => {
    const repo = await dataRepoCopy();
    const lines = readFileSync(join(repo, FILE), 'utf8').split('\n').length;
    appendFileSync(join(repo, FILE), component('prod-svc', 'Service', 'production') + component('prod-life', 'service', 'PRODUCTION'));
    const result = await runBin(['check', '--format', 'json', '--today', '2026-11-23'], repo);
    const found = (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.file === FILE);
    const cased = found.filter(d => d.ruleId === 'policy-value-case');
    expect(cased.map(d => [d.range.start.line - lines, d.range.start.column, d.hint])).toEqual([[10, 9, 'Write spec.type: service'], [25, 14, 'Write spec.lifecycle: production']]);
    expect(cased[0].message).toContain('"Service", which differs only in letter case from "service" named by policy/production-component');
    // The lifecycle is also outside the allowed list, as before; the lowered spelling meets the policy it evaded.
    expect(found.map(d => d.ruleId)).toContain('policy/allowed-lifecycles');
    expect(result.status).toBe(1);

    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'evade');
    const text = readFileSync(join(repo, FILE), 'utf8').replace('type: Service', 'type: service').replace('lifecycle: PRODUCTION', 'lifecycle: production');
    writeFileSync(join(repo, FILE), text);
    git(repo, 'commit', '-qam', 'lower');
    const lowered = await runBin(['report', '--base', 'HEAD~2', '--format', 'json', '--today', '2026-11-23'], repo);
    const report = JSON.stringify(JSON.parse(lowered.stdout));
    expect(report).not.toContain('policy-value-case');
    expect(report).toContain('policy/production-component');
  }, 90_000);

  it('the PR report of the evasion names it, and check --list-rules lists the rule', async () => {
    const repo = await dataRepoCopy();
    appendFileSync(join(repo, FILE), component('prod-svc', 'Service', 'production'));
    git(repo, 'commit', '-qam', 'evade');
    const report = await runBin(['report', '--base', 'HEAD~1', '--format', 'json', '--today', '2026-11-23'], repo);
    expect(report.stdout).toContain('policy-value-case');
    expect(report.status).toBe(1);
    const rules = await runBin(['check', '--list-rules'], repo);
    expect(rules.stdout).toContain('policy-value-case');
  }, 90_000);
});
