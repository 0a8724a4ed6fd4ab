import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import('@actions/workflow-parser');
const { Lexer, Parser, Evaluator, data } = await import('@actions/expressions');

type Result = 'success' | 'failure' | 'skipped';

/**
 * Whether GitHub starts a job whose `needs` ended with `results`: its `if` evaluated with @actions/expressions,
 * with the status functions as the runner service defines them and, as there, `success() && (…)` when the
 * condition calls none.
 */
function jobRuns(job: { needs?: string | string[]; if?: string }, results: Record<string, Result>, cancelled = false): boolean {
  const needs = ([] as string[]).concat(job.needs ?? []);
  let condition = String(job.if ?? 'success()').replace(/^\$\{\{\s*|\s*\}\}$/g, '');
  if (!/\b(?:success|failure|always|cancelled)\(/.test(condition)) condition = `success() && (${condition})`;
  const status = (name: string, value: boolean) => ({ name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value) });
  const functions = [
    status('success', !cancelled && needs.every(n => results[n] === 'success')),
    status('failure', needs.some(n => results[n] === 'failure')),
    status('always', true),
    status('cancelled', cancelled),
  ];
  const context = new data.Dictionary();
  const needsContext = new data.Dictionary();
  for (const name of needs) {
    const entry = new data.Dictionary();
    entry.add('result', new data.StringData(results[name]));
    needsContext.add(name, entry);
  }
  context.add('needs', needsContext);
  const expression = new Parser(new Lexer(condition).lex().tokens, ['needs'], functions).parse();
  return new Evaluator(expression, context, new Map(functions.map(f => [f.name, f]))).evaluate().coerceString() === 'true';
}

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

  // Any code that holds the write token could post a forged comment or status, or worse: only the base
  // revision's toolkit may. GitHub hands a token to a step through an expression (github.token,
  // secrets.*) or to a local action through its input default (actions/check's github-token).
  it('pull-request.yml: the token is held only by the base revision\'s toolkit; the pull request\'s own code runs in read-only jobs', () => {
    type Step = { name?: string; uses?: string; run?: string; with?: Record<string, string>; env?: Record<string, string>; 'working-directory'?: string };
    type Job = { permissions?: Record<string, string>; steps: Step[] };
    const workflow = parseYaml(readFileSync(join(dir, 'pull-request.yml'), 'utf8')) as { permissions: Record<string, string>; jobs: Record<string, Job> };
    expect(workflow.permissions).toEqual({ contents: 'read' });
    const holdsToken = (step: Step) => /github\.token|secrets\./.test(JSON.stringify({ with: step.with, env: step.env, run: step.run })) || Boolean(step.uses?.startsWith('./'));
    const gate = workflow.jobs.gate;
    expect(gate.permissions).toEqual({ contents: 'read', 'pull-requests': 'write', 'security-events': 'write', actions: 'read' });
    // Two checkouts: the pull request in pr/ and the base revision in toolkit/.
    const checkouts = gate.steps.filter(step => step.uses?.startsWith('actions/checkout@'));
    expect(checkouts.map(step => [step.with?.path, step.with?.ref])).toEqual([['pr', undefined], ['toolkit', '${{ github.event.pull_request.base.sha }}']]);
    // The only local action is the toolkit's, run against pr/; besides it only the runner's gh and
    // download-artifact (finding and fetching main's gate cache) see the token; the only other run step
    // installs the toolkit.
    const holders = gate.steps.filter(holdsToken);
    expect(holders.map(step => step.uses ?? step.run?.split(' ').slice(0, 3).join(' '))).toEqual(['gh run list', 'actions/download-artifact@v4', './toolkit/actions/check']);
    expect(holders[2].with).toEqual({ 'working-directory': 'pr' });
    // The lookup runs only gh and `git -C pr rev-list` (to keep runs of commits main's tip has been): nothing of the pull request executes.
    expect(gate.steps.filter(step => step.run).map(step => [step.run?.startsWith('gh run list ') ? 'gh' : step.run, step['working-directory']])).toEqual([['npm ci --no-audit --no-fund', 'toolkit'], ['gh', undefined]]);
    const setupNode = gate.steps.find(step => step.uses?.startsWith('actions/setup-node@'));
    // No npm cache: it would be restored from the pull request's cache scope (see gateCacheSource.test.ts).
    expect(setupNode?.with).toEqual({ 'node-version': 20 });
    // SARIF from the action's output (a RUNNER_TEMP folder), not a path in the checkout.
    const sarif = gate.steps.find(step => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(sarif?.with?.sarif_file).toBe('${{ steps.gate.outputs.sarif }}');
    // A private repository without Code Security refuses the upload: that must not fail the gate's job.
    expect((sarif as { 'continue-on-error'?: boolean } | undefined)?.['continue-on-error']).toBe(true);
    // Every other job runs the pull request's own code (npm ci, its bins, its tests): read-only, no token.
    for (const [name, job] of Object.entries(workflow.jobs).filter(([name]) => name !== 'gate')) {
      expect(job.permissions, name).toEqual({ contents: 'read' });
      expect(job.steps.filter(holdsToken), name).toEqual([]);
    }
    expect(workflow.jobs.tests.steps.map(step => step.run)).toContain('npm run check-dist');
  });

  it('the token check is really checking: a PR-built step holding the token, or the PR checkout\'s own action, is caught', () => {
    const text = readFileSync(join(dir, 'pull-request.yml'), 'utf8');
    const holders = (yaml: string) => {
      const jobs = (parseYaml(yaml) as { jobs: Record<string, { steps: { uses?: string; run?: string; with?: unknown; env?: unknown }[] }> }).jobs;
      return jobs.gate.steps.filter(step => /github\.token|secrets\./.test(JSON.stringify({ with: step.with, env: step.env, run: step.run })) || Boolean(step.uses?.startsWith('./'))).map(step => step.uses ?? step.run);
    };
    const mine = (list: (string | undefined)[]) => list.filter(s => !s?.includes('gh run list') && s !== 'actions/download-artifact@v4');
    expect(mine(holders(text))).toEqual(['./toolkit/actions/check']);
    expect(mine(holders(text.replace('uses: ./toolkit/actions/check', 'uses: ./pr/actions/check')))).toEqual(['./pr/actions/check']);
    expect(mine(holders(text.replace('        run: npm ci --no-audit --no-fund\n        working-directory: toolkit', '        run: npm ci --no-audit --no-fund\n        working-directory: toolkit\n        env:\n          GH_TOKEN: ${{ github.token }}')))).toEqual(['npm ci --no-audit --no-fund', './toolkit/actions/check']);
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

  // Red team 27: `variables: - group: backstage-production` at the top of main.yml linked the production
  // group to every job, techdocs_build too: Azure sends a linked group's secrets to each job's agent (any step
  // of the job, run as the agent's user with sudo on hosted agents, can read them) and makes its plain values
  // environment variables of every step, so the job running the teams' MkDocs was not one that "maps no secret".
  // Red team 27: sync needed [gate, techdocs] with GitHub's implicit success(), and Azure's Sync stage depended on
  // Publish's success: one site that failed (a team's docs that do not build, or an entity named like one whose
  // docs another source publishes, which publish refuses on every run and the gate cannot know offline) held
  // back every team's catalog changes on every later merge, until someone removed it.
  it('main.yml and pipelines/main.yml sync after a failed TechDocs publish, never after a failed gate', () => {
    const jobs = (parseYaml(readFileSync(join(dir, 'main.yml'), 'utf8')) as { jobs: Record<string, { needs?: string | string[]; if?: string }> }).jobs;
    expect(jobs.sync.needs).toContain('techdocs');
    expect(jobRuns(jobs.sync, { gate: 'success', techdocs: 'success' })).toBe(true);
    expect(jobRuns(jobs.sync, { gate: 'success', techdocs: 'failure' })).toBe(true);
    expect(jobRuns(jobs.sync, { gate: 'failure', techdocs: 'skipped' })).toBe(false);
    expect(jobRuns(jobs.sync, { gate: 'success', techdocs: 'success' }, true)).toBe(false);
    // The evaluator really applies the implicit success(): the job as it was did not run after a failed publish.
    expect(jobRuns({ needs: ['gate', 'techdocs'] }, { gate: 'success', techdocs: 'failure' })).toBe(false);

    const stages = (parseYaml(readFileSync(join(REPO_ROOT, 'pipelines/main.yml'), 'utf8')) as { stages: { stage: string; dependsOn?: string | string[]; condition?: string }[] }).stages;
    const sync = stages.find(stage => stage.stage === 'Sync')!;
    // A stage's condition sees only the stages it depends on; without one it is succeeded() of all of them.
    expect(([] as string[]).concat(sync.dependsOn ?? [])).toEqual(['Gate', 'Publish']);
    expect(sync.condition?.replace(/\s+/g, '')).toBe("and(not(canceled()),in(dependencies.Gate.result,'Succeeded','SucceededWithIssues'))");
  });

  it('every Azure pipeline links a variable group only to a deployment job that runs no MkDocs', () => {
    const groupsIn = (variables: unknown) => (Array.isArray(variables) ? variables.filter(v => v && typeof v === 'object' && 'group' in v) : []);
    for (const name of readdirSync(join(REPO_ROOT, 'pipelines')).filter(n => n.endsWith('.yml'))) {
      const pipeline = parseYaml(readFileSync(join(REPO_ROOT, 'pipelines', name), 'utf8')) as { variables?: unknown; stages?: { variables?: unknown; jobs: Record<string, unknown>[] }[]; jobs?: Record<string, unknown>[] };
      expect(groupsIn(pipeline.variables), `${name}: pipeline-level variable group`).toEqual([]);
      for (const stage of pipeline.stages ?? []) expect(groupsIn(stage.variables), `${name}: stage-level variable group`).toEqual([]);
      const jobs = [...(pipeline.stages ?? []).flatMap(stage => stage.jobs), ...(pipeline.jobs ?? [])];
      for (const job of jobs.filter(j => groupsIn(j.variables).length)) {
        expect(job.deployment, `${name}: a variable group on job ${String(job.job)}`).toBeTruthy();
        expect(JSON.stringify(job), `${name}: ${String(job.deployment)}`).not.toMatch(/mkdocs"?:\s*true|techdocs build|install-techdocs|templates test/);
      }
    }
    const main = parseYaml(readFileSync(join(REPO_ROOT, 'pipelines/main.yml'), 'utf8')) as { stages: { jobs: Record<string, unknown>[] }[] };
    const linked = main.stages.flatMap(stage => stage.jobs).filter(job => groupsIn(job.variables).length).map(job => job.deployment);
    expect(linked).toEqual(['techdocs', 'catalog']);
  });
});
