import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; message: string; hint: string; range: { start: { line: number; column: number } } }

// DEFRA/adp-software-templates' systems/all.yaml: a Location whose only target is commented out. `targets:`
// is then null, which Backstage refuses ("/spec/targets must be array"); the finding said only that, with a
// link to the format, and nothing about the empty key. Likewise tags, a relation list or a lone "-".
const FILE = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: svc
  tags:
    # - java
spec:
  type: service
  lifecycle: production
  owner: group:default/team-a
  dependsOn:
    -
    - resource:default/db
---
apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: project-systems
spec:
  targets:
    # - ./example.yaml
`;

describe('a field left empty, so YAML reads it as null (check, through the bin)', () => {
  it("keeps Backstage's words and says the key is empty, and how to write none", async () => {
    const root = await tempRepo({ 'catalog-info.yaml': FILE, 'db.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {name: db}\nspec: {type: database, owner: group:default/team-a}\n', 'team.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n' });
    const run = await runBin(['check', '--root', '.', '--format', 'json'], root);
    expect(run.stderr).toBe('');
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => /schema$/.test(d.ruleId));
    expect(found.map(d => `${d.ruleId}@${d.range.start.line}:${d.range.start.column}`)).toEqual(['entity-schema@5:8', 'entity-kind-schema@12:6', 'entity-kind-schema@20:11']);
    const [tags, item, targets] = found;
    expect(tags.message).toBe('/metadata/tags must be array - type: array: tags has no value, which YAML reads as null (a key with nothing after it, as when all its items are commented out).');
    expect(tags.hint).toMatch(/^Write tags: \[\] for none, give it its items, or remove the key\. /);
    expect(item.message).toBe('/spec/dependsOn/0 must be string - type: string: item 1 of dependsOn is empty (a "-" with nothing after it), which YAML reads as null.');
    expect(item.hint).toMatch(/^Remove the empty "-" line, or write the item after it\. /);
    expect(targets.message).toContain('/spec/targets must be array - type: array: targets has no value');
    expect(targets.hint).toContain('Write targets: [] for none');
    expect(run.status).toBe(1);
  }, 60_000);
});
