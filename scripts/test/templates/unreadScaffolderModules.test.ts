import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unreadScaffolderModules } from '../../src/templates/offlineScaffolder.ts';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

describe('modules a render requires but never reads', () => {
  // Nothing is deferred in this file: each request loads the package's real entry.
  it.each(unreadScaffolderModules().map(m => [m.request, m] as const))('%s: every served name is the very object the entry exports', (_request, m) => {
    const from = createRequire(m.from);
    const real = from(m.request) as Record<string, unknown>;
    const served = m.served?.(from.resolve(m.request)) ?? {};
    // The stand-in is an object: only a module whose exports is one may be deferred.
    expect([typeof real, real === null]).toEqual(['object', false]);
    for (const [name, value] of Object.entries(served)) expect([name, name in real, real[name] === value]).toEqual([name, true, true]);
  });

  it('serves the names the render modules read as they load or run', () => {
    const served = Object.fromEntries(unreadScaffolderModules().map(m => [m.request, Object.keys(m.served?.(createRequire(m.from).resolve(m.request)) ?? {})]));
    // scaffolder-node's alpha entry reads the resource types as it loads, the runner actionExecutePermission per step.
    expect(served['@backstage/plugin-scaffolder-common/alpha']).toEqual(expect.arrayContaining(['RESOURCE_TYPE_SCAFFOLDER_TEMPLATE', 'RESOURCE_TYPE_SCAFFOLDER_ACTION', 'RESOURCE_TYPE_SCAFFOLDER_TASK', 'actionExecutePermission']));
    // The parseEntityRef filter reads it as it loads.
    expect(served['@backstage/catalog-model']).toContain('parseEntityRef');
  });

  it("templates test through the bin passes this repo's cases without evaluating catalog-model's kinds, scaffolder-common's Template validator, @azure/identity, GitHub App sign-in or the PGP plugin", async () => {
    const folder = await mkdtemp(join(tmpdir(), 'gitops-loaded-'));
    const run = (record: string) => gitops(REPO_ROOT, ['templates', 'test', '--format', 'json'], { NODE_OPTIONS: `--require ${join(REPO_ROOT, 'scripts/test/templates/recordLoadedModules.cjs')}`, LOADED_MODULES: join(folder, record) });
    const loaded = (record: string) => (JSON.parse(readFileSync(join(folder, record), 'utf8')) as string[]).map(file => file.replace(/^.*node_modules\//, ''));
    // The first run after a build may read the action list from the scaffolder modules the config names
    // (then remembered), which load what they use: the same findings either way.
    const first = await run('first.json');
    const result = await run('second.json');
    expectCleanStderr(result);
    const findings = (stdout: string) => JSON.parse(stdout).diagnostics;
    expect(findings(result.stdout)).toEqual([]);
    expect(findings(result.stdout)).toEqual(findings(first.stdout));
    expect([result.status, first.status]).toEqual([0, 0]);
    // The render did run the scaffolder's own runner and fetch:template.
    expect(loaded('second.json')).toEqual(expect.arrayContaining(['@backstage/plugin-scaffolder-backend/dist/scaffolder/tasks/NunjucksWorkflowRunner.cjs.js', '@backstage/plugin-scaffolder-backend/dist/scaffolder/actions/builtin/fetch/template.cjs.js']));
    const model = /^@backstage\/(catalog-model\/dist\/(alpha|index|kinds\/)|plugin-scaffolder-common\/dist\/(alpha|index|TemplateEntityV1beta3|catalogModel)|plugin-scaffolder-backend\/dist\/index)/;
    expect(loaded('first.json').filter(file => model.test(file))).toEqual([]);
    expect(loaded('second.json').filter(file => model.test(file) || /^(@azure\/identity|@octokit\/auth-app|jsonwebtoken|@isomorphic-git\/pgp-plugin)\//.test(file))).toEqual([]);
  }, 90_000);
});
