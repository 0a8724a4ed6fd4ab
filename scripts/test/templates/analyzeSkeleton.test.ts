import { describe, expect, it } from 'vitest';
import { analyzeSkeleton } from '../../src/templates/analyzeSkeleton.ts';

const run = (relative: string, text: string, copyWithoutTemplating: string[] = []) =>
  analyzeSkeleton([{ file: `skeletons/x/${relative}`, relative, text }], new Set(['name', 'owner']), copyWithoutTemplating).map(d => `${d.ruleId}@${d.range.start.line}:${d.range.start.column}`);

describe("static analysis of skeletons with nunjucks' parser", () => {
  it.each([
    ['a clean file', 'README.md', '# ${{ values.name }}\n{% if values.owner %}by ${{ values.owner | lower }}{% endif %}\n', []],
    ['a value the step never passes', 'README.md', '# ${{ values.name }}\nTeam: ${{ values.team }}\n', ['skeleton-unknown-value@2:17']],
    ['an unknown filter', 'README.md', 'x\n${{ values.name | shout }}\n', ['skeleton-unknown-filter@2:19']],
    ['include', 'README.md', '{% include "header.md" %}\n', ['skeleton-unsupported@1:4']],
    ['reaching for constructor', 'README.md', '${{ values.name.constructor }}\n', ['skeleton-unsafe@1:16']],
    ['GitHub expressions Backstage would blank', '.github/workflows/ci.yml', 'jobs:\n  a:\n    steps:\n      - run: echo ${{ github.sha }}\n', ['skeleton-github-expression@4:23']],
    ['the same workflow copied without templating', '.github/workflows/ci.yml', 'run: echo ${{ github.sha }}\n', []],
    ['a file name using an unknown value', '${{ values.service }}.txt', 'x\n', ['skeleton-unknown-value@1:11']],
    ['a syntax error', 'README.md', 'a\n{% if values.name %}\nno end\n', ['skeleton-syntax@1:1']],
  ])('%s', (_name, relative, text, expected) => {
    expect(run(relative, text, relative.startsWith('.github') && _name.includes('copied') ? ['.github/workflows/*'] : [])).toEqual(expected);
  });
});
