import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateRepo } from '../helpers/templateRepo.ts';

interface Finding { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } }

// DEFRA/adp-software-templates keeps its steps in shared fragments (`- $yaml: ../steps/github-publish.yaml`) that
// every template includes. A finding about such a step is placed on the placeholder, in the template the
// catalog reads; the fix is made in the fragment, which the message did not name.
const template = (name: string, steps: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: ${name}
spec:
  owner: group:default/platform
  type: service
  steps:
${steps}`;
const PUBLISH = 'id: publish\nname: Publish\naction: publish:github\ninput:\n  allowedHosts: [github.com]\n  repoUrl: github.com?owner=acme&repo=x\n';
const LIST = '- id: log\n  name: Log\n  action: debug:log\n  input: {message: hi}\n- id: pr\n  name: PR\n  action: acme:open-pr\n';

describe('a finding about a step a $yaml placeholder brings in (check, through the bin)', () => {
  it('stays on the placeholder and names the line of the fragment where it is fixed', async () => {
    const root = await templateRepo(['../templates/a/template.yaml', '../templates/b/template.yaml'], {
      'templates/a/template.yaml': template('a', '    - $yaml: ../steps/publish.yaml\n'),
      'templates/b/template.yaml': template('b', '    - id: first\n      name: First\n      action: debug:log\n      input: {message: hi}\n    - $yaml: ../steps/publish.yaml\n'),
      'templates/c/template.yaml': template('c', '    $yaml: ../steps/list.yaml\n'),
      'templates/steps/publish.yaml': PUBLISH,
      'templates/steps/list.yaml': LIST,
    });
    // Given by name, as a pre-commit hook passes them (c is not under the root Location; a named Template is judged).
    const run = await runBin(['check', '--format', 'json', 'templates/a/template.yaml', 'templates/b/template.yaml', 'templates/c/template.yaml'], root);
    expect(run.stderr).not.toContain('internal error');
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId.startsWith('template-action'));
    expect(found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column}`)).toEqual([
      'template-action-input@templates/a/template.yaml:9:14',
      'template-action-input@templates/b/template.yaml:13:14',
      'template-action-unknown@templates/c/template.yaml:9:12',
    ]);
    const [a, b, c] = found;
    const there = '(Written at templates/steps/publish.yaml:5:3, which the $yaml placeholder here brings in: fix it there.)';
    expect(a.message).toBe(`Invalid input passed to action publish:github, instance is not allowed to have the additional property "allowedHosts" ${there}`);
    expect(b.message).toContain(there);
    // A list of steps from one fragment: the second step's line in it.
    expect(c.message).toContain('acme:open-pr');
    expect(c.message).toContain('(Written at templates/steps/list.yaml:7:11, which the $yaml placeholder here brings in: fix it there.)');
  }, 60_000);
});
