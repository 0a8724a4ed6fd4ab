import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodedViews, type DecodedView } from '../../src/secrets/decodedViews.ts';
import { notebookView } from '../../src/secrets/notebookView.ts';
import { literalsValue, templateView } from '../../src/secrets/templateView.ts';

// Put together at run time, so that this file holds no token for the gate's own scan to find.
const TOKEN = ['ghp', 'ZaOjpTu1hBrQzQTpBv6Hx7yl2H5oKggPCygY'].join('_');
const [HEAD, TAIL] = [TOKEN.slice(0, 10), TOKEN.slice(10)];

/** The raw text the view's characters `from`…`to` come from. */
const source = (text: string, view: DecodedView, from: number, to = from + 1) => text.slice(view.span(from).start, view.span(to - 1).end);
const spellings = (file: string, text: string) => decodedViews(file, text).map(v => v.spelling);

// The renderer fetch:template creates (Nunjitsu, through the scaffolder backend), to hold literalsValue to its reading.
const nunjitsu = createRequire(createRequire(import.meta.url).resolve('@backstage/plugin-scaffolder-backend'))('nunjitsu') as {
  createTemplateRenderer(options: object): { render(source: string, context: object): string };
};
const renderer = nunjitsu.createTemplateRenderer({ allowRegexExecution: true });

