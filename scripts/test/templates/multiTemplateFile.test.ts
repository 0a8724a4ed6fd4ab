import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Backstage ingests every document of a file a Location reads, and the scaffolder runs each Template among
// them: a file holding several templates is judged template by template, each finding in its own document.
const TEMPLATE = (name: string, action: string, url: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: ${name}
spec:
  owner: group:default/platform
  type: service
  parameters:
    - title: Name
      required: [name]
      properties:
        name: {type: string}
  steps:
    - id: fetch
      name: Fetch
      action: ${action}
      input:
        url: ${url}
        values:
          name: \${{ parameters.name }}
`;

async function repo(second: string): Promise<string> {
  return tempRepo({
    'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
    'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: all}\nspec:\n  targets: [../templates/many.yaml, ./platform.yaml]\n',
    'catalog/platform.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n',
    'templates/many.yaml': `${TEMPLATE('first', 'fetch:template', './skeleton')}---\n${second}`,
    'templates/skeleton/README.md': '# ${{ values.name }}\n',
  });
}

describe('a file with several Templates: each is checked (check, through the bin)', () => {
  it('findings of the second template point into the second document', async () => {
    const root = await repo(TEMPLATE('second', 'fetch:templat', './no-such-skeleton'));
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).not.toContain('internal error');
    expect(run.status).toBe(1);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; range: { start: { line: number } } }[])
      .filter(d => d.file === 'templates/many.yaml')
      .map(d => `${d.ruleId}@${d.range.start.line}`);
    // The second document starts on line 23: its step's action is on line 37.
    expect(found).toEqual(['template-action-unknown@37']);
  }, 60_000);

  it("the second template's skeleton is analysed: a url to no folder is a finding on its line", async () => {
    const root = await repo(TEMPLATE('second', 'fetch:template', './no-such-skeleton'));
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.status).toBe(1);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; range: { start: { line: number } } }[])
      .filter(d => d.file === 'templates/many.yaml')
      .map(d => `${d.ruleId}@${d.range.start.line}`);
    expect(found).toEqual(['template-skeleton-missing@39']);
  }, 60_000);

  it('two sound templates in one file pass', async () => {
    const root = await repo(TEMPLATE('second', 'fetch:template', './skeleton'));
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).not.toContain('internal error');
    expect((JSON.parse(run.stdout).diagnostics as { file: string; severity: string }[]).filter(d => d.file === 'templates/many.yaml' && d.severity !== 'info')).toEqual([]);
  }, 60_000);

  it('templates test on a repo whose templates keep no cases says so, rather than a bare pass', async () => {
    const root = await repo(TEMPLATE('second', 'fetch:template', './skeleton'));
    const run = await runBin(['templates', 'test'], root);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('in 0 cases');
    expect(run.stderr).toContain('no test cases. Cases are templates/<name>/tests/*.yaml beside templates/<name>/template.yaml (no such template folder here)');
  }, 60_000);
});
