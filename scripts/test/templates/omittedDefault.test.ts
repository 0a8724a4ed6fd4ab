import { describe, expect, it } from 'vitest';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Template sweep 17 (a probe of each: over a parameter, after the sweep's templates with defaulted enums and
// arrays): `each: ${{ parameters.envs }}` where envs has `default: [dev, prod]`. Values that leave envs out
// (as a values file or a test case written from the fields a newcomer fills) fail the render with the
// runner's 'cannot be resolved to a value', and templates test's hint said 'Backstage would fail the same
// way': a task started from the form never does, since the form fills the default in (the backend applies
// none, and neither does the render: that stays). The failure now names the parameter, its default and the fix.

const TEMPLATE = `${templateHead('envs', `        envs:
          type: array
          items: {type: string}
          default: [dev, prod]
`)}    - id: envs
      name: Envs
      each: \${{ parameters.envs }}
      action: fetch:template
      input:
        url: ./skeleton
        targetPath: envs/\${{ each.value }}
        values:
          name: \${{ parameters.name }}
          env: \${{ each.value }}
`;

const files = {
  'templates/envs/template.yaml': TEMPLATE,
  'templates/envs/skeleton/config.yaml': 'name: ${{ values.name }}\nenv: ${{ values.env }}\n',
  'values.yaml': 'name: orders\n',
  'all.yaml': 'name: orders\nenvs: [dev]\n',
};

const HINT = 'The values leave out "envs" (default ["dev","prod"]), which this step reads. Backstage\'s form fills a parameter\'s default in';

describe('a render failing on a parameter the values leave out but the form fills with its default', () => {
  it('templates render: the failure names the parameter and its default; with it given, the step renders', async () => {
    const root = await templateRepo(['../templates/envs/template.yaml'], files);
    const failed = await runBin(['templates', 'render', 'templates/envs/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(failed.stdout).toContain('✖ The template failed to render: step envs (fetch:template)');
    expect(failed.stdout).toContain(`  hint: ${HINT}`);
    const rendered = await runBin(['templates', 'render', 'templates/envs/template.yaml', '--values', 'all.yaml', '--out', 'out2'], root);
    expect(rendered.stdout).toContain('1 file(s) rendered');
    expect(rendered.stdout).not.toContain('hint: The values leave out');
  }, 60_000);

  it('templates test: the case\'s template-render-failed hint says the same, not "Backstage would fail the same way"', async () => {
    const root = await templateRepo(['../templates/envs/template.yaml'], { ...files, 'templates/envs/tests/a.yaml': 'name: a case\nvalues: {name: orders}\nsnapshot: false\n' });
    const run = await gitops(root, ['templates', 'test', '--format', 'json']);
    expectCleanStderr(run);
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; hint?: string }[] }).diagnostics.filter(d => d.ruleId === 'template-render-failed');
    expect(found).toHaveLength(1);
    expect(found[0].hint).toContain(HINT);
  }, 60_000);
});
