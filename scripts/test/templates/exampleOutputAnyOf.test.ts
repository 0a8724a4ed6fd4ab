import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Template sweep 17 (poc-examples/software-templates, kafka-instance and four rhoai templates): catalog:register
// given `repoContentsUrl: ${{ steps.x.output.entity.spec.gitlab.remoteUrl }}` from a catalog:fetch of an entity
// in the live catalog. Offline the step has only the dry-run's example entity, which lacks that path, so the
// input renders without repoContentsUrl and fails catalog:register's schema at its root (one of two shapes:
// catalogInfoUrl, or repoContentsUrl with catalogInfoPath). That refusal names no property, so the exemption
// for inputs read from an example (exampleOutputInputs.test.ts) missed it and templates render said
// 'Invalid input passed to action catalog:register, instance is not any of [subschema 0],[subschema 1]',
// which Backstage, with the real entity, never says. A root refusal is now judged by the properties its
// branches name; an input the template itself leaves without either shape is still refused, and (tmpl15's
// open item: the jsonschema words say nothing of what to give) check and render now add a hint naming the
// shapes the action takes and the inputs the step gives.

const TEMPLATE = `${templateHead('register')}    - id: workshop
      name: Workshop
      action: catalog:fetch
      input:
        entityRef: resource:default/elsewhere
    - id: base
      name: Base
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
    - id: register
      name: Register
      action: catalog:register
      input:
        repoContentsUrl: \${{ steps.workshop.output.entity.spec.gitlab.remoteUrl }}
        catalogInfoPath: /catalog-info.yaml
    - id: register-broken
      name: Register broken
      action: catalog:register
      input:
        catalogInfoPath: /catalog-info.yaml
`;

const files = {
  'templates/register/template.yaml': TEMPLATE,
  'templates/register/skeleton/README.md': '# ${{ values.name }}\n',
  'values.yaml': 'name: orders\n',
};

describe("a step input refused at its root, built from a dry-run example's output", () => {
  it('templates render: not judged by the example, while an input the template leaves without either shape still is', async () => {
    const root = await templateRepo(['../templates/register/template.yaml'], files);
    const run = await runBin(['templates', 'render', 'templates/register/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.stdout).toContain('1 file(s) rendered');
    const refusals = run.stdout.split('\n').filter(line => line.includes('Invalid input passed to action catalog:register'));
    expect(refusals).toEqual(['✖ step register-broken: Invalid input passed to action catalog:register, instance is not any of [subschema 0],[subschema 1]']);
  }, 60_000);

  it('check and templates render: a hint names the shapes catalog:register takes and what the step gives', async () => {
    const root = await templateRepo(['../templates/register/template.yaml'], files);
    const shapes = 'hint: catalog:register takes one of these input shapes: "catalogInfoUrl" (may add "optional"); or "repoContentsUrl" (may add "catalogInfoPath", "optional"). This input gives "catalogInfoPath"';
    const check = await runBin(['check'], root);
    expect(check.stdout).toContain(shapes);
    const render = await runBin(['templates', 'render', 'templates/register/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(render.stdout).toContain(`✖ step register-broken: Invalid input passed to action catalog:register, instance is not any of [subschema 0],[subschema 1]\n  ${shapes}`);
  }, 60_000);
});
