import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { templateRepo } from '../helpers/templateRepo.ts';

// A fresh user's report: a parser message without a full stop ran into the consequence the gate adds
// ("Map keys must be unique Backstage then fails…"), and `scorecards --no-color` was an unknown option.
describe('messages and options a new user met (through the bin)', () => {
  it("a duplicate key's message and what the Location loses are two sentences", async () => {
    const root = await templateRepo(['./team.yaml'], { 'catalog/team.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team\n  name: again\nspec:\n  type: team\n  children: []\n' });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string }[]).filter(d => d.file === 'catalog/team.yaml' && d.ruleId.startsWith('yaml-'));
    expect(found.map(d => d.message)).toEqual([expect.stringMatching(/^Map keys must be unique\. Backstage then fails the whole Location in catalog\/all\.yaml that reads this file/)]);
  }, 60_000);

  it('scorecards takes --no-color and --color as check and templates test do', async () => {
    for (const flag of ['--no-color', '--color']) {
      const run = await runBin(['scorecards', flag], REPO_ROOT);
      expect(run.stderr).not.toContain('Unknown option');
      expect(run.status).toBe(0);
    }
    const plain = await runBin(['scorecards', '--no-color'], REPO_ROOT);
    expect(plain.stdout + plain.stderr).not.toMatch(/\u001b\[/);
  }, 120_000);
});
