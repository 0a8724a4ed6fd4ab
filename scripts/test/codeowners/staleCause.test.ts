import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { edit } from '../pr/prChange.ts';

// fresh3 L4: one misspelt owner read as two mistakes, the owner's finding and a codeowners-stale error whose
// hint said "fix a misspelt owner first" without naming it. The stale finding now names the finding it
// follows from, when that finding explains every CODEOWNERS line that differs; it stays an error (locked).

const ORDERS = 'catalog/systems/orders/entities.yaml';
type Finding = { ruleId: string; severity: string; message: string; hint?: string; file: string; range: { start: { line: number } } };

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
    // report6: which line differs and why, and a hint that says what to do (and what not to), not "if this is still reported".
    expect(stale[0].message).toMatch(new RegExp(`^\\.github/CODEOWNERS differs from what the catalog generates only because of the ref-unresolved finding at ${ORDERS}:9:10: line \\d+ gives /catalog/systems/orders/\\S+ to @acme/commerce-team, the catalog to `));
    expect(stale[0].hint).toMatch(/^Fix the ref-unresolved finding at catalog\/systems\/orders\/entities\.yaml:9:10, not this file: this finding then goes away\./);
    expect(stale[0].range.start.line).toBeGreaterThan(1);
  }, 120_000);

  it('an owner handed to another real team without codeowners --write: stale on its own, said as before', async () => {
    const root = await dataRepoCopy();
    edit(root, ORDERS, t => t.replace('owner: commerce-team', 'owner: payments-team'));
    const stale = (await check(root)).filter(d => d.ruleId === 'codeowners-stale');
    // report6: the line that differs, the owners on each side; no "fix the catalog's other errors first" when there are none.
    expect(stale).toHaveLength(1);
    expect(stale[0].message).toMatch(/^\.github\/CODEOWNERS does not match the catalog's ownership: line (\d+) gives \/catalog\/systems\/orders\/\S+ to @acme\/commerce-team(, the catalog to @acme\/payments-team|, a line the catalog no longer generates)( \(and \d+ more paths? differs?\))?\.$/);
    expect(stale[0].range.start.line).toBe(Number(/line (\d+)/.exec(stale[0].message)![1]));
    expect(stale[0].hint).toBe("Run `npx backstage-gitops codeowners --write` and commit the result. The file is generated: to give a path to another team, change the owning entity's spec.owner (or codeowners.platformPaths in gitops.config.yaml), since a hand edit here is overwritten.");
  }, 120_000);
});
