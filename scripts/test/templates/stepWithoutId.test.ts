import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Backstage's router gives a step without an id `step-<n>` (router.cjs.js: `step.id ?? \`step-${index + 1}\``),
// and the runner records its output there: `steps['step-2'].output.files` of an id-less second step is what
// Backstage renders, offline as in a task. check called it template-unknown-step ("read before that step
// runs"), as its list of the steps run so far held only the ids written out.
const TEMPLATE = `${templateHead('svc')}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
    - name: List
      action: fs:readdir
      input:
        paths: ['.']
    - id: show
      name: Show
      action: debug:log
      input:
        message: \${{ steps['step-2'].output.files | length }} file(s)
  output:
    text:
      - title: Files
        content: \${{ steps['step-2'].output.files[0].name }}
`;

const files = {
  'templates/svc/template.yaml': TEMPLATE,
  'templates/svc/skeleton/README.md': '# ${{ values.name }}\n',
  'values.yaml': 'name: orders\n',
};

describe('a step without an id, read as step-<n> (through the bin)', () => {
  it('check: no template-unknown-step for steps[\'step-2\'] of the id-less second step', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], files);
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; message: string }[]).map(d => `${d.ruleId} ${d.message}`);
    expect(found).toEqual([]);
    expect(run.status).toBe(0);
  }, 60_000);

  it('templates render: renders what the check now accepts, and says no finding', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], files);
    const run = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.stdout).not.toContain('template-unknown-step');
    expect(run.stdout).toContain('1 file(s) rendered');
    expect(run.stdout).toContain('README.md');
    expect(run.stderr).toContain('1 file(s)');
    expect(run.status).toBe(0);
  }, 60_000);

  it('check: moved to the end, the id-less step is step-3, and steps[\'step-2\'] names no step', async () => {
    const moved = TEMPLATE.replace("    - name: List\n      action: fs:readdir\n      input:\n        paths: ['.']\n", '').replace('  output:\n', "    - name: List\n      action: fs:readdir\n      input:\n        paths: ['.']\n  output:\n");
    const root = await templateRepo(['../templates/svc/template.yaml'], { ...files, 'templates/svc/template.yaml': moved });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; severity: string; message: string }[]).map(d => `${d.severity} ${d.ruleId} ${d.message}`);
    expect(found).toEqual([
      'error template-unknown-step There is no step with id step-2.',
      'warning template-unknown-step There is no step with id step-2. Backstage still completes the task, but this value of the output renders as nothing (a link loses its url, a text its content).',
    ]);
    expect(run.status).toBe(1);
  }, 60_000);
});
