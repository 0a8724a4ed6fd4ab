import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Template sweep 13 (na-launch-workshop/platform-software-templates, argocd setup-root-self-service-repository):
// a step whose each: reads the output of a step the offline render has only as the dry-run's example
// (catalog:fetch of an entity that lives in the live catalog, not in this repository) failed the whole render
// with the runner's "each parameter … cannot be resolved to a value". Backstage runs the task with the real
// entity; the template is valid. The step is now skipped offline and said, the rest renders.

const TEMPLATE = `${templateHead('fanout')}    - id: lookup
      name: Lookup
      action: catalog:fetch
      input:
        entityRef: system:default/elsewhere
    - id: per-part
      name: Per part
      action: fetch:template
      each: \${{ steps.lookup.output.entity.spec.parts }}
      input:
        url: ./skeleton
        targetPath: ./\${{ each.value }}
        values:
          name: \${{ parameters.name }}
    - id: again
      name: Again
      action: debug:log
      each: \${{ steps['per-part'].output.things }}
      input:
        message: \${{ each.value }}
    - id: base
      name: Base
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
`;

const files = {
  'templates/fanout/template.yaml': TEMPLATE,
  'templates/fanout/skeleton/README.md': '# ${{ values.name }}\n',
  'templates/fanout/tests/default.yaml': 'name: default\nvalues:\n  name: orders\nsnapshot: false\nexpect:\n  files: [README.md]\n',
  'values.yaml': 'name: orders\n',
};

describe("a step whose each: reads an output the offline render has only as an example", () => {
  it('templates render: the other steps render, the step is skipped with a warning naming where its items come from', async () => {
    const root = await templateRepo(['../templates/fanout/template.yaml'], files);
    const run = await runBin(['templates', 'render', 'templates/fanout/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.stdout).not.toContain('failed to render');
    expect(run.stdout).toContain('1 file(s) rendered');
    const warnings = run.stdout.split('\n').filter(line => line.startsWith('⚠ step'));
    expect(warnings).toEqual([
      "⚠ step per-part (fetch:template) was not rendered offline: its each: reads the output of step lookup (catalog:fetch), which offline is only the dry-run's example (or nothing), not what your Backstage returns, so what it would write is not in this output.",
      "⚠ step again (debug:log) was not rendered offline: its each: reads the output of step per-part (fetch:template), which was not rendered offline either, so what it would write is not in this output.",
    ]);
    expect(run.status).toBe(0);
  }, 60_000);

  it('templates test: a warning on the case, not a render failure', async () => {
    const root = await templateRepo(['../templates/fanout/template.yaml'], files);
    const run = await runBin(['templates', 'test', 'fanout', '--format', 'json'], root);
    const diagnostics = JSON.parse(run.stdout).diagnostics as { ruleId: string; severity: string; file: string }[];
    expect(diagnostics.map(d => `${d.severity} ${d.ruleId}@${d.file}`)).toEqual([
      'warning template-step-not-rendered@templates/fanout/tests/default.yaml',
      'warning template-step-not-rendered@templates/fanout/tests/default.yaml',
    ]);
    expect(run.status).toBe(0);
  }, 60_000);
});
