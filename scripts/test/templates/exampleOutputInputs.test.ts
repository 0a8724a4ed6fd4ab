import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Template sweep 14 (contract-first-idp-test/software-templates, system-golden-path): a step's input built
// from the output of a step the offline render has only as the dry-run's example (catalog:fetch of an entity
// in the live catalog, not in this repository) was judged with the example's value: the example entity has
// no spec.platform.argocd.webhooks, so webhookUrl rendered as nothing and templates render said
// 'Invalid input passed to action github:webhook, instance requires property "webhookUrl"', an error
// Backstage, with the real entity, never gives. Such an input is no longer judged offline; an input the
// template itself leaves out or gets wrong still is.

const TEMPLATE = `${templateHead('hooks')}    - id: target
      name: Target
      action: catalog:fetch
      input:
        entityRef: resource:default/elsewhere
    - id: hook
      name: Hook
      action: github:webhook
      input:
        repoUrl: github.com?owner=acme&repo=\${{ parameters.name }}
        webhookUrl: \${{ steps.target.output.entity.spec.platform.webhooks.application }}
        events: [push]
    - id: hook-broken
      name: Hook broken
      action: github:webhook
      input:
        repoUrl: github.com?owner=acme&repo=\${{ parameters.name }}
        events: [push]
    - id: base
      name: Base
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
`;

const files = {
  'templates/hooks/template.yaml': TEMPLATE,
  'templates/hooks/skeleton/README.md': '# ${{ values.name }}\n',
  'values.yaml': 'name: orders\n',
};

describe("a step input built from a dry-run example's output", () => {
  it('templates render: not judged by the example, while an input the template leaves out still is', async () => {
    const root = await templateRepo(['../templates/hooks/template.yaml'], files);
    const run = await runBin(['templates', 'render', 'templates/hooks/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.stdout).toContain('1 file(s) rendered');
    const refusals = run.stdout.split('\n').filter(line => line.includes('Invalid input passed to action github:webhook'));
    expect(refusals).toEqual(['✖ step hook-broken: Invalid input passed to action github:webhook, instance requires property "webhookUrl"']);
  }, 60_000);
});
