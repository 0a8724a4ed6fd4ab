import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateRepo } from '../helpers/templateRepo.ts';

// Template sweep 15 (ch007m/my-backstage-templates' gitea template: name: ${{ parameters.repoUrl | parseRepoUrl |
// pick('repo') }} with a RepoUrlPicker on gitea.localtest.me:3333): offline, parseRepoUrl knew only Backstage's
// default integrations, so for a self-hosted host (Gitea, GitHub Enterprise, a company GitLab) it threw 'No matching
// integration configuration for host …', the runner swallowed the error as it does any step-input render error,
// the step got the raw expression and the skeleton wrote it out: 'README.md still contains a template expression'.
// In the deployment the picker offers that host because its integrations configure it (check already leaves such a
// host to the deployment). The render now knows each host the values or pickers name, read as requiring only repo.
const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: hosted
spec:
  owner: group:default/platform
  type: service
  parameters:
    - properties:
        repoUrl:
          type: string
          ui:field: RepoUrlPicker
          ui:options:
            allowedHosts: [git.acme.internal:3000]
  steps:
    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          repo: \${{ parameters.repoUrl | parseRepoUrl | pick('repo') }}
          owner: \${{ (parameters.repoUrl | parseRepoUrl).owner }}
          slug: \${{ parameters.repoUrl | projectSlug }}
`;

describe('a RepoUrlPicker value on a host only the deployment configures (templates render)', () => {
  it('parseRepoUrl and projectSlug read it as Backstage with that integration does; nothing is left unrendered', async () => {
    const root = await templateRepo(['../templates/hosted/template.yaml'], {
      'templates/hosted/template.yaml': TEMPLATE,
      'templates/hosted/skeleton/README.md': '# ${{ values.repo }} of ${{ values.owner }} (${{ values.slug }})\n',
      'values.yaml': 'repoUrl: git.acme.internal:3000?owner=payments&repo=orders\n',
    });
    const out = join(root, 'out');
    const run = await runBin(['templates', 'render', 'templates/hosted/template.yaml', '--values', 'values.yaml', '--out', out], root);
    expect(run.stdout).not.toContain('still contains a template expression');
    expect(await readFile(join(out, 'README.md'), 'utf8')).toBe('# orders of payments (payments/orders)\n');
    expect(run.status).toBe(0);
  }, 60_000);
});
