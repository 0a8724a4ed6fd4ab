import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { azurePipelineProblems } from '../../src/ci/azurePipelineProblems.ts';
import { REPORT_MARKER } from '../../src/pr/renderPrReport.ts';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { AZURE_PR_HEAD, BUILD_SERVICE_ID, fakeAzureDevOps } from '../helpers/fakeAzureDevOps.ts';
import { startRecordingServer } from '../helpers/recordingServer.ts';
import { runNode } from '../helpers/runNode.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { commit, makeBadPullRequest, startPullRequest } from '../pr/prChange.ts';

async function runTask(repo: string, collection: string, base: string, env: Record<string, string> = {}) {
  const staging = mkdtempSync(join(tmpdir(), 'ado-'));
  const { status, stdout } = await runNode(join(REPO_ROOT, 'scripts/bin/azure-pr-report.js'), repo, {
    TF_BUILD: 'True', BUILD_REASON: 'PullRequest',
    SYSTEM_COLLECTIONURI: `${collection}/org/`, SYSTEM_TEAMPROJECT: 'Platform', BUILD_REPOSITORY_ID: 'repo-1',
    SYSTEM_PULLREQUEST_PULLREQUESTID: '42', SYSTEM_PULLREQUEST_TARGETBRANCH: 'refs/heads/main', GITOPS_BASE_REF: base,
    SYSTEM_ACCESSTOKEN: 'fake-ado-token', BUILD_SOURCESDIRECTORY: repo, BUILD_ARTIFACTSTAGINGDIRECTORY: staging, AGENT_TEMPDIRECTORY: staging, BUILD_BUILDID: '77',
    SYSTEM_PULLREQUEST_SOURCECOMMITID: AZURE_PR_HEAD, ...env,
  });
  let junit = '';
  try { junit = readFileSync(join(staging, 'junit/backstage-gitops.xml'), 'utf8'); } catch {}
  return { status, stdout, junit };
}

