import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';

interface Finding { ruleId: string; severity: string; file: string; message: string; hint: string; range: { start: { line: number; column: number } } }

const FILE = 'templates/svc/template.yaml';
// 16,384 patterns once expanded: past the bound of 10,000, yet (a few seconds) harmless to run should it be missing.
const BRACES = '{a,b}'.repeat(14);
const SKELETON = {
  'skeletons/svc/README.md': '# ${{ values.name }}\n',
  // Copied verbatim (the first pattern): no skeleton-github-expression, so the good patterns are still matched.
  'skeletons/svc/.github/workflows/ci.yml': 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.sha }}\n',
};

const fetchStep = (lists: string) => fetchSkeletonStep('', lists);

function lineOf(text: string, marker: string): number {
  return text.split('\n').findIndex(line => line.endsWith(`# <- ${marker}`)) + 1;
}

async function check(root: string) {
  const run = await gitops(root, ['check', '--format', 'json']);
  expectCleanStderr(run);
  return { status: run.status, found: (JSON.parse(run.stdout).diagnostics as Finding[]) };
}

describe("fetch:template's glob lists are bounded and stay in the skeleton (check, through the bin)", () => {
  it('reports a brace bomb, an extglob, a refused range as errors, an absolute or climbing pattern as matching nothing, at their lines', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], { ...SKELETON, [FILE]: '' });
    const template = templateHead('svc') + fetchStep(`        copyWithoutTemplating:
          - .github/workflows/*
          - docs/{a,b}.md
          - '${BRACES}' # <- braces
          - '+(a|aa)' # <- extglob
          - 'v{1..5000}/*' # <- range
          - '${root}/templates/**' # <- absolute
          - '../../templates/**' # <- climbs
          - '{x,../../y}/*' # <- climbs in a brace
        copyWithoutRender:
          - '${BRACES}' # <- render
`);
    await writeFile(join(root, FILE), template);
    const { status, found } = await check(root);
    expect(found.map(d => `${d.ruleId}@${d.range.start.line}:${d.range.start.column} ${d.message.split(':')[0]}`)).toEqual([
      `template-glob-unsafe@${lineOf(template, 'braces')}:13 The pattern "${BRACES}" expands its {…} groups to 16,384 patterns, more than 10,000`,
      `template-glob-unsafe@${lineOf(template, 'extglob')}:13 The pattern "+(a|aa)" repeats an extended-glob group (+(…) or *(…))`,
      `template-glob-unsafe@${lineOf(template, 'range')}:13 The pattern "v{1..5000}/*" is refused by braces, which fetch`,
      `template-glob-matches-nothing@${lineOf(template, 'absolute')}:13 The pattern "${root}/templates/**" matches nothing. It is absolute`,
      `template-glob-matches-nothing@${lineOf(template, 'climbs')}:13 The pattern "../../templates/**" matches nothing. It climbs out of the skeleton folder`,
      `template-glob-matches-nothing@${lineOf(template, 'climbs in a brace')}:13 The pattern "{x,../../y}/*", through its expansion "../../y/*", matches nothing. It climbs out of the skeleton folder`,
      `template-glob-unsafe@${lineOf(template, 'render')}:13 The pattern "${BRACES}" expands its {…} groups to 16,384 patterns, more than 10,000`,
    ]);
    expect(found.map(d => d.severity)).toEqual(['error', 'error', 'error', 'warning', 'warning', 'warning', 'error']);
    expect(found[2].message).toContain('(expanded array length exceeds range limit');
    expect(status).toBe(1);
  }, 60_000);

  it('bounds a whole list: past 10,000 patterns, one finding at the pattern that crosses it', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], { ...SKELETON, [FILE]: '' });
    // 1 + 39 × 256 = 9,985 patterns, then the 41st pattern's 256 cross the bound.
    const many = Array.from({ length: 60 }, (_, i) => `          - 'f${i}/{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}'${i === 39 ? ' # <- crosses' : ''}\n`).join('');
    const template = templateHead('svc') + fetchStep(`        copyWithoutTemplating:\n          - .github/workflows/*\n${many}`);
    await writeFile(join(root, FILE), template);
    const { found } = await check(root);
    expect(found.map(d => `${d.ruleId}@${d.range.start.line} ${d.message.split(':')[0]}`)).toEqual([
      `template-glob-unsafe@${lineOf(template, 'crosses')} With the pattern "f39/{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}" the list expands to more than 10,000 patterns`,
    ]);
  }, 60_000);

  it('templates test: a list the test values build is judged before fetch:template globs it, and the render refused', async () => {
    const template = templateHead('svc', '        verbatim: {type: array, items: {type: string}}\n') + fetchStep('        copyWithoutTemplating: ${{ parameters.verbatim }} # <- rendered\n');
    const root = await templateRepo(['../templates/svc/template.yaml'], { 'skeletons/svc/README.md': SKELETON['skeletons/svc/README.md'], [FILE]: template, 'templates/svc/tests/default.yaml': '' });
    // An absolute pattern into this small repo: without the check, the walk it starts stays short too.
    await writeFile(join(root, 'templates/svc/tests/default.yaml'), `name: default\nvalues:\n  name: x\n  verbatim: ['${BRACES}', '${root}/skeletons/**']\n`);
    const run = await gitops(root, ['templates', 'test', '--format', 'json']);
    expectCleanStderr(run);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).map(d => `${d.ruleId}@${d.file}:${d.range.start.line} ${d.message.split(':')[0]}`);
    expect(found.sort()).toEqual([
      `template-glob-unsafe@${FILE}:${lineOf(template, 'rendered')} The pattern "${BRACES}" expands its {…} groups to 16,384 patterns, more than 10,000`,
    ]);
    expect(run.status).toBe(1);
  }, 60_000);
});

