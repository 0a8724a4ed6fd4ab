import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh12: without gitops.config.yaml, a reference to a kind the folder never defines is a warning, one per
// reference: giantswarm's generated groups file (users come from the GitHub org provider) got 54 warnings
// for one cause. Now one per kind of entity, field and missing kind, naming the refs and entities it stands for.
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

const template = (name: string, owner: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: ${name}
spec:
  owner: ${owner}
  type: service
  steps: []
`;

describe('references to a kind the folder never defines (through the bin)', () => {
  it('are one warning per kind of entity and field, at the first, naming the other refs and entities', async () => {
    const root = await tempRepo({ 'groups.yaml': GROUPS });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; severity: string; message: string; range: { start: { line: number; column: number } } }[] }).diagnostics.filter(d => d.ruleId === 'ref-unresolved');
    expect(found.map(d => [d.severity, d.range.start.line, d.range.start.column])).toEqual([['warning', 8, 13]]);
    expect(found[0].message).toBe('spec.members of this and 1 more group entity refer to user:default/alice and 3 more user refs (user:default/bob, user:default/carol, user:default/dave); this folder defines no user entities, so none of them can be checked here.');
  });

  // fresh13: in a template collection every Template names its owner group, which the folder never defines:
  // one cause gave one warning per template (19 for 5 refs on one repo).
  it('are one warning for a template collection whose templates name owner groups', async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 7; i++) files[`t${i}/template.yaml`] = template(`t${i}`, `group:team-${i % 3}`);
    files['lone/catalog-info.yaml'] = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c\nspec:\n  type: service\n  lifecycle: production\n  owner: team-9\n';
    const root = await tempRepo(files);
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.status).toBe(0);
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; file: string; message: string }[] }).diagnostics.filter(d => d.ruleId === 'ref-unresolved');
    expect(found.map(d => d.file)).toEqual(['lone/catalog-info.yaml', 't1/template.yaml']);
    expect(found[0].message).toBe('spec.owner refers to group:default/team-9; this folder defines no group entities, so it cannot be checked here.');
    expect(found[1].message).toBe('spec.owner of this and 6 more template entities (in t2/template.yaml, t3/template.yaml, t4/template.yaml, t5/template.yaml, t6/template.yaml, …) refer to group:default/team-1 and 2 more group refs (group:default/team-2, group:default/team-0); this folder defines no group entities, so none of them can be checked here.');
  });
});
