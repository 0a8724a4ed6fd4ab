import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from '../security/runBin.ts';

// A fresh user on Zenardi/backstage-software-templates: app.py wrote {{ values.env }} without the $, and the
// hint said to write ${{ values.env }}; the step passes app_env, so following it gave skeleton-unknown-value.
const template = (value = 'parameters.app_env') => `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: app\nspec:\n  owner: group:team-a\n  type: service\n  parameters:\n    - properties:\n        app_env: {type: string}\n        name: {type: string}\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ../../skeletons/app\n        values:\n          app_env: \${{ ${value} }}\n          name: \${{ parameters.name }}\n`;
const CASE = 'name: a\nvalues:\n  app_env: dev\n  name: demo\nsnapshot: false\n';
interface Finding { ruleId: string; message: string; hint: string; range: { start: { line: number; column: number } } }

async function findings(app: string, value?: string): Promise<Finding[]> {
  const root = await tempRepo({ 'templates/app/template.yaml': template(value), 'templates/app/tests/a.yaml': CASE, 'skeletons/app/app.py': app });
  const result = await runBin(['templates', 'test', '--format', 'json'], root);
  expect(result.stderr).not.toContain('internal error');
  return (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics;
}

describe("skeleton-unrendered-braces suggests only a value the step passes (shipped bin)", () => {
  it.each([
    ['a value the step does not pass: the values it does', 'ENV = "{{ values.env }}"\n', "Write ${{ values.… }} with a value the step passes (app_env, name): env is not one of them, so pass it in the step's input.values first; to keep the braces on purpose, wrap them in {% raw %}…{% endraw %}."],
    ['a near miss: the value meant', 'ENV = "{{ values.app_evn | upper }}"\n', 'Write ${{ values.app_env | upper }}: the step passes app_env, not app_evn; to keep the braces on purpose, wrap them in {% raw %}…{% endraw %}.'],
    ['a value the step passes: as before', 'ENV = "{{ values.app_env }}"\n', 'Write ${{ values.app_env }}; to keep the braces on purpose, wrap them in {% raw %}…{% endraw %}.'],
  ])('%s', async (_, app, hint) => {
    const found = (await findings(app)).filter(d => d.ruleId === 'skeleton-unrendered-braces');
    expect(found.map(d => [d.range.start.line, d.range.start.column, d.hint])).toEqual([[1, 8, hint]]);
  }, 60_000);
});

describe('template-unknown-parameter points at the parameter reference (shipped bin)', () => {
  it('at parameters.put, not at the ${{ before it', async () => {
    const found = (await findings('ENV = "${{ values.app_env }}"\n', 'parameters.put')).filter(d => d.ruleId === 'template-unknown-parameter');
    // `          app_env: ${{ parameters.put }}`: the ${{ is at column 20, parameters at 24.
    expect(found.map(d => [d.range.start.line, d.range.start.column])).toEqual([[18, 24]]);
    expect(found[0].message).toMatch(/^parameters\.put is not declared/);
  }, 60_000);
});
