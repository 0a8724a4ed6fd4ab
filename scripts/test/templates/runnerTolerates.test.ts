import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

interface Finding { ruleId: string; severity: string; message: string; range: { start: { line: number } } }

// What NunjucksWorkflowRunner (scaffolder-backend 4.2.0) still runs to completion: two steps of one id (it
// checks no uniqueness; the later output replaces the earlier), and spec.output reading a step that does
// not exist (rendered after the steps, as undefined; the task is marked successful).
const TEMPLATE = `${templateHead('svc')}    - id: log
      name: Log 1
      action: debug:log
      input: {message: one}
    - id: log
      name: Log 2
      action: debug:log
      input:
        message: \${{ steps.publish.output.remoteUrl }}
  output:
    links:
      - title: Repository
        url: \${{ steps['publish'].output.remoteUrl }}
`;

describe("what Backstage's runner still runs (check, through the bin)", () => {
  it('is a warning saying what Backstage does; a step input reading a missing step stays an error', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], { 'templates/svc/template.yaml': TEMPLATE });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).map(d => `${d.severity} ${d.ruleId}@${d.range.start.line} ${d.message}`);
    expect(found).toEqual([
      "warning template-duplicate-step@18 Step id log is already used by step 1. Backstage still runs both steps, but keeps one output per id: from this step on steps.log is this step's output (the earlier one's is gone), and the task's log names both steps log.",
      'error template-unknown-step@22 There is no step with id publish.',
      'warning template-unknown-step@26 There is no step with id publish. Backstage still completes the task, but this value of the output renders as nothing (a link loses its url, a text its content).',
    ]);
    expect(run.status).toBe(1);
  });
});
