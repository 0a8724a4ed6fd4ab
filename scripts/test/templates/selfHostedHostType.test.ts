import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateRepo } from '../helpers/templateRepo.ts';

// Template sweep 16: a RepoUrlPicker value on a host only the deployment configures was read offline as a Gitea
// host (sweep 15), which needs only ?repo=, so a GitHub Enterprise value missing its owner passed templates
// render and test. The deployment must configure the host as the type the action's module requires:
// publish:github runs Backstage's parseRepoUrl, which for a github integration requires owner and repo
// ('Invalid repo URL passed to publisher: …, missing owner'), then looks the host up among the github
// integrations. The render now reads such a host as the type of the module whose action takes it.
const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: enterprise
spec:
  owner: group:default/platform
  type: service
  parameters:
    - properties:
        repoUrl:
          type: string
          ui:field: RepoUrlPicker
          ui:options:
            allowedHosts: [github.acme.example]
  steps:
    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          repo: \${{ parameters.repoUrl | parseRepoUrl | pick('repo') }}
    - id: publish
      name: Publish
      action: publish:github
      input:
        repoUrl: \${{ parameters.repoUrl }}
`;

const files = (values: string) => ({
  'templates/enterprise/template.yaml': TEMPLATE,
  'templates/enterprise/skeleton/README.md': '# ${{ values.repo }}\n',
  'values.yaml': values,
});

describe('a RepoUrlPicker value on a GitHub Enterprise host given to publish:github (templates render)', () => {
  it('without its owner is refused as publish:github refuses it', async () => {
    const root = await templateRepo(['../templates/enterprise/template.yaml'], files('repoUrl: github.acme.example?repo=orders\n'));
    const run = await runBin(['templates', 'render', 'templates/enterprise/template.yaml', '--values', 'values.yaml', '--out', join(root, 'out')], root);
    expect(run.stdout).toContain('✖ step publish: parseRepoUrl refuses "github.acme.example?repo=orders": Invalid repo URL passed to publisher: https://github.acme.example/?repo=orders, missing owner (github.acme.example read as a github host, as publish:github requires of it).');
    expect(run.status).toBe(1);
  }, 60_000);

  it('with its owner renders and passes', async () => {
    const root = await templateRepo(['../templates/enterprise/template.yaml'], files('repoUrl: github.acme.example?owner=payments&repo=orders\n'));
    const run = await runBin(['templates', 'render', 'templates/enterprise/template.yaml', '--values', 'values.yaml', '--out', join(root, 'out')], root);
    expect(run.stdout).not.toContain('parseRepoUrl refuses');
    expect(run.stdout).not.toContain('still contains a template expression');
    expect(run.status).toBe(0);
  }, 60_000);

  it('check: a literal repoUrl on such a host without its owner is template-repo-url', async () => {
    const root = await templateRepo(['../templates/enterprise/template.yaml'], {
      ...files(''),
      'templates/enterprise/template.yaml': TEMPLATE.replace('repoUrl: ${{ parameters.repoUrl }}', 'repoUrl: github.acme.example?repo=orders'),
    });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; message: string }[]).filter(d => d.ruleId === 'template-repo-url').map(d => d.message);
    expect(found).toEqual(['parseRepoUrl refuses "github.acme.example?repo=orders": Invalid repo URL passed to publisher: https://github.acme.example/?repo=orders, missing owner (github.acme.example read as a github host, as publish:github requires of it).']);
    expect(run.status).toBe(1);
  }, 60_000);
});
