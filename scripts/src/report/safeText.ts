// Text from pull requests (entity names, file names, YAML values, server answers) reaches terminals, CI logs
// and Markdown. These functions are the one place that makes such text inert for each of them.

// C0 and C1 control characters except tab, plus DEL and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

const visible = (ch: string) => (ch === '\r' ? '\\r' : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * Makes a value safe inside one line of a terminal or CI log: newlines become a literal `\n`, other
 * control characters (ANSI escapes included) a `\uXXXX` escape, and the CI command openers are broken
 * with a zero-width space: `##vso[` wherever it stands (Azure's agent acts on it anywhere in a line,
 * see shared/reference/field-facts-2026-11.md) and `::` at the start (GitHub acts on it only there).
 * Takes any string, returns a string with no line break; never throws.
 */
export function logText(value: string): string {
  return value
    .replace(/\r?\n/g, '\\n')
    .replace(CONTROL, visible)
    .replace(/##vso\[/gi, '##vso\u200b[')
    .replace(/^::/, ':\u200b:');
}

/**
 * Makes a whole multi-line message safe for a log, line by line: each line keeps its own break, but no
 * line can start a GitHub workflow command or hold an Azure logging command. For text the toolkit
 * writes itself around values that went through {@link logText}; never throws.
 */
export function logLines(text: string): string {
  return text
    .split('\n')
    .map(line => line.replace(/\r/g, '\\r').replace(CONTROL, visible).replace(/##vso\[/gi, '##vso\u200b[').replace(/^(\s*)::/, '$1:\u200b:'))
    .join('\n');
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '|': '&#124;' };

/** HTML-escapes `& < > " ' |` (the pipe so a value cannot split a GFM table row). */
export function htmlText(value: string): string {
  return value.replace(/[&<>"'|]/g, ch => HTML[ch]);
}

/**
 * Plain text inside GitHub- or Azure-flavoured Markdown: HTML and Markdown syntax escaped (no comment,
 * tag, link, emphasis, heading or table break can be opened), line breaks folded to spaces, and
 * `@mentions` and `#123` / `GH-123` / `!123` references broken with a zero-width space so a value
 * cannot ping a team or link an issue. Takes any string; returns one line of Markdown.
 */
export function mdText(value: string): string {
  const markdown = value
    .replace(/\r?\n|\r/g, ' ')
    .replace(CONTROL, ' ')
    .replace(/[\\`*_[\]{}()#+!~=:-]/g, ch => `\\${ch}`)
    .replace(/@(?=[\w-])/g, '@\u200b')
    .replace(/\\#(?=\d)/g, '\\#\u200b')
    .replace(/\b(GH|AB)\\-(?=\d)/gi, '$1\u200b\\-');
  // HTML last: its entities (`&#124;`) must not be Markdown-escaped again.
  return htmlText(markdown);
}

/**
 * A value shown as code in Markdown: an HTML `<code>` element with its content HTML-escaped, so no
 * backtick, pipe or `<!--` in the value can end the span, split a table or hide what follows. GitHub
 * still parses Markdown between inline HTML tags, so link, emphasis and strike-through punctuation is
 * written as numeric character references (`[` → `&#91;`), which render as the same characters.
 * Mentions inside code are not linked by GitHub or Azure DevOps. Returns one line.
 */
export function mdCode(value: string): string {
  const html = htmlText(value.replace(/\r?\n|\r/g, ' ').replace(CONTROL, ' '));
  return `<code>${html.replace(/[[\]*_~`\\]/g, ch => `&#${ch.charCodeAt(0)};`)}</code>`;
}

/** Removes user info from a URL-like string (`https://user:pass@host/` → `https://***@host/`). */
export function redactUrl(value: string): string {
  return value.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]+@/gi, '$1***@');
}
