import { describe, expect, it } from 'vitest';
import { analyzeSkeleton } from '../../src/templates/analyzeSkeleton.ts';
import { templateGate } from '../../src/templates/templateGate.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

const run = (relative: string, text: string, copied = false) =>
  analyzeSkeleton(copied ? [] : [{ file: `skeletons/x/${relative}`, relative, text }], new Set(['name', 'owner'])).map(d => `${d.ruleId}@${d.range.start.line}:${d.range.start.column}`);

describe("static analysis of skeletons with nunjucks' parser", () => {
  it.each([
    ['a clean file', 'README.md', '# ${{ values.name }}\n{% if values.owner %}by ${{ values.owner | lower }}{% endif %}\n', []],
    ['a value the step never passes', 'README.md', '# ${{ values.name }}\nTeam: ${{ values.team }}\n', ['skeleton-unknown-value@2:17']],
    ['a value the skeleton tests or defaults first', 'catalog-info.yaml', '{% if values.lifecycle %}lifecycle: ${{ values.lifecycle }}{% else %}lifecycle: experimental{% endif %}\ntier: ${{ values.tier | default("3") }}\n', []],
    ['an unknown filter', 'README.md', 'x\n${{ values.name | shout }}\n', ['skeleton-unknown-filter@2:19']],
    ['include', 'README.md', '{% include "header.md" %}\n', ['skeleton-unsupported@1:4']],
    ['reaching for constructor', 'README.md', '${{ values.name.constructor }}\n', ['skeleton-unsafe@1:16']],
    ['GitHub expressions Backstage would blank', '.github/workflows/ci.yml', 'jobs:\n  a:\n    steps:\n      - run: echo ${{ github.sha }}\n', ['skeleton-github-expression@4:23']],
    ['the same workflow copied without templating', '.github/workflows/ci.yml', 'run: echo ${{ github.sha }}\n', []],
    ['a file name using an unknown value', '${{ values.service }}.txt', 'x\n', ['skeleton-unknown-value@1:11']],
    ['a syntax error', 'README.md', 'a\n{% if values.name %}\nno end\n', ['skeleton-syntax@1:1']],
  ])('%s', (_name, relative, text, expected) => {
    expect(run(relative, text, relative.startsWith('.github') && _name.includes('copied'))).toEqual(expected);
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
});
