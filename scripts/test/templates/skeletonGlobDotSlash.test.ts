import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';

interface Finding { ruleId: string; severity: string; file: string; message: string; hint: string; range: { start: { line: number; column: number } } }

const FILE = 'templates/svc/template.yaml';
// Thymeleaf, as in fmenesesg/software-templates-ai's petclinic skeleton: `{#` opens a Nunjucks comment
// that never closes ("Unterminated comment tag") when Backstage renders the file as a template.
const THYMELEAF = '<div th:if="${#fields.hasErrors(\'lastName\')}">\n  <p th:each="err : ${#fields.errors(\'lastName\')}" th:text="${err}">Error</p>\n</div>\n';
const SKELETON = {
  'skeletons/svc/README.md': '# ${{ values.name }}\n',
  'skeletons/svc/index.html': THYMELEAF,
  'skeletons/svc/src/main/resources/templates/owners/findOwners.html': THYMELEAF,
  'skeletons/svc/static/page.txt': 'page ${{ values.name }}\n',
};

function repo(patterns: string[], tests = false) {
  const template = templateHead('svc') + fetchSkeletonStep('', `        copyWithoutTemplating: ${JSON.stringify(patterns)}\n`);
  return templateRepo(['../templates/svc/template.yaml'], {
    ...SKELETON,
    [FILE]: template,
    'values.yaml': 'name: demo\n',
    ...(tests && { 'templates/svc/tests/default.yaml': 'name: default\nvalues: {name: demo}\nsnapshot: false\n' }),
  });
}

async function render(root: string) {
  const run = await gitops(root, ['templates', 'render', FILE, '--values', 'values.yaml', '--out', 'out']);
  expectCleanStderr(run);
  return run;
}

async function checked(root: string): Promise<Finding[]> {
  const run = await gitops(root, ['check', '--format', 'json']);
  expectCleanStderr(run);
  return JSON.parse(run.stdout).diagnostics as Finding[];
}

const kinds = (found: Finding[]) => found.map(d => d.ruleId).filter(id => id.startsWith('template-glob-') || id.startsWith('skeleton-'));

