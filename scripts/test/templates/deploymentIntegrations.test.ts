import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// parseRepoUrl on a host the deployment has no integration for: Backstage (scaffolder-backend 4.2.0) builds its
// integrations with ScmIntegrations.fromConfig from its app-config (the defaults github.com, gitlab.com,
// bitbucket.org, dev.azure.com added), so the filter fails the task: 'Template filter "parseRepoUrl" failed: No
// matching integration configuration for host git.internal.corp'. The render took such a host as configured
// even when gitops.config.yaml named an app-config whose integrations list github.com alone.
const TEMPLATE = `${templateHead('svc', '        repoUrl: {type: string}\n')}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
          repo: \${{ parameters.repoUrl }}
`;

const CONFIG = "repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\nbackstageConfig:\n  files: [backstage/app-config.yaml]\n  plugins: ['@backstage/plugin-scaffolder-backend', '@backstage/plugin-scaffolder-backend-module-github']\n";

const files = {
  'gitops.config.yaml': CONFIG,
  'backstage/app-config.yaml': 'integrations:\n  github:\n    - host: github.com\n      token: ${GITHUB_TOKEN}\n',
  'templates/svc/template.yaml': TEMPLATE,
  'templates/svc/skeleton/repo.txt': '${{ (values.repo | parseRepoUrl).owner }}/${{ (values.repo | parseRepoUrl).repo }}\n',
  'values.yaml': 'name: orders\nrepoUrl: git.internal.corp?owner=a&repo=b\n',
};

describe("parseRepoUrl with the managed Backstage's integrations (backstageConfig.files), through the bin", () => {
  it('templates render: a host the app-config has no integration for fails as the task fails', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], files);
    const run = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.stdout).toContain('Template filter "parseRepoUrl" failed: No matching integration configuration for host git.internal.corp, please check your integrations config');
    expect(run.stdout).toContain('hint: Backstage builds its integrations from the app-config gitops.config.yaml names (backstageConfig.files), which configures none for git.internal.corp');
    expect(run.status).toBe(1);
  }, 60_000);

  it('templates render: a default host (gitlab.com) and a host the app-config configures render', async () => {
    const configured = { ...files, 'backstage/app-config.yaml': `${files['backstage/app-config.yaml']}  gitlab:\n    - host: git.internal.corp\n      apiBaseUrl: https://git.internal.corp/api/v4\n` };
    const root = await templateRepo(['../templates/svc/template.yaml'], configured);
    const run = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.status).toBe(0);
    expect(readFileSync(join(root, 'out/repo.txt'), 'utf8')).toBe('a/b\n');
    const onDefault = await templateRepo(['../templates/svc/template.yaml'], { ...files, 'values.yaml': 'name: orders\nrepoUrl: gitlab.com?owner=a&repo=c\n' });
    const other = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', 'out'], onDefault);
    expect(other.status).toBe(0);
    expect(readFileSync(join(onDefault, 'out/repo.txt'), 'utf8')).toBe('a/c\n');
  }, 60_000);

  it('templates render: without an app-config the deployment\'s integrations are unknown, and the host renders as before', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], { ...files, 'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n' });
    const run = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.status).toBe(0);
    expect(readFileSync(join(root, 'out/repo.txt'), 'utf8')).toBe('a/b\n');
  }, 60_000);

  it("templates render: publish:github's repoUrl on a host the app-config lacks is refused", async () => {
    const publish = `    - id: publish
      name: Publish
      action: publish:github
      input:
        repoUrl: \${{ parameters.repoUrl }}
`;
    const root = await templateRepo(['../templates/svc/template.yaml'], { ...files, 'templates/svc/template.yaml': TEMPLATE + publish, 'templates/svc/skeleton/repo.txt': '${{ values.name }}\n', 'values.yaml': 'name: orders\nrepoUrl: ghe.internal.corp?owner=a&repo=b\n' });
    const run = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.stdout).toContain('✖ step publish: parseRepoUrl refuses "ghe.internal.corp?owner=a&repo=b": No matching integration configuration for host ghe.internal.corp');
    expect(run.stdout).toContain('hint: Backstage builds its integrations from the app-config');
    expect(run.status).toBe(1);
  }, 60_000);

  it('templates test: the case fails to render, with the same hint', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], { ...files, 'templates/svc/tests/default.yaml': 'name: default\nvalues:\n  name: orders\n  repoUrl: git.internal.corp?owner=a&repo=b\nsnapshot: false\n' });
    const run = await runBin(['templates', 'test', 'svc', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; message: string; hint?: string }[]).filter(d => d.ruleId === 'template-render-failed');
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('No matching integration configuration for host git.internal.corp');
    expect(found[0].hint).toContain('which configures none for git.internal.corp');
    expect(run.status).toBe(1);
  }, 60_000);
});
