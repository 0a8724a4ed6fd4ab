import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// After a step fails, Backstage's runner still runs the steps whose if: calls always() or failure(), then
// rethrows the first error. The render named the step running last (an always() clean-up, a failure() notice)
// as where the task failed, so an author went looking in the wrong step.
const template = (after: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: hello
spec:
  owner: team-a
  type: service
  steps:
    - id: ok
      action: fetch:template
      input:
        url: ./skeleton
    - id: boom
      action: fs:rename
      input:
        files:
          - from: nope.txt
            to: there.txt
${after}`;
const cleanup = `    - id: always
      action: debug:log
      if: \${{ always() }}
      input:
        message: cleaning up
    - id: onfail
      action: fetch:template
      if: \${{ failure() }}
      input:
        url: ./missing-skeleton
`;

async function render(after: string) {
  const root = await tempRepo({ 'templates/hello/template.yaml': template(after), 'templates/hello/skeleton/a.txt': 'a\n', 'values.yaml': '{}\n' });
  return runBin(['templates', 'render', 'templates/hello/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
}

describe('templates render names the step that failed first (through the bin)', () => {
  it('with always() and failure() steps after it: the failing fs:rename is named, not the last step run', async () => {
    const run = await render(cleanup);
    const said = run.stdout + run.stderr;
    expect(said).toMatch(/step boom \(fs:rename\)/);
    expect(said).not.toMatch(/step (always|onfail) \(/);
    expect(run.status).toBe(1);
  }, 60_000);

  it('without later steps: the failing step is named as before', async () => {
    const run = await render('');
    expect(run.stdout + run.stderr).toMatch(/step boom \(fs:rename\)/);
  }, 60_000);
});