// fetch:template (scaffolder-backend 4.2.0) globs copyWithoutTemplating with globby 11.1.0 / fast-glob
// 3.3.3 and copies verbatim the entries whose `**/*` path is among what globby returns. fast-glob returns
// a walk's paths after its base folder: with a wildcard right after `./` the base is `.` and the paths
// are plain (`./**/*.html` gives src/…/findOwners.html), with a fixed folder after it they keep it
// (`./static/*` gives ./static/page.txt, which no entry is).
describe("copyWithoutTemplating patterns with a leading ./, as Backstage's globby returns them (through the bin)", () => {
  it('./**/*.html (fmenesesg/software-templates-ai petclinic): templates render, templates test and check copy the Thymeleaf pages byte for byte, no finding', async () => {
    const root = await repo(['./**/*.html'], true);
    const run = await render(root);
    expect(run.stdout).not.toContain('template-glob-matches-nothing');
    expect(run.stdout).not.toContain('Unterminated comment tag');
    expect(run.status).toBe(0);
    for (const file of ['index.html', 'src/main/resources/templates/owners/findOwners.html']) expect(await readFile(join(root, 'out', file), 'utf8')).toBe(THYMELEAF);
    expect(await readFile(join(root, 'out/README.md'), 'utf8')).toBe('# demo\n');
    const test = await gitops(root, ['templates', 'test', '--format', 'json']);
    expectCleanStderr(test);
    expect(kinds(JSON.parse(test.stdout).diagnostics as Finding[])).toEqual([]);
    expect(test.status).toBe(0);
    expect(kinds(await checked(root))).toEqual([]);
  }, 120_000);

  it.each([
    // The Thymeleaf pages a pattern leaves to the renderer would fail the render, as in Backstage: `also` covers them.
    { pattern: './*.html', also: ['**/findOwners.html'], verbatim: ['index.html'] },
    { pattern: './**', also: [], verbatim: ['index.html', 'src/main/resources/templates/owners/findOwners.html', 'README.md', 'static/page.txt'] },
    // A folder named without a wildcard: globby's dir-glob makes it static/** (path.posix.join drops the ./).
    { pattern: './static', also: ['**/*.html'], verbatim: ['static/page.txt'] },
  ])('$pattern: copied as Backstage copies it, no template-glob-matches-nothing', async ({ pattern, also, verbatim }) => {
    const root = await repo([pattern, ...also]);
    const run = await render(root);
    expect(run.stdout).not.toContain('template-glob-matches-nothing');
    expect(run.status).toBe(0);
    for (const file of verbatim) expect(await readFile(join(root, 'out', file), 'utf8')).toBe(await readFile(join(root, 'skeletons/svc', file), 'utf8'));
    expect(kinds(await checked(root))).toEqual([]);
  }, 120_000);

  it('./static/* and ./static/page.txt: globby returns ./static/page.txt, so Backstage renders the file: a warning at the pattern naming the ./ folder', async () => {
    const root = await repo(['./static/*', './static/page.txt', '**/*.html']);
    const run = await render(root);
    expect(run.stdout).toContain('The pattern "./static/*" matches nothing. It starts with a fixed folder written with a . segment ("./static")');
    expect(run.stdout).toContain('(template-glob-matches-nothing)');
    expect(run.status).toBe(0);
    expect(await readFile(join(root, 'out/static/page.txt'), 'utf8')).toBe('page demo\n');
    const found = (await checked(root)).filter(d => d.ruleId === 'template-glob-matches-nothing');
    expect(found.map(d => `${d.severity} ${d.message.split(':')[0]}`)).toEqual([
      'warning The pattern "./static/*" matches nothing. It starts with a fixed folder written with a . segment ("./static")',
      'warning The pattern "./static/page.txt" matches nothing. It names one path with a . segment',
    ]);
    expect(found.map(d => d.hint)).toEqual([
      'Write it relative to the skeleton folder: "static/*" (drop the leading ./).',
      'Write it relative to the skeleton folder: "static/page.txt" (drop the leading ./).',
    ]);
  }, 120_000);

  // alokkulkarni/ak-backstage-software-templates lists ./github/workflows/ for a skeleton whose workflows are
  // under .github/: globby returns nothing because no github/ exists, whatever the ./, and the hint said to
  // write "github/workflows/", which matches nothing either.
  it('./github/workflows/ and ./github/workflows/*, when the skeleton has .github/workflows: the message says no such path, the hint names the dot folder', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      'skeletons/svc/README.md': '# ${{ values.name }}\n',
      'skeletons/svc/.github/workflows/ci.yml': 'on: push\n',
      [FILE]: templateHead('svc') + fetchSkeletonStep('', `        copyWithoutTemplating: ["./github/workflows/", "./github/workflows/*", "./docs/missing/*"]\n`),
    });
    const found = (await checked(root)).filter(d => d.ruleId === 'template-glob-matches-nothing');
    expect(found.map(d => d.message.split(', so the entries')[0])).toEqual([
      'The pattern "./github/workflows/" matches nothing: the skeleton folder has no github/workflows',
      'The pattern "./github/workflows/*" matches nothing: the skeleton folder has no github/workflows',
      'The pattern "./docs/missing/*" matches nothing: the skeleton folder has no docs/missing',
    ]);
    expect(found.map(d => d.hint)).toEqual([
      'Write ".github/workflows/": the folder is .github/workflows, with a dot.',
      'Write ".github/workflows/*": the folder is .github/workflows, with a dot.',
      'Write a path of the skeleton folder, relative to it and without a leading ./ (e.g. .github/workflows/** or assets/*.png).',
    ]);
  }, 120_000);
});