describe('templateView', () => {
  it("reads the red team's skeleton: the tags left out, the empty literal as its value, the token whole and mapped to its raw place", () => {
    const text = `PORT=\${{ values.port }}\n{% if values.port == 9443 %}GITHUB_TOKEN=${HEAD}\${{ "" }}${TAIL}\n{% endif %}\n`;
    const view = templateView(text)!;
    expect(view.text).toBe(`PORT=\${{ values.port }}\nGITHUB_TOKEN=${TOKEN}\n\n`);
    expect(view.spelling).toBe('split by template syntax');
    const start = view.text.indexOf(TOKEN);
    expect(source(text, view, start, start + TOKEN.length)).toBe(`${HEAD}\${{ "" }}${TAIL}`);
    expect(view.span(start)).toEqual({ start: text.indexOf(HEAD), end: text.indexOf(HEAD) + 1 });
    // The empty value has no character of its own: the token's next one is the tail's first.
    expect(source(text, view, start + HEAD.length)).toBe(TAIL[0]);
    expect(source(text, view, start + HEAD.length - 1, start + HEAD.length + 1)).toBe(`${HEAD.slice(-1)}\${{ "" }}${TAIL[0]}`);
  });

  it('joins text split by a tag, a comment, a raw block, and across branches', () => {
    expect(templateView(`a=${HEAD}{# x #}${TAIL}`)!.text).toBe(`a=${TOKEN}`);
    expect(templateView(`a=${HEAD}{% if x %}${TAIL.slice(0, 5)}{% else %}${TAIL.slice(5)}{% endif %}`)!.text).toBe(`a=${TOKEN}`);
    expect(templateView(`a=${HEAD}{% raw %}${TAIL}{% endraw %}`)!.text).toBe(`a=${TOKEN}`);
  });

  it('applies whitespace control as the renderer does: {%- -%}, ${{- -}}, {#- -#}, a raw tag trimming after its closing', () => {
    const cases = [`${HEAD}  \n{%- if x -%}\n\t ${TAIL}{% endif %}`, `${HEAD} \${{- "" -}}\n ${TAIL}`, `${HEAD}\n{#- c -#} ${TAIL}`, `${HEAD} {#- a #}\n{#- b -#}\n${TAIL}`, `${HEAD}{% raw -%}{% endraw %}  ${TAIL}`];
    for (const text of cases) {
      expect(templateView(text)!.text).toBe(TOKEN);
      expect(renderer.render(text.replace(/if x/, 'if true'), {}).replace(/\{%.*?%\}/g, '')).toBe(TOKEN);
    }
  });

  it('leaves other expressions as written, a raw block as text, and what the renderer refuses from there on', () => {
    expect(templateView(`https://\${{ values.host }}/x`)).toBeUndefined();
    expect(templateView(`a=${HEAD}\${{ values.x }}${TAIL}`)).toBeUndefined();
    expect(templateView(`a=${HEAD}\${{ "" ~ values.x }}${TAIL}`)).toBeUndefined();
    // An expression reading input with literals: every branch and fallback it may give, joined.
    expect(templateView(`a=\${{ "${HEAD}" if values.x else "${HEAD}" }}${TAIL}`)!.text).toBe(`a=${HEAD}${HEAD}${TAIL}`);
    expect(templateView(`a=\${{ values.x or "${HEAD}" }}${TAIL}`)!.text).toBe(`a=${TOKEN}`);
    expect(templateView(`{% set p = values.x or "${HEAD}" %}a=\${{ p | trim }}${TAIL}{% for p in values.y %}\${{ p }}${TAIL}{% endfor %}`)!.text).toBe(`a=${TOKEN}\${{ p }}${TAIL}`);
    expect(templateView(`{% raw %}${HEAD}\${{ "" }}${TAIL}{% endraw %}!`)!.text).toBe(`${HEAD}\${{ "" }}${TAIL}!`);
    expect(templateView(`{% raw %}{% raw %}\${{ "" }}{% endraw %}{# x #}{% endraw %}`)!.text).toBe('{% raw %}${{ "" }}{% endraw %}{# x #}');
    expect(templateView(`a{# b #}c {% if x ${HEAD}`)!.text).toBe(`ac {% if x ${HEAD}`);
  });

  // Each block is looked ahead for its closing tag: unclosed ones (each read to the end) would make it quadratic.
  it('many unclosed blocks are read in time linear in the text', () => {
    const started = Date.now();
    expect(templateView('{% for x in y %}a'.repeat(50_000))!.text).toBe('a'.repeat(50_000));
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);

  it('a closing inside a string or a regular-expression literal does not end the tag', () => {
    expect(templateView(`{% if x == "%}" %}${HEAD}{% endif %}${TAIL}`)!.text).toBe(TOKEN);
    expect(templateView(`{% if x | regex_match(r/}}%}/) %}${HEAD}{% endif %}${TAIL}`)!.text).toBe(TOKEN);
    expect(templateView(`{% set for_r = 1 %}${HEAD}{% if for_r/2 %}${TAIL}{% endif %}`)!.text).toBe(TOKEN);
  });

  it('literalsValue reads string literals joined by ~ or + as the renderer does, escapes and all', () => {
    for (const expression of [' "" ', ` '${HEAD}' ~ "${TAIL}" `, ` "a" + 'b' ~ "c"`, String.raw` "a\nb\t\"\u0067\x41\\\q" `, String.raw` 'it\'s' `]) {
      expect(literalsValue(expression)).toBe(renderer.render(`\${{${expression}}}`, {}));
    }
    for (const expression of [' values.x ', ' "a" ~ values.x ', ' "a" | upper ', ' 1 ', ' "a" "b" ', ' "a ']) expect(literalsValue(expression)).toBeUndefined();
  });

  it('is linear: many tags of one kind and none of another', () => {
    const text = `${'{% if x %}a{% endif %}'.repeat(50_000)}\n`;
    const started = performance.now();
    expect(templateView(text)!.text).toBe(`${'a'.repeat(50_000)}\n`);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('applies to any file with template syntax, and to none without', () => {
    expect(spellings('skeletons/x/.env.example', `T={# #}x`)).toEqual(['split by template syntax']);
    expect(spellings('templates/a/template.yaml', `a: \${{ "x" }}\n`)).toEqual(['split by template syntax']);
    expect(spellings('a.txt', 'plain {text}\n')).toEqual([]);
  });
});

describe('notebookView', () => {
  const notebook = (cells: object[]) => JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1);

  it("joins a code cell's source list with no separator, each item mapped to its raw JSON place", () => {
    const text = `{"cells":[{"cell_type":"code","source":["import os\\n","os.environ['GITHUB_TOKEN'] = '${HEAD}","${TAIL}'\\n"],"outputs":[]}]}`;
    const view = notebookView(text)!;
    expect(view.text).toBe(`import os\nos.environ['GITHUB_TOKEN'] = '${TOKEN}'\n`);
    expect(view.spelling).toBe('split across the lines of a notebook cell');
    const start = view.text.indexOf(TOKEN);
    expect(view.span(start).start).toBe(text.indexOf(HEAD));
    expect(source(text, view, start, start + TOKEN.length)).toBe(`${HEAD}","${TAIL}`);
    expect(source(text, view, view.text.indexOf('\n'))).toBe('\\n');
  });

  it("decodes JSON escapes, each mapped to its spelling, and reads a string source and outputs' text and data", () => {
    const text = notebook([
      { cell_type: 'markdown', source: 'a\u00e9' },
      { cell_type: 'code', source: [], outputs: [{ output_type: 'stream', name: 'stdout', text: [HEAD, TAIL] }, { output_type: 'execute_result', data: { 'text/plain': [`'${HEAD}`, `${TAIL}'`] }, metadata: {} }] },
    ]).replace('\u00e9', '\\u00e9').replace(`"${HEAD}"`, `"\\u0067${HEAD.slice(1)}"`);
    const view = notebookView(text)!;
    expect(view.text).toBe(`a\u00e9\n${TOKEN}\n'${TOKEN}'\n`);
    expect(source(text, view, 1)).toBe('\\u00e9');
    expect(source(text, view, 3, 3 + TOKEN.length)).toBe(`\\u0067${HEAD.slice(1)}",\n      "${TAIL}`);
  });

  // Red team, second round: a cell with two `source` members; Jupyter (Python's json) and JSON.parse take the last.
  it('reads the last of members of one name, as Jupyter does', () => {
    const text = `{"cells":[{"cell_type":"code","source":["print(1)"],"outputs":[],"source":["key = '${HEAD}","${TAIL}'"]}],"cells2":[]}`;
    expect(notebookView(text)!.text).toBe(`key = '${TOKEN}'\n`);
  });

  it('no cells, broken or too deep JSON: no view or what the parser reads; a notebook spelling nothing gives no finding-worthy join', () => {
    expect(notebookView('{"metadata": {}}')).toBeUndefined();
    expect(notebookView(`${'['.repeat(20_000)}`)).toBeUndefined();
    expect(notebookView(`{"cells": [{"source": ["a", "b"`)!.text).toBe('ab\n');
    expect(spellings('nb.ipynb', notebook([{ cell_type: 'code', source: ['x = 1\n', 'print(x)'], outputs: [] }]))).toContain('split across the lines of a notebook cell');
    expect(spellings('nb.json', notebook([{ cell_type: 'code', source: ['x = 1\n', 'print(x)'], outputs: [] }]))).not.toContain('split across the lines of a notebook cell');
  });
});
