import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from '../security/runBin.ts';

// A fresh user on giedri/backstage-catalog-sample (session 44): a rendered catalog-info.yaml that a value
// with ": " made invalid YAML was reported twice, as "not valid YAML" and again as "yaml-syntax" by the
// catalog check that parses it once more: two errors for one problem. mkdocs.yml is parsed twice the same way.
const template = `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: svc\nspec:\n  owner: group:team-a\n  type: service\n  parameters:\n    - properties:\n        name: {type: string}\n        description: {type: string}\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ../../skeletons/svc\n        values:\n          name: \${{ parameters.name }}\n          description: \${{ parameters.description }}\n`;
const CASE = 'name: a\nvalues:\n  name: orders\n  description: "Orders: the service"\nsnapshot: false\n';
const SKELETON = {
  'skeletons/svc/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\n  description: ${{ values.description }}\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/team-a\n',
  'skeletons/svc/mkdocs.yml': 'site_name: ${{ values.name }}\nsite_description: ${{ values.description }}\nnav:\n  - Home: index.md\n',
  'skeletons/svc/docs/index.md': '# ${{ values.name }}\n',
};
interface Finding { ruleId: string; message: string }

describe('a rendered YAML file that is not valid YAML (shipped bin)', () => {
  it('is one template-output-invalid error per file, however many checks parse it', async () => {
    const root = await tempRepo({ 'templates/svc/template.yaml': template, 'templates/svc/tests/a.yaml': CASE, ...SKELETON });
    const result = await runBin(['templates', 'test', '--format', 'json'], root);
    expect(result.stderr).not.toContain('internal error');
    const messages = (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'template-output-invalid').map(d => d.message);
    expect(messages.sort()).toEqual([
      'catalog-info.yaml:5: not valid YAML: Nested mappings are not allowed in compact mappings',
      'mkdocs.yml:2: not valid YAML: Nested mappings are not allowed in compact mappings',
    ]);
    expect(result.status).toBe(1);
  }, 60_000);
});
