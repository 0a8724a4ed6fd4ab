import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Seen in giantswarm/backstage-catalogs (rds-and-elasticache-service): every step is `$yaml: https://github.com/…`.
// Backstage's PlaceholderProcessor reads those URLs when the catalog ingests the template, so the task runs
// what the files hold; offline they cannot be read. The render said "step step-1: Template action with ID
// 'undefined' is not registered." (or "spec.steps is not a list" for `steps: {$yaml: …}`), and a test case
// rendered the template without those steps and passed.
const REMOTE = 'https://github.com/acme/shared/blob/main/steps/log.yaml';
const template = (steps: string) => `apiVersion: scaffolder.backstage.io/v1beta3
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
${steps}`;
const LOCAL_STEP = '    - id: log\n      action: debug:log\n      input:\n        message: hi ${{ parameters.name }}\n';

async function repo(steps: string, config = 'catalog:\n  roots: [templates/all.yaml]\n'): Promise<string> {
  return tempRepo({
    'gitops.config.yaml': config,
    'templates/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: all}\nspec:\n  targets: [./t/template.yaml]\n',
    'templates/t/template.yaml': template(steps),
    // Relative to template.yaml, where the step lands (the catalog inlines it before the scaffolder reads it).
    'templates/t/steps/log.yaml': 'id: shared\naction: fetch:plain\ninput:\n  url: ./skeleton\n',
    'templates/t/skeleton/README.md': 'hello\n',
    'templates/t/tests/a.yaml': 'name: a\nvalues:\n  name: demo\n',
    'v.yaml': 'name: demo\n',
  });
}

describe('steps that are placeholders at a URL the gate cannot read', () => {
  it('templates render stops with one line naming the step and the URL', async () => {
    const root = await repo(`${LOCAL_STEP}    - $yaml: ${REMOTE}\n`);
    const run = await runBin(['templates', 'render', 'templates/t/template.yaml', '--values', 'v.yaml', '--out', 'out'], root);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`templates/t/template.yaml cannot be rendered offline: spec.steps[1] is $yaml: ${REMOTE}, which Backstage reads when the catalog ingests the template`);
    expect(run.stderr + run.stdout).not.toContain("'undefined'");
  });

  it('a whole steps list given as a placeholder is named as such, not as "not a list"', async () => {
    const root = await repo('    $yaml: https://github.com/acme/shared/blob/main/steps.yaml\n');
    const run = await runBin(['templates', 'render', 'templates/t/template.yaml', '--values', 'v.yaml', '--out', 'out'], root);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('spec.steps is $yaml: https://github.com/acme/shared/blob/main/steps.yaml');
    expect(run.stderr).not.toContain('not a list');
  });

  it('templates test fails the case instead of rendering the template without those steps', async () => {
    const root = await repo(`${LOCAL_STEP}    - $yaml: ${REMOTE}\n`);
    const run = await runBin(['templates', 'test', '--format', 'json'], root);
    expect(run.status).toBe(1);
    const findings = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; message: string }[] }).diagnostics;
    expect(findings.map(f => f.ruleId)).toEqual(['template-render-failed']);
    expect(findings[0].message).toContain(`spec.steps[1] is $yaml: ${REMOTE}`);
  });

  it('a URL into this repository (repoUrl) is read from the repository and the step runs', async () => {
    const root = await repo(`${LOCAL_STEP}    - $yaml: https://github.com/acme/x/blob/main/templates/t/steps/log.yaml\n`, 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [templates/all.yaml]\n');
    const run = await runBin(['templates', 'render', 'templates/t/template.yaml', '--values', 'v.yaml', '--out', 'out'], root);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(await readFile(join(root, 'out/README.md'), 'utf8')).toBe('hello\n');
  });
});
