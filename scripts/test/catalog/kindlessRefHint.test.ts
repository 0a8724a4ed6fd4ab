import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh12: a workshop catalog writes `dependsOn: [orders-db]`, which Backstage refuses (no default kind).
// The hint guessed "component:orders-db or resource:orders-db" though the catalog defines resource:orders-db:
// it now names the ref the catalog has.
const FILES = {
  'service.yaml': `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders
spec:
  type: service
  lifecycle: production
  owner: user:guest
  dependsOn: [orders-db, nowhere]
`,
  'db.yaml': `apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: orders-db
spec:
  type: database
  owner: user:guest
`,
  'user.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: guest}\nspec: {memberOf: []}\n',
};

describe('a dependsOn without a kind (through the bin)', () => {
  it('is hinted with the ref the catalog defines under that name, else the generic guess', async () => {
    const run = await runBin(['check', '--format', 'json'], await tempRepo(FILES));
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; hint: string; range: { start: { line: number; column: number } } }[] }).diagnostics.filter(d => d.ruleId === 'entity-ref-format');
    expect(found.map(d => [d.range.start.line, d.range.start.column, d.hint])).toEqual([
      [9, 15, 'dependsOn has no default kind: write resource:orders-db, which this catalog defines.'],
      [9, 26, 'dependsOn has no default kind: write it in full, e.g. component:nowhere or resource:nowhere.'],
    ]);
  });

  // A fresh user: `component:` (a kind, no name) got "write it in full, e.g. component:component: or
  // resource:component:", both refused too. Naming a kind mends only a ref that names none.
  it('a ref that names its kind but no name is told the whole form, not given a second kind', async () => {
    const files = { ...FILES, 'service.yaml': FILES['service.yaml'].replace('dependsOn: [orders-db, nowhere]', 'dependsOn: ["component:", "component:default/", "resource:orders-db"]') };
    const run = await runBin(['check', '--format', 'json'], await tempRepo(files));
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; hint: string; range: { start: { line: number; column: number } } }[] }).diagnostics.filter(d => d.ruleId === 'entity-ref-format');
    expect(found.map(d => [d.range.start.line, d.range.start.column, d.hint])).toEqual([
      [9, 15, "Write dependsOn's reference in full, as kind:[namespace/]name, e.g. component:default/orders-api."],
      [9, 29, "Write dependsOn's reference in full, as kind:[namespace/]name, e.g. component:default/orders-api."],
    ]);
  });
});
