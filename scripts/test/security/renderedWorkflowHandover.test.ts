import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// Red team, third round (skeletons/node-service/.github on their hostile-wf branch): every secret handed over
// through an object filter or secrets: inherit to another repository's workflow, and the pull request's code
// brought in other than by a checkout. All went through as ready to merge.
const template = `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: ci\nspec:\n  owner: group:team-a\n  type: service\n  parameters: []\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ../../skeletons/ci\n`;
const CASE = 'name: a\nvalues: {}\nsnapshot: false\n';
const gh = (expression: string) => `\${% raw %}{{ ${expression} }}{% endraw %}`;
interface Finding { ruleId: string; severity: string; file: string; message: string; hint?: string }

async function findings(workflow: string, extra: Record<string, string> = {}): Promise<{ status: number | null; found: Finding[] }> {
  const files: Record<string, string> = { 'templates/ci/template.yaml': template, 'templates/ci/tests/a.yaml': CASE, 'skeletons/ci/.github/workflows/ci.yml': workflow, 'values.yaml': '{}\n' };
  for (const [path, text] of Object.entries(extra)) files[`skeletons/ci/${path}`] = text;
  const result = await runBin(['templates', 'test', '--format', 'json'], await tempRepo(files));
  expect(result.stderr).not.toContain('internal error');
  const found = (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId.startsWith('template-workflow-') || d.ruleId === 'template-output-invalid');
  return { status: result.status, found };
}

const job = (steps: string, on = 'pull_request') => `on: ${on}\npermissions:\n  contents: read\njobs:\n  b:\n    runs-on: ubuntu-24.04\n    steps:\n${steps}`;
const shown = (found: Finding[]) => found.map(f => [f.ruleId, f.message.split(': ')[0]]);

describe('every secret handed over at once', () => {
  it('an object filter over secrets (join(secrets.*), toJSON(secrets.*)): an error at each; a computed index is one secret', async () => {
    const { status, found } = await findings(job(`      - run: ./report.sh\n        env:\n          ALL: ${gh("join(secrets.*, ' ')")}\n          ALL2: ${gh('toJSON(secrets.*)')}\n          ONE: ${gh("secrets[format('{0}', 'NPM_TOKEN')]")}\n`, 'push'));
    expect(shown(found)).toEqual([
      ['template-workflow-secrets-dump', '.github/workflows/ci.yml:10:16'],
      ['template-workflow-secrets-dump', '.github/workflows/ci.yml:11:17'],
    ]);
    expect(status).toBe(1);
  }, 60_000);

  it("secrets: inherit to another repository's reusable workflow: an error; to this repository's own: nothing", async () => {
    const workflow = 'on: pull_request_target\njobs:\n  own:\n    uses: ./.github/workflows/build.yml\n    secrets: inherit\n  other:\n    uses: other-org/tools/.github/workflows/y.yml@main\n    secrets: inherit\n  named:\n    uses: other-org/tools/.github/workflows/y.yml@main\n    secrets:\n      API_TOKEN: ' + gh('secrets.API_TOKEN') + '\n';
    const build = 'on: workflow_call\njobs:\n  b:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n';
    const { status, found } = await findings(workflow, { '.github/workflows/build.yml': build });
    expect(shown(found)).toEqual([['template-workflow-secrets-dump', '.github/workflows/ci.yml:8:14']]);
    expect(found[0].message).toContain('other-org/tools/.github/workflows/y.yml@main, a workflow outside this repository');
    expect(status).toBe(1);
  }, 60_000);
});

