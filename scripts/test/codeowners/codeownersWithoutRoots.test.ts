import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; severity: string; file: string; message: string; hint?: string }

const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n';
const CONFIG = "repoUrl: https://github.com/acme/x/blob/main/\ncodeowners:\n  platformTeam: '@acme/platform'\n";

const findings = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics;

describe('CODEOWNERS in a check without roots (through the bin)', () => {
  it("is judged when gitops.config.yaml has a codeowners section, as `codeowners --check` judges it", async () => {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'svc/catalog-info.yaml': GROUP, '.github/CODEOWNERS': '* @acme/someone\n' });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(findings(run.stdout).map(d => `${d.severity} ${d.ruleId}@${d.file}`)).toEqual(['error codeowners-stale@.github/CODEOWNERS']);
    expect(run.status).toBe(1);
    expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
    const again = await runBin(['check', '--format', 'json'], root);
    expect(findings(again.stdout)).toEqual([]);
    expect(again.status).toBe(0);
  });

  it('is said once (info) not to be judged in a repo without gitops.config.yaml', async () => {
    const root = await tempRepo({ 'svc/catalog-info.yaml': GROUP, 'CODEOWNERS': '* @acme/someone\n' });
    const run = await runBin(['check', '--root', root, '--format', 'json'], root);
    const found = findings(run.stdout);
    expect(found.map(d => `${d.severity} ${d.ruleId}@${d.file}`)).toEqual(['info codeowners-not-checked@CODEOWNERS']);
    expect(found[0].message).toContain('CODEOWNERS is not checked: this repo has no gitops.config.yaml');
    expect(found[0].hint).toContain("add `codeowners: {platformTeam: '@org/platform-team'}` to gitops.config.yaml");
    expect(run.status).toBe(0);
    // Nothing to say without a CODEOWNERS file.
    const none = await tempRepo({ 'svc/catalog-info.yaml': GROUP });
    expect(findings((await runBin(['check', '--root', none, '--format', 'json'], none)).stdout)).toEqual([]);
  });
});
