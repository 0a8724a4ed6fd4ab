import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

const CONFIG = "repoUrl: https://github.com/acme/x/blob/main/\nbackstageConfig:\n  files: [app-config.yaml]\n  plugins: ['@backstage/plugin-scaffolder-backend', '@backstage/plugin-scaffolder-backend-module-github']\n";

/** A template whose steps are given as YAML lines (indented for `steps:`), with one string parameter. */
const template = (steps: string) => `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec:\n  owner: group:default/a\n  type: service\n  parameters:\n    - properties:\n        name: {type: string}\n  steps:\n${steps}`;

async function repo(steps: string, extra: Record<string, string> = {}) {
  return tempRepo({ 'app-config.yaml': 'app: {}\n', 'gitops.config.yaml': CONFIG, 'templates/t/template.yaml': template(steps), 'values.yaml': 'name: demo\n', 'skeleton/README.md': '# ${{ values.name }}\n', ...extra });
}

/** `check --format json` on the template through the bin: exit code and `rule@line message` per finding. */
async function check(root: string) {
  const run = await runBin(['check', '--format', 'json', 'templates/t/template.yaml'], root);
  const diagnostics = JSON.parse(run.stdout).diagnostics as { ruleId: string; message: string; hint?: string; range: { start: { line: number } } }[];
  return { status: run.status, findings: diagnostics.filter(d => d.ruleId.startsWith('template-') && d.ruleId !== 'template-action-not-allowed').map(d => `${d.ruleId}@${d.range.start.line} ${d.message}`), diagnostics };
}

