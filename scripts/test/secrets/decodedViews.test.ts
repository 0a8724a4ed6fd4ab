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
/** The views of one kind, by how they say the file spells it. */
const YAML = 'spelled with YAML escapes';
const ESCAPES = 'spelled with string escapes';
const RENDERED = 'hidden in the page source';
const STRIPPED = 'split by Markdown markup';
const viewsOf = (spelling: string, file: string, text: string) => decodedViews(file, text).filter(v => v.spelling === spelling);
const textsOf = (spelling: string, file: string, text: string) => viewsOf(spelling, file, text).map(v => v.text);

describe('decodedViews: YAML and JSON', () => {
  it('decodes \\x, \\u, \\U and \\N-style escapes of a double-quoted value, each mapped to the whole scalar', () => {
    const value = `${hex('g')}hp_\\u0061\\U00000042${TOKEN.slice(6)}\\N\\_\\L\\P`;
    const text = `metadata:\n  annotations:\n    acme.com/t: "${value}"\n    plain: ${TOKEN.slice(4)}\n`;
    const [view, ...more] = viewsOf(YAML, 'catalog/web.yaml', text);
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
    const [view] = viewsOf(YAML, 'x.yml', text);
    expect(view.text).toBe(`key\n${TOKEN}\ng\nA\n`);
    expect(source(text, view, 4)).toBe(`"${TOKEN.slice(0, 12)}\\\n      ${TOKEN.slice(12)}"`);
    expect(source(text, view, 0)).toBe(`"k${hex('e')}y"`);
  });

  it('reads JSON as YAML: \\u escapes', () => {
    const text = `{"token": "\\u0067hp_${TOKEN.slice(4)}", "n": 1}`;
    expect(textsOf(YAML, 'svc/package.json', text)).toEqual([`${TOKEN}\n`]);
  });

  it('leaves out single-quoted, plain and unescaped double-quoted values, and a file with no backslash', () => {
    expect(textsOf(YAML, 'a.yaml', `a: '${TOKEN.slice(0, 10)}\n  ${TOKEN.slice(10)}'\nb: "${TOKEN.slice(0, 10)}\n  ${TOKEN.slice(10)}"\nc: x\\y\n`)).toEqual([]);
    expect(texts('a.yaml', `a: "${TOKEN}"\n`)).toEqual([]);
  });

  it('a file the parser gives up on (too deep) gives no YAML view; a broken one gives what it reads', () => {
    expect(textsOf(YAML, 'deep.yaml', `${'['.repeat(5_000)}"\\x41"`)).toEqual([]);
    expect(textsOf(YAML, 'broken.yaml', `a: "\\x41"\n b: : : [\n`)).toEqual(['A\n']);
  });

  it('reads any other text as YAML when it holds a double-quoted string with a backslash (a Location target or a $json file, whatever its name)', () => {
    const text = `{"pager": "\\u0067hp_${TOKEN.slice(4)}"}\n`;
    expect(textsOf(YAML, 'catalog/pager.data', text)).toEqual([`${TOKEN}\n`]);
    const continued = `kind: Component\nmetadata:\n  annotations:\n    t: "${TOKEN.slice(0, 12)}\\\n      ${TOKEN.slice(12)}"\n`;
    expect(textsOf(YAML, 'orders/extra.entities', continued)).toEqual([`${TOKEN}\n`]);
    expect(textsOf(YAML, 'notes.txt', 'a: x\\y "no escape"\n')).toEqual([]);
  });
});

describe('decodedViews: Markdown and HTML', () => {
  it('decodes numeric and named character references, each mapped to its spelling', () => {
    // CommonMark (and Python-Markdown) decode a reference with its `;` only: `&amp` stays text.
    const text = `Deploy token: &#103;hp_${TOKEN.slice(4, 10)}&#x41;&amp;${TOKEN.slice(11)}&NotEqualTilde; &amp\n`;
    const [visible, ...more] = decodedViews('docs/index.md', text);
    expect(more).toEqual([]);
    expect(visible.text).toBe(`Deploy token: ${TOKEN.slice(0, 10)}A&${TOKEN.slice(11)}\u2242\u0338 &amp\n`);
    expect(source(text, visible, 14)).toBe('&#103;');
    expect(source(text, visible, 15)).toBe('h');
    expect(source(text, visible, 14, 24)).toBe(`&#103;hp_${TOKEN.slice(4, 10)}`);
    expect(source(text, visible, 24)).toBe('&#x41;');
    expect(source(text, visible, 25)).toBe('&amp;');
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
    const [view] = viewsOf(RENDERED, 'README.markdown', text);
    expect(view.text).toBe(`${TOKEN} _x \\a *\n`);
    expect(source(text, view, 2)).toBe('p');
    expect(source(text, view, 41)).toBe('\\_');
    // In an HTML file a backslash and `*` are text.
    expect(textsOf(RENDERED, 'a.htm', text)).toEqual([]);
  });

  it('a text with nothing to decode gives no view', () => {
    expect(texts('docs/a.md', `# Title\n\nSome text, ${TOKEN.slice(0, 6)}.\n`)).toEqual([]);
    expect(texts('docs/a.md', 'a & b\n')).toEqual([]);
  });
});

