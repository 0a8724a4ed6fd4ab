import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
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

  it('checks the rendered input of steps that only run in Backstage against their schema', async () => {
    const root = await copy();
    await edit(root, 'templates/node-service/template.yaml', text => text.replace('        repoUrl: ${{ parameters.repoUrl }}\n        description: ${{ parameters.description }}', '        repoUrl: github.com/acme/${{ parameters.name }}\n        description: ${{ parameters.description }}'));
    const { code, diagnostics } = await templatesTest(root, 'node-service');
    expect(code).toBe(1);
    const messages = diagnostics.map(d => `${d.ruleId}: ${d.message}`);
    expect(messages).toContain('template-action-input: publish:github would get an invalid input: /repoUrl must match pattern "^github\\.com\\?owner=[^&]+&repo=[^&]+$"');
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
