import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Shapes seen in public software-template repositories (backstage/software-templates,
// janus-idp/software-templates, …), reduced to hand-written fixtures: each works in Backstage's dry-run.
const CONFIG = "repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [templates/all.yaml]\ncodeowners:\n  platformTeam: '@acme/platform'\nbackstageConfig:\n  files: [app-config.yaml]\n  plugins: ['@backstage/plugin-scaffolder-backend']\n";

/** A repo with one template `t` (its steps as given), a skeleton and one test case. */
async function templateRepo(steps: string, skeleton: Record<string, string>, testCase: string): Promise<string> {
  return tempRepo({
    'gitops.config.yaml': CONFIG,
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
