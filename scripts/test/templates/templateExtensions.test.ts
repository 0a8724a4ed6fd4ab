import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { registrationAdditions, type Registration } from '../../src/templates/scaffolderActions.ts';
import { renderTemplate } from '../../src/templates/renderTemplate.ts';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

const require = createRequire(import.meta.url);

// A deployment's own scaffolder module, written as Backstage's docs write one: filters and globals through
// scaffolderTemplatingExtensionPoint, an action through scaffolderActionsExtensionPoint.
function customModule(): { getRegistrations(): Registration[] } {
  const { createBackendModule } = require('@backstage/backend-plugin-api');
  const { scaffolderTemplatingExtensionPoint, createTemplateFilter, createTemplateGlobalValue } = require('@backstage/plugin-scaffolder-node/alpha');
  const { createTemplateAction, scaffolderActionsExtensionPoint } = require('@backstage/plugin-scaffolder-node');
  return createBackendModule({
    pluginId: 'scaffolder',
    moduleId: 'custom-extensions',
    register(env: { registerInit(options: object): void }) {
      env.registerInit({
        deps: { templating: scaffolderTemplatingExtensionPoint, actions: scaffolderActionsExtensionPoint },
        async init({ templating, actions }: { templating: { addTemplateFilters(f: unknown): void; addTemplateGlobals(g: unknown): void }; actions: { addActions(...a: unknown[]): void } }) {
          templating.addTemplateFilters({ base64: (value: unknown) => Buffer.from(String(value)).toString('base64') });
          templating.addTemplateFilters([createTemplateFilter({ id: 'shout', filter: (value: unknown) => `${String(value).toUpperCase()}!` })]);
          templating.addTemplateGlobals({ greet: (name: unknown) => `hello ${String(name)}` });
          templating.addTemplateGlobals([createTemplateGlobalValue({ id: 'orgName', value: 'acme' })]);
          actions.addActions(createTemplateAction({ id: 'acme:noop', async handler() {} }));
        },
      });
    },
  });
}

/** A repo whose gitops.config.yaml names app-config and plugins (`declare`: more backstageConfig lines), with a template fetching ./skeleton. */
function extensionsRepo(declare: string, values: string, readme: string, extra: Record<string, string> = {}): Promise<string> {
  return templateRepo([], {
    'gitops.config.yaml': `repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\nbackstageConfig:\n  files: [app-config.yaml]\n  plugins: ['@backstage/plugin-scaffolder-backend']\n${declare}`,
    'app-config.yaml': 'app:\n  title: x\n',
    'templates/t/template.yaml': `${templateHead('t')}    - id: fetch\n      name: Fetch\n      action: fetch:template\n      input:\n        url: ./skeleton\n        values:\n${values}`,
    'templates/t/skeleton/README.md': readme,
    ...extra,
  });
}

describe("a deployment's templating extensions (additionalTemplateFilters / additionalTemplateGlobals)", () => {
  it("collects a module's filters, globals and actions through the scaffolder's own extension points", async () => {
    const added = await registrationAdditions(customModule().getRegistrations());
    expect(Object.keys(added.filters).sort()).toEqual(['base64', 'shout']);
    expect(Object.keys(added.globals).sort()).toEqual(['greet', 'orgName']);
    expect(added.globals.orgName).toBe('acme');
    expect(added.actions.map(a => a.id)).toEqual(['acme:noop']);
  });

  it('renders a template and its skeleton with them, as the runner and fetch:template get them', async () => {
    const { filters, globals } = await registrationAdditions(customModule().getRegistrations());
    const root = await templateRepo([], {
      'templates/t/template.yaml': `${templateHead('t')}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name | shout }}
`,
      'templates/t/skeleton/README.md': '# ${{ values.name }} ${{ values.name | base64 }} ${{ greet(orgName) }}\n',
    });
    const template = (await import('yaml')).parse(require('node:fs').readFileSync(`${root}/templates/t/template.yaml`, 'utf8'));
    const result = await renderTemplate({ source: { root, baseUrl: 'https://github.com/acme/x/blob/main/' }, templateFile: 'templates/t/template.yaml', template, values: { name: 'orders' }, offlineActions: [], extensions: { filters, globals } });
    expect(result.files.find(f => f.path === 'README.md')!.content.toString()).toBe(`# ORDERS! ${Buffer.from('ORDERS!').toString('base64')} hello acme\n`);
  }, 60_000);

  it('templates test renders a filter the config declares but the toolkit has no code for with a stand-in, and says so (through the bin)', async () => {
    const root = await extensionsRepo('  additionalTemplateFilters: [base64]\n', '          name: \${{ parameters.name }}\n', '# ${{ values.name | base64 }}\n', {
      'templates/t/tests/a.yaml': 'name: a case\nvalues: {name: orders}\nexpect:\n  contains:\n    README.md: ["# orders"]\nsnapshot: false\n',
    });
    const run = await gitops(root, ['templates', 'test', '--format', 'json']);
    expectCleanStderr(run);
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; severity: string; message: string; file: string }[] }).diagnostics;
    expect(found.map(d => `${d.severity} ${d.ruleId}@${d.file}`)).toEqual(['warning template-render-stand-in@templates/t/tests/a.yaml']);
    expect(found[0].message).toContain("a stand-in for the filter base64, which your Backstage adds (declared in gitops.config.yaml's backstageConfig)");
    expect(run.status).toBe(0);
    const rendered = await gitops(root, ['templates', 'render', 'templates/t/template.yaml', '--values', 'templates/t/tests/a.yaml', '--out', 'out']);
    expect(rendered.stdout).toContain('⚠ rendered with a stand-in for the filter base64');
  }, 120_000);

  it('check knows the filters and globals gitops.config.yaml declares, and says how to declare one it does not know (through the bin)', async () => {
    const repo = (declare: string) => extensionsRepo(declare, '          name: \${{ parameters.name | base64 }}\n          when: \${{ now() }}\n', '# ${{ values.name | base64 }} ${{ now() }}\n');
    const findings = async (declare: string) => {
      const run = await gitops(await repo(declare), ['check', '--format', 'json']);
      expectCleanStderr(run);
      return (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; message: string; hint?: string; file: string }[] }).diagnostics.filter(d => /unknown-(filter|function)$/.test(d.ruleId));
    };
    expect(await findings('  additionalTemplateFilters: [base64]\n  additionalTemplateGlobals: [now]\n')).toEqual([]);
    const undeclared = await findings('');
    // One finding per undeclared name, at its first use, which counts the skeleton's use too.
    expect(undeclared.map(d => `${d.ruleId}@${d.file}`).sort()).toEqual([
      'template-unknown-filter@templates/t/template.yaml',
      'template-unknown-function@templates/t/template.yaml',
    ]);
    const filter = undeclared.find(d => d.ruleId === 'template-unknown-filter')!;
    expect(filter.message).toContain('Also used 1 more time(s), not reported again: 1 in templates/t/skeleton/README.md.');
    expect(filter.hint).toContain('list it in backstageConfig.additionalTemplateFilters');
    expect(undeclared.find(d => d.ruleId === 'template-unknown-function')!.hint).toContain('list it in backstageConfig.additionalTemplateGlobals');
  }, 120_000);
});