const target = (steps: string) => job(`      - uses: actions/checkout@v4\n${steps}`, 'pull_request_target');
describe("the pull request's code brought in other than by actions/checkout, under a privileged trigger", () => {
  it.each([
    ['a wildcard fetch of refs/pull/* then a checkout of what it fetched', target(`      - env:\n          PR_NUMBER: ${gh('github.event.number')}\n        run: |\n          git fetch origin "+refs/pull/*:refs/remotes/pr/*"\n          git checkout "pr/$PR_NUMBER/head"\n          npm ci && npm test\n`), 13, 11, 'git checkout "pr/$PR_NUMBER/head"'],
    ['gh pr diff piped to git apply', target(`      - env:\n          PR: ${gh('github.event.number')}\n        run: |\n          gh pr diff "$PR" | git apply\n          npm ci && npm test\n`), 12, 30, 'git apply'],
    ["gh api of the head's tarball, extracted", job(`      - env:\n          SHA: ${gh('github.event.pull_request.head.sha')}\n        run: |\n          gh api "repos/$GITHUB_REPOSITORY/tarball/$SHA" | tar xz --strip-components=1\n          npm ci && npm test\n`, 'pull_request_target'), 11, 11, 'gh api "repos/$GITHUB_REPOSITORY/tarball/$SHA"'],
    ['curl of the pull request\'s .patch, then patch', target(`      - run: |\n          curl -sL https://github.com/o/r/pull/${gh('github.event.number')}.patch -o pr.patch\n          patch -p1 < pr.patch && make\n`), 11, 11, 'patch -p1 < pr.patch'],
    ['the head written to $GITHUB_ENV, checked out in a later step', target(`      - env:\n          HEAD_SHA: ${gh('github.event.pull_request.head.sha')}\n        run: echo "SHA=$HEAD_SHA" >> "$GITHUB_ENV"\n      - run: |\n          git fetch origin "$SHA"\n          git checkout "$SHA"\n          npm ci && npm test\n`), 14, 11, 'git checkout "$SHA"'],
    ['the head expression written to $GITHUB_ENV', target(`      - run: echo "SHA=${gh('github.event.pull_request.head.sha')}" >> $GITHUB_ENV\n      - run: git checkout $SHA && make\n`), 10, 14, 'git checkout $SHA'],
    ['xargs git checkout of the head', target(`      - env:\n          SHA: ${gh('github.event.pull_request.head.sha')}\n        run: echo "$SHA" | xargs git checkout\n`), 11, 34, 'git checkout'],
    ['"$(command -v git)" checkout of the head', target(`      - env:\n          SHA: ${gh('github.event.pull_request.head.sha')}\n        run: '"$(command -v git)" checkout "$SHA" && make'\n`), 11, 15, '"$(command -v git)" checkout "$SHA"'],
    ["actions/github-script exec of git checkout of context.payload's head", target(`      - uses: actions/github-script@v7\n        with:\n          script: |\n            const sha = context.payload.pull_request.head.sha;\n            await exec.exec('git', ['fetch', 'origin', sha]);\n            await exec.exec('git', ['checkout', sha]);\n      - run: npm ci && npm test\n`), 14, 19, "exec.exec('git', ['checkout'"],
  ])('%s: an error at the step that brings it in', async (_, workflow, line, column, shownText) => {
    const { status, found } = await findings(workflow);
    expect(shown(found)).toEqual([['template-workflow-pr-target-checkout', `.github/workflows/ci.yml:${line}:${column}`]]);
    expect(found[0].message).toContain(`(${shownText}`);
    expect(status).toBe(1);
  }, 60_000);

  const runArtifact = (download: string) => `on:\n  workflow_run:\n    workflows: [ci]\n    types: [completed]\npermissions:\n  contents: read\njobs:\n  f:\n    runs-on: ubuntu-24.04\n    steps:\n${download}`;
  it.each([
    ['dawidd6/action-download-artifact', `      - uses: dawidd6/action-download-artifact@v6\n        with:\n          run_id: ${gh('github.event.workflow_run.id')}\n          name: build\n          path: artifact\n      - run: bash ./artifact/build.sh\n`],
    ['actions/download-artifact with run-id and github-token', `      - uses: actions/download-artifact@v4\n        with:\n          run-id: ${gh('github.event.workflow_run.id')}\n          github-token: ${gh('github.token')}\n      - uses: ./.github/actions/publish\n`],
  ])("workflow_run downloading the triggering run's artifact with %s, then running a step: an error at the download", async (_, steps) => {
    const { status, found } = await findings(runArtifact(steps));
    expect(shown(found)).toEqual([['template-workflow-pr-target-checkout', '.github/workflows/ci.yml:11:15']]);
    expect(found[0].message).toContain('downloads an artifact of the run that triggered it');
    expect(status).toBe(1);
  }, 60_000);

  it.each([
    ['the same fetches, diffs, downloads and checkouts under pull_request', job(`      - run: |\n          git fetch origin "+refs/pull/*:refs/remotes/pr/*"\n          git checkout pr/1/head\n          gh pr diff 1 | git apply\n          gh api repos/o/r/tarball/${gh('github.event.pull_request.head.sha')} | tar xz\n`)],
    ['pull_request_target: a wildcard fetch without checkout, gh pr diff read only, the base tarball, the base sha in $GITHUB_ENV', target(`      - run: |\n          git fetch origin "+refs/pull/*:refs/remotes/pr/*"\n          git log --oneline pr/1/head\n          gh pr diff ${gh('github.event.number')} | grep -c '^+'\n          gh api repos/o/r/tarball/${gh('github.event.pull_request.base.sha')} | tar xz\n          echo "BASE=${gh('github.event.pull_request.base.sha')}" >> "$GITHUB_ENV"\n      - run: git checkout "$BASE" && make\n`)],
    ['workflow_run downloading an artifact of its own run, or the triggering run\'s with nothing run after', `on:\n  workflow_run:\n    workflows: [ci]\njobs:\n  f:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/download-artifact@v4\n      - run: cat report.txt\n  g:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo start\n      - uses: dawidd6/action-download-artifact@v6\n        with:\n          run_id: ${gh('github.event.workflow_run.id')}\n      - uses: actions/upload-artifact@v4\n        with:\n          path: artifact\n`],
  ])('%s: nothing', async (_, workflow) => {
    const { status, found } = await findings(workflow);
    expect(found).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);
});

describe("this repository's own composite actions and reusable workflows run on their caller's trigger", () => {
  const prep = `name: prep\nruns:\n  using: composite\n  steps:\n    - uses: actions/checkout@v4\n      with:\n        ref: ${gh('github.event.pull_request.head.sha')}\n    - run: npm ci && npm test\n      shell: bash\n`;
  const build = `name: build\non: workflow_call\njobs:\n  b:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${gh('github.event.pull_request.head.sha')}\n      - run: npm ci && npm test\n`;
  const caller = (on: string) => `on: ${on}\npermissions:\n  contents: read\njobs:\n  g:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./.github/actions/prep\n  h:\n    uses: ./.github/workflows/build.yml\n    secrets: inherit\n`;

  it("pull_request_target calling a local composite action and a local reusable workflow that check out the head: an error in each, at the called file's line", async () => {
    const { status, found } = await findings(caller('pull_request_target'), { '.github/actions/prep/action.yml': prep, '.github/workflows/build.yml': build });
    expect(shown(found)).toEqual([
      ['template-workflow-pr-target-checkout', '.github/actions/prep/action.yml:7:14'],
      ['template-workflow-pr-target-checkout', '.github/workflows/build.yml:9:16'],
    ]);
    expect(found[0].message).toContain('runs on pull_request_target (as .github/workflows/ci.yml calls it)');
    expect(status).toBe(1);
  }, 60_000);

  it('the same called from a pull_request workflow, and a local composite action that only runs base code: nothing', async () => {
    const { status, found } = await findings(caller('pull_request'), { '.github/actions/prep/action.yml': prep, '.github/workflows/build.yml': build });
    expect(found).toEqual([]);
    expect(status).toBe(0);
    const base = await findings(caller('pull_request_target'), { '.github/actions/prep/action.yml': 'name: prep\nruns:\n  using: composite\n  steps:\n    - run: npm ci\n      shell: bash\n', '.github/workflows/build.yml': build.replace(/        with:\n.*\n/, '') });
    expect(base.found).toEqual([]);
    expect(base.status).toBe(0);
  }, 60_000);
});
