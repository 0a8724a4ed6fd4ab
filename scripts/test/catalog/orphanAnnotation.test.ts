import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Sweep 9, repro-1: a written backstage.io/orphan was reported as "overwritten when Backstage reads this
// file". Backstage only adds it in stitching (to an entity nothing references) and keeps a written value,
// so "true" makes a live entity look orphaned. managed-by-location really is overwritten on every read.
const component = (annotations: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  annotations:\n${annotations}spec:\n  type: service\n  lifecycle: production\n  owner: group:team-a\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n`;

type Found = { ruleId: string; severity: string; message: string; hint: string; range: { start: { line: number; column: number } } };

async function findings(text: string): Promise<Found[]> {
  const root = await tempRepo({ 'catalog-info.yaml': text });
  const run = await runBin(['check', '--root', root, '--format', 'json'], root);
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout).diagnostics as Found[];
}

describe('backstage.io/orphan written in a file (check, through the bin)', () => {
  it('"true" (the sweep\'s file): a warning that the live entity shows as orphaned, not that the value is overwritten', async () => {
    const [finding, ...rest] = await findings(readFileSync(new URL('../fixtures/orphan-annotation.yaml', import.meta.url), 'utf8'));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ ruleId: 'annotation-managed', severity: 'warning', range: { start: { line: 6, column: 26 } } });
    expect(finding.message).toContain('marks this entity as orphaned');
    expect(finding.message).toContain('filter=metadata.annotations.backstage.io/orphan=true');
    expect(finding.message).not.toContain('overwritten');
    expect(finding.hint).toContain('Backstage adds backstage.io/orphan: "true" itself');
  }, 60_000);

  it('another value: says nothing and hides nothing, still not "overwritten"', async () => {
    const [finding] = await findings(component('    backstage.io/orphan: "false"\n'));
    expect(finding).toMatchObject({ ruleId: 'annotation-managed', severity: 'warning', range: { start: { line: 6, column: 26 } } });
    expect(finding.message).toContain('"false" says nothing and hides nothing');
    expect(finding.message).not.toContain('overwritten');
  }, 60_000);

  it('managed-by-location is still reported as overwritten on every read', async () => {
    const [finding] = await findings(component('    backstage.io/managed-by-location: url:https://example.com/x.yaml\n'));
    expect(finding).toMatchObject({ ruleId: 'annotation-managed', range: { start: { line: 6 } } });
    expect(finding.message).toContain('a value written here is overwritten');
  }, 60_000);
});
