import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A fresh user's catalog file with 10,000 comment lines before its entity: stylish printed `10005:10error`,
// the position run into the severity, unreadable and ungreppable. The column is as wide as the widest position.
describe('stylish output with positions past line 9999 (check, through the bin)', () => {
  it('keeps a space between position and severity, and the hint under the message', async () => {
    const entity = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c1\n  tags: [Upper]\nspec:\n  type: service\n  lifecycle: production\n  owner: team-nobody\n';
    const root = await tempRepo({ 'catalog-info.yaml': `${'# note\n'.repeat(10_000)}${entity}` });
    const run = await runBin(['check', '--root', root], root, { NO_COLOR: '1' });
    expect(run.status).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines.find(l => l.includes('entity-field-format'))).toMatch(/^ {2}10005:10 error {3}"tags\.0" is not valid/);
    const owner = lines.find(l => l.includes('ref-unresolved'))!;
    expect(owner).toMatch(/^ {2}10009:10 warning spec\.owner/);
    // The hint starts where the message does.
    const message = owner.indexOf('spec.owner');
    const hint = lines[lines.indexOf(owner) + 1];
    expect(hint.indexOf('hint:')).toBe(message);
  }, 60_000);
});
