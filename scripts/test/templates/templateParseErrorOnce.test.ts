import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateRepo } from '../helpers/templateRepo.ts';

// A Template file is read twice: as a catalog file (a Location reads it) and by the template gate. A YAML
// error in it is one finding, with what the Location loses said, not two at the same place.
describe('a Template file that does not parse (check, through the bin)', () => {
  it('reports its YAML error once, with the consequence for the Location that reads it', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      'templates/svc/template.yaml': 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: svc\n  tags: [a, b\nspec:\n  owner: platform\n',
    });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).not.toContain('internal error');
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } }[]).filter(d => d.ruleId === 'yaml-syntax');
    expect(found.map(d => `${d.file}:${d.range.start.line}:${d.range.start.column}`)).toEqual(['templates/svc/template.yaml:6:1']);
    expect(found[0].message).toContain('Backstage then fails the whole Location in catalog/all.yaml');
    expect(run.status).toBe(1);
  }, 60_000);
});

// withoutRepeats merges only what two gates both report: two findings of one gate are two, however alike.
describe('two steps one $yaml placeholder brings in, with the same problem (check, through the bin)', () => {
  it('are two findings at the placeholder, not one', async () => {
    const template = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: svc\nspec:\n  type: service\n  owner: group:default/platform\n  steps:\n    $yaml: ./steps.yaml\n';
    // The same input publish:github refuses in both steps (an unknown action would be one finding per id since fresh14).
    const step = (id: string) => `- id: ${id}\n  name: ${id}\n  action: publish:github\n  input:\n    repoUrl: github.com?owner=acme&repo=x\n    allowedHosts: [github.com]\n    description: \${{ uuid() }}\n`;
    const root = await templateRepo(['../templates/svc/template.yaml'], { 'templates/svc/template.yaml': template, 'templates/svc/steps.yaml': step('a') + step('b') });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).not.toContain('internal error');
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; range: { start: { line: number; column: number } } }[]).map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column}`);
    expect(found).toEqual([
      'template-action-input@templates/svc/template.yaml:9:12',
      'template-action-input@templates/svc/template.yaml:9:12',
      // One undeclared global is one finding, at its first use, however often it is called (left26).
      'template-unknown-function@templates/svc/template.yaml:9:12',
    ]);
    expect(run.status).toBe(1);
  }, 60_000);
});
