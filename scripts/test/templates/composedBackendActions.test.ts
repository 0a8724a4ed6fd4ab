import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// cat51 on openchoreo/backstage-plugins: packages/backend adds one feature, `backend.add(portalBackendFeatures)`,
// from the app's own workspace package packages/portal-backend, whose list of `import('…')` holds the scaffolder,
// its GitHub module and the app's own `@openchoreo/backstage-plugin-scaffolder-backend-module` (no `-<id>` after
// `module`). The gate saw no scaffolder in packages/backend, judged the templates against the toolkit's own
// modules, and said each openchoreo:* step "would fail the task"; the module's name was not taken for a
// scaffolder module either. A backend composed in a workspace package it depends on and names now adds what
// that package adds, and such a module is named in the hint as one the toolkit does not have.
const MODULE = '@acme/backstage-plugin-scaffolder-backend-module';
const tree = {
  'packages/backend/package.json': JSON.stringify({ name: 'backend', dependencies: { '@backstage/backend-defaults': '^0.17.0', '@acme/portal-backend': 'workspace:^' } }),
  'packages/backend/src/index.ts': "import { createBackend } from '@backstage/backend-defaults';\nimport { portalFeatures } from '@acme/portal-backend';\nconst backend = createBackend();\nbackend.add(portalFeatures);\nbackend.start();\n",
  'packages/portal-backend/package.json': JSON.stringify({ name: '@acme/portal-backend', dependencies: { '@backstage/plugin-scaffolder-backend': '^3.0.0', '@backstage/plugin-scaffolder-backend-module-github': '^0.9.0', [MODULE]: 'workspace:^' } }),
  'packages/portal-backend/src/features.ts': `export const loaders = [\n  () => import('@backstage/plugin-scaffolder-backend'),\n  () => import('@backstage/plugin-scaffolder-backend-module-github'),\n  () => import('${MODULE}'),\n];\n`,
  'plugins/scaffolder-backend-module-acme/package.json': JSON.stringify({ name: MODULE }),
  'templates/env/template.yaml': `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: env
spec:
  owner: user:guest
  type: environment
  parameters: []
  steps:
    - id: create
      action: acme:environment:create
      input:
        name: dev
    - id: azure
      action: publish:azure
      input:
        repoUrl: dev.azure.com?organization=acme&project=p&repo=svc
`,
};

type Finding = { ruleId: string; severity: string; message: string; hint: string; range: { start: { line: number } } };

describe('template actions of a backend composed in a workspace package', () => {
  const roots: string[] = [];
  afterEach(async () => { await Promise.all(roots.splice(0).map(r => rm(r, { recursive: true, force: true }))); });

  it('are judged against what that package adds: its own module is named, the action not said to fail outright', async () => {
    const root = await tempRepo(tree);
    roots.push(root);
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).toBe('');
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'template-action-unknown');
    expect(found.map(d => `${d.severity} ${d.range.start.line}`)).toEqual(['warning 11', 'warning 15']);
    const [acme, azure] = found;
    expect(acme.message).toContain('No scaffolder module the toolkit has installed provides the action acme:environment:create; unless a module packages/backend adds');
    expect(acme.hint).toContain(`the scaffolder modules it adds (@backstage/plugin-scaffolder-backend-module-github). It also adds ${MODULE}, which the toolkit does not have installed`);
    expect(azure.message).toContain('publish:azure');
  }, 60_000);

  it('a workspace package the backend depends on but its source never names adds nothing', async () => {
    const root = await tempRepo({ ...tree, 'packages/backend/src/index.ts': "import { createBackend } from '@backstage/backend-defaults';\nconst backend = createBackend();\nbackend.start();\n" });
    roots.push(root);
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'template-action-unknown');
    expect(found[0].hint).toContain('No gitops.config.yaml says which scaffolder modules your Backstage runs');
  }, 60_000);
});
