import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateRepo } from '../helpers/templateRepo.ts';

interface Finding { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } }

// Template sweep 16 (a template fetching one CircleCI skeleton from two steps, one for a new repository and
// one for a pull request): `{{ values.appName }}` without its `$` was one skeleton-unrendered-braces per
// step at the same line and column, each naming its step. Sweep 15 made a value never passed one finding
// per place; any skeleton finding that names the step fetching it now is: the first is kept and names the
// other steps, and a finding whose message names no step is said once, as before.
const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: circle
spec:
  owner: group:default/platform
  type: service
  parameters:
    - properties:
        name: {type: string}
        fresh: {type: boolean}
  steps:
    - id: for-repo
      name: For a new repository
      if: \${{ parameters.fresh }}
      action: fetch:template
      input:
        url: ./skeleton
        targetPath: repo
        values:
          name: \${{ parameters.name }}
    - id: for-pr
      name: For a pull request
      if: \${{ not parameters.fresh }}
      action: fetch:template
      input:
        url: ./skeleton
        targetPath: pr
        values:
          name: \${{ parameters.name }}
`;

describe('a finding in a skeleton two steps fetch (check, through the bin)', () => {
  it('is one finding at its place, naming the other step', async () => {
    const root = await templateRepo(['../templates/circle/template.yaml'], {
      'templates/circle/template.yaml': TEMPLATE,
      'templates/circle/skeleton/config.yml': 'job: build\nuser: {{ values.name }}\nname: ${{ values.name }}\n',
    });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'skeleton-unrendered-braces');
    expect(found.map(d => `${d.file}:${d.range.start.line}:${d.range.start.column}`)).toEqual(['templates/circle/skeleton/config.yml:2:7']);
    expect(found[0].message).toBe("{{ values.name }} has no $ before its braces: the scaffolder's expressions are ${{ … }} (templates/circle/template.yaml, step for-repo does not set cookiecutterCompat), so it is written out as is. So do the 1 other step(s) that fetch this skeleton, not reported again: templates/circle/template.yaml, step for-pr.");
    expect(run.status).toBe(1);
  }, 60_000);
});
