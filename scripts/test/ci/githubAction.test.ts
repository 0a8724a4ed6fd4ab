import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_MARKER } from '../../src/pr/renderPrReport.ts';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { fakeGitHub } from '../helpers/fakeGitHub.ts';
import { startRecordingServer } from '../helpers/recordingServer.ts';
import { runAction as runLikeTheRunner } from '../helpers/runAction.ts';
import { makeBadPullRequest } from '../pr/prChange.ts';

async function runAction(repo: string, api: string, base: string) {
  const dir = mkdtempSync(join(tmpdir(), 'gh-'));
  const event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 7, base: { sha: base }, head: { sha: 'head' } }, repository: { name: 'control', owner: { login: 'acme' } } }));
  for (const f of ['summary.md', 'output.txt']) writeFileSync(join(dir, f), '');
  // As the runner runs it: action.yml read, `with:` as in .github/workflows/pull-request.yml, defaults for the rest.
  const { status, stdout } = await runLikeTheRunner('check', {
    cwd: repo,
    with: { 'sarif-file': 'gate.sarif' },
    github: { token: 'ghs_fake_token' },
    env: {
      GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: 'acme/control',
      GITHUB_API_URL: api, GITHUB_SERVER_URL: 'https://github.com', GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'output.txt'), GITHUB_WORKSPACE: repo,
    },
  });
  return { status, stdout, summary: readFileSync(join(dir, 'summary.md'), 'utf8'), outputs: readFileSync(join(dir, 'output.txt'), 'utf8') };
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
      const sarif = JSON.parse(readFileSync(join(repo, 'gate.sarif'), 'utf8'));
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
});
