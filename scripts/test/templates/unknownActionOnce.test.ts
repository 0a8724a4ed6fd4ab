import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateRepo } from '../helpers/templateRepo.ts';

interface Finding { ruleId: string; severity: string; file: string; message: string; range: { start: { line: number; column: number } } }

// A Backstage's own scaffolder module (DEFRA's adp:* actions, publish:gitlab without the module named) is used by
// every template of the repo: one cause, the module not declared in gitops.config.yaml, once per action id.
const template = (name: string, steps: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: ${name}
spec:
  owner: group:default/platform
  type: service
  steps:
${steps}`;
const step = (id: string, action: string) => `    - id: ${id}\n      name: ${id}\n      action: ${action}\n`;

const files = {
  'templates/a/template.yaml': template('a', step('flux', 'acme:flux:register') + step('pipe', 'acme:pipeline:create') + step('flux2', 'acme:flux:register')),
  'templates/b/template.yaml': template('b', step('flux', 'acme:flux:register') + step('oops', 'publish:gitub')),
};

describe('an action no installed module provides, used by many steps (check, through the bin)', () => {
  it('is one finding per action id, at its first step, naming the other steps by file and line', async () => {
    const root = await templateRepo(['../templates/a/template.yaml', '../templates/b/template.yaml'], files);
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).not.toContain('internal error');
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'template-action-unknown');
    expect(found.map(d => `${d.file}:${d.range.start.line}:${d.range.start.column}`)).toEqual([
      'templates/a/template.yaml:11:15',
      'templates/a/template.yaml:14:15',
      'templates/b/template.yaml:14:15',
    ]);
    const [flux, pipe, typo] = found;
    expect(flux.message).toContain("provides the action acme:flux:register: the managed Backstage would fail the task with \"Template action with ID 'acme:flux:register' is not registered.\"");
    expect(flux.message).toContain('Also used by 2 more step(s), not reported again: line 17 of this file, templates/b/template.yaml:11.');
    expect(pipe.message).not.toContain('Also used');
    expect(typo.message).toContain('publish:gitub');
    // With a config the action stays an error (the task fails at that step).
    expect(found.map(d => d.severity)).toEqual(['error', 'error', 'error']);
    expect(run.status).toBe(1);
  }, 60_000);
});
