import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh38 on backstage/demo: without gitops.config.yaml the templates of a Backstage app's repository were
// judged against the toolkit's own modules (GitHub, Azure), not the ones its backend adds. Its
// notification:send step (the backend adds the notifications module) was said to fail the task, and a
// publish:azure step passed though the backend adds no Azure module. The modules packages/backend adds
// are now what its templates are judged against.
const GITHUB = '@backstage/plugin-scaffolder-backend-module-github';
const NOTIFICATIONS = '@backstage/plugin-scaffolder-backend-module-notifications';
const backend = (index: string) => ({
  'packages/backend/package.json': JSON.stringify({ name: 'backend', dependencies: { '@backstage/backend-defaults': '^0.5.0', '@backstage/plugin-scaffolder-backend': '^2.0.0', [GITHUB]: '^0.5.0', [NOTIFICATIONS]: '^0.1.0' } }),
  'packages/backend/src/index.ts': index,
});
const NEW_SYSTEM = `import { createBackend } from '@backstage/backend-defaults';\nconst backend = createBackend();\nbackend.add(import('@backstage/plugin-scaffolder-backend'));\nbackend.add(import('${GITHUB}'));\nbackend.add(import('${NOTIFICATIONS}'));\nbackend.start();\n`;
const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: service
spec:
  owner: user:guest
  type: service
  parameters: []
  steps:
    - id: github
      action: publish:github
      input:
        repoUrl: github.com?owner=acme&repo=svc
    - id: azure
      action: publish:azure
      input:
        repoUrl: dev.azure.com?organization=acme&project=p&repo=svc
    - id: notify
      action: notification:send
      input:
        recipients: broadcast
        title: done
`;

type Finding = { ruleId: string; severity: string; file: string; message: string; hint: string; range: { start: { line: number } } };

describe('template actions in a Backstage app repository without gitops.config.yaml', () => {
  const roots: string[] = [];
  afterEach(async () => { await Promise.all(roots.splice(0).map(r => rm(r, { recursive: true, force: true }))); });
  async function unknown(tree: Record<string, string>): Promise<Finding[]> {
    const root = await tempRepo({ ...tree, 'templates/service/template.yaml': TEMPLATE });
    roots.push(root);
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).toBe('');
    return (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'template-action-unknown');
  }

  it('a new-system backend: its modules decide; one the toolkit lacks is named, and its action is not said to fail outright', async () => {
    const found = await unknown(backend(NEW_SYSTEM));
    expect(found.map(d => `${d.severity} ${d.range.start.line}`)).toEqual(['warning 15', 'warning 19']);
    const [azure, notify] = found;
    expect(azure.message).toBe('No installed scaffolder module provides the action publish:azure: the managed Backstage would fail the task with "Template action with ID \'publish:azure\' is not registered."'.replace('No installed scaffolder module provides', 'No scaffolder module the toolkit has installed provides').replace(': the managed Backstage would fail the task with', '; unless a module packages/backend adds that the toolkit does not have provides it (see the hint), the task fails with'));
    expect(notify.message).toContain('No scaffolder module the toolkit has installed provides the action notification:send; unless a module packages/backend adds');
    expect(notify.hint).toContain(`This is judged as the backend in packages/backend runs the scaffolder: its built-in actions and the scaffolder modules it adds (${GITHUB}). It also adds ${NOTIFICATIONS}, which the toolkit does not have installed`);
  }, 60_000);

  // fresh on ServerlessOpsIO/backstage-app: its backend adds a module of its own workspace, named as
  // `backstage-cli new` names one, whose action its templates use; the hint named only the notifications module.
  it("a module of the app's own workspace (@internal/backstage-plugin-scaffolder-backend-module-…) is named among those the toolkit lacks", async () => {
    const own = '@internal/backstage-plugin-scaffolder-backend-module-acme';
    const tree = backend(NEW_SYSTEM.replace('backend.start();', `backend.add(import('${own}'));\nbackend.start();`));
    const pkg = JSON.parse(tree['packages/backend/package.json']);
    pkg.dependencies[own] = 'workspace:^';
    const found = await unknown({ ...tree, 'packages/backend/package.json': JSON.stringify(pkg) });
    expect(found.map(d => d.range.start.line)).toEqual([15, 19]);
    expect(found[1].hint).toContain(`It also adds ${NOTIFICATIONS}, ${own}, which the toolkit does not have installed`);
  }, 60_000);

  it('a dependency name longer than npm allows (214 characters) is no module: never named in a finding', async () => {
    const long = `@acme/scaffolder-backend-module-${'x'.repeat(300)}`;
    const tree = backend(NEW_SYSTEM.replace(`backend.add(import('${NOTIFICATIONS}'));\n`, `backend.add(import('${long}'));\n`));
    const pkg = JSON.parse(tree['packages/backend/package.json']);
    delete pkg.dependencies[NOTIFICATIONS];
    pkg.dependencies[long] = '^1.0.0';
    const found = await unknown({ ...tree, 'packages/backend/package.json': JSON.stringify(pkg) });
    expect(found.map(d => d.range.start.line)).toEqual([15, 19]);
    expect(found.every(d => !d.hint.includes('x'.repeat(300)) && !d.hint.includes('It also adds'))).toBe(true);
  }, 60_000);

  it('a backend that adds only installed modules: an action none of them provides fails the task, as said', async () => {
    const tree = backend(NEW_SYSTEM.replace(`backend.add(import('${NOTIFICATIONS}'));\n`, ''));
    const found = await unknown(tree);
    expect(found.map(d => d.range.start.line)).toEqual([15, 19]);
    expect(found[0].message).toBe('No installed scaffolder module provides the action publish:azure: the managed Backstage would fail the task with "Template action with ID \'publish:azure\' is not registered."');
    expect(found[0].hint).toContain(`its built-in actions and the scaffolder modules it adds (${GITHUB}). Fix the action id`);
  }, 60_000);

  it('a legacy backend (createBuiltinActions) or no backend: the toolkit\'s own modules, as before', async () => {
    const legacy = await unknown(backend("import { createBuiltinActions, createRouter } from '@backstage/plugin-scaffolder-backend';\nexport default createRouter;\n"));
    expect(legacy.map(d => d.range.start.line)).toEqual([19]);
    expect(legacy[0].hint).toContain("judged against the toolkit's own (GitHub, Azure)");
    expect((await unknown({})).map(d => d.range.start.line)).toEqual([19]);
  }, 60_000);
});
