import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import('@actions/workflow-parser');

/** GitHub's own workflow parser (the one the runner service uses) on a workflow file's text. */
async function parse(name: string, content: string) {
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e: { message: string }) => e.message);
  if (result.value) {
    const template = await convertWorkflowTemplate(result.context, result.value);
    errors.push(...(template.errors ?? []).map((e: { Message: string }) => e.Message));
  }
  return errors;
}

describe("workflows, checked with GitHub's workflow parser", () => {
  const dir = join(REPO_ROOT, '.github/workflows');
  it.each(readdirSync(dir))('%s parses without errors', async file => {
    expect(await parse(file, readFileSync(join(dir, file), 'utf8'))).toEqual([]);
  });

  it('catches a broken workflow (the parser is really checking)', async () => {
    const broken = readFileSync(join(dir, 'pull-request.yml'), 'utf8').replace('timeout-minutes: 30', 'timeout: 30');
    expect((await parse('broken.yml', broken)).join('\n')).toContain("Unexpected value 'timeout'");
  });

  it('keeps pull requests least-privileged and without secrets', () => {
    const pr = readFileSync(join(dir, 'pull-request.yml'), 'utf8');
    expect(pr).not.toContain('secrets.');
    expect(pr).not.toContain('pull_request_target');
  });

  it('leaves no token in .git/config for the jobs\' later steps: every checkout sets persist-credentials: false', () => {
    for (const name of readdirSync(dir).filter(n => n.endsWith('.yml'))) {
      const steps = readFileSync(join(dir, name), 'utf8').split(/\n(?=\s*- )/).filter(step => /uses: actions\/checkout@/.test(step));
      expect(steps.length, name).toBeGreaterThan(0);
      for (const step of steps) expect(step, name).toMatch(/persist-credentials: false/);
    }
  });
});
