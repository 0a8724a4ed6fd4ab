import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCleanStderr, expectToolError, gitops } from '../e2e/gitops.ts';

/** A folder holding `files` (path → text), outside any git repository: render resolves urls in it. */
async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gitops-fidelity-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

const template = (steps: string, name = 't') => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: ${name}
spec:
  owner: user:guest
  type: service
  parameters:
    properties:
      name: {type: string}
  steps:
${steps}`;

const fetchSkeleton = (extra = '') => `    - id: fetch\n      action: fetch:template\n      input:\n        url: ./skeleton\n        values:\n          name: \${{ parameters.name }}\n${extra}`;

/** `templates render t.yaml` in `root` through the shipped bin; the ✖ lines it prints. */
async function render(root: string, ...args: string[]) {
  const run = await gitops(root, ['templates', 'render', 't.yaml', '--values', 'v.yaml', '--out', join(root, 'out'), ...args]);
  expectCleanStderr(run);
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, problems: run.stdout.split('\n').filter(l => l.startsWith('✖')) };
}

describe('templates render: files that are templates for another tool are not parsed as YAML', () => {
  it('Helm chart templates, .tpl helpers and Go/Jinja-templated YAML pass; YAML broken otherwise is still a finding, with its line', async () => {
    const root = await tree({
      't.yaml': template(fetchSkeleton()),
      'v.yaml': 'name: svc\n',
      // The tester's case: no Chart.yaml, the Go template itself says what the file is.
      'skeleton/chart/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${{ values.name }}\n  labels:\n    {{- include "app.labels" . | nindent 4 }}\n',
      'skeleton/charts/app/Chart.yaml': 'apiVersion: v2\nname: ${{ values.name }}\nversion: 0.1.0\n',
      'skeleton/charts/app/templates/_helpers.tpl': '{{- define "app.labels" -}}\napp: {{ .Chart.Name }}\n{{- end }}\n',
      'skeleton/charts/app/templates/service.yaml': 'kind: Service\nmetadata:\n  name: {{ include "app.fullname" . }}\n',
      'skeleton/charts/app/templates/dashboard.json': '{"title": {{ .Values.title | quote }}}\n',
      'skeleton/playbook.yml': '- hosts: all\n  tasks:\n    {% for p in packages %}\n    - apt: {name: {{ p }}}\n    {% endfor %}\n',
      'skeleton/broken.yaml': 'a: 1\nb: [unclosed\nc: 2\n',
      // `{{ values.x }}` is the scaffolder's own name missing its `$`, not another tool's: still YAML to check.
      'skeleton/forgot-dollar.yaml': 'a: {{ values.name }}\nb: [\n',
    });
    const { status, problems } = await render(root);
    expect(problems).toEqual([
      '✖ broken.yaml:3: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
      expect.stringMatching(/^✖ forgot-dollar\.yaml:\d: not valid YAML: /),
      // …and the skeleton's own finding names the missing `$` where it is written.
      "✖ skeleton/forgot-dollar.yaml:1:4 {{ values.name }} has no $ before its braces: the scaffolder's expressions are ${{ … }} (t.yaml, step fetch does not set cookiecutterCompat), so it is written out as is. (skeleton-unrendered-braces)",
    ]);
    expect(status).toBe(1);
  }, 60_000);
});

describe('templates render: JSON with comments where the format is JSONC', () => {
  it('tsconfig, jsconfig, .vscode, devcontainer and .eslintrc.json take comments and trailing commas; package.json does not', async () => {
    const jsonc = '{\n  // comment\n  "compilerOptions": {"strict": true,},\n  /* block */\n}\n';
    const root = await tree({
      't.yaml': template(fetchSkeleton()),
      'v.yaml': 'name: svc\n',
      'skeleton/tsconfig.json': jsonc,
      'skeleton/tsconfig.build.json': jsonc,
      'skeleton/jsconfig.json': jsonc,
      'skeleton/.vscode/settings.json': jsonc,
      'skeleton/.devcontainer/devcontainer.json': jsonc,
      'skeleton/.eslintrc.json': jsonc,
      'skeleton/package.json': '{\n  // not here\n  "name": "x"\n}\n',
      // A byte order mark, as Visual Studio writes one: npm, .NET and VS Code read the file.
      'skeleton/Properties/launchSettings.json': '\uFEFF{"profiles": {}}\n',
      'skeleton/tsconfig.app.json': '{\n  "compilerOptions": {\n    "strict": true\n  \n',
    });
    const { status, problems } = await render(root);
    expect(problems).toEqual([
      '✖ package.json:2: not valid JSON: InvalidCommentToken',
      '✖ tsconfig.app.json:5: not valid JSON (comments and trailing commas allowed here): CloseBraceExpected',
    ]);
    expect(status).toBe(1);
  }, 60_000);
});

describe('templates render: files copied verbatim keep their ${{ }}', () => {
  it('fetch:plain output and copyWithoutTemplating files pass; {% raw %} in a rendered file is still a finding', async () => {
    const root = await tree({
      't.yaml': template(`    - id: plain\n      action: fetch:plain\n      input:\n        url: ./files\n        targetPath: ./examples\n${fetchSkeleton("        copyWithoutTemplating: ['nested-template.yaml', 'docs/']\n")}    - id: njk\n      action: fetch:template\n      input:\n        url: ./njk\n        targetPath: ./njk\n        templateFileExtension: true\n        values: {name: svc}\n    - id: rename\n      action: fs:rename\n      input:\n        files: [{from: examples/update.yaml, to: moved/update.yaml}]\n`),
      'v.yaml': 'name: svc\n',
      'files/update.yaml': 'message: ${{ parameters.name }}\n',
      'files/README.md': 'Use ${{ values.name }} in your skeleton.\n',
      'skeleton/nested-template.yaml': 'steps:\n  - input: {name: "${{ parameters.name }}"}\n',
      'skeleton/docs/guide.md': 'Write ${{ values.x }}.\n',
      'skeleton/README.md': '# ${{ values.name }}\n{% raw %}Team: ${{ values.team }}{% endraw %}\n',
      // With templateFileExtension only *.njk is rendered; the rest is copied as it stands.
      'njk/index.md.njk': '# ${{ values.name }}\n',
      'njk/example.yaml': 'name: ${{ parameters.name }}\n',
      'njk/left.md.njk': '{% raw %}${{ values.name }}{% endraw %}\n',
    });
    const { status, problems } = await render(root);
    expect(problems).toEqual(['✖ README.md still contains a template expression: it was not rendered', '✖ njk/left.md still contains a template expression: it was not rendered']);
    expect(status).toBe(1);
  }, 60_000);
  it('a rendered software template keeps its own ${{ parameters }} and its skeleton its ${{ values }}; ${{ values }} left in its template.yaml is a finding', async () => {
    const generated = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: ${{ values.name }}\nspec:\n  steps:\n    - id: run\n      action: debug:log\n      input:\n        message: {% raw %}${{ parameters.x }}{% endraw %}\n';
    const root = await tree({
      't.yaml': template(fetchSkeleton()),
      'v.yaml': 'name: svc\n',
      'skeleton/templates/${{ values.name }}/template.yaml': generated,
      'skeleton/templates/${{ values.name }}/skeleton/README.md': '{% raw %}# ${{ values.name }}{% endraw %}\n',
      'skeleton/templates/other/template.yaml': generated.replace('${{ values.name }}', '{% raw %}${{ values.name }}{% endraw %}'),
    });
    const { status, problems } = await render(root);
    expect(problems).toEqual(['✖ templates/other/template.yaml still contains a template expression: it was not rendered']);
    expect(status).toBe(1);
  }, 60_000);
});

describe('templates render: a file of several documents', () => {
  const two = `${template('    - id: log\n      action: debug:log\n      input: {message: one}\n', 'first')}---\n${template('    - id: log\n      action: debug:log\n      input: {message: two}\n', 'second')}---\n`;

  it('several Templates: says which names to pick from, exit 2; --template NAME renders that one', async () => {
    const root = await tree({ 't.yaml': two, 'v.yaml': 'name: svc\n---\n' });
    expectToolError(await gitops(root, ['templates', 'render', 't.yaml', '--values', 'v.yaml', '--out', 'out']), /^backstage-gitops templates: t\.yaml holds 2 Templates \(first, second\): pick one with --template NAME\.\n$/);
    expectToolError(await gitops(root, ['templates', 'render', 't.yaml', '--values', 'v.yaml', '--out', 'out', '--template', 'third']), /t\.yaml has no Template named 'third'\. Templates in it: first, second\./);
    const picked = await render(root, '--template', 'second');
    expect(picked.stderr).toContain('two');
    expect(picked.stderr).not.toContain('one');
    expect(picked.status).toBe(0);
  }, 60_000);

  it('one Template ending in --- (or after an empty document) renders; a real YAML error still names its line', async () => {
    const root = await tree({ 't.yaml': `---\n---\n${template('    - id: log\n      action: debug:log\n      input: {message: hi}\n')}---\n`, 'v.yaml': 'name: svc\n' });
    expect((await render(root)).status).toBe(0);
    await writeFile(join(root, 't.yaml'), `${template('    - id: log\n      action: debug:log\n      input: {message: [hi}\n')}`);
    expectToolError(await gitops(root, ['templates', 'render', 't.yaml', '--values', 'v.yaml', '--out', 'out']), /^backstage-gitops templates: t\.yaml is not valid YAML \(line 1[45]\)\.\n$/);
  }, 60_000);
});

describe('templates render: a failure says where', () => {
  it('names the step and the skeleton file a render error comes from', async () => {
    const root = await tree({
      't.yaml': template(fetchSkeleton()),
      'v.yaml': 'name: nonsense\n',
      'skeleton/a.md': 'fine\n',
      'skeleton/b.md': 'line 1\nurl: ${{ values.name | parseRepoUrl }}\n',
    });
    const { status, problems } = await render(root);
    expect(problems).toEqual([expect.stringMatching(/^✖ The template failed to render: step fetch \(fetch:template\), skeleton file b\.md: Template error at line 2, column \d+: Template filter "parseRepoUrl" failed/)]);
    expect(status).toBe(1);
  }, 60_000);

  it('names a skeleton folder that is not there by its path in the repository, not the host path', async () => {
    const root = await tree({ 't.yaml': template(fetchSkeleton().replace('./skeleton', './skeletons/web')), 'v.yaml': 'name: svc\n', 'skeletons/api/a.md': 'hi\n' });
    const { status, problems } = await render(root);
    expect(problems).toEqual(['✖ The template failed to render: step fetch (fetch:template): skeletons/web does not exist in the repository (ENOENT)']);
    expect(status).toBe(1);
  }, 60_000);

  it('templates test: a case without the secret gets the same hint on its finding', async () => {
    const root = await tree({
      'templates/t/template.yaml': template(fetchSkeleton('        token: ${{ secrets.USER_OAUTH_TOKEN or false }}\n')),
      'templates/t/skeleton/a.md': 'hi\n',
      'templates/t/tests/basic.yaml': 'name: basic\nvalues:\n  name: svc\nsnapshot: false\n',
    });
    const run = await gitops(root, ['templates', 'test', 't', '--format', 'json']);
    expectCleanStderr(run);
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; message: string; hint: string }[] }).diagnostics;
    expect(found.map(d => [d.ruleId, d.hint])).toEqual([['template-action-input', expect.stringMatching(/^The input is read from the task secret USER_OAUTH_TOKEN, which was not given: pass it with --secrets FILE/)]]);
  }, 60_000);

  it('names the step when its input does not render, and the task secret an input reads when it was not given', async () => {
    const steps = fetchSkeleton('        token: ${{ secrets.USER_OAUTH_TOKEN or false }}\n');
    const root = await tree({ 't.yaml': template(steps), 'v.yaml': 'name: svc\n', 'skeleton/a.md': 'hi\n', 's.yaml': 'USER_OAUTH_TOKEN: t0ken\n' });
    const missing = await render(root, '--no-color');
    expect(missing.stdout.split('\n').filter(l => /^(✖|  hint)/.test(l))).toEqual([
      '✖ The template failed to render: step fetch (fetch:template): Invalid input passed to action fetch:template, instance.token is not of a type(s) string',
      '  hint (step fetch): The input is read from the task secret USER_OAUTH_TOKEN, which was not given: pass it with --secrets FILE (a YAML mapping like USER_OAUTH_TOKEN: …), or under secrets: in a test case.',
    ]);
    expect(missing.status).toBe(1);
    // A required input the secret alone fills: jsonschema says the property is missing.
    await writeFile(join(root, 't.yaml'), template('    - id: fetch\n      action: fetch:template\n      input:\n        url: ${{ secrets.SKELETON_URL }}\n'));
    expect((await render(root)).stdout).toContain('\n  hint (step fetch): The input is read from the task secret SKELETON_URL, which was not given');
    await writeFile(join(root, 't.yaml'), template(steps));
    const given = await render(root, '--secrets', 's.yaml');
    expect(given.problems).toEqual([]);
    expect(given.status).toBe(0);
  }, 60_000);
});

describe('templates test: copyWithoutRender, which this Backstage ignores', () => {
  it("a finding in a file copyWithoutRender lists says the key is ignored and names copyWithoutTemplating; one it does not list keeps the usual hint", async () => {
    const steps = fetchSkeleton("        copyWithoutRender: ['.github/workflows/*']\n");
    const root = await tree({
      'templates/t/template.yaml': template(steps),
      'templates/t/skeleton/.github/workflows/ci.yml': 'on: push\njobs:\n  b:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.sha }}\n',
      'templates/t/skeleton/.github/actions/x/other.yml': 'x: 1\n',
      'templates/t/skeleton/.github/workflows/sub/deploy.yml': 'on: push\njobs:\n  b:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.ref }}\n',
    });
    const run = await gitops(root, ['templates', 'test', 't', '--format', 'json', '--no-color']);
    expectCleanStderr(run);
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; file: string; hint: string }[] }).diagnostics.filter(d => d.ruleId === 'skeleton-github-expression');
    expect(found.map(d => [d.file, d.hint.startsWith("copyWithoutRender lists this file, but this Backstage's fetch:template ignores copyWithoutRender and renders the file: rename the key to copyWithoutTemplating.")])).toEqual([
      ['templates/t/skeleton/.github/workflows/ci.yml', true],
      ['templates/t/skeleton/.github/workflows/sub/deploy.yml', false],
    ]);
    expect(run.status).toBe(1);
  }, 60_000);
});