describe('the Azure Pipelines PR task against a fake Azure DevOps', () => {
  it('logs issues with Azure escaping, keeps one thread, sets a failing status, writes JUnit', async () => {
    const repo = await dataRepoCopy();
    const base = makeBadPullRequest(repo);
    const ado = fakeAzureDevOps();
    const server = await startRecordingServer(ado.handler);
    try {
      const first = await runTask(repo, server.url, base);
      expect(first.status).toBe(1);
      const issues = first.stdout.split('\n').filter(l => l.startsWith('##vso[task.logissue'));
      expect(issues.length).toBeGreaterThan(0);
      expect(issues.length).toBeLessThanOrEqual(10);
      expect(issues).toContainEqual(expect.stringMatching(new RegExp(`^##vso\\[task\\.logissue type=error;sourcepath=${repo.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/catalog/systems/payments-core/entities\\.yaml;linenumber=\\d+;columnnumber=\\d+;code=ref-unresolved;\\]spec\\.owner refers to group:default/payments-teem`)));
      expect(first.stdout).toContain('##vso[task.complete result=Failed;]');
      // Counts in words, as every other output: one error is '1 error', not '1 errors'.
      expect(first.stdout).toMatch(/##vso\[task\.complete result=Failed;\]\d+ errors?, \d+ warnings?\n/);
      expect(first.stdout).not.toMatch(/\b1 errors\b/);
      expect(first.stdout).toMatch(/##vso\[task\.addattachment type=Distributedtask\.Core\.Summary;name=Backstage catalog;\].*backstage-catalog\.md/);
      expect(first.junit).toContain('<failure type="ref-unresolved"');
      expect(ado.threads).toHaveLength(1);
      expect(ado.threads[0].status).toBe(1);
      expect(ado.threads[0].comments[0].content.startsWith(REPORT_MARKER)).toBe(true);
      // The status names the iteration whose head this run checked (iteration 2 of the fake PR).
      expect(ado.statuses.at(-1)).toEqual({ state: 3, description: '9 catalog errors', context: { genre: 'backstage-gitops', name: 'validate' }, iterationId: 2, targetUrl: `${server.url}/org/Platform/_build/results?buildId=77` });
      expect(server.requests.some(r => r.method === 'GET' && r.path.startsWith('/org/Platform/_apis/git/repositories/repo-1/pullRequests/42/iterations'))).toBe(true);
      const auth = server.requests.find(r => r.path.includes('/threads'))!.headers.authorization;
      expect(auth).toBe('Bearer fake-ado-token');

      const second = await runTask(repo, server.url, base);
      expect(second.status).toBe(1);
      expect(ado.threads).toHaveLength(1);
      expect(server.requests.filter(r => r.method === 'PATCH' && /comments\/1$/.test(r.path))).toHaveLength(1);
    } finally {
      await server.close();
    }
  }, 120_000);
});

describe('the Azure Pipelines PR task on a clean pull request', () => {
  it('closes the thread and posts a succeeded status', async () => {
    const repo = await dataRepoCopy();
    const ado = fakeAzureDevOps();
    const server = await startRecordingServer(ado.handler);
    try {
      const clean = await runTask(repo, server.url, 'HEAD');
      expect(clean.status).toBe(0);
      expect(clean.stdout).not.toContain('##vso[task.logissue type=error');
      expect(clean.stdout).toContain('##vso[task.complete result=Succeeded;]');
      expect(ado.threads.map(t => t.status)).toEqual([4]);
      expect(ado.statuses.at(-1)).toMatchObject({ state: 2, description: 'Catalog gate passed' });
    } finally {
      await server.close();
    }
  }, 120_000);

  it('links the status to the run with the project name encoded, as Azure DevOps\' own links are', async () => {
    const repo = await dataRepoCopy();
    const ado = fakeAzureDevOps([], 'Platform Team');
    const server = await startRecordingServer(ado.handler);
    try {
      const clean = await runTask(repo, server.url, 'HEAD', { SYSTEM_TEAMPROJECT: 'Platform Team' });
      expect(clean.status, clean.stdout).toBe(0);
      expect(ado.statuses.at(-1)).toMatchObject({ state: 2, targetUrl: `${server.url}/org/Platform%20Team/_build/results?buildId=77` });
    } finally {
      await server.close();
    }
  }, 120_000);
});

describe('the Azure Pipelines PR task when the gate cannot run', () => {
  // A broken gitops.config.yaml (the CLI's exit 2) after a clean push: the thread that said "passed" and
  // the Succeeded status are both replaced, for this push's iteration, and the task fails.
  it('rewrites the thread to "the gate could not run" (active), posts an Error status for the iteration, exits 2', async () => {
    const repo = await dataRepoCopy();
    const base = startPullRequest(repo);
    const ado = fakeAzureDevOps();
    const server = await startRecordingServer(ado.handler);
    try {
      const clean = await runTask(repo, server.url, base);
      expect(clean.status).toBe(0);
      expect(ado.statuses.at(-1)).toMatchObject({ state: 2, iterationId: 2 });
      appendFileSync(join(repo, 'gitops.config.yaml'), 'failOn: [\n');
      commit(repo, 'broken config');
      const before = server.requests.length;
      const broken = await runTask(repo, server.url, base);
      expect(broken.status).toBe(2);
      const writes = server.requests.slice(before).filter(r => r.method !== 'GET' && r.method !== 'OPTIONS');
      expect(writes.map(r => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
        'PATCH /org/Platform/_apis/git/repositories/repo-1/pullRequests/42/threads/1/comments/1',
        'PATCH /org/Platform/_apis/git/repositories/repo-1/pullRequests/42/threads/1',
        'POST /org/Platform/_apis/git/repositories/repo-1/pullRequests/42/statuses',
      ]);
      const content = ado.threads[0].comments[0].content;
      expect(content.startsWith(REPORT_MARKER)).toBe(true);
      expect(content).toContain('## ⚠️ Backstage catalog: the gate could not run');
      expect(content).toMatch(/\n> <code>backstage-gitops report: gitops\.config\.yaml:\d+:\d+: YAML syntax error[^\n]*<\/code>\n/);
      expect(ado.threads[0].status).toBe(1);
      const status = ado.statuses.at(-1) as { state: number; description: string; iterationId: number };
      expect(status).toMatchObject({ state: 4, iterationId: 2, context: { genre: 'backstage-gitops', name: 'validate' } });
      expect(status.description).toMatch(/^The gate could not run: backstage-gitops report: gitops\.config\.yaml:\d+:\d+: YAML syntax error/);
      expect(status.description.length).toBeLessThanOrEqual(200);
      expect(broken.stdout).toMatch(/^##vso\[task\.logissue type=error;\]The gate could not run: backstage-gitops report: gitops\.config\.yaml/m);
      expect(broken.stdout).toContain('##vso[task.complete result=Failed;]');
    } finally {
      await server.close();
    }
  }, 120_000);

  it('stops a gate that runs past GITOPS_GATE_TIMEOUT_MINUTES: the thread and status say it could not run', async () => {
    const repo = await dataRepoCopy();
    const base = startPullRequest(repo);
    const ado = fakeAzureDevOps();
    const server = await startRecordingServer(ado.handler);
    try {
      expect((await runTask(repo, server.url, base)).status).toBe(0);
      // Spectral backtracks on this definition's pattern for hours (report stops it only after 20 s).
      const file = 'catalog/systems/payments-core/definitions/payments-openapi.yaml';
      const redos = `                properties:\n                  slug:\n                    type: string\n                    pattern: '^(a|a)*$'\n                    example: ${'a'.repeat(40)}!\n`;
      writeFileSync(join(repo, file), readFileSync(join(repo, file), 'utf8').replace('              schema:\n                type: object\n', m => `${m}${redos}`));
      commit(repo, 'a pattern Spectral backtracks on');
      const stopped = await runTask(repo, server.url, base, { GITOPS_GATE_TIMEOUT_MINUTES: '0.1' });
      expect(stopped.status).toBe(2);
      expect(ado.threads[0].comments[0].content).toContain('<code>the toolkit did not finish within its time limit (6 s) and was stopped</code>');
      expect(ado.statuses.at(-1)).toMatchObject({ state: 4, description: 'The gate could not run: the toolkit did not finish within its time limit (6 s) and was stopped' });
    } finally {
      await server.close();
    }
  }, 120_000);

  it('posts no status when no iteration of the pull request has the commit the run checked (a later push owns the status)', async () => {
    const repo = await dataRepoCopy();
    const ado = fakeAzureDevOps();
    const server = await startRecordingServer(ado.handler);
    try {
      const run = await runTask(repo, server.url, 'HEAD', { SYSTEM_PULLREQUEST_SOURCECOMMITID: 'ffffffffffffffffffffffffffffffffffffffff' });
      expect(run.status).toBe(0);
      expect(ado.statuses).toEqual([]);
      expect(ado.threads).toHaveLength(1);
      expect(run.stdout).toMatch(/^##vso\[task\.logissue type=warning;\]No pull request status: none of pull request 42's iterations has the commit this run checked \(f{40}\)/m);
    } finally {
      await server.close();
    }
  }, 120_000);
});

describe('pipelines', () => {
  const read = (file: string) => parse(readFileSync(join(REPO_ROOT, 'pipelines', file), 'utf8'));
  it.each(['pr-validation.yml', 'main.yml', 'gate-cache.yml', 'templates/setup.yml'])("%s is valid by Azure's pipeline schema and language service", async file => {
    expect(await azurePipelineProblems(file, readFileSync(join(REPO_ROOT, 'pipelines', file), 'utf8'))).toEqual([]);
  });

  it('catches a misspelt key, a wrong task input and a step that is no step (the validator is really checking)', async () => {
    const broken = readFileSync(join(REPO_ROOT, 'pipelines/pr-validation.yml'), 'utf8')
      .replace('condition: succeededOrFailed()', 'conditon: succeededOrFailed()')
      .replace('testResultsFormat: JUnit', 'testResultsFormat: JSON')
      .replace('  - checkout: self', '  - checkot: self');
    const problems = await azurePipelineProblems('pr-validation.yml', broken);
    const lines = broken.split('\n');
    const at = (needle: string) => lines.findIndex(l => l.includes(needle)) + 1;
    expect([...new Set(problems.map(p => p.line))].sort((a, b) => a - b)).toEqual([at('checkot'), at('conditon'), at('testResultsFormat')].sort((a, b) => a - b));
    expect(problems.find(p => p.line === at('conditon'))!.message).toBe('Unexpected property conditon');
    expect(problems.find(p => p.line === at('testResultsFormat'))!.message).toContain('Valid values: "JUnit"');
  });

  // The step given $(System.AccessToken) runs the target branch's toolkit (a worktree of origin/<target>,
  // installed there) against the pull request's checkout; the pull request's own code runs only in the
  // techdocs job, which maps no token and no secret.
  it('give the access token only to the target branch\'s toolkit, and publish JUnit even on failure', () => {
    type Step = { script?: string; task?: string; checkout?: string; env?: Record<string, string>; workingDirectory?: string; condition?: string; persistCredentials?: boolean; template?: string };
    const pr = read('pr-validation.yml') as { trigger: string; jobs: { job: string; variables?: Record<string, string>; steps: Step[] }[] };
    expect(pr.trigger).toBe('none');
    const gate = pr.jobs.find(j => j.job === 'gate')!;
    expect(gate.variables?.toolkit).toBe('$(Agent.TempDirectory)/backstage-gitops-toolkit');
    expect(gate.steps[0]).toMatchObject({ checkout: 'self', persistCredentials: false });
    // Nothing of the pull request runs in the gate job: no setup template (its npm ci), no script but these.
    expect(gate.steps.filter(s => s.template)).toEqual([]);
    // The lookup of main's gate-cache build (curl, node -e, git merge-base: see gateCacheSource.test.ts) runs in the toolkit's worktree too.
    const lookup = (script: string | undefined) => (script?.includes('/_apis/build/builds?') ? 'main-build lookup' : script);
    // The target branch named in full: a tag named origin/main (red team) made the short name install and run
    // the pull request's own toolkit with the token.
    expect(gate.steps.filter(s => s.script).map(s => [lookup(s.script), s.workingDirectory])).toEqual([
      ['git worktree add --quiet --detach "$(toolkit)" "refs/remotes/origin/${SYSTEM_PULLREQUEST_TARGETBRANCH#refs/heads/}"', undefined],
      ['npm ci --no-audit --no-fund', '$(toolkit)'],
      ['main-build lookup', '$(toolkit)'],
      ['node scripts/bin/azure-pr-report.js', '$(toolkit)'],
    ]);
    const holding = pr.jobs.flatMap(j => j.steps).filter(s => JSON.stringify(s).includes('AccessToken'));
    expect(holding.map(s => [lookup(s.script), s.workingDirectory, s.env])).toEqual([
      ['main-build lookup', '$(toolkit)', { SYSTEM_ACCESSTOKEN: '$(System.AccessToken)' }],
      ['node scripts/bin/azure-pr-report.js', '$(toolkit)', { SYSTEM_ACCESSTOKEN: '$(System.AccessToken)', BACKSTAGE_GITOPS_CACHE: '$(Pipeline.Workspace)/backstage-gitops-cache/check.json' }],
    ]);
    expect(pr.jobs.flatMap(j => j.steps).filter(s => s.task === 'PublishTestResults@2').map(s => s.condition)).toEqual(['succeededOrFailed()', 'succeededOrFailed()']);
    // The TechDocs build job maps no secret and no token.
    const docs = pr.jobs.find(j => j.job === 'techdocs')!;
    expect(JSON.stringify(docs)).not.toMatch(/AccessToken|\$\((?!shard|Build\.)/);
    expect(docs.steps.some(s => s.script?.includes('techdocs build --changed-since "refs/remotes/origin/${SYSTEM_PULLREQUEST_TARGETBRANCH#refs/heads/}"'))).toBe(true);
  });

  it('publish and sync only from main, as deployments to a protected environment, via templates that exist', () => {
    const main = read('main.yml');
    expect(main.trigger.branches.include).toEqual(['main']);
    const deployments = main.stages.flatMap((s: { jobs: { deployment?: string; environment?: string }[] }) => s.jobs).filter((j: { deployment?: string }) => j.deployment);
    expect(deployments.map((d: { environment: string }) => d.environment)).toEqual(['backstage-production', 'backstage-production']);
    const templates = JSON.stringify(main).match(/templates\/[a-z-]+\.yml/g) ?? [];
    for (const template of new Set(templates)) expect(() => read(template)).not.toThrow();
    // The gate's JUnit file reaches the run's Tests tab, also when the gate fails (it was written and never published).
    const gate = main.stages.find((s: { stage: string }) => s.stage === 'Gate').jobs[0].steps as { task?: string; condition?: string; inputs?: Record<string, string> }[];
    expect(gate.filter(s => s.task === 'PublishTestResults@2').map(s => [s.condition, s.inputs?.testResultsFiles])).toEqual([['succeededOrFailed()', '**/junit/backstage-gitops.xml']]);
  });
});

// Red team 13, 4(c): a pull request that removes the codeowners section and hand-widens CODEOWNERS was
// judged by its own config only. The task runs the gate with the target branch as base, so it fails.
describe('the Azure Pipelines PR task on a pull request that loosens gitops.config.yaml', () => {
  it('fails the status with config-weakened when other files change under the loosened config', async () => {
    const repo = await dataRepoCopy();
    const base = startPullRequest(repo);
    writeFileSync(join(repo, 'gitops.config.yaml'), readFileSync(join(repo, 'gitops.config.yaml'), 'utf8').replace(/^codeowners:\n(?: {2}.*\n)+/m, ''));
    appendFileSync(join(repo, '.github/CODEOWNERS'), '/gitops.config.yaml @acme/payments-team\n');
    commit(repo, 'loosen the gate');
    const ado = fakeAzureDevOps();
    const server = await startRecordingServer(ado.handler);
    try {
      const run = await runTask(repo, server.url, base);
      expect(run.stdout).toMatch(/##vso\[task\.logissue type=error;sourcepath=[^;]*gitops\.config\.yaml;linenumber=1;columnnumber=1;code=config-weakened;\]Compared with the base revision, the codeowners section is removed/);
      expect(run.stdout).toContain('##vso[task.complete result=Failed;]');
      expect(ado.statuses.at(-1)).toMatchObject({ state: 3 });
      expect(run.status).toBe(1);
    } finally {
      await server.close();
    }
  }, 120_000);
});

describe('the Azure Pipelines PR task under failOn: warning', () => {
  // Exit 1 with no error at all: the status must name what fails the gate, not "0 catalog error(s)".
  it('names the failing warnings in the PR status', async () => {
    const repo = await dataRepoCopy();
    writeFileSync(join(repo, 'gitops.config.yaml'), readFileSync(join(repo, 'gitops.config.yaml'), 'utf8').replace(/^failOn: error$/m, 'failOn: warning') + 'rules:\n  ref-unresolved: warning\n');
    commit(repo, 'fail on warnings');
    const base = startPullRequest(repo);
    const orders = 'catalog/systems/orders/entities.yaml';
    writeFileSync(join(repo, orders), readFileSync(join(repo, orders), 'utf8').replace('consumesApis: [payments-openapi]', 'consumesApis: [payment-openapi]'));
    commit(repo, 'a misspelt API');
    const ado = fakeAzureDevOps();
    const server = await startRecordingServer(ado.handler);
    try {
      const run = await runTask(repo, server.url, base);
      expect(run.status).toBe(1);
      expect(run.stdout).toContain('##vso[task.complete result=Failed;]0 errors, 1 warning');
      expect(ado.statuses.at(-1)).toMatchObject({ state: 3, description: "1 catalog warning (at or above the config's failOn)" });
      expect(ado.threads[0].status).toBe(1);
    } finally {
      await server.close();
    }
  }, 120_000);
});

describe('the Azure Pipelines PR task after two runs raced (two report threads)', () => {
  // Two quick pushes: both runs found no thread and both created one. The later copy stayed Active with the
  // older verdict, which a comment-resolution policy blocks on, while every later run updated only the first.
  it('updates the first, deletes the other copy, and leaves a person\'s thread that quotes the marker alone', async () => {
    const repo = await dataRepoCopy();
    const mine = (id: number) => ({ id, isDeleted: false, status: 1, comments: [{ id: 1, content: `${REPORT_MARKER}\n## ❌ stale`, author: { id: BUILD_SERVICE_ID, displayName: 'Platform Build Service (org)' } }] });
    const person = { id: 3, isDeleted: false, status: 1, comments: [{ id: 1, content: `${REPORT_MARKER}\nquoted`, author: { id: 'someone', displayName: 'Someone' } }] };
    const ado = fakeAzureDevOps([mine(1), mine(2), person]);
    const server = await startRecordingServer(ado.handler);
    try {
      const run = await runTask(repo, server.url, 'HEAD');
      expect(run.status).toBe(0);
      expect(ado.threads.map(t => [t.id, t.isDeleted, t.status])).toEqual([[1, false, 4], [2, true, 1], [3, false, 1]]);
      expect(ado.threads[0].comments[0].content).not.toContain('stale');
      expect(ado.threads[2].comments[0].content).toBe(`${REPORT_MARKER}\nquoted`);
    } finally {
      await server.close();
    }
  }, 120_000);
});
