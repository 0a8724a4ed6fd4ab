import { describe, expect, it } from 'vitest';
import { analyzeSkeleton, RENDERED, type SkeletonStep } from '../../src/templates/analyzeSkeleton.ts';
import { templateGate } from '../../src/templates/templateGate.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

const STEP = { values: { name: RENDERED, owner: RENDERED } };
const run = (relative: string, text: string, copied = false, step: SkeletonStep = STEP) =>
  analyzeSkeleton(copied ? [] : [{ file: `skeletons/x/${relative}`, relative, text }], step).map(d => `${d.ruleId}@${d.range.start.line}:${d.range.start.column}`);
const messages = (relative: string, text: string, step: SkeletonStep) =>
  analyzeSkeleton([{ file: `skeletons/x/${relative}`, relative, text }], step).map(d => `${d.ruleId}@${d.range.start.line}:${d.range.start.column} ${d.message} | ${d.hint}`);

describe('a hostile skeleton cannot make a finding unbounded', () => {
  it.each([
    ['a GitHub expression of 5,000 characters', '.github/workflows/ci.yml', `run: echo \${{ github.${'a'.repeat(5000)} }}\n`],
    ['an unknown value of 5,000 characters', 'README.md', `\${{ values.${'b'.repeat(5000)} }}\n`],
  ])('%s: message and hint stay short', (_, relative, text) => {
    const found = analyzeSkeleton([{ file: `skeletons/x/${relative}`, relative, text }], { values: { name: RENDERED } });
    expect(found.length).toBeGreaterThan(0);
    for (const d of found) expect(Math.max(d.message.length, (d.hint ?? '').length)).toBeLessThanOrEqual(600);
  });
});

