import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// Red team: a skeleton's .github/workflows/ci.yml, which every repository the template creates receives, ran on
// pull_request_target with write-all, checked out the pull request's head and echoed its title into a run: script.
// The gate said nothing. These are the two patterns GitHub's "Security hardening for GitHub Actions" warns about.
const template = (fetchInput = '') => `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: ci\nspec:\n  owner: group:team-a\n  type: service\n  parameters: []\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ../../skeletons/ci\n${fetchInput}`;
const CASE = 'name: a\nvalues: {}\nsnapshot: false\n';
const repo = (workflow: string, fetchInput = '') => tempRepo({ 'templates/ci/template.yaml': template(fetchInput), 'templates/ci/tests/a.yaml': CASE, 'skeletons/ci/.github/workflows/ci.yml': workflow, 'values.yaml': '{}\n' });
/** A GitHub expression as a skeleton writes it so that Backstage leaves it for GitHub. */
const gh = (expression: string) => `\${% raw %}{{ ${expression} }}{% endraw %}`;
interface Finding { ruleId: string; severity: string; file: string; message: string; hint?: string; range: { start: { line: number } } }

async function findings(workflow: string, fetchInput = ''): Promise<{ status: number | null; found: Finding[] }> {
  const result = await runBin(['templates', 'test', '--format', 'json'], await repo(workflow, fetchInput));
  expect(result.stderr).not.toContain('internal error');
  const found = (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId.startsWith('template-workflow-') || d.ruleId === 'template-output-invalid');
  return { status: result.status, found };
}

const job = (steps: string, on = 'pull_request') => `on: ${on}\npermissions:\n  contents: read\njobs:\n  b:\n    runs-on: ubuntu-24.04\n    steps:\n${steps}`;

