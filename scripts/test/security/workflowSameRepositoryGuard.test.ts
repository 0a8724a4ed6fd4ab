import { describe, expect, it } from 'vitest';
import { runsOnlyForSameRepository } from '../../src/templates/workflowGuards.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// Fresh-user sweep: a pull_request_target workflow that checks out the pull request's head only when it comes from
// the repository itself (`if: github.event.pull_request.head.repo.full_name == github.repository`, GitHub Security
// Lab's guard: such a head was pushed by someone who can already write to the repository) was an error, as if every
// fork's code ran with the repository's token. A gate that cries wolf on the documented fix gets switched off.

describe('runsOnlyForSameRepository: the guard read with GitHub\'s own expression parser', () => {
  it.each([
    ['github.event.pull_request.head.repo.full_name == github.repository', ['pull_request_target']],
    ['${{ github.repository == github.event.pull_request.head.repo.full_name }}', ['pull_request_target']],
    ["github.event_name == 'pull_request_target' && (github.event.pull_request.head.repo.full_name == github.repository)", ['pull_request_target']],
    ["GitHub.Event['pull_request'].Head.Repo.Full_Name == github.event.repository.full_name && success()", ['pull_request_target']],
    ['github.event.workflow_run.head_repository.full_name == github.repository', ['workflow_run']],
    // Under issue_comment there is no pull_request payload: null == 'acme/x' is false, the job does not run.
    ['github.event.pull_request.head.repo.full_name == github.repository', ['pull_request_target', 'issue_comment']],
    ['!github.event.pull_request.head.repo.fork', ['pull_request_target']],
    ['github.event.pull_request.head.repo.fork == false', ['pull_request_target']],
    ['true != github.event.pull_request.head.repo.fork', ['pull_request_target']],
  ])('%s under %j: runs only for this repository', (condition, triggers) => {
    expect(runsOnlyForSameRepository(condition, triggers)).toBe(true);
  });

  it.each([
    // An || lets the other side run it for a fork.
    ["github.event.pull_request.head.repo.full_name == github.repository || contains(github.event.pull_request.labels.*.name, 'safe')", ['pull_request_target']],
    ['github.event.pull_request.head.repo.full_name != github.repository', ['pull_request_target']],
    ["github.event.pull_request.head.repo.full_name == 'attacker/fork'", ['pull_request_target']],
    ['!(github.event.pull_request.head.repo.full_name == github.repository)', ['pull_request_target']],
    // A label is applied by a maintainer, but the head can change after it: not the same guard.
    ["contains(github.event.pull_request.labels.*.name, 'safe to test')", ['pull_request_target']],
    // The fork flag is null without a pull_request payload, and !null is true: an issue_comment runs it.
    ['!github.event.pull_request.head.repo.fork', ['pull_request_target', 'issue_comment']],
    ['github.event.pull_request.head.repo.fork == false', ['workflow_run']],
    ["github.event.pull_request.head.repo.fork == 'false'", ['pull_request_target']],
    // Two expressions in one string, and text GitHub's parser refuses: not read as a guard.
    ['${{ github.event.pull_request.head.repo.full_name }} == ${{ github.repository }}', ['pull_request_target']],
    ['github.event.pull_request.head.repo.full_name ==', ['pull_request_target']],
    // Red team: text outside the one ${{ }} (a space, a block scalar's line break) makes GitHub read a format()
    // string, which is never empty and so always true.
    ['${{ github.event.pull_request.head.repo.full_name == github.repository }} ', ['pull_request_target']],
    ['${{ github.event.pull_request.head.repo.full_name == github.repository }}\n', ['pull_request_target']],
    ['      ${{ github.event.pull_request.head.repo.full_name == github.repository }}', ['pull_request_target']],
    ['nosuchcontext.x == github.repository', ['pull_request_target']],
  ])('%s under %j: not a guard', (condition, triggers) => {
    expect(runsOnlyForSameRepository(condition, triggers)).toBe(false);
  });
});

const template = `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: ci\nspec:\n  owner: group:team-a\n  type: service\n  parameters: []\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ../../skeletons/ci\n        copyWithoutTemplating: ['.github/**']\n`;
const repo = (files: Record<string, string>) => tempRepo({ 'templates/ci/template.yaml': template, 'templates/ci/tests/a.yaml': 'name: a\nvalues: {}\nsnapshot: false\n', 'values.yaml': '{}\n', ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`skeletons/ci/${k}`, v])) });

async function checkoutFindings(files: Record<string, string>): Promise<{ status: number | null; found: string[] }> {
  const result = await runBin(['templates', 'test', '--format', 'json'], await repo(files));
  expect(result.stderr).not.toContain('internal error');
  const diagnostics = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; message: string }[] }).diagnostics;
  return { status: result.status, found: diagnostics.filter(d => d.ruleId.startsWith('template-workflow-')).map(d => `${d.ruleId} ${d.message.split(': ')[0]}`) };
}

