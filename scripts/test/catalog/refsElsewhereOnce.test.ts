import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh12: without gitops.config.yaml, a reference to a kind the folder never defines is a warning, one per
// reference: giantswarm's generated groups file (users come from the GitHub org provider) got 54 warnings
// for one cause. Now one per field and missing kind, naming the refs and entities it stands for.
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
  it('are one warning per field and missing kind, at the first, naming the other refs and entities', async () => {
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
    expect(found.map(d => d.file)).toEqual(['lone/catalog-info.yaml']);
    expect(found[0].message).toBe('spec.owner of this and 7 more entities (kinds component, template; in t1/template.yaml, t2/template.yaml, t3/template.yaml, t4/template.yaml, t5/template.yaml, …) refer to group:default/team-9 and 3 more group refs (group:default/team-1, group:default/team-2, group:default/team-0); this folder defines no group entities, so none of them can be checked here.');
  });

  it('are one warning for the owner groups of template-only collections', async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 7; i++) files[`t${i}/template.yaml`] = template(`t${i}`, `group:team-${i % 3}`);
    const root = await tempRepo(files);
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; file: string; message: string }[] }).diagnostics.filter(d => d.ruleId === 'ref-unresolved');
    expect(found.map(d => d.message)).toEqual(['spec.owner of this and 6 more template entities (in t2/template.yaml, t3/template.yaml, t4/template.yaml, t5/template.yaml, t6/template.yaml, …) refer to group:default/team-1 and 2 more group refs (group:default/team-2, group:default/team-0); this folder defines no group entities, so none of them can be checked here.']);
  });

  // fresh16: giedri/backstage-catalog-sample's one service file holds a Component, an API, a Resource and a
  // System, all owned by team-backend, and its template names the same owner: one cause (the groups live
  // elsewhere) was five warnings, one per kind of entity; so on wingleung's and 1-Platform's catalogs.
  it('are one warning for one group that owns entities of several kinds', async () => {
    const entity = (kind: string, name: string, spec: string) => `apiVersion: backstage.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${spec}  owner: team-backend\n`;
    const service = [
      entity('Component', 'orders', '  type: service\n  lifecycle: production\n  system: shop\n'),
      entity('API', 'orders-api', '  type: openapi\n  lifecycle: production\n  system: shop\n  definition: \"openapi: 3.0.0\"\n'),
      entity('Resource', 'orders-db', '  type: database\n  system: shop\n'),
      entity('System', 'shop', ''),
    ].join('---\n');
    const root = await tempRepo({ 'services/orders/catalog-info.yaml': service, 'template/template.yaml': template('new-service', 'team-backend') });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.status).toBe(0);
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } }[] }).diagnostics.filter(d => d.ruleId === 'ref-unresolved');
    expect(found.map(d => [d.file, d.range.start.line, d.range.start.column])).toEqual([['services/orders/catalog-info.yaml', 9, 10]]);
    expect(found[0].message).toBe('spec.owner of this and 4 more entities (kinds component, api, resource, system, template; in template/template.yaml) refer to group:default/team-backend; this folder defines no group entities, so none of them can be checked here.');
  });
});
