import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Template sweep 15 (rhpds/lab2255-software-templates: owner: ${{ user.entity.metadata.name }} into a skeleton's
// `owner: ${{ values.owner | dump }}`): rendered as a user the catalog lacks (the default one), user.entity is
// absent, as Backstage gives it, and the only word was the rendered catalog-info.yaml's '/spec/owner must be
// string … owner has no value, which YAML reads as null (… as when all its items are commented out)': the
// developer was sent to the skeleton for what is the choice of user. Now the render says once that the
// template reads user.entity and that this user has none (templates test: a template-user-entity-missing warning).

const TEMPLATE = `${templateHead('owned')}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
          owner: \${{ user.entity.metadata.name }}
`;

const files = {
  'catalog/people.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: jdoe}\nspec:\n  memberOf: [platform]\n',
  'templates/owned/template.yaml': TEMPLATE,
  'templates/owned/skeleton/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${{ values.owner | dump }}\n',
  'templates/owned/tests/default.yaml': 'name: default\nvalues:\n  name: orders\nsnapshot: false\n',
  'values.yaml': 'name: orders\n',
};

describe('a template reading user.entity rendered as a user the catalog lacks', () => {
  it('templates render says the user has no entity, once, before the findings it causes; a catalog User renders clean', async () => {
    const root = await templateRepo(['../templates/owned/template.yaml', './people.yaml'], files);
    const run = await runBin(['templates', 'render', 'templates/owned/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    const said = run.stdout.split('\n').filter(l => l.includes('reads user.entity'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain("⚠ The template reads user.entity, but the task's user user:default/template-tester has no entity in the catalog known here");
    expect(run.stdout).toContain('--user user:default/<name>');
    expect(run.stdout.indexOf('reads user.entity')).toBeLessThan(run.stdout.indexOf('/spec/owner must be string'));
    const clean = await runBin(['templates', 'render', 'templates/owned/template.yaml', '--values', 'values.yaml', '--out', 'out2', '--user', 'user:default/jdoe'], root);
    expect(clean.stdout).not.toContain('reads user.entity');
    expect(clean.stdout).not.toContain('/spec/owner');
  }, 60_000);

  it('templates test: a template-user-entity-missing warning on the case, beside the output finding', async () => {
    const root = await templateRepo(['../templates/owned/template.yaml', './people.yaml'], files);
    const run = await runBin(['templates', 'test', 'owned', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; severity: string; file: string }[]).map(d => `${d.severity} ${d.ruleId} ${d.file}`);
    expect(found.sort()).toEqual(['error template-output-invalid templates/owned/tests/default.yaml', 'warning template-user-entity-missing templates/owned/tests/default.yaml']);
  }, 60_000);
});
