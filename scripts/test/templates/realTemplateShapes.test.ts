import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Shapes seen in public software-template repositories (backstage/software-templates,
// janus-idp/software-templates, …), reduced to hand-written fixtures: each works in Backstage's dry-run.
const CONFIG = "repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [templates/all.yaml]\ncodeowners:\n  platformTeam: '@acme/platform'\nbackstageConfig:\n  files: [app-config.yaml]\n  plugins: ['@backstage/plugin-scaffolder-backend']\n";

/** A repo with one template `t` (its steps as given), a skeleton and one test case. */
async function templateRepo(steps: string, skeleton: Record<string, string>, testCase: string, config = CONFIG): Promise<string> {
  return tempRepo({
    'gitops.config.yaml': config,
    'app-config.yaml': 'app: {}\n',
    'templates/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: all}\nspec:\n  targets: [./t/template.yaml]\n',
    'templates/t/template.yaml': `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: t
spec:
  owner: group:default/team-a
  type: service
  parameters:
    - properties:
        name: {type: string}
        repoUrl: {type: string, ui:field: RepoUrlPicker}
        services: {type: array, items: {type: string}}
  steps:
${steps}`,
    ...Object.fromEntries(Object.entries(skeleton).map(([path, content]) => [`templates/t/skeleton/${path}`, content])),
    'templates/t/tests/a.yaml': testCase,
  });
}

describe('steps without an id (backstage/software-templates rails-demo)', () => {
  // The scaffolder's router names such a step step-<n> before the runner sees it, for tasks and dry-runs.
  const steps = `    - name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
    - action: debug:log
      input:
        message: hi \${{ parameters.name }}
`;

  it('templates test renders them as Backstage does', async () => {
    const root = await templateRepo(steps, { 'README.md': 'hello ${{ values.name }}\n' }, 'name: a\nvalues: {name: x}\nexpect:\n  contains:\n    README.md: [hello x]\nsnapshot: false\n');
    const run = await runBin(['templates', 'test'], root);
    expect(run.stdout + run.stderr).not.toContain('template-render-failed');
    expect(run.status, run.stdout + run.stderr).toBe(0);
  }, 60_000);

  it('templates render writes the files', async () => {
    const root = await templateRepo(steps, { 'README.md': 'hello ${{ values.name }}\n' }, 'name: a\nvalues: {name: x}\n');
    await import('node:fs/promises').then(fs => fs.writeFile(join(root, 'v.yaml'), 'name: x\n'));
    const run = await runBin(['templates', 'render', 'templates/t/template.yaml', '--values', 'v.yaml', '--out', 'out'], root);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(await readFile(join(root, 'out/README.md'), 'utf8')).toBe('hello x\n');
  }, 60_000);
});

describe('a repoUrl taken from an earlier step\'s output (janus-idp/software-templates argocd)', () => {
  // In a dry-run the skipped publish step's output is an example ('<example>'); no task passes that on.
  const fetch = `    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
    - id: publish
      action: publish:github
      input:
        repoUrl: \${{ parameters.repoUrl }}
`;
  const testCase = 'name: a\nvalues: {name: x, repoUrl: "github.com?owner=acme&repo=x"}\nsnapshot: false\n';
  const github = CONFIG.replace("plugins: ['@backstage/plugin-scaffolder-backend']", "plugins: ['@backstage/plugin-scaffolder-backend', '@backstage/plugin-scaffolder-backend-module-github']");

  it.each([
    ['an action declared in gitops.config.yaml (its schema says what it takes)', 'argocd:create-resources', `${github}  actions:\n    argocd:create-resources:\n      input: {type: object, properties: {repoUrl: {type: string}, appName: {type: string}}}\n`],
    ['an installed module\'s action', 'github:webhook', github],
  ])('%s: no parseRepoUrl finding on the example output', async (_name, action, config) => {
    const steps = `${fetch}    - id: next
      action: ${action}
      input:
        repoUrl: \${{ steps.publish.output.remoteUrl }}
${action === 'github:webhook' ? '        webhookUrl: https://example.com/hook\n' : ''}`;
    const root = await templateRepo(steps, { 'README.md': 'hello ${{ values.name }}\n' }, testCase, config);
    const run = await runBin(['templates', 'test', '--format', 'json'], root);
    const findings = (JSON.parse(run.stdout).diagnostics as { ruleId: string; message: string }[]).map(d => `${d.ruleId}: ${d.message}`);
    expect(findings.filter(f => f.includes('<example>'))).toEqual([]);
    expect(run.status, run.stdout).toBe(0);
  }, 60_000);

  it('a repoUrl the parameters build is still read through parseRepoUrl', async () => {
    const steps = `${fetch}    - id: next
      action: github:webhook
      input:
        repoUrl: github.com?repo=\${{ parameters.name }}
        webhookUrl: https://example.com/hook
`;
    const root = await templateRepo(steps, { 'README.md': 'hello ${{ values.name }}\n' }, testCase, github);
    const run = await runBin(['templates', 'test', '--format', 'json'], root);
    expect((JSON.parse(run.stdout).diagnostics as { ruleId: string }[]).map(d => d.ruleId)).toContain('template-repo-url');
    expect(run.status).toBe(1);
  }, 60_000);
});

describe('a step input built from the output of an action no installed module provides (janus-idp gitlab/python-backend)', () => {
  // publish:gitlab is reported as unknown; what it would output is unknown too, so catalog:register's
  // input built from it is not judged (it is not missing anything in a Backstage that has the module). The
  // file register reads is (registerTarget.test.ts): the skeleton has it.
  const steps = `    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
    - id: publish
      action: publish:gitlab
      input:
        repoUrl: gitlab.com?owner=acme&repo=\${{ parameters.name }}
    - id: register
      action: catalog:register
      input:
        repoContentsUrl: \${{ steps.publish.output.repoContentsUrl }}
        catalogInfoPath: /catalog-info.yaml
`;

  it('templates test reports the unknown action, not a refused catalog:register input', async () => {
    const root = await templateRepo(steps, { 'README.md': 'hello ${{ values.name }}\n', 'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: x}\nspec: {type: service, lifecycle: experimental, owner: user:guest}\n' }, 'name: a\nvalues: {name: x}\nsnapshot: false\n');
    const run = await runBin(['templates', 'test', '--format', 'json'], root);
    const findings = (JSON.parse(run.stdout).diagnostics as { ruleId: string; message: string }[]).map(d => `${d.ruleId}: ${d.message}`);
    expect(findings.filter(f => f.includes('catalog:register'))).toEqual([]);
  }, 60_000);

  it('templates render says only that the action is unknown', async () => {
    const root = await templateRepo(steps, { 'README.md': 'hello ${{ values.name }}\n' }, 'name: a\nvalues: {name: x}\n');
    await import('node:fs/promises').then(fs => fs.writeFile(join(root, 'v.yaml'), 'name: x\n'));
    const run = await runBin(['templates', 'render', 'templates/t/template.yaml', '--values', 'v.yaml', '--out', 'out'], root);
    expect(run.stdout).toContain('publish:gitlab');
    expect(run.stdout).not.toContain('Invalid input passed to action catalog:register');
  }, 60_000);
});

describe('an each over the output of an action no installed module provides (RoadieHQ delete-entities)', () => {
  const steps = `    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
    - id: parse
      action: roadiehq:utils:jsonata
      input:
        data: [1, 2]
        expression: '$'
    - id: each-result
      each: \${{ steps.parse.output.result }}
      action: debug:log
      input:
        message: \${{ each.value }}
`;

  it('templates test renders the files and reports the unknown action (and the step skipped over its output), no render failure', async () => {
    const root = await templateRepo(steps, { 'README.md': 'hello ${{ values.name }}\n' }, 'name: a\nvalues: {name: x}\nexpect:\n  contains:\n    README.md: [hello x]\nsnapshot: false\n');
    const run = await runBin(['templates', 'test', '--format', 'json'], root);
    const findings = (JSON.parse(run.stdout).diagnostics as { ruleId: string; message: string }[]).map(d => d.ruleId);
    expect(findings).not.toContain('template-render-failed');
    expect(run.stderr).not.toContain('internal error');
  }, 60_000);
});

describe('a step whose each can never be a list or mapping', () => {
  const step = (each: string, extra = '') => `    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
    - id: loop
      action: debug:log${extra}
      each: ${each}
      input:
        message: m
`;
  const run = async (each: string, extra = '') => {
    const root = await templateRepo(step(each, extra), { 'README.md': 'hello ${{ values.name }}\n' }, 'name: a\nvalues: {name: x}\nsnapshot: false\n');
    const result = await runBin(['check', '--format', 'json'], root);
    return (JSON.parse(result.stdout).diagnostics as { ruleId: string; file: string; range: { start: { line: number } }; message: string }[]).filter(d => d.ruleId === 'template-each-invalid').map(d => `${d.file}:${d.range.start.line} ${d.message}`);
  };

  it.each([
    ['3', 'each is the number 3'],
    ['"a,b"', 'each is the plain text "a,b"'],
    ['null', 'each is null'],
    ['true', 'each is the boolean true'],
  ])('check: each: %s fails the task as the runner fails it', async (each, said) => {
    expect(await run(each)).toEqual([`templates/t/template.yaml:22 ${said}: the scaffolder fails the task at this step ("Invalid value on action debug:log.each parameter, must resolve to an array or object").`]);
  }, 60_000);

  // Template differential (session 48): the dry-run answers 400 "must resolve to an array or object" for a
  // lone parameter the form declares as a string, and check said nothing (it judged literal values only).
  it.each([["${{ parameters.name }}"], ["${{ parameters['name'] }}"]])('check: each: %s, a parameter declared as a string, fails the task as the runner fails it', async each => {
    expect(await run(each)).toEqual(['templates/t/template.yaml:22 each is the parameter name, which the form declares as string: the scaffolder fails the task at this step ("Invalid value on action debug:log.each parameter, must resolve to an array or object").']);
  }, 60_000);

  it.each([['[a, b]'], ['{x: 1}'], ['${{ parameters.services }}'], ['${{ parameters.name | length }}'], ['${{ parameters.undeclared }}'], ['"{% if true %}x{% endif %}"']])('check: each: %s is no finding', async each => {
    expect(await run(each)).toEqual([]);
  }, 60_000);

  it('check: a step with if: false is skipped before its each is read', async () => {
    expect(await run('3', '\n      if: false')).toEqual([]);
  }, 60_000);
});

describe('catalog:fetch of an entity the repository defines (contract-first-idp-test software-templates)', () => {
  // A dry-run runs catalog:fetch against the live catalog, which ingests this repository; the example
  // output of the action's schema would leave every field the template reads empty.
  const repo = () => tempRepo({
    'gitops.config.yaml': CONFIG.replace('roots: [templates/all.yaml]', 'roots: [templates/all.yaml, catalog/all.yaml]'),
    'app-config.yaml': 'app: {}\n',
    'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: orders\n  annotations:\n    github.com/project-slug: acme/orders\nspec:\n  owner: group:default/team-a\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n',
    'templates/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: all}\nspec:\n  targets: [./t/template.yaml]\n',
    'templates/t/template.yaml': `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: t
spec:
  owner: group:default/team-a
  type: service
  parameters:
    - properties:
        system: {type: string}
  steps:
    - id: sys
      action: catalog:fetch
      input:
        entityRef: \${{ parameters.system }}
        defaultKind: system
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          slug: \${{ steps.sys.output.entity.metadata.annotations['github.com/project-slug'] }}
          owner: \${{ steps.sys.output.entity.spec.owner }}
`,
    'templates/t/skeleton/info.txt': 'slug: ${{ values.slug }}\nowner: ${{ values.owner }}\n',
    'templates/t/tests/a.yaml': 'name: a\nvalues: {system: orders}\nexpect:\n  contains:\n    info.txt: ["slug: acme/orders", "owner: group:default/team-a"]\nsnapshot: false\n',
    'v.yaml': 'system: orders\n',
    'v2.yaml': 'system: elsewhere\n',
  });

  it('templates test renders the fetched entity\'s fields', async () => {
    const run = await runBin(['templates', 'test'], await repo());
    expect(run.status, run.stdout + run.stderr).toBe(0);
  }, 60_000);

  it('templates render writes them; an entity the repository does not define still gets the example output', async () => {
    const root = await repo();
    const answered = await runBin(['templates', 'render', 'templates/t/template.yaml', '--values', 'v.yaml', '--out', 'out'], root);
    expect(answered.status).toBe(0);
    expect(answered.stdout).not.toContain('skipped offline');
    expect(await readFile(join(root, 'out/info.txt'), 'utf8')).toBe('slug: acme/orders\nowner: group:default/team-a\n');
    const example = await runBin(['templates', 'render', 'templates/t/template.yaml', '--values', 'v2.yaml', '--out', 'out2'], root);
    expect(example.status).toBe(0);
    expect(example.stdout).toContain('(skipped offline: catalog:fetch)');
    expect(await readFile(join(root, 'out2/info.txt'), 'utf8')).toBe('slug: \nowner: \n');
  }, 60_000);
});

describe('one step id behind exclusive conditions (publish to GitHub or to GitLab, one `steps.publish` after)', () => {
  const steps = (secondIf: string) => `    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
    - id: publish
      if: \${{ parameters.name === 'a' }}
      action: debug:log
      input:
        message: first
${secondIf}    - id: publish
      action: debug:log
      input:
        message: second
    - id: after
      action: debug:log
      input:
        message: \${{ steps.publish.output }}
`;

  it('check does not call two conditional steps sharing an id a duplicate; an unconditional repeat still is', async () => {
    const clean = await templateRepo(steps("    - id: between\n      action: debug:log\n      input: {message: x}\n").replace('    - id: publish\n      action: debug:log\n      input:\n        message: second', "    - id: publish\n      if: ${{ parameters.name !== 'a' }}\n      action: debug:log\n      input:\n        message: second"), { 'README.md': 'x\n' }, 'name: a\nvalues: {name: x}\nsnapshot: false\n');
    const ok = await runBin(['check', '--format', 'json'], clean);
    expect(ok.stdout).not.toContain('template-duplicate-step');
    const repeated = await templateRepo(steps(''), { 'README.md': 'x\n' }, 'name: a\nvalues: {name: x}\nsnapshot: false\n');
    const bad = await runBin(['check', '--format', 'json'], repeated);
    expect(bad.stdout).toContain('template-duplicate-step');
    // Red team, round 14: a step without an id is step-<n> to the runner; an explicit id of that name shares its output.
    const cleanSteps = steps("    - id: between\n      action: debug:log\n      input: {message: x}\n").replace('    - id: publish\n      action: debug:log\n      input:\n        message: second', "    - id: publish\n      if: ${{ parameters.name !== 'a' }}\n      action: debug:log\n      input:\n        message: second");
    const generated = await templateRepo(cleanSteps.replace('    - id: fetch\n      action', '    - action').replace('    - id: after\n', '    - id: step-1\n      action: debug:log\n      input: {message: x}\n    - id: after\n'), { 'README.md': 'x\n' }, 'name: a\nvalues: {name: x}\nsnapshot: false\n');
    const clash = JSON.parse((await runBin(['check', '--format', 'json'], generated)).stdout) as { diagnostics: { ruleId: string; message: string }[] };
    expect(clash.diagnostics.filter(d => d.ruleId === 'template-duplicate-step').map(d => d.message.split('. Backstage')[0])).toEqual(["Step id step-1 is already used by step 1 (the scaffolder's name for step 1, which has no id)"]);
  }, 60_000);
});
