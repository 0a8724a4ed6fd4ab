import { describe, expect, it } from 'vitest';
import { scanRenders, type RenderScan } from '../../src/secrets/scanRenders.ts';
import { TemplateConstants } from '../../src/secrets/templateConstants.ts';
import type { ValuesRender } from '../../src/secrets/templateValues.ts';
import { TemplateDeadlineError, templateView } from '../../src/secrets/templateView.ts';

const render = (file: string): ValuesRender => ({ file, template: 'templates/svc/template.yaml', step: 'fetch', cookiecutter: false, values: { a: 'x' }, trimBlocks: false, lstripBlocks: false });

// Review, session 48: every macro that reads no input was rendered ahead of every constant expression, so a
// thousand macros and three thousand expressions (90 KB) cost the values pass 196 s on the main thread.
describe('reading a template text costs what it holds, not its macros times its expressions', () => {
  it('an expression is rendered with the macros it calls only, and every source handed Nunjitsu is counted', () => {
    const macros = Array.from({ length: 1000 }, (_, i) => `{% macro m${i}() %}x{% endmacro %}`);
    const constants = new TemplateConstants(90_000);
    for (const macro of macros) constants.block(macro);
    const before = constants.parsed;
    for (let i = 0; i < 3000; i++) expect(constants.value(' "a" | lower ')).toBe('a');
    // Each render: its own expression and a fixed charge for its work, none of the thousand macros.
    expect(constants.parsed - before).toBeLessThanOrEqual(3000 * 300);
    expect(constants.value(' m7() ~ m8() ')).toBe('xx');
  });

  it('a chain of macros called again and again is charged each time, and stops at the budget', () => {
    const constants = new TemplateConstants(1_000);
    for (let i = 0; i < 500; i++) constants.block(`{% macro m${i}() %}${i ? `\${{ m${i - 1}() }}` : 'x'}{% endmacro %}`);
    for (let i = 0; i < 3000; i++) constants.value(' m499() | length ');
    expect(constants.parsed).toBeLessThanOrEqual(2 * 1_000 + 1_000_000);
  });

  it('a quote inside a regular-expression literal starts no string: the literals are read in one pass', () => {
    const constants = new TemplateConstants(100);
    expect(constants.literals(String.raw`values.a ~ r/"\"/ ~ "gh" ~ values.b.c`)).toBe('gh');
    expect(constants.literals(`values.a ~ r/"${String.raw`\"`.repeat(50_000)}/ ~ 'p_'`)).toBe('p_');
    expect(constants.literals(String.raw`"a\"b" ~ 'c\'d' ~ "unterminated`)).toBe(`a"bc'd`);
  });

  it('templateView stops at its deadline', () => {
    expect(() => templateView('${{ "a" | lower }}', false, undefined, { deadline: Date.now() - 1 })).toThrow(TemplateDeadlineError);
    expect(templateView('${{ "a" | lower }}b', false, undefined, { deadline: Date.now() + 60_000 })!.text).toBe('ab');
  });
});

// Review, session 48: a skeleton file the values pass could not read (too large, unreadable, gone) was skipped
// without a word, and one time ran out on was said "not scanned" though only the values pass was skipped.
describe('scanRenders says which file it did not read with the values, and why', () => {
  const scan = (read: RenderScan['read'], deadline = Date.now() + 60_000): RenderScan => ({ read, lint: async (_, problems) => problems, deadline, seconds: 60 });

  it('a file too large, gone, or met after the deadline is secret-scan-incomplete, naming the step and template', async () => {
    const found = await scanRenders([render('skeletons/svc/big.txt'), render('skeletons/svc/gone.txt')], scan(file => (file.endsWith('big.txt') ? { problem: 'it is 17000000 bytes, over the 16777216 bytes the secret scan reads of one file' } : undefined)), []);
    expect(found.map(d => [d.ruleId, d.file])).toEqual([['secret-scan-incomplete', 'skeletons/svc/big.txt'], ['secret-scan-incomplete', 'skeletons/svc/gone.txt']]);
    expect(found[0].message).toBe('This file was not read as step fetch of templates/svc/template.yaml renders it with the values the template writes out: it is 17000000 bytes, over the 16777216 bytes the secret scan reads of one file. Its own text is scanned apart from this; a credential those values and the file put together reaches every repository the template creates unchecked.');
    expect(found[1].message).toMatch(/: it was gone/);
    const late = await scanRenders([render('skeletons/svc/a.txt'), { ...render('skeletons/svc/a.txt'), step: 'again' }], scan(() => ({ text: '${{ values.a }}' }), Date.now() - 1), []);
    expect(late.map(d => d.message)).toEqual([expect.stringMatching(/^This file was not read as step fetch .*: the secret scan's 60 s were used up before it was read so\./)]);
  });

  it('a binary file is copied as it is: nothing to say', async () => {
    expect(await scanRenders([render('skeletons/svc/logo.png')], scan(() => ({ binary: {} })), [])).toEqual([]);
  });
});