describe('decodedViews: a Markdown page as TechDocs renders it', () => {
  const rest = TOKEN.slice(4);
  const shows = (text: string) => decodedViews('docs/index.md', text).some(v => v.text.includes(TOKEN));

  it('a link, a reference link and an image alt text show beside the text around them', () => {
    const text = `Token: [gh](#x)p_${rest}\n\nRef: [gh][r]p_${rest}\n\n![gh](i.png)p_${rest}\n\n[r]: #y\n`;
    const [view] = viewsOf(RENDERED, 'docs/index.md', text);
    expect(view.text.split('\n').filter(line => line.includes(TOKEN))).toEqual([`Token: ${TOKEN}`, `Ref: ${TOKEN}`, TOKEN]);
    // Each character maps to its own raw place: the token starts at the link's text, on its line.
    const at = view.text.indexOf(TOKEN);
    expect(view.span(at).start).toBe(text.indexOf('gh]'));
    expect(source(text, view, at + 2)).toBe('p');
  });

  it('a link URL or title spelled with references or escapes is read decoded, on a line of its own', () => {
    const [view] = viewsOf(RENDERED, 'docs/index.md', `See [the docs](https://x.test/&#103;hp_${rest} "t").\n`);
    expect(view.text).toBe(`See the docs.\nhttps://x.test/${TOKEN}\n`);
  });

  it.each([
    ['tilde (strikethrough, markdown-it knows it)', `gh~~p~~_${rest}`, RENDERED],
    ['tilde subscript', `gh~p~_${rest}`, STRIPPED],
    ['mark', `gh==p==_${rest}`, STRIPPED],
    ['critic insertion', `gh{++p++}_${rest}`, STRIPPED],
    ['critic deletion (shown struck through)', `gh{--p--}_${rest}`, STRIPPED],
    ['critic highlight', `gh{==p==}_${rest}`, STRIPPED],
    ['critic substitution (markdown-it reads its ~~ as strikethrough)', `gh{~~p~~}_${rest}`, STRIPPED],
    ['caret', `gh^^p^^_${rest}`, STRIPPED],
    ['attribute list', `*gh*{: .x}p_${rest}`, STRIPPED],
    ['link left as text by markdown-it', `[gh] [r]p_${rest}`, STRIPPED],
  ])('pymdownx markup TechDocs renders as tags: %s', (_name, line, spelling) => {
    const text = `# Deploy\n\nToken: ${line}\n`;
    const [view] = viewsOf(spelling, 'docs/index.md', text);
    // A marker with a space before it joins nothing and stays (`[` of `Token: [gh] [r]p_…`).
    expect(view.text).toMatch(new RegExp(`Token: \\[?${TOKEN}`));
    expect(view.span(view.text.indexOf(TOKEN)).start).toBe(text.indexOf(line.includes('*gh') ? 'gh*' : 'gh'));
  });

  it('a code span and a fenced code block show their references and escapes as written', () => {
    const text = `Use \`&#103;hp_${rest}\`.\n\n\`\`\`\n&#103;hp_${rest} gh[x](y)p_${rest}\n\`\`\`\n`;
    expect(shows(text)).toBe(false);
  });

  it('plain text, and a plain multi-line paragraph, give no view', () => {
    expect(texts('docs/a.md', 'Some text\nover two lines, a == b and c ~ d.\n')).toEqual([]);
  });

  it('YAML front matter is read as YAML (MkDocs shows its title)', () => {
    const text = `---\ntitle: "${hex('g')}hp_${rest}"\n---\n\n# Page\n`;
    const [view] = viewsOf(YAML, 'docs/index.md', text);
    expect(view.text).toBe(`${TOKEN}\n`);
    expect(source(text, view, 0)).toBe(`"${hex('g')}hp_${rest}"`);
    expect(textsOf(YAML, 'docs/index.md', `# Page\n\ntitle: "${hex('g')}"\n`)).toEqual([]);
  });

  it('an HTML block shows its text; its attributes are read with their references decoded', () => {
    const text = `<div title="&#103;hp_${rest}">\ngh<b>p</b>_${rest}\n</div>\n`;
    const [view] = viewsOf(RENDERED, 'docs/index.md', text);
    expect(view.text).toBe(`\n${TOKEN}\n\n<div title="${TOKEN}">\ngh<b>p</b>_${rest}\n</div>\n`);
  });
});

