import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_MARKER } from '../../src/pr/renderPrReport.ts';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { fakeGitHub } from '../helpers/fakeGitHub.ts';
import { startRecordingServer } from '../helpers/recordingServer.ts';
import { runAction as runLikeTheRunner } from '../helpers/runAction.ts';
import { commit, makeBadPullRequest, startPullRequest } from '../pr/prChange.ts';

/** A step output from the runner's GITHUB_OUTPUT file (`name<<delimiter` blocks, as @actions/core writes them). */
function output(outputs: string, name: string): string | undefined {
  return new RegExp(`^${name}<<(\\S+)\\n([\\s\\S]*?)\\n\\1$`, 'm').exec(outputs)?.[2];
}

async function runAction(repo: string, api: string, base: string, inputs: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gh-'));
  const runnerTemp = join(dir, 'runner-temp');
  mkdirSync(runnerTemp);
  const event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 7, base: { sha: base }, head: { sha: 'head' } }, repository: { name: 'control', owner: { login: 'acme' } } }));
  for (const f of ['summary.md', 'output.txt']) writeFileSync(join(dir, f), '');
  // As the runner runs it: action.yml read, `with:` as in .github/workflows/pull-request.yml (the base
  // revision's action gating the pull request's checkout), defaults for the rest.
  const { status, stdout } = await runLikeTheRunner('check', {
    cwd: dir,
    with: { 'working-directory': repo, ...inputs },
    github: { token: 'ghs_fake_token' },
    env: {
      GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: 'acme/control',
      GITHUB_API_URL: api, GITHUB_SERVER_URL: 'https://github.com', GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'output.txt'), GITHUB_WORKSPACE: dir, RUNNER_TEMP: runnerTemp,
    },
  });
  return { status, stdout, runnerTemp, summary: readFileSync(join(dir, 'summary.md'), 'utf8'), outputs: readFileSync(join(dir, 'output.txt'), 'utf8') };
}

