import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Template sweep 14 (contract-first-idp-test/software-templates, component-golden-path): a step whose each:
// reads the output of a step whose action no installed module provides (roadiehq:utils:jsonata there) was
// skipped offline without a word: its fetch:plain:file's files were missing from the render and the snapshot,
// the log said "Skipping step … because its if condition was false" of a step with no if:, and a later step
// whose each: reads the skipped step's output was not skipped, so the whole render failed on it. Such a step
// is now skipped and said as a step over a dry-run example is, in turn the steps reading it, and the log
// line says why the step was skipped.

const TEMPLATE = `${templateHead('fanout')}    - id: resolve
      name: Resolve
      action: acme:resolve
      input:
        name: \${{ parameters.name }}
    - id: fetch-each
      name: Fetch each
      action: fetch:plain:file
      each: \${{ steps.resolve.output.result.items }}
      input:
        url: ./skeleton/README.md
        targetPath: docs/\${{ each.value }}.md
    - id: again
      name: Again
      action: debug:log
      each: \${{ steps['fetch-each'].output.things }}
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

describe("a step whose each: reads the output of an action no installed module provides", () => {
  it('templates render: the step is skipped with a warning (in turn the step reading it), and the log says why', async () => {
    const root = await templateRepo(['../templates/fanout/template.yaml'], files);
    const run = await runBin(['templates', 'render', 'templates/fanout/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.stdout).not.toContain('failed to render');
    expect(run.stdout).toContain('1 file(s) rendered');
    const warnings = run.stdout.split('\n').filter(line => line.startsWith('⚠ step') && line.includes('not rendered offline'));
    expect(warnings).toEqual([
      '⚠ step fetch-each (fetch:plain:file) was not rendered offline: its each: reads the output of step resolve (acme:resolve), whose action no installed scaffolder module provides, so offline it has no output, so what it would write is not in this output.',
      "⚠ step again (debug:log) was not rendered offline: its each: reads the output of step fetch-each (fetch:plain:file), which was not rendered offline either, so what it would write is not in this output.",
    ]);
    // The task's log (stderr): the runner's own line says the step's if: was false; the step has none.
    expect(run.stderr).not.toContain('because its if condition was false');
    expect(run.stderr).toContain('Skipping step fetch-each offline: its each: reads an output the offline render does not have (see the warnings below)');
  }, 60_000);

  it('templates test: a warning on the case for each such step, not a render failure', async () => {
    const root = await templateRepo(['../templates/fanout/template.yaml'], files);
    const run = await runBin(['templates', 'test', 'fanout', '--format', 'json'], root);
    const diagnostics = JSON.parse(run.stdout).diagnostics as { ruleId: string; severity: string; file: string; message: string }[];
    expect(diagnostics.filter(d => d.ruleId === 'template-step-not-rendered').map(d => d.message.split(' was ')[0]).sort()).toEqual([
      'step again (debug:log)',
      'step fetch-each (fetch:plain:file)',
    ]);
    expect(diagnostics.map(d => d.ruleId)).not.toContain('template-render-failed');
  }, 60_000);
});
