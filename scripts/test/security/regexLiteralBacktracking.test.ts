import { describe, expect, it } from 'vitest';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';
import { runBin } from './runBin.ts';

interface Finding { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } }

const FILE = 'templates/svc/template.yaml';
const SKELETON = 'skeletons/svc/README.md';
// What Nunjitsu runs natively (replace, split, test), where its work limits do not reach: on 28 `a`s and a
// `!`, ^(a+)+$ takes V8 minutes, on 40 longer than any CI job.
const EVIL = '${{ "' + 'a'.repeat(40) + '!" | replace(r/^(a+)+$/, "x") }}';
const template = (stepInput = '') => templateHead('svc') + fetchSkeletonStep('', stepInput);
const files = (skeleton: string, stepInput = '') => ({
  [FILE]: template(stepInput),
  [SKELETON]: skeleton,
  'templates/svc/tests/default.yaml': 'name: default\nvalues:\n  name: svc\n',
});
const ofRule = (stdout: string) => (JSON.parse(stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'template-pattern-backtracking');

// Red team, session 45 (round 2): a skeleton line `${{ "aaa…!" | replace(r/^(a+)+$/, "x") }}` held
// `templates test` and `report --base` past every limit: Nunjitsu's work limits count steps of the
// template, not a regular expression's backtracking, and the render blocks the thread the time limits run
// on. Backstage's own task would hang on it just the same, and a value from the form (values.name |
// replace(r/…/)) would stall its backend.
describe('a regular-expression literal that backtracks, in a skeleton or template.yaml', () => {
  it('check reports it at its line and column, in a skeleton file and in a step input', async () => {
    const skeleton = `# \${{ values.name }}\n\nslug: ${EVIL}\n`;
    const root = await templateRepo(['../templates/svc/template.yaml'], files(skeleton, '        targetPath: ${{ parameters.name | replace(r/(\\w+\\s?)*$/, "") }}\n'));
    const run = await runBin(['check', '--format', 'json'], root, {}, 90_000);
    expect(run.stderr).not.toMatch(/internal error/);
    const found = ofRule(run.stdout);
    const inSkeleton = found.find(d => d.file === SKELETON);
    expect(inSkeleton?.range.start).toEqual({ line: 3, column: 7 + EVIL.indexOf('r/') });
    expect(inSkeleton?.message).toMatch(/^The regular expression "r\/\^\(a\+\)\+\$\/" backtracks exponentially/);
    const inTemplate = found.find(d => d.file === FILE);
    expect(inTemplate?.range.start.line).toBe(template('        targetPath: x\n').split('\n').findIndex(l => l.includes('targetPath')) + 1);
    expect(inTemplate?.message).toMatch(/r\/\(\\\\w\+\\\\s\?\)\*\$\/.*backtracks/);
    expect(run.status).toBe(1);
  }, 120_000);

  it('templates test and templates render refuse the text in seconds, whatever the case expects', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      ...files(`# \${{ values.name }}\n${EVIL}\n`),
      // A case that expects the render to fail may not pass on this refusal: Backstage would hang, not fail.
      'templates/svc/tests/default.yaml': "name: default\nvalues:\n  name: svc\nexpect:\n  error: renderer\n",
    });
    const started = Date.now();
    const test = await runBin(['templates', 'test', 'svc', '--format', 'json'], root, {}, 60_000);
    expect(test.status).toBe(1);
    // The skeleton line (the static check templates test runs too), and the case, not rendered.
    const found = ofRule(test.stdout);
    expect(found.map(d => [d.file, d.range.start.line])).toEqual([[SKELETON, 2], ['templates/svc/tests/default.yaml', 1]]);
    expect(found[1].message).toMatch(/^This case was not rendered: the regular expression "r\/\^\(a\+\)\+\$\/" backtracks exponentially/);
    const render = await runBin(['templates', 'render', FILE, '--values', 'templates/svc/tests/default.yaml', '--out', 'out'], root, {}, 60_000);
    expect(render.status).toBe(1);
    expect(render.stdout).toContain('backtracks exponentially');
    expect(Date.now() - started).toBeLessThan(50_000);
  }, 150_000);

  it('a linear literal, a string that only looks like one and a comment are no finding, and render as Backstage renders them', async () => {
    const skeleton = '# ${{ values.name | replace(r/-+/g, "_") }}\n${{ "r/(a+)+$/" }}\n{# r/(a+)+$/ #}\nr/(a+)+$/ in text\n';
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      ...files(skeleton),
      'templates/svc/tests/default.yaml': 'name: default\nsnapshot: false\nvalues:\n  name: my--svc\nexpect:\n  contains:\n    README.md: ["# my_svc", "r/(a+)+$/ in text"]\n',
    });
    const check = await runBin(['check', '--format', 'json'], root, {}, 90_000);
    expect(ofRule(check.stdout)).toEqual([]);
    const test = await runBin(['templates', 'test', 'svc', '--format', 'json'], root, {}, 60_000);
    expect(JSON.parse(test.stdout).diagnostics).toEqual([]);
    expect(test.status).toBe(0);
  }, 150_000);

  // Reviewer, same session: a `{% raw %}` block holding bash's ${#ARR[@]} made the scanner take `{#` for a
  // comment and miss every literal after it; and check's own evaluation of expressions (a workflow file's
  // GitHub expressions, a publish step's repoUrl) ran the literal natively, so check hung on what it reports.
  it('is found after a raw block, and check never runs it in a workflow expression or a pull-request step', async () => {
    const pr = '    - id: pr\n      action: publish:github:pull-request\n      input:\n        repoUrl: github.com?owner=acme&repo=' + EVIL.replace('"x"', "'x'").replace(/"/g, "'") + '\n        branchName: x\n        title: x\n        description: x\n';
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      [FILE]: template() + pr,
      [SKELETON]: '{% raw %}echo "${#ARR[@]}"{% endraw %}\n' + EVIL + '\n',
      'skeletons/svc/.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo "${{ (github.ref ~ "' + 'a'.repeat(40) + '!") | replace(r/^(\\w+)+$/, "x") }}"\n',
      'templates/svc/tests/default.yaml': 'name: default\nsnapshot: false\nvalues:\n  name: svc\n',
    });
    const run = await runBin(['check', '--format', 'json'], root, {}, 60_000);
    expect(run.stderr).not.toMatch(/internal error/);
    const found = ofRule(run.stdout).map(d => [d.file, d.range.start.line, d.range.start.column]);
    const prLine = (template() + pr).split('\n').findIndex(l => l.includes('repoUrl: github.com')) + 1;
    expect(found).toEqual(expect.arrayContaining([
      [SKELETON, 2, EVIL.indexOf('r/') + 1],
      ['skeletons/svc/.github/workflows/ci.yml', 6, 'x      - run: echo "${{ (github.ref ~ "'.length + 40 + '!") | replace('.length],
      [FILE, prLine, '        repoUrl: github.com?owner=acme&repo='.length + EVIL.indexOf('r/') + 1],
    ]));
    expect(run.status).toBe(1);
  }, 90_000);

  // Red team, same session: a pattern padded until recheck gives up in its time passed (undecided was no
  // finding), and 40 nested groups held linearByShape for minutes (2^n) before recheck was asked; a
  // cookiecutterCompat an expression turns on hid `{{ }}` literals, and a skeleton only an expression url
  // reaches (`../../skeletons/svc${{ parameters.variant }}`) was never scanned.
  it('a pattern recheck cannot decide counts, deep nesting is judged in time, and every skeleton a step may fetch is scanned', async () => {
    const padded = 'r/^(a+)+$|abcdefghijklmnopqrstuvwxyz0123456789/';
    const nested = 'r/^a' + '('.repeat(40) + 'b' + ')'.repeat(40) + '$/';
    const compat = '    - id: compat\n      action: fetch:template\n      input:\n        url: ../../skeletons/compat\n        cookiecutterCompat: ${{ parameters.name == "x" }}\n';
    const variant = '    - id: variant\n      action: fetch:template\n      input:\n        url: ../../skeletons/svc${{ parameters.name }}\n        targetPath: v\n';
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      [FILE]: template() + compat + variant,
      [SKELETON]: `# \${{ values.name | replace(${padded}, "x") }}\n# \${{ values.name | replace(${nested}, "x") }}\n`,
      'skeletons/compat/README.md': 'x {{ "' + 'a'.repeat(40) + '!" | replace(r/^(a+)+$/, "x") }}\n',
      'skeletons/svcb/README.md': 'y ${{ "' + 'a'.repeat(40) + '!" | replace(r/^(a|a)+$/, "x") }}\n',
      'templates/svc/tests/default.yaml': 'name: default\nsnapshot: false\nvalues:\n  name: svc\n',
    });
    const started = Date.now();
    const run = await runBin(['check', '--format', 'json'], root, {}, 90_000);
    expect(run.stderr).not.toMatch(/internal error/);
    const found = ofRule(run.stdout);
    expect(found.map(d => [d.file, d.range.start.line])).toEqual(expect.arrayContaining([[SKELETON, 1], ['skeletons/compat/README.md', 1], ['skeletons/svcb/README.md', 1]]));
    expect(found.find(d => d.file === SKELETON && d.range.start.line === 1)?.message).toMatch(/backtracks exponentially|could not be judged by recheck within the 10 s a pattern gets, so it counts as backtracking/);
    // The nested one is linear, and judged so in time.
    expect(found.filter(d => d.file === SKELETON && d.range.start.line === 2)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(run.status).toBe(1);
    const test = await runBin(['templates', 'test', 'svc', '--format', 'json'], root, {}, 60_000);
    expect(test.status).toBe(1);
    expect(ofRule(test.stdout).some(d => d.file === 'templates/svc/tests/default.yaml')).toBe(true);
  }, 180_000);
});