// Testers against scaffolder-backend 4.2.0's dry-run: Backstage renders each of these, the gate refused
// them (a hand-written brace count took {{cookiecutter.name}} for 65 patterns; 128 and 1,024 expansions and
// 300 patterns were past bounds of 64 and 256; an absolute pattern failed the whole render).
describe("fetch:template's glob lists: what Backstage renders is rendered (through the bin)", () => {
  it('templates test and check: the cookiecutter layout {{cookiecutter.name}}/static/* is one pattern and copies the file verbatim', async () => {
    const template = templateHead('svc') + `    - id: fetch
      action: fetch:template
      input:
        url: ../../skeletons/svc
        cookiecutterCompat: true
        copyWithoutTemplating:
          - '{{cookiecutter.name}}/static/*'
        values:
          name: \${{ parameters.name }}
`;
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      [FILE]: template,
      'skeletons/svc/{{cookiecutter.name}}/static/page.html': 'literal {{ not_for_backstage }}\n',
      'skeletons/svc/{{cookiecutter.name}}/README.md': 'name={{ cookiecutter.name }}\n',
      'templates/svc/tests/default.yaml': 'name: default\nvalues: {name: demo}\nexpect:\n  contains:\n    demo/static/page.html: ["literal {{ not_for_backstage }}"]\n    demo/README.md: ["name=demo"]\nsnapshot: false\n',
    });
    const run = await gitops(root, ['templates', 'test', '--format', 'json']);
    expectCleanStderr(run);
    expect((JSON.parse(run.stdout).diagnostics as Finding[]).map(d => `${d.ruleId} ${d.message}`)).toEqual([]);
    expect(run.status).toBe(0);
    const { found } = await check(root);
    expect(found.filter(d => d.ruleId.startsWith('template-glob-'))).toEqual([]);
  }, 60_000);

  it('check: patterns expanding to 128 and 1,024 patterns and a list of 300 patterns are no finding', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], { ...SKELETON, [FILE]: '' });
    const many = Array.from({ length: 300 }, (_, i) => `          - p${i}.txt\n`).join('');
    const template = templateHead('svc') + fetchStep(`        copyWithoutTemplating:\n          - .github/workflows/*\n          - '${'{a,b}'.repeat(7)}.txt'\n          - '${'{a,b}'.repeat(10)}.txt'\n${many}`);
    await writeFile(join(root, FILE), template);
    const { status, found } = await check(root);
    expect(found.filter(d => d.ruleId.startsWith('template-glob-'))).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);

  it('templates test: /x, ../x and ./x match nothing, as in Backstage: the files render as templates, with a warning at the pattern', async () => {
    const template = templateHead('svc', '        verbatim: {type: array, items: {type: string}}\n') + `    - id: fetch
      action: fetch:template
      input:
        url: ../../skeletons/svc
        values:
          name: \${{ parameters.name }}
        copyWithoutTemplating:
          - /README.md # <- absolute
          - ../svc/b.txt # <- climbs
          - ./c.txt # <- dot
    - id: again
      action: fetch:template
      input:
        url: ../../skeletons/svc
        targetPath: again
        values:
          name: \${{ parameters.name }}
        copyWithoutTemplating: \${{ parameters.verbatim }} # <- rendered
`;
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      [FILE]: template,
      'skeletons/svc/README.md': '# ${{ values.name }}\n',
      'skeletons/svc/b.txt': 'b ${{ values.name }}\n',
      'skeletons/svc/c.txt': 'c ${{ values.name }}\n',
      'templates/svc/tests/default.yaml': "name: default\nvalues:\n  name: demo\n  verbatim: ['/b.txt', 'c.txt']\nexpect:\n  contains:\n    README.md: ['# demo']\n    b.txt: ['b demo']\n    c.txt: ['c demo']\n    again/b.txt: ['b demo']\n    again/c.txt: ['c ${{ values.name }}']\nsnapshot: false\n",
    });
    const run = await gitops(root, ['templates', 'test', '--format', 'json']);
    expectCleanStderr(run);
    const found = JSON.parse(run.stdout).diagnostics as Finding[];
    expect(found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column} ${d.severity} ${d.message.split('.')[0]}`)).toEqual([
      `template-glob-matches-nothing@${FILE}:${lineOf(template, 'absolute')}:13 warning The pattern "/README`,
      `template-glob-matches-nothing@${FILE}:${lineOf(template, 'climbs')}:13 warning The pattern "`,
      `template-glob-matches-nothing@${FILE}:${lineOf(template, 'dot')}:13 warning The pattern "`,
      `template-glob-matches-nothing@${FILE}:${lineOf(template, 'rendered')}:9 warning The pattern "/b`,
    ]);
    expect(found[0].hint).toBe('Write it relative to the skeleton folder: "README.md" (drop the leading /).');
    expect(found[2].hint).toBe('Write it relative to the skeleton folder: "c.txt" (drop the leading ./).');
    expect(found[3].message).toContain('(rendered with the values of templates/svc/tests/default.yaml)');
    expect(run.status).toBe(0);
  }, 60_000);

  it('templates render: an absolute pattern renders the file as Backstage does and says so (exit 0)', async () => {
    const template = templateHead('svc') + fetchStep('        copyWithoutTemplating: [/README.md]\n');
    const root = await templateRepo(['../templates/svc/template.yaml'], { 'skeletons/svc/README.md': '# ${{ values.name }}\n', [FILE]: template, 'values.yaml': 'name: demo\n' });
    const run = await gitops(root, ['templates', 'render', FILE, '--values', 'values.yaml', '--out', 'out']);
    expectCleanStderr(run);
    expect(run.stdout).toContain('The pattern "/README.md" matches nothing');
    expect(run.stdout).toContain('(template-glob-matches-nothing)');
    expect(await readFile(join(root, 'out/README.md'), 'utf8')).toBe('# demo\n');
    expect(run.status).toBe(0);
  }, 60_000);
});
