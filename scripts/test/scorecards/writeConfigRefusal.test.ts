import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// `scorecards --write-config` wrote the compiled Tech Insights config even when the scorecard lint found
// errors in the documents it compiles (exit 1 all the same): a check with an operator jsonfc does not know
// was written to app-config and deployed with the next merge.
const HEADER = { apiVersion: 'scorecards.acme.example/v1alpha1' };
const CONFIG = { ...HEADER, kind: 'ScorecardConfig', target: { jsonfc: '0.10.0', features: { checkFilter: true, operatorDecorators: true, factRetrieverIdParam: true } }, levels: [{ id: 'bronze', name: 'Bronze', rank: 1 }], maxExemptionDays: 180, output: 'backstage-config/ti.yaml' };
const GITOPS = 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n  rootLocationType: url\n';
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n';
const check = (operator: string) => stringify({ ...HEADER, kind: 'Check', id: 'hasName', name: 'Has a name', description: 'd', level: 'bronze', category: 'X', solution: 'Fix it.', enforcement: { mode: 'report' }, factIds: ['r'], tests: [{ name: 't', facts: { r: { s: 'x' } }, expect: 'pass' }], rule: { conditions: { all: [{ fact: 's', operator, value: 'x' }] } } });

async function repo(operator: string, extra: Record<string, string> = {}) {
  return tempRepo({
    'gitops.config.yaml': GITOPS,
    'catalog/all.yaml': GROUP,
    'scorecards/config.yaml': stringify(CONFIG),
    'scorecards/facts/r.yaml': stringify({ ...HEADER, kind: 'FactRetriever', id: 'r', version: '1.0.0', builtin: false, provider: 'live', schema: { s: { type: 'string', description: 's' } } }),
    'scorecards/checks/has-name.yaml': check(operator),
    'backstage-config/.keep': '',
    ...extra,
  });
}

describe('scorecards --write-config with scorecard errors', () => {
  it('writes nothing, exits 1 and says why in one line', async () => {
    const root = await repo('matchesRegex');
    const run = await runBin(['scorecards', '--write-config', '--format', 'json', '--today', '2026-11-23'], root);
    expect(run.status).toBe(1);
    expect(existsSync(join(root, 'backstage-config/ti.yaml'))).toBe(false);
    const refusal = run.stderr.trim().split('\n').pop();
    expect(refusal).toMatch(/^backstage-gitops scorecards: refusing to write backstage-config\/ti\.yaml: scorecards\/ has 1 error \(scorecard-unsupported, listed above\) .*nothing was written/);
    expect(JSON.parse(run.stdout).diagnostics.map((d: { ruleId: string }) => d.ruleId)).toEqual(['scorecard-unsupported', 'scorecard-test-failed', 'scorecard-config-stale']);
  }, 60_000);

  it('leaves a committed config as it was', async () => {
    const root = await repo('matchesRegex', { 'backstage-config/ti.yaml': '# the deployed one\n' });
    expect((await runBin(['scorecards', '--write-config', '--today', '2026-11-23'], root)).status).toBe(1);
    expect(readFileSync(join(root, 'backstage-config/ti.yaml'), 'utf8')).toBe('# the deployed one\n');
  }, 60_000);

  it('still writes when the only errors are not compiled into it (an expired exemption)', async () => {
    const root = await repo('equal', {
      'scorecards/exemptions/old.yaml': stringify({ ...HEADER, kind: 'Exemption', id: 'old', entityRef: 'group:default/team', checks: ['hasName'], reason: 'Being replaced next quarter.', requestedBy: 'user:default/a', approvedBy: 'group:default/team', ticket: 'T-1', created: '2026-01-01', expires: '2026-02-01' }),
    });
    const run = await runBin(['scorecards', '--write-config', '--format', 'json', '--today', '2026-11-23'], root);
    expect(JSON.parse(run.stdout).diagnostics.map((d: { ruleId: string }) => d.ruleId)).toContain('scorecard-exemption-expired');
    expect(run.stderr).not.toMatch(/refusing/);
    expect(readFileSync(join(root, 'backstage-config/ti.yaml'), 'utf8')).toMatch(/hasName:/);
  }, 60_000);
});
