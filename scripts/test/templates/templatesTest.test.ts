import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';

async function copy(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gitops-templates-'));
  for (const part of ['catalog', 'templates', 'skeletons', 'schemas', 'gitops.config.yaml']) await cp(join(REPO_ROOT, part), join(root, part), { recursive: true });
  return root;
}

interface Finding { ruleId: string; file: string; range: { start: { line: number } }; message: string }

async function edit(root: string, path: string, change: (text: string) => string) {
  await writeFile(join(root, path), change(await readFile(join(root, path), 'utf8')));
}

/** `templates test [args] --format json` in `root`, through the shipped bin: its exit code and findings. */
async function templatesTest(root: string, ...args: string[]) {
  const result = await gitops(root, ['templates', 'test', ...args, '--format', 'json']);
  expectCleanStderr(result);
  const body = JSON.parse(result.stdout) as { diagnostics: Finding[]; summary: { checkedFiles: number } };
  return { code: result.status, ...body };
}

describe('backstage-gitops templates test', () => {
  it("passes this repo's templates; the rendered Node.js service installs and its own tests pass", async () => {
    const { code, diagnostics } = await templatesTest(REPO_ROOT, '--run');
    expect(diagnostics).toEqual([]);
    expect(code).toBe(0);
  }, 300_000);

  it('fails a broken skeleton, bad values and a changed tree with the file and line of the case', async () => {
    const root = await copy();
    await edit(root, 'skeletons/node-service/README.md', text => `${text}{% raw %}Team: \${{ values.team }}{% endraw %}\n`);
    await edit(root, 'templates/node-service/tests/default.yaml', text => text.replace('name: orders-notifier\n', 'name: Orders_Notifier\n'));
    const { code, diagnostics } = await templatesTest(root);
    expect(code).toBe(1);
    const found = diagnostics.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`);
    expect(found).toContain('template-values-invalid@templates/node-service/tests/default.yaml:3');
    expect(found).toContain('template-output-invalid@templates/node-service/tests/default.yaml:3');
    expect(found).toContain('template-snapshot@templates/node-service/tests/default.yaml:1');
    expect(found.filter(f => f.startsWith('template-expectation'))).not.toEqual([]);
  }, 60_000);

  it("holds the rendered catalog-info.yaml to the org's catalog gate: policies and references", async () => {
    const root = await copy();
    await edit(root, 'templates/node-service/tests/default.yaml', text => text.replace('owner: group:default/commerce-team', 'owner: group:default/comerce-team').replace("'owner: group:default/commerce-team', ", ''));
    await edit(root, 'skeletons/node-service/catalog-info.yaml', text => text.replace('lifecycle: experimental', 'lifecycle: beta'));
    const { code, diagnostics } = await templatesTest(root, 'node-service');
    expect(code).toBe(1);
    const messages = diagnostics.filter(d => d.ruleId === 'template-output-invalid').map(d => d.message);
    expect(messages).toEqual([
      'catalog-info.yaml:13: policy/allowed-lifecycles: spec.lifecycle must be experimental, production or deprecated',
      'catalog-info.yaml:14: ref-unresolved: spec.owner refers to group:default/comerce-team, which is not defined in this catalog.',
    ]);
  }, 60_000);

  it('reports a parameter page the backend cannot validate instead of stopping the run', async () => {
    const root = await copy();
    await edit(root, 'templates/node-service/template.yaml', text => text.replace('    - title: Service\n', "    - title: Service\n      if: '${{ parameters.name }}'\n"));
    const { code, diagnostics, summary } = await templatesTest(root);
    expect(code).toBe(1);
    expect(diagnostics.map(d => `${d.ruleId}@${d.file}: ${d.message}`)).toContain('template-values-invalid@templates/node-service/tests/default.yaml: Parameter page 1 cannot be checked by the scaffolder backend: Expected "if" keyword to be a schema');
    expect(summary.checkedFiles).toBeGreaterThanOrEqual(7);
  }, 60_000);

  const PUBLISH = '        repoUrl: ${{ parameters.repoUrl }}\n        description: ${{ parameters.description }}\n        defaultBranch: main\n        repoVisibility: internal\n';
  it.each([
    ['a repoUrl parseRepoUrl refuses', PUBLISH.replace('${{ parameters.repoUrl }}', 'github.com/acme/${{ parameters.name }}'),
      // Refused whatever the values: the static finding says it once, for every case.
      ['template-repo-url@templates/node-service/template.yaml:75 parseRepoUrl refuses "github.com/acme/${{ parameters.name }}" whatever its expressions give: it takes the owner and repo from the query (?owner=…&repo=…), which this value never has (with "sample" for each expression: Invalid repo URL passed to publisher: https://github.com/acme/sample, missing repo).']],
    ['an expression the picker value is appended to', PUBLISH.replace('${{ parameters.repoUrl }}', '${{ parameters.repoUrl }}?owner=platform-team'),
      ['template-repo-url@templates/node-service/template.yaml:75 parseRepoUrl reads "github.com?owner=sample-owner&repo=sample-repo?owner=platform-team" as repo "sample-repo?owner=platform-team", which is not a valid name (with the RepoUrlPicker value github.com?owner=sample-owner&repo=sample-repo).']],
    ['a rendered value outside the action\'s enum', PUBLISH.replace('internal', '${{ parameters.name }}'),
      ['template-action-input@templates/node-service/template.yaml:78 Invalid input passed to action publish:github, instance.repoVisibility is not one of enum values: private,public,internal (rendered with the values of templates/node-service/tests/default.yaml)']],
    ['an option of the RepoUrlPicker passed to publish:github', `${PUBLISH}        allowedHosts: [github.com]\n`,
      ['template-action-input@templates/node-service/template.yaml:79 Invalid input passed to action publish:github, instance is not allowed to have the additional property "allowedHosts"']],
    // A lone ${{ parameters.name }} keeps the string type the form declares, so the refusal holds for every
    // value and the template's own check reports it (without "rendered with the values of"), still once.
    ['a built-in action given a rendered value of the wrong type', null,
      ['template-action-input@templates/node-service/template.yaml:62 Invalid input passed to action fetch:template, instance.copyWithoutTemplating is not of a type(s) array']],
  ] as [string, string | null, string[]][])("refuses what the action would refuse when the task runs: %s, on the step's line, once", async (_name, input, expected) => {
    const root = await copy();
    await edit(root, 'templates/node-service/template.yaml', text => {
      if (!text.includes(PUBLISH)) throw new Error('fixture drifted');
      return input === null ? text.replace(/        copyWithoutTemplating:\n(          - .*\n)+/, '        copyWithoutTemplating: ${{ parameters.name }}\n') : text.replace(PUBLISH, input);
    });
    const { code, diagnostics } = await templatesTest(root, 'node-service');
    expect(code).toBe(1);
    expect(diagnostics.filter(d => /template-(action-input|repo-url)/.test(d.ruleId)).map(d => `${d.ruleId}@${d.file}:${d.range.start.line} ${d.message}`)).toEqual(expected);
  }, 60_000);

  it('resolves $yaml placeholders in steps and parameter pages first, and analyses the skeleton such a step fetches', async () => {
    const root = await copy();
    const file = 'templates/node-service/template.yaml';
    const text = await readFile(join(root, file), 'utf8');
    const page = /    - title: Repository\n[\s\S]*?allowedOwners: \[acme\]\n/.exec(text)![0];
    const step = /    - id: fetch\n[\s\S]*?(?=    - id: publish\n)/.exec(text)![0];
    const unindent = (block: string) => block.split('\n').map(line => line.slice(4)).join('\n').replace(/^- /, '').replace(/\n  /g, '\n');
    await writeFile(join(root, 'templates/node-service/repository-page.yaml'), unindent(page));
    await mkdir(join(root, 'templates/node-service/steps'));
    await writeFile(join(root, 'templates/node-service/steps/fetch.yaml'), unindent(step));
    // One relative, one as a URL into this repository (gitops.config.yaml's repoUrl), as the catalog reads both.
    await writeFile(join(root, file), text.replace(page, '    - $yaml: https://github.com/acme/backstage-control/blob/main/templates/node-service/repository-page.yaml\n').replace(step, '    - $yaml: ./steps/fetch.yaml\n'));
    expect(await templatesTest(root, 'node-service')).toMatchObject({ code: 0, diagnostics: [] });
    await edit(root, 'skeletons/node-service/README.md', t => `${t}Team: \${{ values.team }}\n`);
    const { diagnostics } = await templatesTest(root, 'node-service');
    expect(diagnostics.filter(d => d.ruleId === 'skeleton-unknown-value').map(d => d.file)).toEqual(['skeletons/node-service/README.md']);
  }, 60_000);

  it("refuses a case whose secrets fail the template's spec.secrets.schema, as the backend does", async () => {
    const root = await copy();
    await edit(root, 'templates/node-service/template.yaml', text => text.replace('  type: service\n', '  type: service\n  secrets:\n    schema:\n      type: object\n      required: [npmToken]\n'));
    const { code, diagnostics } = await templatesTest(root, 'node-service');
    expect(code).toBe(1);
    expect(diagnostics.filter(d => d.ruleId === 'template-secrets-invalid').map(d => `${d.file}:${d.range.start.line} ${d.message}`)).toEqual(['templates/node-service/tests/default.yaml:1 secrets.npmToken is required']);
  }, 60_000);

  it('splits the cases across shards, each case in exactly one', async () => {
    const counts: number[] = [];
    for (const spec of ['', '1/2', '2/2']) {
      const { code, summary } = await templatesTest(REPO_ROOT, ...(spec ? ['--shard', spec] : []));
      expect(code).toBe(0);
      counts.push(summary.checkedFiles);
    }
    expect(counts[0]).toBeGreaterThanOrEqual(7);
    expect(counts[1] + counts[2]).toBe(counts[0]);
    expect(counts[1]).toBeGreaterThan(0);
    expect(counts[2]).toBeGreaterThan(0);
  }, 60_000);
});
