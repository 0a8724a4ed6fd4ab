import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
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

  // MkDocs runs a team's own docs configuration: no job that can read the TechDocs storage secret may run it.
  it('main.yml builds TechDocs in a job without secrets and publishes the built sites where the secret is', () => {
    const text = readFileSync(join(dir, 'main.yml'), 'utf8');
    const jobs = (parseYaml(text) as { jobs: Record<string, { steps: { run?: string; uses?: string; with?: Record<string, string> }[]; environment?: string; permissions?: Record<string, string> }> }).jobs;
    const withSecrets = Object.entries(jobs).filter(([, job]) => JSON.stringify(job).includes('secrets.'));
    for (const [name, job] of withSecrets) {
      const runs = job.steps.map(step => step.run ?? '').join('\n');
      expect(runs, name).not.toMatch(/install-techdocs\.sh|techdocs build|mkdocs/);
    }
    const publish = Object.values(jobs).flatMap(job => job.steps).find(step => step.uses === './actions/publish-techdocs');
    expect(publish?.with?.sites).toBeTruthy();
    const build = jobs['techdocs-build'];
    expect(JSON.stringify(build)).not.toContain('secrets.');
    expect(build.permissions).toEqual({ contents: 'read' });
    expect(build.steps.map(step => step.run ?? '').join('\n')).toMatch(/techdocs build .*--out/);
  });

  it('pipelines/main.yml does the same on Azure: the step given the storage secret publishes built sites, its job installs no MkDocs', () => {
    const pipeline = parseYaml(readFileSync(join(REPO_ROOT, 'pipelines/main.yml'), 'utf8')) as { stages: { stage: string; jobs: Record<string, unknown>[] }[] };
    const jobs = pipeline.stages.flatMap(stage => stage.jobs);
    const holding = jobs.filter(job => JSON.stringify(job).includes('TECHDOCS_AZURE_CONNECTION_STRING'));
    expect(holding.length).toBe(1);
    expect(JSON.stringify(holding[0])).toContain('--sites');
    expect(JSON.stringify(holding[0])).not.toMatch(/mkdocs"?:\s*true|techdocs build|install-techdocs/);
    const build = jobs.find(job => job.job === 'techdocs_build');
    expect(JSON.stringify(build)).toMatch(/techdocs build --out/);
    expect(JSON.stringify(build)).not.toMatch(/\$\((?!Build\.)[A-Z_]+\)/);
  });
});
