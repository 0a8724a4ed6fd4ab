import { describe, expect, it } from 'vitest';
import { logJson, logLines, logText, logXml, mdCode, mdInline, mdText, redactUrl } from '../../src/report/safeText.ts';

describe('safeText', () => {
  it.each([
    ['newline then a GitHub command', 'x\n::add-mask::secret', 'x\\n::add-mask::secret'],
    ['Azure command mid-line', 'a ##vso[task.setvariable variable=X]1', 'a ##vso\u200b[task.setvariable variable=X]1'],
    ['leading GitHub command', '::error ::boom', ':\u200b:error ::boom'],
    ['GitHub command after leading blanks (the runner trims them)', ' \t::add-mask::x', ' \t:\u200b:add-mask::x'],
    ['upper-case Azure command', 'x ##VSO[task.complete]', 'x ##VSO\u200b[task.complete]'],
    ['ANSI escape', '\u001b[2Jcleared', '\\u001b[2Jcleared'],
    ['carriage return', 'ok\rfake', 'ok\\rfake'],
    ['bidi override', 'x\u202egnp.exe', 'x\\u202egnp.exe'],
    ['bidi isolate', 'a\u2066b\u2069', 'a\\u2066b\\u2069'],
    ['Arabic letter mark (a bidi control like RLM)', 'a\u061cb', 'a\\u061cb'],
    ["GitHub's legacy ##[command] mid-line", 'x ##[set-output name=verdict;]pass', 'x ##\u200b[set-output name=verdict;]pass'],
    ["legacy form in any case", 'x ##[ERROR]y ##[add-mask]z', 'x ##\u200b[ERROR]y ##\u200b[add-mask]z'],
  ])('logText: %s', (_, input, expected) => {
    expect(logText(input)).toBe(expected);
    expect(logText(input)).not.toMatch(/\n|\r/);
  });

  it("logLines, logJson and logXml break GitHub's legacy ##[ form wherever it stands", () => {
    expect(logLines('a ##[stop-commands]tok\n##[add-mask]x')).toBe('a ##\u200b[stop-commands]tok\n##\u200b[add-mask]x');
    expect(JSON.parse(logJson(JSON.stringify({ v: 'x ##[set-output name=v;]p' })))).toEqual({ v: 'x ##[set-output name=v;]p' });
    expect(logJson(JSON.stringify('##[error]x'))).not.toMatch(/##\[/);
    expect(logXml('<a m="##[error]x"/>')).toBe('<a m="##&#91;error]x"/>');
  });

  it('logLines keeps the toolkit\'s own line breaks but no line can start a command', () => {
    expect(logLines('one\n::error::x\n  ::warning::y\nz ##vso[task.complete]')).toBe('one\n:\u200b:error::x\n  :\u200b:warning::y\nz ##vso\u200b[task.complete]');
  });

  it.each([
    ['HTML comment', 'name<!--', 'name&lt;\\!\\-\\-'],
    ['team mention', 'ping @acme/platform', 'ping @\u200bacme/platform'],
    ['issue reference', 'fixes #12', 'fixes \\#\u200b12'],
    ['code span break-out', 'a`b', 'a\\`b'],
    ['table break', 'a|b', 'a&#124;b'],
    ['line break', 'a\n## heading', 'a \\#\\# heading'],
  ])('mdText: %s', (_, input, expected) => {
    expect(mdText(input)).toBe(expected);
  });

  it('mdCode cannot be broken out of', () => {
    expect(mdCode('x`</code><!--|@a')).toBe('<code>x&#96;&lt;/code&gt;&lt;!--&#124;@a</code>');
    // GitHub parses Markdown between inline HTML tags: no link, emphasis or code span may start inside.
    // GFM autolinks there too (red24): the scheme's `//` after a zero-width space, so no link either.
    expect(mdCode('[a](https://evil.example) *b* _c_ ~d~ `e` \\')).toBe('<code>&#91;a&#93;(https:\u200b//evil.example) &#42;b&#42; &#95;c&#95; &#126;d&#126; &#96;e&#96; &#92;</code>');
  });

  // red24: GitHub's autolink extension links `www.`, `http(s)://`, `ftp://` and e-mail addresses in any
  // text, `<code>` elements included; Azure DevOps links URLs too. None of a value's may become a link.
  it.each([
    ['www domain', 'see www.evil.example/login', 'see www\u200b.evil.example/login'],
    ['upper-case WWW', 'WWW.EVIL.EXAMPLE', 'WWW\u200b.EVIL.EXAMPLE'],
    ['https URL', 'https://evil.example/x', 'https:\u200b//evil.example/x'],
    ['ftp URL', 'ftp://evil.example', 'ftp:\u200b//evil.example'],
    ['e-mail address', 'mail a.b@evil.example', 'mail a.b@\u200bevil.example'],
    ['a mention stays as written in code', '@acme/platform-team', '@acme/platform-team'],
  ])('mdCode: %s links nothing', (_, input, expected) => {
    expect(mdCode(input)).toBe(`<code>${expected}</code>`);
  });

  it.each([
    ['www domain', 'see www.evil.example', 'see www\u200b.evil.example'],
    ['https URL', 'https://evil.example/x', 'https\\:\u200b//evil.example/x'],
    ['e-mail address', 'a@evil.example', 'a@\u200bevil.example'],
  ])('mdText: %s links nothing', (_, input, expected) => {
    expect(mdText(input)).toBe(expected);
  });

  it('redactUrl drops user info', () => {
    expect(redactUrl('see https://user:p%40ss@host.example/x and git+ssh://tok@h/y')).toBe('see https://***@host.example/x and git+ssh://***@h/y');
  });
});

describe('safeText for whole outputs', () => {
  it('logLines with color keeps the toolkit\'s colour codes but no other control, and CR counts as a line break', () => {
    expect(logLines('\u001b[31m::error::x\u001b[39m\r::warning::y\u001b]0;title\u0007', { color: true }))
      .toBe('\u001b[31m:\u200b:error::x\u001b[39m\\r::warning::y\\u001b]0;title\\u0007');
  });

  it('logJson keeps the value and breaks ##vso[ and raw separators', () => {
    const value = { m: 'a ##VSO[task.setvariable]x \u2028 \u0085' };
    const json = logJson(JSON.stringify(value));
    expect(json).not.toMatch(/##vso\[/i);
    expect(json).not.toMatch(/[\u2028\u0085]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('logXml breaks ##vso[ and a line-leading :: with character references', () => {
    expect(logXml('<a m="##vso[x]">\n::add-mask::y</a>')).toBe('<a m="##vso&#91;x]">\n&#58;:add-mask::y</a>');
  });

  it('mdInline keeps an author\'s code spans as code and escapes the rest', () => {
    expect(mdInline('Add the `pagerduty.com/service-id` annotation <!-- @acme/x')).toBe('Add the <code>pagerduty.com/service-id</code> annotation &lt;\\!\\-\\- @\u200bacme/x');
    expect(mdInline('unclosed ` tick')).toBe('unclosed \\` tick');
  });
});

// The shortcuts (logText returning a value none of its replacements acts on, logLines replacing over the
// whole text at once) against the plain definitions: every replacement applied, line by line.
describe('safeText shortcuts give what the replacements give', () => {
  /* eslint-disable no-control-regex */
  const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
  const CONTROL_BUT_COLOR = /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|\u001b(?!\[[0-9;]*m)/g;
  const LINE_START = /^((?:\s|\u001b\[[0-9;]*m)*)::/;
  /* eslint-enable no-control-regex */
  // What renders as nothing (Default_Ignorable_Code_Point, but a variation selector after a pictograph or in a keycap, and a joiner after an emoji).
  const INVISIBLE = /(?:(?<!\p{Extended_Pictographic}[\u{1F3FB}-\u{1F3FF}\uFE0F]?)\u200D|(?<!\p{Extended_Pictographic})(?:\uFE0E|\uFE0F(?!\u20E3)|(?<![0-9#*])\uFE0F)|(?![\u200D\uFE0E\uFE0F])\p{Default_Ignorable_Code_Point})/gu;
  const visible = (ch: string) => (ch === '\r' ? '\\r' : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const plainText = (v: string) => v.replace(/\r?\n/g, '\\n').replace(CONTROL, visible).replace(INVISIBLE, visible).replace(/(##(?:vso)?)\[/gi, '$1\u200b[').replace(/^(\s*)::/, '$1:\u200b:');
  const plainLines = (t: string, color: boolean) =>
    t.split('\n').map(l => l.replace(/\r/g, '\\r').replace(color ? CONTROL_BUT_COLOR : CONTROL, visible).replace(/(##(?:vso)?)\[/gi, '$1\u200b[').replace(LINE_START, '$1:\u200b:')).join('\n');

  it('for every UTF-16 code unit, alone and around the command openers', () => {
    const differing: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const c = String.fromCharCode(code);
      for (const value of [`a${c}b`, `${c}::x`, `${c}#[x`, `#${c}[`, `:${c}:`]) {
        if (logText(value) !== plainText(value) || logLines(value) !== plainLines(value, false)) differing.push(JSON.stringify(value));
      }
    }
    expect(differing).toEqual([]);
  });

  it('for random text made of the characters that matter', () => {
    const alphabet = ['\n', '\r', ' ', '\t', ':', '#', '[', 'v', 's', 'o', 'V', '\u001b', 'm', '3', ';', '\u2028', '\u00a0', 'a', '\u0085', '\u202e'];
    const differing: string[] = [];
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % alphabet.length);
    for (let i = 0; i < 20_000; i++) {
      const value = Array.from({ length: 1 + (i % 24) }, () => alphabet[next()]).join('');
      if (logText(value) !== plainText(value) || logLines(value) !== plainLines(value, false) || logLines(value, { color: true }) !== plainLines(value, true)) {
        differing.push(JSON.stringify(value));
      }
    }
    expect(differing).toEqual([]);
  });
});

describe('safeText keeps a `$` out of math', () => {
  it('writes each run of `$` as one span of character references, so no pair opens math and a run grows bounded', () => {
    expect(mdText('costs $5 or $$x$$')).toBe('costs <span>&#36;</span>5 or <span>&#36;&#36;</span>x<span>&#36;&#36;</span>');
    expect(mdCode('a$$b')).toBe('<code>a<span>&#36;&#36;</span>b</code>');
    // 240 `$` in a file name: 13 + 5 × 240 characters, not 18 × 240.
    expect(mdText('$'.repeat(240)).length).toBe(13 + 5 * 240);
  });
});
