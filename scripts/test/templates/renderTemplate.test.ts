import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { BUILTIN_ACTION_MODULES, builtinActionFactory, renderActionFactories, urlToPath, type BuiltinActionFactoryName } from '../../src/templates/offlineScaffolder.ts';
import { renderTemplate } from '../../src/templates/renderTemplate.ts';

const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: hello
spec:
  owner: platform-team
  type: service
  parameters:
    - properties:
        name: {type: string}
        owner: {type: string}
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ../../skeletons/hello
        values:
          name: \${{ parameters.name }}
          owner: \${{ parameters.owner }}
    - id: publish
      action: publish:github
      input:
        repoUrl: github.com?owner=acme&repo=\${{ parameters.name }}
`;

async function repo(files: Record<string, string>) {
  const root = await mkdtemp(join(tmpdir(), 'gitops-tpl-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

const source = (root: string) => ({ root, baseUrl: 'https://github.com/acme/control/blob/main/' });

describe("offline rendering with the scaffolder's own runner and fetch:template", () => {
  it("builds its actions with the very functions scaffolder-backend's index exports", () => {
    const index = createRequire(import.meta.url)('@backstage/plugin-scaffolder-backend');
    const factories = Object.entries(renderActionFactories());
    expect(factories).toHaveLength(9);
    for (const [name, factory] of factories) expect([name, typeof factory, factory === index[name]]).toEqual([name, 'function', true]);
  });

  it("takes every built-in action's factory from its own module: the very function scaffolder-backend's index exports", () => {
    const index = createRequire(import.meta.url)('@backstage/plugin-scaffolder-backend');
    const names = Object.keys(BUILTIN_ACTION_MODULES) as BuiltinActionFactoryName[];
    expect(names).toHaveLength(12);
    for (const name of names) expect([name, typeof builtinActionFactory(name), builtinActionFactory(name) === index[name]]).toEqual([name, 'function', true]);
  });

  it('renders file names and contents from a skeleton the template points at with a relative url', async () => {
    const root = await repo({
      'templates/hello/template.yaml': TEMPLATE,
      'skeletons/hello/${{ values.name }}/README.md': '# ${{ values.name }}\n\nOwned by ${{ values.owner }}.\n{% if values.owner == "web-team" %}Front end{% endif %}\n',
      'skeletons/hello/catalog-info.yaml': 'metadata:\n  name: ${{ values.name | dump }}\n',
    });
    const result = await renderTemplate({ source: source(root), templateFile: 'templates/hello/template.yaml', template: parse(TEMPLATE), values: { name: 'orders-api', owner: 'web-team' }, offlineActions: ['publish:github'] });
    const files = Object.fromEntries(result.files.map(f => [f.path, f.content.toString()]));
    expect(Object.keys(files).sort()).toEqual(['catalog-info.yaml', 'orders-api/README.md']);
    expect(files['orders-api/README.md']).toBe('# orders-api\n\nOwned by web-team.\nFront end\n');
    expect(files['catalog-info.yaml']).toBe('metadata:\n  name: "orders-api"\n');
    expect(result.offlineInputs).toEqual([{ stepAction: 'publish:github', input: { repoUrl: 'github.com?owner=acme&repo=orders-api' }, stepId: 'publish' }]);
  }, 30_000);

  it('never reads outside the repository, whatever url a template asks for', async () => {
    const root = await repo({ 'templates/hello/template.yaml': TEMPLATE.replace('../../skeletons/hello', '../../../../etc') });
    await expect(renderTemplate({ source: source(root), templateFile: 'templates/hello/template.yaml', template: parse(TEMPLATE.replace('../../skeletons/hello', '../../../../etc')), values: { name: 'x' }, offlineActions: ['publish:github'] })).rejects.toThrow();
    expect(() => urlToPath(source(root), 'https://github.com/acme/control/tree/main/skeletons/../../x')).toThrow(/outside the template's repository/);
    expect(() => urlToPath(source(root), 'https://github.com/other/repo/tree/main/x')).toThrow(/outside/);
    expect(urlToPath(source(root), 'https://github.com/acme/control/tree/main/skeletons/hello')).toBe(join(root, 'skeletons/hello'));
  }, 30_000);

  it('refuses a template that reaches for constructor, with a clear error instead of running code', async () => {
    const root = await repo({ 'templates/hello/template.yaml': TEMPLATE, 'skeletons/hello/x.txt': '${{ values.name.constructor.constructor("return process")() }}\n' });
    await expect(renderTemplate({ source: source(root), templateFile: 'templates/hello/template.yaml', template: parse(TEMPLATE), values: { name: 'x' }, offlineActions: ['publish:github'] })).rejects.toThrow(/Template error|reserved|cannot be called|undefined/);
  }, 30_000);
});

const writeFileIn = async (root: string, path: string, text: string) => (await import('node:fs/promises')).writeFile(join(root, path), text);

describe('features of the pinned scaffolder (4.2.0), run by its own runner', () => {
  const steps = (body: string) => `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: hello\nspec:\n  owner: platform-team\n  type: service\n  steps:\n${body}`;
  const fetchStep = (id: string, extra = '') => `    - id: ${id}\n      action: fetch:template\n      input:\n        url: ../../skeletons/${id}\n        values:\n          name: \${{ parameters.name }}\n${extra}`;
  const files = { 'skeletons/a/a.txt': 'a ${{ values.name }}\n', 'skeletons/b/b.txt': 'b\n', 'skeletons/c/c.txt': 'c\n', 'skeletons/each/${{ values.name }}.txt': '${{ values.name }}\n' };

  it('step if: always() runs, failure() is skipped when nothing failed', async () => {
    const root = await repo(files);
    const template = parse(steps(fetchStep('a') + fetchStep('b', "      if: ${{ failure() }}\n") + fetchStep('c', "      if: ${{ always() }}\n")));
    const result = await renderTemplate({ source: source(root), templateFile: 'templates/hello/template.yaml', template, values: { name: 'x' }, offlineActions: [] });
    expect(result.files.map(f => f.path).sort()).toEqual(['a.txt', 'c.txt']);
  }, 30_000);

  it('each: one run of the step per item, each input judged by the action', async () => {
    const root = await repo(files);
    const template = parse(steps("    - id: each\n      action: fetch:template\n      each: ${{ parameters.names }}\n      input:\n        url: ../../skeletons/each\n        values:\n          name: ${{ each.value }}\n    - id: publish\n      action: publish:github\n      each: ${{ parameters.names }}\n      input:\n        repoUrl: github.com?owner=acme&repo=${{ each.value }}\n        repoVisibility: ${{ each.value }}\n"));
    const { templateActions } = await import('../../src/templates/templateGate.ts');
    const result = await renderTemplate({ source: source(root), templateFile: 'templates/hello/template.yaml', template, values: { names: ['one', 'private'] }, offlineActions: ['publish:github'], actions: await templateActions(root) });
    expect(result.files.map(f => f.path).sort()).toEqual(['one.txt', 'private.txt']);
    expect(result.inputRefusals.map(r => `${r.stepId}: ${r.message}`)).toEqual(['publish: Invalid input passed to action publish:github, instance.repoVisibility is not one of enum values: private,public,internal']);
  }, 30_000);

  it('template secrets: checked against spec.secrets.schema as the backend checks them before running', async () => {
    const { checkSecrets } = await import('../../src/templates/checkValues.ts');
    const spec = { schema: { type: 'object', required: ['token'], properties: { token: { type: 'string', minLength: 8 } } } };
    expect(checkSecrets(spec, {})).toEqual(['secrets.token is required']);
    expect(checkSecrets(spec, { token: 'short' })).toEqual(['secrets.token does not meet minimum length of 8']);
    expect(checkSecrets(spec, { token: 'long-enough' })).toEqual([]);
    expect(checkSecrets(undefined, {})).toEqual([]);
  });
});

describe('backstage-gitops templates render', () => {
  it('renders a template from outside this repo into a folder', async () => {
    const { run } = await import('../../src/cli/main.ts');
    const root = await repo({
      'templates/hello/template.yaml': TEMPLATE,
      'skeletons/hello/${{ values.name }}.txt': 'Hello ${{ values.name }}!\n',
      'values.yaml': 'name: my-svc\nowner: team-a\n',
    });
    const out: string[] = [];
    const io = { cwd: root, env: {}, stdout: { write: (t: string) => void out.push(t) }, stderr: { write: () => {} }, writeFile: async () => {}, fetch };
    expect(await run(['templates', 'render', 'templates/hello/template.yaml', '--values', 'values.yaml', '--out', 'out', '--root', root], io)).toBe(0);
    expect(out.join('')).toMatch(/^1 file\(s\) rendered to .*out in \d+ ms \(skipped offline: publish:github\)\n$/);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(join(root, 'out/my-svc.txt'), 'utf8')).toBe('Hello my-svc!\n');
  }, 30_000);

  it('takes --secrets and prints the output links and text as the task page shows them (links whose if is false dropped)', async () => {
    const { run } = await import('../../src/cli/main.ts');
    const withOutput = TEMPLATE.replace('  owner: team-a', '').replace("          owner: \${{ parameters.owner }}\n", "          owner: \${{ parameters.owner }}\n          token: \${{ secrets.previewToken }}\n") + `  output:
    links:
      - title: Repository
        url: \${{ steps.publish.output.remoteUrl }}
      - title: Never shown
        url: https://example.com
        if: \${{ parameters.owner == 'nobody' }}
      - title: Open in catalog
        entityRef: component:default/\${{ parameters.name }}
    text:
      - title: Next steps
        content: |
          Clone \${{ parameters.name }}
          ::error::forged
