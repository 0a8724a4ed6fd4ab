import { describe, expect, it } from 'vitest';
import { decodedFindings, inertDirectives } from '../../src/secrets/decodedFindings.ts';
import { decodedViews, type DecodedView } from '../../src/secrets/decodedViews.ts';
import type { Diagnostic } from '../../src/diagnostic.ts';

// Put together at run time, so that this file holds no token for the gate's own scan to find.
const TOKEN = ['ghp', 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2zA4'].join('_');
const hex = (s: string) => [...s].map(c => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');

/** The raw text each character of the view comes from, as `[start, end)` slices of `text`, for the view's `from`…`to`. */
const source = (text: string, view: DecodedView, from: number, to = from + 1) => text.slice(view.span(from).start, view.span(to - 1).end);
const texts = (file: string, text: string) => decodedViews(file, text).map(v => v.text);

describe('decodedViews: YAML and JSON', () => {
  it('decodes \\x, \\u, \\U and \\N-style escapes of a double-quoted value, each mapped to the whole scalar', () => {
    const value = `${hex('g')}hp_\\u0061\\U00000042${TOKEN.slice(6)}\\N\\_\\L\\P`;
    const text = `metadata:\n  annotations:\n    acme.com/t: "${value}"\n    plain: ${TOKEN.slice(4)}\n`;
    const [view, ...more] = decodedViews('catalog/web.yaml', text);
    expect(more).toEqual([]);
    expect(view.text).toBe(`${TOKEN}\u0085\u00a0\u2028\u2029\n`);
    expect(view.spelling).toBe('spelled with YAML escapes');
    const scalar = `"${value}"`;
    expect(source(text, view, 0)).toBe(scalar);
    expect(source(text, view, 0, TOKEN.length)).toBe(scalar);
    expect(view.span(5)).toEqual({ start: text.indexOf(scalar), end: text.indexOf(scalar) + scalar.length });
  });

  it('joins a line continuation, and reads keys, flow collections and every document', () => {
    const text = `a:\n  "k${hex('e')}y": "${TOKEN.slice(0, 12)}\\\n      ${TOKEN.slice(12)}"\n---\nb: ["\\u0067", {c: "\\x41"}]\n`;
    const [view] = decodedViews('x.yml', text);
    expect(view.text).toBe(`key\n${TOKEN}\ng\nA\n`);
    expect(source(text, view, 4)).toBe(`"${TOKEN.slice(0, 12)}\\\n      ${TOKEN.slice(12)}"`);
    expect(source(text, view, 0)).toBe(`"k${hex('e')}y"`);
  });

  it('reads JSON as YAML: \\u escapes', () => {
    const text = `{"token": "\\u0067hp_${TOKEN.slice(4)}", "n": 1}`;
    expect(texts('svc/package.json', text)).toEqual([`${TOKEN}\n`]);
  });

  it('leaves out single-quoted, plain and unescaped double-quoted values, and a file with no backslash', () => {
    expect(texts('a.yaml', `a: '${TOKEN.slice(0, 10)}\n  ${TOKEN.slice(10)}'\nb: "${TOKEN.slice(0, 10)}\n  ${TOKEN.slice(10)}"\nc: x\\y\n`)).toEqual([]);
    expect(texts('a.yaml', `a: "${TOKEN}"\n`)).toEqual([]);
  });

  it('a file the parser gives up on (too deep) gives no YAML view; a broken one gives what it reads', () => {
    expect(texts('deep.yaml', `${'['.repeat(5_000)}"\\x41"`)).toEqual([]);
    expect(texts('broken.yaml', `a: "\\x41"\n b: : : [\n`)).toEqual(['A\n']);
  });

  it('gives nothing for other files', () => {
    expect(texts('notes.txt', `a: "${hex('g')}"\n`)).toEqual([]);
  });
});

describe('decodedViews: Markdown and HTML', () => {
  it('decodes numeric and named character references, each mapped to its spelling', () => {
    const text = `Deploy token: &#103;hp_${TOKEN.slice(4, 10)}&#x41;&amp${TOKEN.slice(11)}&NotEqualTilde;\n`;
    const [visible, referenced] = decodedViews('docs/index.md', text);
    expect(visible.text).toBe(`Deploy token: ${TOKEN.slice(0, 10)}A&${TOKEN.slice(11)}\u2242\u0338\n`);
    expect(referenced).toBeUndefined();
    expect(source(text, visible, 14)).toBe('&#103;');
    expect(source(text, visible, 15)).toBe('h');
    expect(source(text, visible, 14, 24)).toBe(`&#103;hp_${TOKEN.slice(4, 10)}`);
    expect(source(text, visible, 24)).toBe('&#x41;');
    expect(source(text, visible, 25)).toBe('&amp');
  });

  it('leaves out comments and tags, and keeps an attribute in the view of the decoded source', () => {
    const text = `a gh<!-- x -->p_<b class="x>y">${TOKEN.slice(4, 20)}</b>${TOKEN.slice(20)}\n<a href="https://x/&#103;hp">link</a>\n`;
    const [visible, referenced] = decodedViews('docs/page.html', text);
    expect(visible.text).toBe(`a ${TOKEN}\nlink\n`);
    expect(source(text, visible, 4)).toBe('p');
    expect(referenced.text).toBe(text.replace('&#103;', 'g'));
    expect(referenced.spelling).toBe('spelled with HTML character references');
  });

  it('an unclosed tag or comment runs to the end; a `<` before no letter is text', () => {
    expect(texts('a.html', 'x &lt; 1 <b title="a>')).toEqual(['x < 1 ', 'x < 1 <b title="a>']);
    expect(texts('a.html', 'a < b <!-- c')).toEqual(['a < b ']);
  });

  it('Markdown: backslash escapes of ASCII punctuation, `*` and backticks are what the page shows', () => {
    const text = `gh**p**_${TOKEN.slice(4, 9)}\`${TOKEN.slice(9)}\` \\_x \\a \\*\n`;
    const [view] = decodedViews('README.markdown', text);
    expect(view.text).toBe(`${TOKEN} _x \\a *\n`);
    expect(source(text, view, 2)).toBe('p');
    expect(source(text, view, 41)).toBe('\\_');
    // In an HTML file a backslash and `*` are text.
    expect(texts('a.htm', text)).toEqual([]);
  });

  it('a text with nothing to decode gives no view', () => {
    expect(texts('docs/a.md', `# Title\n\nSome text, ${TOKEN.slice(0, 6)}.\n`)).toEqual([]);
    expect(texts('docs/a.md', 'a & b\n')).toEqual([]);
  });
});

describe('decodedFindings', () => {
  const at = (line: number, column: number, end = column + 40) => ({ start: { line, column }, end: { line, column: end } });
  const finding = (line: number, column: number): Diagnostic => ({ ruleId: 'secret-written', severity: 'error', message: 'A credential is written out in this file (secretlint github/GITHUB_TOKEN).', file: '', range: at(line, column) });

  it('places a view finding at the raw span it comes from, says how it is spelled, and leaves out sanctioned and already said lines', () => {
    const text = `a: 1\nb: "${hex('g')}${TOKEN.slice(1)}"\nc: "${hex('g')}${TOKEN.slice(1)}" # secretlint-disable-line\n# secretlint-disable-next-line\nd: "${hex('g')}${TOKEN.slice(1)}"\ne: "${hex('g')}${TOKEN.slice(1)}"\n`;
    const [view] = decodedViews('a.yaml', text);
    const viewFound = [1, 2, 3, 4].map(line => finding(line, 1));
    const found = decodedFindings(text, view, viewFound, [finding(6, 20)]);
    const scalarLength = hex('g').length + TOKEN.length + 1;
    expect(found.map(d => d.range)).toEqual([at(2, 4, 4 + scalarLength)]);
    expect(found[0].message).toBe('A credential is written out in this file spelled with YAML escapes (secretlint github/GITHUB_TOKEN). Backstage (as every YAML reader) reads the double-quoted value decoded: the credential whole.');
  });

  it('makes every directive inert in a view, at the same length', () => {
    expect(inertDirectives('x secretlint-disable-line y secretlint-enable')).toBe('x secretlint_disable-line y secretlint_enable');
  });
});