describe("static analysis of skeletons with nunjucks' parser", () => {
  it.each([
    ['a clean file', 'README.md', '# ${{ values.name }}\n{% if values.owner %}by ${{ values.owner | lower }}{% endif %}\n', []],
    ['a value the step never passes', 'README.md', '# ${{ values.name }}\nTeam: ${{ values.team }}\n', ['skeleton-unknown-value@2:18']],
    ['a value the skeleton tests or defaults first', 'catalog-info.yaml', '{% if values.lifecycle %}lifecycle: ${{ values.lifecycle }}{% else %}lifecycle: experimental{% endif %}\ntier: ${{ values.tier | default("3") }}\n', []],
    // Fidelity sweep, 2026-12-01: what these render is the fallback, or the test's true or false, never nothing.
    ['a value with an or fallback, d() or a presence test', 'config.yaml', 'port: ${{ values.port or 8080 }}\nhost: ${{ values.host | d("localhost") }}\noptional: ${{ values.tls is not defined }}\nplain: ${{ not values.plain }}\n', []],
    // A guard covers the uses it guards, not every use of the value in the file.
    ['a default in one place, the value bare in another', 'config.yaml', 'port: ${{ values.port | default(80) }}\nother: ${{ values.port }}\n', ['skeleton-unknown-value@2:19']],
    ['an if around one use, the value bare after it', 'README.md', '{% if values.team %}Team: ${{ values.team }}{% endif %}\nOwner: ${{ values.team }}\n', ['skeleton-unknown-value@2:19']],
    ['the else of an if that names the value (not inverts which branch has it)', 'README.md', '{% if not values.team %}none{% else %}${{ values.team }}{% endif %}\n', []],
    ['an unknown value compared or on the right of or: still never passed', 'config.yaml', 'a: ${{ values.kind == "lib" }}\nb: ${{ values.name or values.alias }}\n', ['skeleton-unknown-value@1:15', 'skeleton-unknown-value@2:30']],
    ['an unknown filter', 'README.md', 'x\n${{ values.name | shout }}\n', ['skeleton-unknown-filter@2:19']],
    // Where the renderer stops: at the test's name, at the called name.
    ['an unknown test and an unknown function', 'a.txt', '{% if values.name is in(["x"]) %}yes{% endif %}\nid: ${{ uuid() }}\n', ['skeleton-unknown-test@1:22', 'skeleton-unknown-function@2:9']],
    ['known tests, globals, macros, caller, loop helpers and set functions', 'a.txt', '{% macro row(x) %}${{ caller() }}${{ x }}{% endmacro %}{% call row(1) %}c{% endcall %}\n{% set c = cycler("a", "b") %}{% for i in range(3) %}${{ c.next() }}${{ loop.index }}{% endfor %}\n${{ values.name is defined }} ${{ 4 is divisibleby(2) }} ${{ values.name is string }}\n', []],
    ['include', 'README.md', '{% include "header.md" %}\n', ['skeleton-unsupported@1:4']],
    ['reaching for constructor', 'README.md', '${{ values.name.constructor }}\n', ['skeleton-unsafe@1:17']],
    ['GitHub expressions Backstage would blank', '.github/workflows/ci.yml', 'jobs:\n  a:\n    steps:\n      - run: echo ${{ github.sha }}\n', ['skeleton-github-expression@4:23']],
    ['the same workflow copied without templating', '.github/workflows/ci.yml', 'run: echo ${{ github.sha }}\n', []],
    ['a file name using an unknown value: at 1:1 of the file, said to be in its name', '${{ values.service }}.txt', 'x\n', ['skeleton-unknown-value@1:1']],
    ['a syntax error (an if left open: at its tag)', 'README.md', 'a\n{% if values.name %}\nno end\n', ['skeleton-syntax@2:1']],
    ['a value used only under a guard the step settles', 'README.md', '{% if not values.editMode %}Team: ${{ values.team }}{% endif %}\n', [], { values: { name: RENDERED, editMode: true } }],
    ['the same guard when the step leaves it open', 'README.md', '{% if not values.editMode %}Team: ${{ values.team }}{% endif %}\n', ['skeleton-unknown-value@1:46'], { values: { name: RENDERED, editMode: RENDERED } }],
    ['an else branch the step rules out', 'README.md', '{% if values.kind == "lib" %}lib{% else %}${{ values.port }}{% endif %}\n', [], { values: { kind: 'lib' } }],
    ['an inline if the step settles', 'README.md', '${{ values.port if values.server else "none" }}\n', [], { values: { server: false } }],
    ['values built by one expression (values: ${{ parameters }}): none is unknown', 'README.md', '${{ values.anything }}\n', [], { values: RENDERED }],
    ['an unknown value used on many lines: one finding', 'README.md', '${{ values.team }}\n${{ values.team }}\n${{ values.team }}\n', ['skeleton-unknown-value@1:12']],
    ['cookiecutter syntax without cookiecutterCompat', 'README.md', '# ${{ values.name }}\nBy {{ cookiecutter.owner }}\n', ['skeleton-cookiecutter-syntax@2:4']],
    ['cookiecutter syntax with cookiecutterCompat', 'README.md', '# {{ cookiecutter.name }}\nBy {{ cookiecutter.owner | jsonify }}\n', [], { values: { name: RENDERED, owner: RENDERED }, cookiecutterCompat: true }],
    ['cookiecutterCompat and a value never passed', 'README.md', '# {{ cookiecutter.nme }}\n', ['skeleton-unknown-value@1:19'], { values: { name: RENDERED }, cookiecutterCompat: true }],
    ['a # inside quotes starts no comment', '.github/workflows/ci.yml', 'run: echo "a # ${{ github.sha }}"\n', ['skeleton-github-expression@1:20']],
    ['GitHub expressions after a # that starts a comment', '.github/workflows/ci.yml', 'x: 1 # ${{ github.sha }}\n  # ${{ secrets.A }}\n#${{ env.B }}\n', []],
    ['a # glued to a word starts no comment', '.github/workflows/ci.yml', 'run: echo a#${{ github.sha }}\n', ['skeleton-github-expression@1:17']],
    ['a set block left open: at its tag', 'README.md', 'a\n{% set x %}\nb\n', ['skeleton-syntax@2:1']],
    ['an if left open around a raw block holding its end tag as text: at the if', 'README.md', 'a\n{% if values.name %}\n{% raw %}{% endif %}{% endraw %}\nb\n', ['skeleton-syntax@2:1']],
    ['a comment left open: at its start', 'README.md', 'a\n  {# note\nb\n', ['skeleton-syntax@2:3']],
    ['an expression cut short: where the parser stopped', 'README.md', 'a\n${{ values.name | }}\n', ['skeleton-syntax@2:19']],
    ['a block alone: Nunjitsu renders its body', 'README.md', '{% block intro %}${{ values.name }}{% endblock %}\n', []],
    ['super(): no parent template in Nunjitsu', 'README.md', '{% block b %}${{ super() }}{% endblock %}\n', ['skeleton-unsupported@1:18']],
    ['values.x under cookiecutterCompat', 'README.md', '# {{ values.name }}\n', ['skeleton-unknown-value@1:6'], { values: { name: RENDERED }, cookiecutterCompat: true }],
    ['values.x under cookiecutterCompat where a macro parameter is values', 'README.md', '{% macro m(values) %}{{ values.name }}{% endmacro %}{{ m(cookiecutter) }}\n', [], { values: { name: RENDERED }, cookiecutterCompat: true }],
  ] as [string, string, string, string[], SkeletonStep?][])('%s', (_name, relative, text, expected, step) => {
    expect(run(relative, text, relative.startsWith('.github') && _name.includes('copied'), step)).toEqual(expected);
  });

  it('names the template and step that never pass a value, and offers the escape for a GitHub expression', () => {
    expect(messages('.github/workflows/ci.yml', 'run: echo ${{ secrets.NPM_TOKEN }} ${{ values.team }}\n', { values: {}, label: 'templates/a/template.yaml, step fetch' })).toEqual([
      "skeleton-github-expression@1:15 ${{ secrets.NPM_TOKEN }} is a GitHub Actions expression, but Backstage renders it first and it comes out empty. | Write each as ${{ '${{ secrets.NPM_TOKEN }}' }} so Backstage renders it to the GitHub expression. Listing the workflow under copyWithoutTemplating is no fix here: it would also copy the file's own template syntax (line 1) unrendered, which GitHub Actions cannot read.",
      'skeleton-unknown-value@1:47 values.team is never passed by templates/a/template.yaml, step fetch, so it renders as nothing (or as "undefined" where the expression builds a string from it). | Pass it in the step\'s input.values, or fix the name.',
    ]);
  });
});

