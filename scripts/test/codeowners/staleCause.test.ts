import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { edit } from '../pr/prChange.ts';

// fresh3 L4: one misspelt owner read as two mistakes, the owner's finding and a codeowners-stale error whose
// hint said "fix a misspelt owner first" without naming it. The stale finding now names the finding it
// follows from, when that finding explains every CODEOWNERS line that differs; it stays an error (locked).

const ORDERS = 'catalog/systems/orders/entities.yaml';
type Finding = { ruleId: string; severity: string; message: string; hint?: string; file: string };

async function check(root: string): Promise<Finding[]> {
  const run = await runBin(['check', '--format', 'json'], root);
  return JSON.parse(run.stdout).diagnostics as Finding[];
}

describe('codeowners-stale says when it follows from a catalog finding', () => {
  it('a misspelt owner: the stale CODEOWNERS names the ref-unresolved finding it follows from', async () => {
    const root = await dataRepoCopy();
    edit(root, ORDERS, t => t.replace('owner: commerce-team', 'owner: commerce-teamx'));
    const found = await check(root);
    const typo = found.find(d => d.ruleId === 'ref-unresolved' && d.message.includes('commerce-teamx'))!;
    expect(typo).toBeDefined();
    const stale = found.filter(d => d.ruleId === 'codeowners-stale');
    expect(stale).toHaveLength(1);
    expect(stale[0].severity).toBe('error');
    expect(stale[0].message).toBe(`.github/CODEOWNERS does not match the catalog's ownership, because of the ref-unresolved finding at ${ORDERS}:9:10: the ownership it would generate now follows that mistake.`);
    expect(stale[0].hint).toMatch(/^Fix the ref-unresolved finding at catalog\/systems\/orders\/entities\.yaml:9:10 first;/);
  }, 120_000);

  it('an owner handed to another real team without codeowners --write: stale on its own, said as before', async () => {
    const root = await dataRepoCopy();
    edit(root, ORDERS, t => t.replace('owner: commerce-team', 'owner: payments-team'));
    const stale = (await check(root)).filter(d => d.ruleId === 'codeowners-stale');
    expect(stale.map(d => d.message)).toEqual([".github/CODEOWNERS does not match the catalog's ownership."]);
  }, 120_000);
});
