import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Differential round against the real scaffolder's dry-run (scaffolder-backend 4.2.0): the backend validates
// the values against the pages, then NunjucksWorkflowRunner passes a lone `${{ parameters.x }}` on with its
// value's type. A number parameter as fetch:template's targetPath (or url, debug:log's message, catalog:write's
// filePath), or a string one as fetch:template's values, is refused with "instance.targetPath is not of a
// type(s) string" (HTTP 400) for every value the form can give; `check` passed such a template, and only a
// test case's render found it.

const step = (input: string) => `    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
${input}`;

async function check(extraProperties: string, input: string) {
  const root = await templateRepo(['../templates/typed/template.yaml'], {
    'templates/typed/template.yaml': templateHead('typed', extraProperties) + step(input),
    'templates/typed/skeleton/README.md': '# ${{ values.name }}\n',
  });
  const run = await runBin(['check', '--format', 'json'], root);
  const diagnostics = JSON.parse(run.stdout).diagnostics as { ruleId: string; message: string; hint: string; range: { start: { line: number } } }[];
  return { status: run.status, findings: diagnostics.map(d => `${d.ruleId}@${d.range.start.line} ${d.message}`), hints: diagnostics.map(d => d.hint) };
}

describe('a lone ${{ parameters.x }} is judged with the kind the form declares for x', () => {
  it.each([
    ['a number parameter as targetPath', '        port: {type: number}\n', "        targetPath: '${{ parameters.port }}'\n        values: {name: '${{ parameters.name }}'}\n",
      ['template-action-input@20 Invalid input passed to action fetch:template, instance.targetPath is not of a type(s) string']],
    ['a string parameter as values', '', "        values: '${{ parameters.name }}'\n",
      ['template-action-input@19 Invalid input passed to action fetch:template, instance.values is not of a type(s) object']],
  ])('%s: refused as the runner refuses it', async (_name, extra, input, expected) => {
    const result = await check(extra, input || "        values: {name: '${{ parameters.name }}'}\n");
    expect(result.findings).toEqual(expected);
    expect(result.status).toBe(expected.length ? 1 : 0);
    if (expected.length) expect(result.hints[0]).toMatch(/passes a lone \$\{\{ parameters\.\w+ \}\} on as it is/);
  }, 60_000);

  it.each([
    ['text around the number', '        port: {type: number}\n', "        targetPath: 'svc-${{ parameters.port }}'\n"],
    ['the number made a string', '        port: {type: number}\n', "        targetPath: '${{ parameters.port | string }}'\n"],
    ['a boolean parameter as replace', '        flag: {type: boolean}\n', "        replace: '${{ parameters.flag }}'\n"],
    ['an array parameter as copyWithoutTemplating', '        raw: {type: array, items: {type: string}}\n', "        copyWithoutTemplating: '${{ parameters.raw }}'\n"],
    ['an object parameter as values', '        settings: {type: object}\n', "        targetPath: x\n        values: '${{ parameters.settings }}'\n"],
    ['a parameter declared as number or string', '        port: {type: [number, string]}\n', "        targetPath: '${{ parameters.port }}'\n"],
    ['a string parameter with a pattern the sample would not match', "        dir: {type: string, pattern: '^[a-z]+$'}\n", "        targetPath: '${{ parameters.dir }}'\n"],
  ])('%s: accepted, as the runner accepts it', async (_name, extra, input) => {
    const result = await check(extra, input.includes('values:') ? input : `${input}        values: {name: '\${{ parameters.name }}'}\n`);
    expect(result.findings).toEqual([]);
    expect(result.status).toBe(0);
  }, 60_000);

  // Reviewer: `| string` makes an object "[object Object]" (and an array its items joined by commas).
  it('an object parameter as text: the hint offers | dump, not | string', async () => {
    const result = await check('        repo: {type: object}\n', "        targetPath: '${{ parameters.repo }}'\n        values: {name: '${{ parameters.name }}'}\n");
    expect(result.findings).toEqual(['template-action-input@20 Invalid input passed to action fetch:template, instance.targetPath is not of a type(s) string']);
    expect(result.hints[0]).toContain('${{ parameters.repo | dump }} (JSON; | string gives "[object Object]")');
  }, 60_000);
});

