import { describe, expect, it } from 'vitest';
import { logLines, logText, mdCode, mdText, redactUrl } from '../../src/report/safeText.ts';

describe('safeText', () => {
  it.each([
    ['newline then a GitHub command', 'x\n::add-mask::secret', 'x\\n::add-mask::secret'],
    ['Azure command mid-line', 'a ##vso[task.setvariable variable=X]1', 'a ##vso\u200b[task.setvariable variable=X]1'],
    ['leading GitHub command', '::error ::boom', ':\u200b:error ::boom'],
    ['ANSI escape', '\u001b[2Jcleared', '\\u001b[2Jcleared'],
    ['carriage return', 'ok\rfake', 'ok\\rfake'],
  ])('logText: %s', (_, input, expected) => {
    expect(logText(input)).toBe(expected);
    expect(logText(input)).not.toMatch(/\n|\r/);
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
    expect(mdCode('[a](https://evil.example) *b* _c_ ~d~ `e` \\')).toBe('<code>&#91;a&#93;(https://evil.example) &#42;b&#42; &#95;c&#95; &#126;d&#126; &#96;e&#96; &#92;</code>');
  });

  it('redactUrl drops user info', () => {
    expect(redactUrl('see https://user:p%40ss@host.example/x and git+ssh://tok@h/y')).toBe('see https://***@host.example/x and git+ssh://***@h/y');
  });
});