const render = (root: string) => runBin(['templates', 'render', 'templates/t/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);

describe('workspace paths are judged only where the action resolves them in the workspace', () => {
  const steps = [
    '    - id: fetch',
    '      action: fetch:template',
    '      input:',
    '        url: ../../skeleton',
    '        values: {name: "${{ parameters.name }}"}',
    '    - id: pages',
    '      action: github:pages:enable',
    '      input:',
    '        repoUrl: github.com?owner=acme&repo=demo',
    "        sourcePath: '/'",
    '',
  ].join('\n');

  it("Backstage's demo github:pages:enable with sourcePath '/' is no finding in check or render", async () => {
    const root = await repo(steps);
    expect((await check(root)).findings).toEqual([]);
    const rendered = await render(root);
    expect(rendered.stdout).not.toContain('Relative path');
    expect(rendered.status, rendered.stdout + rendered.stderr).toBe(0);
    // Every line, on both streams, is whole.
    for (const text of [rendered.stdout, rendered.stderr]) expect(text).toMatch(/^(?:[^\n]+\n)+$/);
  }, 60_000);

  it('a fetch:template targetPath or publish:github sourcePath that leaves the workspace still is, with a workspace hint', async () => {
    const root = await repo(steps.replace("        sourcePath: '/'\n", '') + [
      '    - id: publish',
      '      action: publish:github',
      '      input:',
      '        repoUrl: github.com?owner=acme&repo=demo',
      '        sourcePath: ../../etc',
      '',
    ].join('\n').replace(/^/, ''));
    const { findings, diagnostics } = await check(root);
    expect(findings).toEqual(['template-action-input@24 sourcePath "../../etc": Relative path is not allowed to refer to a directory outside its parent']);
    expect(diagnostics.find(d => d.ruleId === 'template-action-input')!.hint).toContain('inside the task workspace');
    const rendered = await render(root);
    expect(rendered.stdout).toContain('✖ step publish: sourcePath "../../etc": Relative path is not allowed to refer to a directory outside its parent\n');
    expect(rendered.status).toBe(1);
  }, 60_000);
});

describe('templates render and check agree on actions no installed module provides', () => {
  it.each(['http:backstage:request', 'notification:send'])('%s: the same template-action-unknown message, exit 1', async action => {
    const root = await repo(`    - id: call\n      action: ${action}\n      input: {}\n`);
    const checked = await check(root);
    expect(checked.findings).toEqual([`template-action-unknown@12 No installed scaffolder module provides the action ${action}: the managed Backstage would fail the task with "Template action with ID '${action}' is not registered."`]);
    const rendered = await render(root);
    expect(rendered.stdout).toContain(`✖ step call: ${checked.diagnostics.find(d => d.ruleId === 'template-action-unknown')!.message}\n`);
    expect(rendered.stdout).not.toContain('skipped offline');
    expect(rendered.status).toBe(1);
  }, 60_000);
});

// sasiperi/software-templates gitlab-merge-request (publish:gitlab:merge-request), no gitops.config.yaml: check
// gave a warning ("No gitops.config.yaml says which scaffolder modules your Backstage runs"), exit 0, while
// templates render printed ✖ with no such hint and exited 1 for a Backstage that may well run the GitLab module.
describe('without gitops.config.yaml, templates render says an unknown action as check does: a warning', () => {
  it('⚠ with the no-config hint, exit 0; with a config still ✖, exit 1 (above)', async () => {
    const root = await tempRepo({ 'templates/t/template.yaml': template('    - id: fetch\n      action: fetch:template\n      input:\n        url: ../../skeleton\n        values: {name: "${{ parameters.name }}"}\n    - id: publish\n      action: publish:gitlab:merge-request\n      input: {repoUrl: "gitlab.com?owner=acme&repo=demo"}\n'), 'values.yaml': 'name: demo\n', 'skeleton/README.md': '# ${{ values.name }}\n' });
    const checked = await runBin(['check', '--format', 'json', '--root', '.'], root);
    const unknown = (JSON.parse(checked.stdout).diagnostics as { ruleId: string; severity: string; message: string }[]).filter(d => d.ruleId === 'template-action-unknown');
    expect(unknown.map(d => d.severity)).toEqual(['warning']);
    const rendered = await render(root);
    expect(rendered.stdout).toContain(`⚠ step publish: ${unknown[0].message}\n  hint: No gitops.config.yaml says which scaffolder modules your Backstage runs`);
    expect(rendered.stdout).not.toContain('✖');
    expect(rendered.status, rendered.stdout + rendered.stderr).toBe(0);
  }, 60_000);
});

describe('templates render messages are whole lines', () => {
  it('a render failure ends with a newline, exit 1', async () => {
    const root = await repo('    - id: fetch\n      action: fetch:template\n      input:\n        url: ../../skeleton\n', { 'skeleton/README.md': '{% for x in %}\n' });
    const rendered = await render(root);
    expect(rendered.stdout).toMatch(/^✖ The template failed to render: step fetch \(fetch:template\), skeleton file README.md: Template error at line 1, column 12: [^\n]*\n$/);
    expect(rendered.status).toBe(1);
  }, 60_000);

  it("an action that logs through the step's logger fails with its own error (fs:rename of a missing file: ENOENT), not the logger's", async () => {
    const root = await repo('    - id: fetch\n      action: fetch:template\n      input:\n        url: ../../skeleton\n    - id: rename\n      action: fs:rename\n      input:\n        files:\n          - {from: MISSING.md, to: moved.md}\n');
    const rendered = await render(root);
    // The path in the task's workspace, not the host's temporary folder.
    expect(rendered.stdout).toBe("✖ The template failed to render: step rename (fs:rename): MISSING.md does not exist in the task's workspace (ENOENT)\n");
    expect(rendered.stdout).not.toContain('#winston');
    expect(rendered.status).toBe(1);
  }, 60_000);

  it.each([
    // Said in words, naming the flag: 'cannot read missing.yaml (ENOENT)' left a newcomer to decode errno,
    // and --secrets echoed Node's whole message with the absolute path.
    ['a template file that does not exist', ['templates/t/missing.yaml', '--values', 'values.yaml'], 'backstage-gitops templates: the template: templates/t/missing.yaml does not exist.\n'],
    ['a values file that does not exist', ['templates/t/template.yaml', '--values', 'missing.yaml'], 'backstage-gitops templates: --values: missing.yaml does not exist (a path from the folder the command runs in).\n'],
    ['a values path that is a folder', ['templates/t/template.yaml', '--values', 'templates'], 'backstage-gitops templates: --values: templates is a folder where a file was expected.\n'],
    ['a secrets file that does not exist', ['templates/t/template.yaml', '--values', 'values.yaml', '--secrets', 'my-secrets.yaml'], 'backstage-gitops templates: --secrets: my-secrets.yaml does not exist (a path from the folder the command runs in).\n'],
  ])('%s: one line naming it, exit 2, no stack', async (_name, args, expected) => {
    const root = await repo('    - id: log\n      action: debug:log\n      input: {message: hi}\n');
    const rendered = await runBin(['templates', 'render', ...args, '--out', 'out'], root);
    expect(rendered.stderr).toBe(expected);
    expect(rendered.status).toBe(2);
  }, 60_000);
});
