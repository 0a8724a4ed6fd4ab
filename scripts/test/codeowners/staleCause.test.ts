import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { edit, write } from '../pr/prChange.ts';

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

  // ctlmin (s40): a new entity file beside one with an unrelated finding read as stale "only because of" that
  // finding (same folder), with a hint not to run codeowners --write; fixing the finding left it stale.
  const REPORTING = 'catalog/systems/orders/reporting.yaml';
  const addReporting = (root: string) => {
    write(root, REPORTING, 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders-reporting\n  description: Reports on the orders the company takes every day.\n  annotations:\n    github.com/project-slug: acme/orders-reporting\nspec:\n  type: service\n  lifecycle: production\n  owner: commerce-team\n  system: orders\n');
    edit(root, 'catalog/systems/locations.yaml', t => t.replace('    - ./orders/entities.yaml\n', '    - ./orders/entities.yaml\n    - ./orders/reporting.yaml\n'));
  };
  const plainHint = "Run `npx backstage-gitops codeowners --write` and commit the result. The file is generated: to give a path to another team, change the owning entity's spec.owner (or codeowners.platformPaths in gitops.config.yaml), since a hand edit here is overwritten.";

  it('a new entity file beside a misspelt spec.system: stale on its own, the system finding not blamed', async () => {
    const root = await dataRepoCopy();
    addReporting(root);
    edit(root, ORDERS, t => t.replace('  system: orders\n  providesApis', '  system: ordrs\n  providesApis'));
    const found = await check(root);
    expect(found.find(d => d.ruleId === 'ref-unresolved' && d.message.includes('system:default/ordrs'))).toBeDefined();
    const stale = found.filter(d => d.ruleId === 'codeowners-stale');
    expect(stale).toHaveLength(1);
    expect(stale[0].message).toBe(`.github/CODEOWNERS does not match the catalog's ownership: it has no line for /${REPORTING}, which the catalog gives to @acme/commerce-team.`);
    // A misspelt system routes no review: no "fix it first" either.
    expect(stale[0].hint).toBe(plainHint);
  }, 120_000);

  it('a new entity file beside a misspelt owner: not "only because of" the owner, which is still to fix first', async () => {
    const root = await dataRepoCopy();
    addReporting(root);
    edit(root, ORDERS, t => t.replace('owner: commerce-team', 'owner: commerce-teamx'));
    const stale = (await check(root)).filter(d => d.ruleId === 'codeowners-stale');
    expect(stale).toHaveLength(1);
    expect(stale[0].message).toMatch(/^\.github\/CODEOWNERS does not match the catalog's ownership: .*\(and \d+ more paths differ\)\.$/);
    expect(stale[0].hint).toMatch(/^Fix the catalog's ref-unresolved finding at catalog\/systems\/orders\/entities\.yaml:9:10 first, since writing now would route reviews by the mistake; then run `npx backstage-gitops codeowners --write`/);
  }, 120_000);
});
