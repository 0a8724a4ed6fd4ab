import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; file: string; message: string; hint: string; range: { start: { line: number; column: number } } }

// Template fidelity: under cookiecutterCompat the scaffolder's renderer reads `{{ … }}`, so a workflow's
// `${{ secrets.TOKEN }}` renders as `$` (the `{{ secrets.TOKEN }}` after it comes out empty) in every
// repository created from the template, and `${{ github.event-name }}` as `$NaN`. The rule that says so for
// `${{ … }}` templates skipped cookiecutter-mode ones: check passed, and only a snapshot showed the `$`.
const WORKFLOW = 'skel/.github/workflows/ci.yml';
const workflow = (run: string) => `name: {{ cookiecutter.name }}\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${run}\n`;

describe('a GitHub Actions expression in a cookiecutterCompat skeleton workflow', () => {
  it('is skeleton-github-expression, saying it renders as "$" and offering {% raw %}; the render and its fix agree', async () => {
    const root = await tempRepo({
      'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n',
      'templates/svc/template.yaml': 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: svc\nspec:\n  type: service\n  owner: group:default/team-a\n  parameters:\n    - properties:\n        name: { type: string }\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ../../skel\n        cookiecutterCompat: true\n        values:\n          name: ${{ parameters.name }}\n',
      'templates/svc/tests/default.yaml': 'name: default\nvalues:\n  name: x\n',
      [WORKFLOW]: workflow('echo ${{ secrets.TOKEN }} ${{ github.event-name }} {{ cookiecutter.name }}'),
    });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    const check = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(check.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'skeleton-github-expression');
    expect(found.map(d => [d.file, d.range.start.line, d.range.start.column])).toEqual([[WORKFLOW, 7, 23]]);
    expect(found[0].message).toBe('${{ secrets.TOKEN }} is a GitHub Actions expression, but Backstage renders it first (its fetch:template step sets cookiecutterCompat, so the renderer reads the {{ … }} after the $) and it comes out as "$". Backstage renders the 1 other GitHub Actions expression of this file too (line 7).');
    expect(found[0].hint).toBe("Write each as {% raw %}${{ secrets.TOKEN }}{% endraw %} so Backstage renders it to the GitHub expression. Listing the workflow under copyWithoutTemplating is no fix here: it would also copy the file's own template syntax (line 1) unrendered, which GitHub Actions cannot read.");
    expect(check.status).toBe(1);
    // What the scaffolder's own renderer writes, offline: the `$` and `$NaN` the finding names.
    const render = await runBin(['templates', 'test', '--update-snapshots'], root);
    expect(render.stderr).not.toMatch(/internal error/);
    expect(readFileSync(join(root, 'templates/svc/tests/default.snapshot.yaml'), 'utf8')).toContain('- run: echo $ $NaN x\n');
    // The hint's fix: the render keeps the GitHub expression, and check passes.
    writeFileSync(join(root, WORKFLOW), workflow('echo {% raw %}${{ secrets.TOKEN }}{% endraw %} {{ cookiecutter.name }}'));
    const fixed = await runBin(['templates', 'test', '--update-snapshots'], root);
    expect(fixed.status, fixed.stdout).toBe(0);
    expect(readFileSync(join(root, 'templates/svc/tests/default.snapshot.yaml'), 'utf8')).toContain('- run: echo ${{ secrets.TOKEN }} x\n');
    const clean = await runBin(['check', '--format', 'json'], root);
    expect((JSON.parse(clean.stdout).diagnostics as Finding[]).map(d => d.ruleId)).toEqual([]);
    expect(clean.status).toBe(0);
    // Red team: the steps context (and jobs, in a reusable workflow's outputs) is GitHub's too.
    writeFileSync(join(root, WORKFLOW), workflow('echo "${{ steps.meta.outputs.tags }}" {{ cookiecutter.name }}'));
    const steps = await runBin(['check', '--format', 'json'], root);
    expect((JSON.parse(steps.stdout).diagnostics as Finding[]).map(d => `${d.ruleId}: ${d.message.slice(0, 40)}`)).toEqual(['skeleton-github-expression: ${{ steps.meta.outputs.tags }} is a GitH']);
  }, 120_000);
});