describe('which skeleton files are analysed: those fetch:template renders', () => {
  const template = (input: string) => `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec:\n  owner: group:default/a\n  type: service\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ./skeleton\n        values: {name: x}\n${input}`;
  const found = async (input: string, files: Record<string, string>) => {
    const root = await tempRepo({ 'templates/t/template.yaml': template(input), ...Object.fromEntries(Object.entries(files).map(([path, text]) => [`templates/t/skeleton/${path}`, text])) });
    return (await templateGate(root, { files: ['templates/t/template.yaml'] })).map(d => `${d.ruleId}@${d.file.replace('templates/t/skeleton/', '')}`);
  };

  it('skips what copyWithoutTemplating names, a folder meaning every file in it (globby, as the scaffolder)', async () => {
    const workflow = 'on: push\njobs:\n  b:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.sha }}\n';
    expect(await found('', { '.github/workflows/ci.yml': workflow })).toEqual(['skeleton-github-expression@.github/workflows/ci.yml']);
    expect(await found("        copyWithoutTemplating: ['.github/workflows/']\n", { '.github/workflows/ci.yml': workflow })).toEqual([]);
  });

  it('with templateFileExtension, analyses only the files that carry it', async () => {
    const files = { 'README.md': 'Hello ${{ values.nope }}\n', 'catalog-info.yaml.njk': 'name: ${{ values.nope }}\n' };
    expect(await found('        templateFileExtension: true\n', files)).toEqual(['skeleton-unknown-value@catalog-info.yaml.njk']);
  });

  it('a skeleton shared by two templates: a value one step does not pass is named with that template and step, a problem of the file itself once', async () => {
    const shared = (name: string, values: string) => `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: ${name}}\nspec:\n  owner: group:default/a\n  type: service\n  steps:\n    - id: render\n      action: fetch:template\n      input:\n        url: ../../skeletons/shared\n        values: ${values}\n`;
    const root = await tempRepo({
      'templates/a/template.yaml': shared('a', '{name: x, team: y}'),
      'templates/b/template.yaml': shared('b', '{name: x}'),
      'skeletons/shared/README.md': '${{ values.name | shout }}\n${{ values.team }}\n${{ values.team }}\n',
    });
    const found = await templateGate(root, { files: ['templates/a/template.yaml', 'templates/b/template.yaml'] });
    expect(found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line} ${d.message.split(',')[0]}`)).toEqual([
      'skeleton-unknown-filter@skeletons/shared/README.md:1 Unknown template filter "shout".',
      'skeleton-unknown-value@skeletons/shared/README.md:2 values.team is never passed by templates/b/template.yaml',
    ]);
  });
});

describe('what a syntax error says to do', () => {
  // Fresh user, session 47: a Terraform file's comment line `#}` was told to fix its {% %} or ${{ }} syntax
  // (it has none) or to copy the whole file unrendered (leaving its ${{ values.* }} unrendered).
  it("a `#}` of another language: the hint names comments and {% raw %}, and what copyWithoutTemplating would cost", () => {
    const [said] = messages('terraform.tfvars', 'project = "${{ values.name }}"\n#}\n', STEP);
    expect(said).toMatch(/^skeleton-syntax@2:1 /);
    expect(said).toContain('{# #}');
    expect(said).toContain('{% raw %}');
    expect(said).toMatch(/copyWithoutTemplating would copy the whole file unrendered/);
  });
});

describe('a skeleton nested or chained past what the renderer takes (red team, 2026-12-01)', () => {
  it('600 nested ifs: the renderer\'s nesting limit, no crash', () => {
    const text = `${'{% if values.name %}'.repeat(600)}x${'{% endif %}'.repeat(600)}\n`;
    expect(run('README.md', text).map(f => f.split('@')[0])).toEqual(['skeleton-syntax']);
  });

  it('a chain of 2,000 filters: a finding or none, never a stack overflow', () => {
    expect(() => run('README.md', `\${{ values.name${' | upper'.repeat(2000)} }}\n`)).not.toThrow();
  });
});