describe('decodedViews: SVG and XML', () => {
  it.each(['docs/diagram.svg', 'docs/feed.xml', 'docs/page.xhtml'])('%s: text and attributes with references decoded', file => {
    const text = `<svg><text x="1">deploy key: &#103;hp_${TOKEN.slice(4)}</text></svg>\n`;
    const [visible] = decodedViews(file, text);
    expect(visible.text).toBe(`deploy key: ${TOKEN}\n`);
    expect(source(text, visible, 12)).toBe('&#103;');
  });
});

describe('decodedViews: string escapes in any text', () => {
  it('decodes \\x, \\u, \\u{…}, \\U, octal, simple escapes and a line continuation, each mapped to its spelling', () => {
    const text = `const t = "\\x67\\u0068\\u{70}\\U0000005f${TOKEN.slice(4, 10)}\\\n${TOKEN.slice(10, 20)}\\141\\q${TOKEN.slice(21)}\\n";\n`;
    const [view] = viewsOf(ESCAPES, 'skeleton/src/index.ts', text);
    expect(view.text).toBe(`const t = "${TOKEN.slice(0, 20)}aq${TOKEN.slice(21)}\n";\n`);
    expect(source(text, view, 11)).toBe('\\x67');
    expect(source(text, view, 14)).toBe('\\U0000005f');
  });

  it('an escaped backslash is one backslash; a bad escape is its letter; no backslash, no view', () => {
    expect(textsOf(ESCAPES, 'a.py', 'x = "\\\\x67 \\xZZ \\u12 \\U00110000"\n')).toEqual(['x = "\\x67 xZZ u12 U00110000"\n']);
    expect(texts('a.py', 'x = "plain"\n')).toEqual([]);
  });

  it('a stray quote earlier on the line does not hide a literal', () => {
    const [view] = viewsOf(ESCAPES, 'run.sh', `echo x" "\\x67hp_${TOKEN.slice(4)}"\n`);
    expect(view.text).toContain(TOKEN);
  });

  it('is linear: a long run of backslashes and escapes', () => {
    const started = Date.now();
    decodedViews('big.txt', `"${'\\x41\\'.repeat(200_000)}"`);
    decodedViews('big.md', `${'gh==p[a](b'.repeat(100_000)}\n`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('decodedFindings', () => {
  const at = (line: number, column: number, end = column + 40) => ({ start: { line, column }, end: { line, column: end } });
  const finding = (line: number, column: number): Diagnostic => ({ ruleId: 'secret-written', severity: 'error', message: 'A credential is written out in this file (secretlint github/GITHUB_TOKEN).', file: '', range: at(line, column) });

  it('places a view finding at the raw span it comes from, says how it is spelled, makes sanctioned lines secret-sanctioned and leaves out already said lines', () => {
    const text = `a: 1\nb: "${hex('g')}${TOKEN.slice(1)}"\nc: "${hex('g')}${TOKEN.slice(1)}" # secretlint-disable-line\n# secretlint-disable-next-line\nd: "${hex('g')}${TOKEN.slice(1)}"\ne: "${hex('g')}${TOKEN.slice(1)}"\n`;
    const [view] = decodedViews('a.yaml', text);
    const viewFound = [1, 2, 3, 4].map(line => finding(line, 1));
    const found = decodedFindings(text, view, viewFound, [finding(6, 20)]);
    const scalarLength = hex('g').length + TOKEN.length + 1;
    expect(found.map(d => [d.ruleId, d.severity, d.range])).toEqual([
      ['secret-written', 'error', at(2, 4, 4 + scalarLength)],
      ['secret-sanctioned', 'warning', at(3, 4, 4 + scalarLength)],
      ['secret-sanctioned', 'warning', at(5, 4, 4 + scalarLength)],
    ]);
    expect(found[0].message).toBe('A credential is written out in this file spelled with YAML escapes (secretlint github/GITHUB_TOKEN). Backstage (as every YAML reader) reads the double-quoted value decoded: the credential whole.');
  });

  it('makes every directive inert in a view, at the same length', () => {
    expect(inertDirectives('x secretlint-disable-line y secretlint-enable')).toBe('x secretlint_disable-line y secretlint_enable');
  });
});
