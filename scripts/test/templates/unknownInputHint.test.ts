import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh12: templates copied from create-app's old example (AxisCommunications, TeraSky, RHDH's software
// templates) pass allowedHosts to publish:github, which the pinned scaffolder refuses. The hint only said
// "Fix the step's input": not which key to drop, where allowedHosts belongs, or which input a misspelt key meant.
const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: t
spec:
  owner: user:guest
  type: service
  parameters:
    - properties:
        repoUrl:
          type: string
          ui:field: RepoUrlPicker
  steps:
    - id: publish
      action: publish:github
      input:
        allowedHosts: ['github.com']
        repoUrl: \${{ parameters.repoUrl }}
        descripton: A service
`;

describe('an input key the action does not take (through the bin)', () => {
  it('says to remove it, where allowedHosts belongs, and which input a misspelt key meant', async () => {
    const root = await tempRepo({ 'template.yaml': TEMPLATE, 'user.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: guest}\nspec: {memberOf: []}\n' });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; hint: string; range: { start: { line: number } } }[] }).diagnostics.filter(d => d.ruleId === 'template-action-input');
    expect(found.map(d => d.range.start.line)).toEqual([17, 19]);
    expect(found[0].hint).toMatch(/^Remove allowedHosts from the step's input\. allowedHosts is an option of the RepoUrlPicker field \(ui:options under the repoUrl parameter\).* Its inputs: repoUrl, description, /);
    expect(found[1].hint).toMatch(/^Did you mean description\? publish:github takes no input descripton/);
  });
});
