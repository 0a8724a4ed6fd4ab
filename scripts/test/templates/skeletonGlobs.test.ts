import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';

interface Finding { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } }

const FILE = 'templates/svc/template.yaml';
// 128 patterns once expanded: past the bound of 64, yet harmless to run should the bound be missing.
const BRACES = '{a,b}'.repeat(7);
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
  it('reports a brace bomb, an extglob, an absolute or climbing pattern at its line, and matches none of them', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], { ...SKELETON, [FILE]: '' });
    const template = templateHead('svc') + fetchStep(`        copyWithoutTemplating:
          - .github/workflows/*
          - docs/{a,b}.md
          - '${BRACES}' # <- braces
          - '+(a|aa)' # <- extglob
          - '${root}/templates/**' # <- absolute
          - '../../templates/**' # <- climbs
          - '{x,../../y}/*' # <- climbs in a brace
        copyWithoutRender:
          - '${BRACES}' # <- render
`);
    await writeFile(join(root, FILE), template);
    const { status, found } = await check(root);
    expect(found.map(d => `${d.ruleId}@${d.range.start.line}:${d.range.start.column} ${d.message.split(':')[0]}`)).toEqual([
      `template-glob-unsafe@${lineOf(template, 'braces')}:13 The pattern "${BRACES}" expands its {…} groups to more than 64 patterns`,
      `template-glob-unsafe@${lineOf(template, 'extglob')}:13 The pattern "+(a|aa)" repeats an extended-glob group (+(…) or *(…))`,
      `template-glob-unsafe@${lineOf(template, 'absolute')}:13 The pattern "${root}/templates/**" is absolute`,
      `template-glob-unsafe@${lineOf(template, 'climbs')}:13 The pattern "../../templates/**" climbs out of the skeleton folder (..)`,
      `template-glob-unsafe@${lineOf(template, 'climbs in a brace')}:13 The pattern "{x,../../y}/*" climbs out of the skeleton folder (..)`,
      `template-glob-unsafe@${lineOf(template, 'render')}:13 The pattern "${BRACES}" expands its {…} groups to more than 64 patterns`,
    ]);
    expect(found[2].message).toContain('matches no file of the template');
    expect(status).toBe(1);
  }, 60_000);

  it('bounds a whole list: past 256 patterns, one finding at the pattern that crosses it (the 257th)', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], { ...SKELETON, [FILE]: '' });
    const many = Array.from({ length: 300 }, (_, i) => `          - f${i}${i === 255 ? ' # <- crosses' : ''}\n`).join('');
    const template = templateHead('svc') + fetchStep(`        copyWithoutTemplating:\n          - .github/workflows/*\n${many}`);
    await writeFile(join(root, FILE), template);
    const { found } = await check(root);
    expect(found.map(d => `${d.ruleId}@${d.range.start.line} ${d.message.split(':')[0]}`)).toEqual([
      `template-glob-unsafe@${lineOf(template, 'crosses')} With the pattern "f255" the list expands to more than 256 patterns, each matched against every skeleton file`,
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
      `template-glob-unsafe@${FILE}:${lineOf(template, 'rendered')} The pattern "${root}/skeletons/**" is absolute`,
      `template-glob-unsafe@${FILE}:${lineOf(template, 'rendered')} The pattern "${BRACES}" expands its {…} groups to more than 64 patterns`,
    ]);
    expect(run.status).toBe(1);
  }, 60_000);
});