describe('the GitHub check action (bundled dist) against a recording GitHub API', () => {
  it('annotates the changed lines, keeps one report comment up to date across pushes, writes SARIF and fails', async () => {
    const repo = await dataRepoCopy();
    const base = makeBadPullRequest(repo);
    const github = fakeGitHub();
    const server = await startRecordingServer(github.handler);
    try {
      const first = await runAction(repo, server.url, base);
      expect(first.status).toBe(1);
      const annotations = first.stdout.split('\n').filter(l => l.startsWith('::error') || l.startsWith('::warning'));
      expect(annotations.length).toBeGreaterThan(0);
      expect(annotations.length).toBeLessThanOrEqual(20);
      expect(annotations).toContainEqual(expect.stringMatching(/^::error title=ref-unresolved,file=catalog\/systems\/payments-core\/entities\.yaml,line=\d+,endLine=\d+,col=\d+,endColumn=\d+::spec\.owner refers to group:default\/payments-teem/));
      expect(first.stdout).toContain('::error::');
      expect(first.summary).toContain('## ❌ Backstage catalog: changes needed');
      expect(first.outputs).toMatch(/errors<<.*\n9\n/);
      const sarifFile = output(first.outputs, 'sarif')!;
      expect(sarifFile.startsWith(`${first.runnerTemp}/backstage-gitops-`)).toBe(true);
      expect(readFileSync(output(first.outputs, 'report')!, 'utf8')).toContain('## ❌ Backstage catalog: changes needed');
      const sarif = JSON.parse(readFileSync(sarifFile, 'utf8'));
      expect(sarif.runs[0].results.length).toBe(9);
      // Code scanning shows the rule's own descriptions and help, not a bare id.
      const rule = sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'ref-unresolved');
      expect(rule.shortDescription.text.length).toBeGreaterThan(10);
      expect(rule.fullDescription.text).not.toBe('Findings of ref-unresolved.');
      const posts = server.requests.filter(r => r.method === 'POST' && r.path !== '/graphql');
      expect(posts.map(r => r.path)).toEqual(['/repos/acme/control/issues/7/comments']);
      expect(server.requests[0].headers.authorization).toBe('token ghs_fake_token');

      const second = await runAction(repo, server.url, base);
      expect(second.status).toBe(1);
      expect(server.requests.filter(r => r.method === 'POST' && r.path !== '/graphql')).toHaveLength(1);
      expect(server.requests.filter(r => r.method === 'PATCH').map(r => r.path)).toEqual(['/repos/acme/control/issues/comments/101']);
      expect(github.comments.filter(c => c.body.includes(REPORT_MARKER))).toHaveLength(1);
    } finally {
      await server.close();
    }
  }, 120_000);

  // report5: a pull request that fixes what main has wrong. Its first push left the comment "blocked by findings
  // already on the base branch"; the push that fixes them must turn that same comment into a pass that says
  // what it fixed, not a bare "No findings".
  it('updates the one comment to say what a later push fixed on the base', async () => {
    const repo = await dataRepoCopy();
    const analytics = 'catalog/systems/analytics/entities.yaml';
    const typo = (from: string, to: string) => writeFileSync(join(repo, analytics), readFileSync(join(repo, analytics), 'utf8').replace(from, to));
    typo('consumesApis: [reporting-openapi]', 'consumesApis: [reporting-openapy]');
    commit(repo, 'main gets a typo');
    const base = startPullRequest(repo);
    writeFileSync(join(repo, 'catalog/systems/analytics/docs-site/docs/index.md'), '# Analytics\n\nDashboards for sales and finance.\n');
    commit(repo, 'first push: docs only');
    const github = fakeGitHub();
    const server = await startRecordingServer(github.handler);
    try {
      const first = await runAction(repo, server.url, base);
      expect(first.status).toBe(1);
      expect(github.comments.at(-1)!.body).toContain('## ❌ Backstage catalog: blocked by findings already on the base branch');
      typo('consumesApis: [reporting-openapy]', 'consumesApis: [reporting-openapi]');
      commit(repo, 'second push: the typo fixed');
      const second = await runAction(repo, server.url, base);
      expect(second.status).toBe(0);
      expect(server.requests.filter(r => r.method === 'PATCH').map(r => r.path)).toEqual(['/repos/acme/control/issues/comments/101']);
      const mine = github.comments.filter(c => c.body.includes(REPORT_MARKER));
      expect(mine).toHaveLength(1);
      expect(mine[0].body).toContain('## ✅ Backstage catalog: ready to merge');
      expect(mine[0].body).toContain(`- ✨ Fixes 1 error that <code>${base}</code> has`);
      expect(mine[0].body).toContain('#### Fixed by this pull request');
      expect(second.summary).toContain('#### Fixed by this pull request');
    } finally {
      await server.close();
    }
  }, 180_000);

  it('passes a clean pull request', async () => {
    const repo = await dataRepoCopy();
    const github = fakeGitHub();
    const server = await startRecordingServer(github.handler);
    try {
      const run = await runAction(repo, server.url, 'HEAD');
      expect(run.status).toBe(0);
      expect(run.stdout).not.toContain('::error');
      expect(github.comments.at(-1)!.body).toContain('## ✅ Backstage catalog: ready to merge');
    } finally {
      await server.close();
    }
  }, 120_000);

  // Red team: a gate that never finished (a pattern Spectral backtracks on for hours) ran into the job's own
  // timeout, and the runner ended the job with the earlier push's "ready to merge" still on the pull request.
  it('stops a gate that runs past timeout-minutes and rewrites the comment to "the gate could not run"', async () => {
    const repo = await dataRepoCopy();
    const base = startPullRequest(repo);
    const github = fakeGitHub();
    const server = await startRecordingServer(github.handler);
    try {
      expect((await runAction(repo, server.url, base)).status).toBe(0);
      expect(github.comments.at(-1)!.body).toContain('ready to merge');
      const file = 'catalog/systems/payments-core/definitions/payments-openapi.yaml';
      const redos = `                properties:\n                  slug:\n                    type: string\n                    pattern: '^(a|a)*$'\n                    example: ${'a'.repeat(40)}!\n`;
      writeFileSync(join(repo, file), readFileSync(join(repo, file), 'utf8').replace('              schema:\n                type: object\n', m => `${m}${redos}`));
      commit(repo, 'a pattern Spectral backtracks on');
      const started = Date.now();
      const stopped = await runAction(repo, server.url, base, { 'timeout-minutes': '0.1' });
      expect(Date.now() - started).toBeLessThan(19_000);
      expect(stopped.status).toBe(1);
      const body = github.comments.at(-1)!.body;
      expect(body).toContain('## ⚠️ Backstage catalog: the gate could not run');
      expect(body).toContain('<code>the toolkit did not finish within its time limit (6 s) and was stopped</code>');
      expect(body).not.toContain('ready to merge');
      expect(stopped.stdout).toMatch(/^::error::The gate could not run: the toolkit did not finish within its time limit \(6 s\)/m);
      const bad = await runAction(repo, server.url, base, { 'timeout-minutes': 'soon' });
      expect(bad.status).toBe(1);
      expect(bad.stdout).toMatch(/^::error::.*The timeout-minutes input takes a number of minutes above 0 and at most 1440, not "soon"/m);
    } finally {
      await server.close();
    }
  }, 120_000);

  // A broken gitops.config.yaml (the CLI's exit 2) after a clean push: the "ready to merge" comment is
  // rewritten in place to say the gate could not run, and the step fails.
  it('rewrites the report comment to "the gate could not run" when the CLI exits 2, with its one escaped line', async () => {
    const repo = await dataRepoCopy();
    const base = startPullRequest(repo);
    const github = fakeGitHub();
    const server = await startRecordingServer(github.handler);
    try {
      const clean = await runAction(repo, server.url, base);
      expect(clean.status).toBe(0);
      expect(github.comments.at(-1)!.body).toContain('ready to merge');
      appendFileSync(join(repo, 'gitops.config.yaml'), 'failOn: [\n<img src=x onerror=alert(1)>: 1\n');
      commit(repo, 'broken config');
      const before = server.requests.length;
      const broken = await runAction(repo, server.url, base);
      expect(broken.status).toBe(1);
      const writes = server.requests.slice(before).filter(r => r.method !== 'GET' && r.path !== '/graphql');
      expect(writes.map(r => `${r.method} ${r.path}`)).toEqual(['PATCH /repos/acme/control/issues/comments/101']);
      const body = (writes[0].body as { body: string }).body;
      expect(body.startsWith(REPORT_MARKER)).toBe(true);
      expect(body).toContain('## ⚠️ Backstage catalog: the gate could not run');
      expect(body).toMatch(/\n> <code>backstage-gitops report: gitops\.config\.yaml:\d+:\d+: YAML syntax error: Map keys must be unique\. Fix the file and run again\.<\/code>\n/);
      expect(body).not.toContain('ready to merge');
      expect(body).not.toContain('<img');
      expect(body.split('\n').find(l => l.startsWith('> '))!.length).toBeLessThanOrEqual(2 + 300 * 6);
      expect(github.comments.filter(c => c.body.includes(REPORT_MARKER))).toHaveLength(1);
      expect(broken.stdout).toMatch(/^::error::The gate could not run: backstage-gitops report: gitops\.config\.yaml/m);
      expect(broken.summary).toContain('the gate could not run');
    } finally {
      await server.close();
    }
  }, 120_000);

  // The pull request commits root links named like the action's outputs; the action writes only into
  // the folder it creates under RUNNER_TEMP, and the gate reports the links (repo-symlink).
  it('never writes through links the pull request commits: outputs go to a fresh folder under RUNNER_TEMP', async () => {
    const repo = await dataRepoCopy();
    const base = startPullRequest(repo);
    const outside = mkdtempSync(join(tmpdir(), 'gh-outside-'));
    symlinkSync(join(outside, 'report.md'), join(repo, 'backstage-gitops-report.md'));
    symlinkSync(join(outside, 'sarif.json'), join(repo, 'backstage-gitops.sarif'));
    commit(repo, 'links');
    const github = fakeGitHub();
    const server = await startRecordingServer(github.handler);
    try {
      const run = await runAction(repo, server.url, base);
      expect(existsSync(join(outside, 'report.md'))).toBe(false);
      expect(existsSync(join(outside, 'sarif.json'))).toBe(false);
      expect(output(run.outputs, 'sarif')!.startsWith(`${run.runnerTemp}/backstage-gitops-`)).toBe(true);
      expect(run.status).toBe(1);
      const links = run.stdout.split('\n').filter(l => l.startsWith('::error title=repo-symlink'));
      expect(links.map(l => /file=([^,]+)/.exec(l)![1]).sort()).toEqual(['backstage-gitops-report.md', 'backstage-gitops.sarif']);
    } finally {
      await server.close();
    }
  }, 120_000);
});
