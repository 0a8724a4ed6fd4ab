import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// Red team, third round (skeletons/node-service/.github on their hostile-wf branch): every secret handed over
// through an object filter or secrets: inherit to another repository's workflow, and the pull request's code
// brought in other than by a checkout. All went through as ready to merge.
const template = `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: ci\nspec:\n  owner: group:team-a\n  type: service\n  parameters: []\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ../../skeletons/ci\n`;
const CASE = 'name: a\nvalues: {}\nsnapshot: false\n';
const gh = (expression: string) => `\${% raw %}{{ ${expression} }}{% endraw %}`;
interface Finding { ruleId: string; severity: string; file: string; message: string; hint?: string }

async function findings(workflow: string, extra: Record<string, string> = {}): Promise<{ status: number | null; found: Finding[] }> {
  const files: Record<string, string> = { 'templates/ci/template.yaml': template, 'templates/ci/tests/a.yaml': CASE, 'skeletons/ci/.github/workflows/ci.yml': workflow, 'values.yaml': '{}\n' };
  for (const [path, text] of Object.entries(extra)) files[`skeletons/ci/${path}`] = text;
  const result = await runBin(['templates', 'test', '--format', 'json'], await tempRepo(files));
  expect(result.stderr).not.toContain('internal error');
  const found = (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId.startsWith('template-workflow-') || d.ruleId === 'template-output-invalid');
  return { status: result.status, found };
}

const job = (steps: string, on = 'pull_request') => `on: ${on}\npermissions:\n  contents: read\njobs:\n  b:\n    runs-on: ubuntu-24.04\n    steps:\n${steps}`;
const shown = (found: Finding[]) => found.map(f => [f.ruleId, f.message.split(': ')[0]]);

describe('every secret handed over at once', () => {
  it('an object filter over secrets (join(secrets.*), toJSON(secrets.*)): an error at each; a computed index is one secret', async () => {
    const { status, found } = await findings(job(`      - run: ./report.sh\n        env:\n          ALL: ${gh("join(secrets.*, ' ')")}\n          ALL2: ${gh('toJSON(secrets.*)')}\n          ONE: ${gh("secrets[format('{0}', 'NPM_TOKEN')]")}\n`, 'push'));
    expect(shown(found)).toEqual([
      ['template-workflow-secrets-dump', '.github/workflows/ci.yml:10:16'],
      ['template-workflow-secrets-dump', '.github/workflows/ci.yml:11:17'],
    ]);
    expect(status).toBe(1);
  }, 60_000);

  it("secrets: inherit to another repository's reusable workflow: an error; to this repository's own: nothing", async () => {
    const workflow = 'on: pull_request_target\njobs:\n  own:\n    uses: ./.github/workflows/build.yml\n    secrets: inherit\n  other:\n    uses: other-org/tools/.github/workflows/y.yml@main\n    secrets: inherit\n  named:\n    uses: other-org/tools/.github/workflows/y.yml@main\n    secrets:\n      API_TOKEN: ' + gh('secrets.API_TOKEN') + '\n';
    const build = 'on: workflow_call\njobs:\n  b:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n';
    const { status, found } = await findings(workflow, { '.github/workflows/build.yml': build });
    expect(shown(found)).toEqual([['template-workflow-secrets-dump', '.github/workflows/ci.yml:8:14']]);
    expect(found[0].message).toContain('other-org/tools/.github/workflows/y.yml@main, a workflow outside this repository');
    expect(status).toBe(1);
  }, 60_000);
});