const SAME_REPO = 'github.event.pull_request.head.repo.full_name == github.repository';
const checkoutHead = '      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: npm ci && npm test\n';
const workflow = (jobIf: string, steps = checkoutHead) => `on: pull_request_target\npermissions:\n  contents: write\njobs:\n  test:\n${jobIf}    runs-on: ubuntu-24.04\n    steps:\n${steps}`;

describe('a same-repository guard on the job or the step clears the pull_request_target checkout (shipped bin)', () => {
  it.each([
    ['on the job', workflow(`    if: ${SAME_REPO}\n`)],
    ['on the job, in ${{ }}, with a second condition', workflow(`    if: \${{ github.actor != 'dependabot[bot]' && ${SAME_REPO} }}\n`)],
    ['on the checkout step', workflow('', `      - if: ${SAME_REPO}\n        uses: actions/checkout@v4\n        with:\n          ref: \${{ github.event.pull_request.head.sha }}\n      - run: npm test\n`)],
    ['on the job that calls a local reusable workflow which checks out the head', `on: pull_request_target\njobs:\n  call:\n    if: ${SAME_REPO}\n    uses: ./.github/workflows/build.yml\n`, { '.github/workflows/build.yml': `on: workflow_call\njobs:\n  b:\n    runs-on: ubuntu-24.04\n    steps:\n${checkoutHead}` }],
    ['on the step that runs gh pr checkout', workflow('', `      - uses: actions/checkout@v4\n      - if: ${SAME_REPO}\n        run: gh pr checkout \${{ github.event.pull_request.number }} && make\n`)],
  ] as [string, string, Record<string, string>?][])('%s: no finding', async (_, ci, extra = {}) => {
    const { status, found } = await checkoutFindings({ '.github/workflows/ci.yml': ci, ...extra });
    expect(found).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);

  it.each([
    ['no guard', workflow(''), '.github/workflows/ci.yml:10:16'],
    ['a guard or-ed with a label', workflow(`    if: ${SAME_REPO} || contains(github.event.pull_request.labels.*.name, 'ok-to-test')\n`), '.github/workflows/ci.yml:11:16'],
    ['the guard on another step than the checkout', workflow('', `      - if: ${SAME_REPO}\n        run: echo same\n      - uses: actions/checkout@v4\n        with:\n          ref: \${{ github.event.pull_request.head.sha }}\n`), '.github/workflows/ci.yml:12:16'],
    ['the guard on another job', `on: pull_request_target\njobs:\n  label:\n    if: ${SAME_REPO}\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ok\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n${checkoutHead}`, '.github/workflows/ci.yml:13:16'],
  ])('%s: still an error', async (_, ci, where) => {
    const { status, found } = await checkoutFindings({ '.github/workflows/ci.yml': ci });
    expect(found).toEqual([`template-workflow-pr-target-checkout ${where}`]);
    expect(status).toBe(1);
  }, 60_000);

  it.each([
    ['a block scalar around the ${{ }} (GitHub: format(\'{0}\\n\', …), always true)', workflow(`    if: |\n      \${{ ${SAME_REPO} }}\n`), '.github/workflows/ci.yml:12:16'],
    ['a quoted ${{ }} with a space after it', workflow(`    if: "\${{ ${SAME_REPO} }} "\n`), '.github/workflows/ci.yml:11:16'],
    // Red team: a trigger named through an alias hid issue_comment (under which !fork is !null, true) or the
    // privileged trigger itself.
    ['issue_comment named through an alias beside a !fork guard', `name: &comment issue_comment\non: [pull_request_target, *comment]\njobs:\n  test:\n    if: "!github.event.pull_request.head.repo.fork"\n    runs-on: ubuntu-24.04\n    steps:\n${checkoutHead}`, '.github/workflows/ci.yml:10:16'],
    ['pull_request_target named through an alias', `name: &trigger pull_request_target\non: [*trigger]\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n${checkoutHead}`, '.github/workflows/ci.yml:9:16'],
  ])('%s: still an error', async (_, ci, where) => {
    const { status, found } = await checkoutFindings({ '.github/workflows/ci.yml': ci });
    expect(found).toEqual([`template-workflow-pr-target-checkout ${where}`]);
    expect(status).toBe(1);
  }, 60_000);

  it('the guard does not clear script injection: a same-repository head still names its branch', async () => {
    const { found } = await checkoutFindings({ '.github/workflows/ci.yml': workflow(`    if: ${SAME_REPO}\n`, '      - run: echo "${{ github.event.pull_request.title }}"\n') });
    expect(found).toEqual(['template-workflow-injection .github/workflows/ci.yml:9:20']);
  }, 60_000);
});
