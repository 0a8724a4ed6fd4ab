import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Seen on christoph-jerolimov/rhdh-experiments (demos/1.9-testday): a template whose only file comes from
// catalog:write. scaffolder-backend's dry-run runs catalog:write (supportsDryRun, workspace only) and returns
// catalog-info.yaml; `templates render` recorded the step as "skipped offline" and rendered 0 files, so
// `templates test` never judged the entity the task writes.
const template = (owner: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: t
spec:
  owner: group:default/team-a
  type: service
  parameters:
    - properties:
        name: {type: string}
  steps:
    - id: write
      action: catalog:write
      input:
        entity:
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata:
            name: \${{ parameters.name }}
          spec:
            type: service
            lifecycle: production
${owner}    - id: list
      action: fs:readdir
      input:
        paths: ['.']
  output:
    text:
      - title: files
        content: \${{ steps.list.output.files | length }} file(s)
`;

async function repo(owner = '            owner: group:default/team-a\n'): Promise<string> {
  return tempRepo({
    'gitops.config.yaml': 'catalog:\n  roots: [catalog-info.yaml, templates/all.yaml]\n',
    'templates/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: all}\nspec:\n  targets: [./t/template.yaml]\n',
    'templates/t/template.yaml': template(owner),
    'templates/t/tests/a.yaml': 'name: a\nvalues:\n  name: demo\n',
    'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n',
    'v.yaml': 'name: demo\n',
  });
}

describe('built-in actions that work on the workspace run in the offline render, as in the dry-run', () => {
  it('templates render writes what catalog:write writes, and fs:readdir answers the next expression', async () => {
    const root = await repo();
    const run = await runBin(['templates', 'render', 'templates/t/template.yaml', '--values', 'v.yaml', '--out', 'out'], root);
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain('skipped offline');
    expect(run.stdout).toContain('1 file(s)');
    // A task writes the template's own ref; the dry-run endpoint writes template:default/dry-run instead.
    expect(await readFile(join(root, 'out/catalog-info.yaml'), 'utf8')).toBe('apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: demo\n  annotations:\n    backstage.io/source-template: template:default/t\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-a\n');
    expect(existsSync(join(root, 'out/other.yaml'))).toBe(false);
  });

  it('templates test judges the entity catalog:write writes', async () => {
    const root = await repo('');
    const run = await runBin(['templates', 'test', '--format', 'json'], root);
    const findings = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; message: string }[] }).diagnostics;
    expect(run.status).toBe(1);
    expect(findings.filter(f => f.ruleId === 'template-output-invalid').map(f => f.message)).toEqual(["catalog-info.yaml:7: entity-kind-schema: /spec must have required property 'owner' - missingProperty: owner"]);
  });
});