describe('rendered GitHub workflows are judged against script injection, pull_request_target checkouts and every secret at once (shipped bin)', () => {
  it("the red team's workflow: both findings, on the case, at the rendered file's lines", async () => {
    const workflow = `on: pull_request_target\npermissions: write-all\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${gh('github.event.pull_request.head.sha')}\n      - run: echo "${gh('github.event.pull_request.title')}" && pip install -e .\n`;
    const { status, found } = await findings(workflow);
    expect(found.map(f => [f.ruleId, f.severity, f.file, f.message.split(': ')[0]])).toEqual([
      ['template-workflow-injection', 'error', 'templates/ci/tests/a.yaml', '.github/workflows/ci.yml:10:20'],
      ['template-workflow-pr-target-checkout', 'error', 'templates/ci/tests/a.yaml', '.github/workflows/ci.yml:9:16'],
    ]);
    expect(found[0].message).toContain('${{ github.event.pull_request.title }} is pasted into the step\'s shell script');
    expect(found[0].message).toContain('Every repository this template creates gets a workflow where anyone');
    expect(found[0].hint).toBe('Pass it through env: (env: {TITLE: ${{ github.event.pull_request.title }}}) and use "$TITLE" in the run: script, as GitHub\'s "Security hardening for GitHub Actions" advises.');
    expect(found[1].message).toContain('runs on pull_request_target');
    expect(found[1].hint).toMatch(/^Use on: pull_request .*check out the base ref/);
    expect(status).toBe(1);
  }, 60_000);

  it.each([
    ['a title in run:, spaced', `      - run: echo "${gh('github.event.issue.title')}"\n`, 'template-workflow-injection', 8, 20],
    ['head_ref without spaces, in a block scalar', '      - run: |\n          git log -1\n          echo "${{github.head_ref}}"\n'.replace('${{github.head_ref}}', `\${% raw %}{{github.head_ref}}{% endraw %}`), 'template-workflow-injection', 10, 17],
    ["actions/github-script's script:", `      - uses: actions/github-script@v7\n        with:\n          script: console.log('${gh('github.event.comment.body')}')\n`, 'template-workflow-injection', 10, 32],
    ["a skeleton that escapes with \${{ '\${{' }} rather than raw", `      - run: echo "\${{ '\${{' }} github.event.head_commit.message }}"\n`, 'template-workflow-injection', 8, 20],
  ])('%s: an error at the expression', async (_, steps, ruleId, line, column) => {
    const { status, found } = await findings(job(steps));
    expect(found.map(f => [f.ruleId, f.message.split(': ')[0]])).toEqual([[ruleId, `.github/workflows/ci.yml:${line}:${column}`]]);
    expect(status).toBe(1);
  }, 60_000);

  it('a workflow copied without templating is what the new repository runs: judged too', async () => {
    const { found } = await findings(job('      - run: echo "${{ github.event.pull_request.body }}"\n'), "        copyWithoutTemplating: ['.github/workflows/*']\n");
    expect(found.map(f => [f.ruleId, f.message.split(': ')[0]])).toEqual([['template-workflow-injection', '.github/workflows/ci.yml:8:20']]);
  }, 60_000);

  it.each([
    ['the same title passed through env: (the documented fix)', job(`      - env:\n          TITLE: ${gh('github.event.pull_request.title')}\n        run: echo "$TITLE"\n`)],
    ['trusted contexts in run:, and an untrusted one only tested by contains()', job(`      - run: echo ${gh('github.sha')} ${gh('github.event.pull_request.number')} ${gh("contains(github.event.pull_request.title, 'wip')")}\n`)],
    ['the head checked out under pull_request (not _target)', job(`      - uses: actions/checkout@v4\n        with:\n          ref: ${gh('github.event.pull_request.head.sha')}\n      - run: npm test\n`)],
    ['pull_request_target checking out the base (no ref)', job('      - uses: actions/checkout@v4\n      - run: npm test\n', 'pull_request_target')],
  ])('%s: nothing', async (_, workflow) => {
    const { status, found } = await findings(workflow);
    expect(found).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);

  it.each([
    ['a list', '[push, pull_request_target]', 'ref', gh('github.head_ref')],
    ['a mapping', '\n  pull_request_target:\n    types: [opened]', 'ref', `refs/pull/${gh('github.event.number')}/merge`],
    ['a mapping, the fork as the repository', '\n  pull_request_target:', 'repository', gh('github.event.pull_request.head.repo.full_name')],
  ])('pull_request_target as %s, checking out the head: an error', async (_, on, key, value) => {
    const { status, found } = await findings(job(`      - uses: actions/checkout@v4\n        with:\n          ${key}: ${value}\n      - run: make\n`, on));
    expect(found.map(f => f.ruleId)).toEqual(['template-workflow-pr-target-checkout']);
    expect(status).toBe(1);
  }, 60_000);

  // Red team, second round: these went through as ready to merge.
  it.each([
    ["actions/checkout of the test merge commit (merge_commit_sha)", 'pull_request_target', `      - uses: actions/checkout@v4\n        with:\n          ref: ${gh('github.event.pull_request.merge_commit_sha')}\n      - run: pip install -e . && pytest\n`, 10, 16, 'ref: ${{ github.event.pull_request.merge_commit_sha }}'],
    ["actions/checkout of a workflow_run's pull request head", '\n  workflow_run:\n    workflows: [ci]', `      - uses: actions/checkout@v4\n        with:\n          ref: ${gh('github.event.workflow_run.pull_requests[0].head.sha')}\n      - run: make\n`, 12, 16, 'ref: ${{ github.event.workflow_run.pull_requests[0].head.sha }}'],
    ['a run: step with gh pr checkout', 'pull_request_target', `      - uses: actions/checkout@v4\n      - run: gh pr checkout ${gh('github.event.pull_request.number')} && pip install -e . && pytest\n        env:\n          GH_TOKEN: ${gh('github.token')}\n`, 9, 14, 'gh pr checkout ${{ github.event.pull_request.number }}'],
    ['git fetch of pull/N/head, then git checkout FETCH_HEAD', 'pull_request_target', `      - uses: actions/checkout@v4\n      - run: |\n          git fetch origin pull/${gh('github.event.number')}/head\n          git checkout FETCH_HEAD\n          npm ci && npm test\n`, 11, 11, 'git checkout FETCH_HEAD'],
    ['issue_comment, gh pr checkout of the commented pull request', 'issue_comment', `      - uses: actions/checkout@v4\n      - run: gh pr checkout ${gh('github.event.issue.number')} && make\n`, 9, 14, 'gh pr checkout ${{ github.event.issue.number }}'],
    ['the head passed through env: and checked out by git', 'pull_request_target', `      - env:\n          HEAD_SHA: ${gh('github.event.pull_request.head.sha')}\n        run: git fetch origin "$HEAD_SHA" && git checkout "$HEAD_SHA" && make\n`, 10, 46, 'git checkout "$HEAD_SHA"'],
  ])('%s: an error at the checkout', async (_, on, steps, line, column, shown) => {
    const { status, found } = await findings(job(steps, on));
    expect(found.map(f => [f.ruleId, f.severity, f.file, f.message.split(': ')[0]])).toEqual([['template-workflow-pr-target-checkout', 'error', 'templates/ci/tests/a.yaml', `.github/workflows/ci.yml:${line}:${column}`]]);
    expect(found[0].message).toContain(`checks out the pull request's own code (${shown})`);
    expect(found[0].hint).toMatch(/^Use on: pull_request .*check out the base ref/);
    expect(status).toBe(1);
  }, 60_000);

  const prCode = `      - run: gh pr checkout ${gh('github.event.pull_request.number')} && make\n      - run: |\n          git fetch origin pull/${gh('github.event.number')}/head\n          git checkout FETCH_HEAD\n`;
  it.each([
    ['the same gh pr checkout and git checkout FETCH_HEAD under pull_request', job(prCode)],
    ['pull_request_target that labels and comments, fetching the head only to diff it', job(`      - uses: actions/checkout@v4\n      - run: gh pr edit ${gh('github.event.pull_request.number')} --add-label triage && gh pr comment ${gh('github.event.number')} --body "Thanks"\n        env:\n          GH_TOKEN: ${gh('github.token')}\n      - run: |\n          git fetch origin ${gh('github.event.pull_request.head.sha')}\n          git diff --name-only ${gh('github.event.pull_request.base.sha')} FETCH_HEAD\n          git checkout -- README.md\n`, 'pull_request_target')],
    ['secrets passed one by name, and tested whole only by contains()', job(`      - run: ./deploy.sh\n        env:\n          API_TOKEN: ${gh('secrets.API_TOKEN')}\n          ANY: ${gh("contains(secrets, 'x')")}\n`)],
    ['a %YAML 1.1 workflow GitHub accepts', `%YAML 1.1\n---\n${job('      - run: make\n', 'push')}`],
  ])('%s: nothing', async (_, workflow) => {
    const { status, found } = await findings(workflow);
    expect(found).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);

  it('every secret at once (toJSON(secrets), secrets whole): an error at each expression', async () => {
    const { status, found } = await findings(job(`      - run: ./report.sh\n        env:\n          ALL: ${gh('toJSON(secrets)')}\n          WHOLE: ${gh('secrets')}\n`, 'push'));
    expect(found.map(f => [f.ruleId, f.severity, f.file, f.message.split(': ')[0]])).toEqual([
      ['template-workflow-secrets-dump', 'error', 'templates/ci/tests/a.yaml', '.github/workflows/ci.yml:10:16'],
      ['template-workflow-secrets-dump', 'error', 'templates/ci/tests/a.yaml', '.github/workflows/ci.yml:11:18'],
    ]);
    expect(found[0].message).toContain('${{ toJSON(secrets) }} hands every secret the workflow can read');
    expect(found[0].hint).toBe('Pass each secret the step needs by name (env: {API_TOKEN: ${{ secrets.API_TOKEN }}}), so the step holds only what it uses.');
    expect(status).toBe(1);
  }, 60_000);

  it("a %YAML 1.1 directive: judged as GitHub reads it (on: is the triggers key), not a parser crash", async () => {
    const { status, found } = await findings(`%YAML 1.1\n---\n${job(`      - uses: actions/checkout@v4\n        with:\n          ref: ${gh('github.event.pull_request.head.sha')}\n      - run: pip install -e . && pytest\n`, 'pull_request_target')}`);
    expect(found.map(f => [f.ruleId, f.message.split(': ')[0]])).toEqual([['template-workflow-pr-target-checkout', '.github/workflows/ci.yml:12:16']]);
    expect(status).toBe(1);
  }, 60_000);

  it("a %YAML 1.1 workflow GitHub refuses: its parser's own error, not a crash", async () => {
    const { found } = await findings(`%YAML 1.1\n---\non: push\njobs:\n  b:\n    steps:\n      - run: make\n`);
    expect(found.map(f => f.ruleId)).toEqual(['template-output-invalid']);
    expect(found[0].message).not.toContain('is not a function');
    expect(found[0].message).toContain('runs-on');
  }, 60_000);

  it('templates render says both too, and fails', async () => {
    const root = await repo(job(`      - uses: actions/checkout@v4\n        with:\n          ref: ${gh('github.event.pull_request.head.ref')}\n      - run: echo "${gh('github.event.pull_request.title')}"\n`, 'pull_request_target'));
    const result = await runBin(['templates', 'render', 'templates/ci/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(result.stdout).toContain('(template-workflow-injection)');
    expect(result.stdout).toContain('(template-workflow-pr-target-checkout)');
    expect(result.status).toBe(1);
  }, 60_000);
});
