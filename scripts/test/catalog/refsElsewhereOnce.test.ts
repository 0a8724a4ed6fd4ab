import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh12: without gitops.config.yaml, a reference to a kind the folder never defines is a warning, one per
// reference: giantswarm's generated groups file (users come from the GitHub org provider) got 54 warnings
// for one cause. Now one per entity and field, naming the refs it stands for.
const GROUPS = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-a
spec:
  type: team
  children: []
  members: [alice, bob, carol]
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-b
spec:
  type: team
  children: []
  members: [dave]
`;

describe('references to a kind the folder never defines (through the bin)', () => {
  it('are one warning per entity and field, at the first, naming the others', async () => {
    const root = await tempRepo({ 'groups.yaml': GROUPS });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; severity: string; message: string; range: { start: { line: number; column: number } } }[] }).diagnostics.filter(d => d.ruleId === 'ref-unresolved');
    expect(found.map(d => [d.severity, d.range.start.line, d.range.start.column])).toEqual([['warning', 8, 13], ['warning', 17, 13]]);
    expect(found[0].message).toBe('spec.members refers to user:default/alice and 2 more user refs (user:default/bob, user:default/carol); this folder defines no user entities, so none of them can be checked here.');
    expect(found[1].message).toBe('spec.members refers to user:default/dave; this folder defines no user entities, so it cannot be checked here.');
  });
});
