import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh9: a repository of templates alone (backstage/demo's demo-template, backstage/software-templates) holds
// no app-config. template-action-unknown's hint says to name the module that provides an action under
// backstageConfig.plugins; doing so was a tool error ("backstageConfig must have required property 'files'",
// then "must NOT have fewer than 1 items" for files: []), so the hint led nowhere.
const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: t
spec:
  owner: user:guest
  type: service
  steps:
    - id: dispatch
      action: github:actions:dispatch
      input:
        repoUrl: github.com?owner=acme&repo=x
        workflowId: ci.yml
        branchOrTagName: main
    - id: publish
      action: publish:azure
      input:
        repoUrl: dev.azure.com?organization=acme&project=x&repo=y
`;

describe('backstageConfig.plugins without app-config files (through the bin)', () => {
  it.each([['left out', ''], ['empty', '  files: []\n']])('files %s: the modules named are the ones the templates may use, no tool error', async (_, files) => {
    const root = await tempRepo({
      'template.yaml': TEMPLATE,
      'gitops.config.yaml': `backstageConfig:\n${files}  plugins: ['@backstage/plugin-scaffolder-backend', '@backstage/plugin-scaffolder-backend-module-azure']\n`,
    });
    const run = runCli(['check', '--format', 'json'], root);
    expect(run.stderr).not.toContain('backstageConfig');
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; message: string }[] }).diagnostics.filter(d => d.ruleId === 'template-action-unknown');
    // Only the azure module is named: its action is known, the github module's is not.
    expect(found.map(d => d.message.match(/action (\S+):/)?.[1])).toEqual(['github:actions:dispatch']);
  });
});
