import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Template sweep 14 (piomin/backstage-templates, dotnet-basic-on-openshift): a skeleton's azure-pipelines.yml
// using a Marketplace extension's task (SonarCloudPrepare@3, which Azure runs in any organization that
// installed the SonarCloud extension) got twelve errors from the rendered-tree check: the offline schema lists
// only Azure's built-in tasks, so the task was "String does not match the pattern of ^PowerShell@2$" and each
// of its inputs an "Unexpected property". Such a step is no longer judged by the built-in tasks' schema; a
// name a typo away from a built-in task is one clear finding; built-in tasks are judged as before.

const PIPELINE = `trigger: [main]
pool:
  vmImage: ubuntu-latest
steps:
  - task: SonarCloudPrepare@3
    inputs:
      SonarCloud: SonarCloud
      organization: acme
      scannerMode: dotnet
      projectKey: \${{ values.name }}
  - task: acme-org.custom-tasks.Publish@1
    inputs:
      anything: goes
  - task: DotNetCoreCLl@2
    inputs:
      command: test
  - task: PowerShell@2
    inputs:
      targetType: inline
      scrpt: echo hi
`;

const files = {
  'templates/az/template.yaml': `${templateHead('az')}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
`,
  'templates/az/skeleton/azure-pipelines.yml': PIPELINE,
  'values.yaml': 'name: orders\n',
};

describe('a rendered azure-pipelines.yml using tasks from Marketplace extensions', () => {
  it("templates render: extension tasks are not judged by the built-in tasks' schema; a typo of a built-in task and a wrong input of one still are", async () => {
    const root = await templateRepo(['../templates/az/template.yaml'], files);
    const run = await runBin(['templates', 'render', 'templates/az/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    const findings = run.stdout.split('\n').filter(line => line.includes('not a valid Azure pipeline'));
    expect(findings).toEqual([
      "✖ azure-pipelines.yml:14: not a valid Azure pipeline: Task DotNetCoreCLl@2 is not one of Azure's built-in tasks: did you mean DotNetCoreCLI@2? (A task from an extension installed in your organization is not judged here; this name is a typo or two from a built-in one.)",
      '✖ azure-pipelines.yml:20: not a valid Azure pipeline: Unexpected property scrpt',
    ]);
  }, 60_000);
});