`;
    const root = await repo({
      'templates/hello/template.yaml': withOutput,
      'skeletons/hello/token.txt': 'token=${{ values.token }}\n',
      'values.yaml': 'name: my-svc\nowner: team-a\n',
      'secrets.yaml': 'previewToken: s3cr3t\n',
    });
    const out: string[] = [];
    const io = { cwd: root, env: {}, stdout: { write: (t: string) => void out.push(t) }, stderr: { write: () => {} }, writeFile: async () => {}, fetch };
    expect(await run(['templates', 'render', 'templates/hello/template.yaml', '--values', 'values.yaml', '--secrets', 'secrets.yaml', '--out', 'out', '--root', root], io)).toBe(0);
    expect(out.join('').replace(/in \d+ ms/, 'in N ms').split('\n').slice(1).join('\n')).toBe([
      'Links:',
      '  Repository: (known once the skipped publish or register step runs; offline the dry-run gives only "<example>")',
      '  Open in catalog: catalog entity component:default/my-svc',
      'Next steps:',
      '  Clone my-svc',
      '  :\u200b:error::forged',
      '  ',
      '',
    ].join('\n'));
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(join(root, 'out/token.txt'), 'utf8')).toBe('token=s3cr3t\n');
    out.length = 0;
    await writeFileIn(root, 'bad-secrets.yaml', '- not a mapping\n');
    const err: string[] = [];
    expect(await run(['templates', 'render', 'templates/hello/template.yaml', '--values', 'values.yaml', '--secrets', 'bad-secrets.yaml', '--out', 'out', '--root', root], { ...io, stderr: { write: (t: string) => void err.push(t) } })).toBe(2);
    expect(err.join('')).toContain('--secrets must be a YAML or JSON mapping of secret names to strings');
  }, 30_000);

  it("fails a render whose step input the action would refuse, naming the step and the action's own words", async () => {
    const { run } = await import('../../src/cli/main.ts');
    const root = await repo({
      'templates/hello/template.yaml': TEMPLATE.replace('repoUrl: github.com?owner=acme&repo=${{ parameters.name }}', 'repoUrl: github.com?owner=acme&repo=${{ parameters.name }}?owner=platform-team\n        allowedHosts: [github.com]'),
      'skeletons/hello/x.txt': 'x\n',
      'values.yaml': 'name: my-svc\nowner: team-a\n',
    });
    const out: string[] = [];
    const io = { cwd: root, env: {}, stdout: { write: (t: string) => void out.push(t) }, stderr: { write: () => {} }, writeFile: async () => {}, fetch };
    expect(await run(['templates', 'render', 'templates/hello/template.yaml', '--values', 'values.yaml', '--out', 'out', '--root', root], io)).toBe(1);
    expect(out.join('').split('\n').filter(l => l.startsWith('✖'))).toEqual([
      '✖ step publish: Invalid input passed to action publish:github, instance is not allowed to have the additional property "allowedHosts"',
      '✖ step publish: parseRepoUrl reads "github.com?owner=acme&repo=my-svc?owner=platform-team" as repo "my-svc?owner=platform-team", which is not a valid name',
    ]);
  }, 30_000);

  it('says why it cannot render: an old template version, or a template Backstage would fail on', async () => {
    const { run } = await import('../../src/cli/main.ts');
    const root = await repo({
      'templates/old/template.yaml': TEMPLATE.replace('scaffolder.backstage.io/v1beta3', 'backstage.io/v1beta2'),
      'templates/hello/template.yaml': TEMPLATE,
      'templates/typed/template.yaml': TEMPLATE.replace('    - properties:\n        name: {type: string}\n', () => "    - required: [name]\n      properties:\n        name: {type: string, pattern: '^[a-z-]+$'}\n"),
      'skeletons/hello/x.txt': '${{ values.name | nosuchfilter }}\n',
      'values.yaml': 'name: my-svc\n',
    });
    const out: string[] = [];
    const err: string[] = [];
    const io = { cwd: root, env: {}, stdout: { write: (t: string) => void out.push(t) }, stderr: { write: (t: string) => void err.push(t) }, writeFile: async () => {}, fetch };
    expect(await run(['templates', 'render', 'templates/old/template.yaml', '--values', 'values.yaml', '--out', 'out', '--root', root], io)).toBe(2);
    expect(err.join('')).toContain('templates/old/template.yaml is backstage.io/v1beta2: the scaffolder runs only scaffolder.backstage.io/v1beta3 templates.');
    expect(await run(['templates', 'render', 'templates/hello/template.yaml', '--values', 'values.yaml', '--out', 'out', '--root', root], io)).toBe(1);
    expect(out.join('')).toMatch(/^✖ The template failed to render: .*nosuchfilter/m);
    out.length = 0;
    await writeFileIn(root, 'bad-values.yaml', 'name: 42\n');
    expect(await run(['templates', 'render', 'templates/typed/template.yaml', '--values', 'bad-values.yaml', '--out', 'out2', '--root', root], io), err.join('')).toBe(1);
    expect(out.join('')).toBe('✖ Parameter page 1: values.name is not of a type(s) string\nBackstage would refuse these values or secrets before running the template; nothing was rendered.\n');
  }, 30_000);
});

describe('templates that try to write outside their target', () => {
  it('refuses a rendered path that climbs out of the workspace', async () => {
    const root = await repo({ 'templates/hello/template.yaml': TEMPLATE, 'skeletons/hello/${{ values.name }}.txt': 'x\n' });
    await expect(renderTemplate({ source: source(root), templateFile: 'templates/hello/template.yaml', template: parse(TEMPLATE), values: { name: '../../../../tmp/escaped' }, offlineActions: ['publish:github'] })).rejects.toThrow(/outside|not allowed/i);
  }, 30_000);
});
