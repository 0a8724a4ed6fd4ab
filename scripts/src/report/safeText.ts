// Text from pull requests (entity names, file names, YAML values, server answers) reaches terminals, CI logs
// and Markdown. These functions are the one place that makes such text inert for each of them.

// C0 and C1 control characters except tab, DEL, the Unicode line/paragraph separators and the bidirectional
// marks, embeddings, overrides and isolates: Unicode's whole Bidi_Control set, U+061C ARABIC LETTER MARK
// included (an RLO would show the rest of a finding's line reversed).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

// The same without ESC, for text whose colours the toolkit added itself (values went through logText).
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_COLOR = /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|\u001b(?!\[[0-9;]*m)/g;
// A line whose first visible characters are `::` (after blanks or colour codes) is a GitHub command.
// eslint-disable-next-line no-control-regex
// Blanks within one line only: `\s` would also take line breaks, and then every blank line would start a scan over
// all the blank lines after it (n blank lines, n² steps). `^` with the m flag matches at every line start, so the
// `::` after blank lines is still found, from its own line, and marked the same.
const LINE_START_COMMAND = /^((?:[^\S\n\r\u2028\u2029]|\u001b\[[0-9;]*m)*)::/gm;

// Azure's `##vso[` and GitHub's legacy `##[command]` form (`##[set-output …]`, `##[add-mask]`): both
// runners act on them anywhere in a line (actions/runner ActionCommand.TryParse), in any case.
const CI_BRACKET_COMMAND = /(##(?:vso)?)\[/gi;

// Whatever one of logText's replacements acts on: a line break, a CONTROL character, `##`, or `::` after
// leading blanks. A value with none of them (nearly every finding) is already inert.
// eslint-disable-next-line no-control-regex
const LOG_TEXT_ACTS = /[\n\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|##|^\s*::/;

// Characters that render as nothing (Unicode's Default_Ignorable_Code_Point: zero-width spaces and joiners, word
// joiners, invisible operators, the BOM, soft hyphens, Hangul fillers, the tag characters U+E0000–E007F that spell
// hidden ASCII), so `entities\u200b.yaml` would read as `entities.yaml`, another team's file, in a log line, an
// annotation or the report's reviewer table. Kept: an emoji's variation selector (U+FE0E/U+FE0F right after a
// pictograph, or U+FE0F between a digit, `#` or `*` and the keycap U+20E3) and a joiner after an emoji (the
// toolkit's own ⚠️, 1️⃣, a family emoji in a description), which change how a visible character draws. After
// any other character a variation selector draws nothing: `orders\uFE0F/entities.yaml` read as the orders
// team's file in the reviewer table and the annotations, as `\u200b` did, so it is written out too.
const INVISIBLE = /(?:(?<!\p{Extended_Pictographic}[\u{1F3FB}-\u{1F3FF}\uFE0F]?)\u200D|(?<!\p{Extended_Pictographic})(?:\uFE0E|\uFE0F(?!\u20E3)|(?<![0-9#*])\uFE0F)|(?![\u200D\uFE0E\uFE0F])\p{Default_Ignorable_Code_Point})/gu;
const HAS_INVISIBLE = new RegExp(INVISIBLE.source, 'u');

const visible = (ch: string) => {
  if (ch === '\r') return '\\r';
  const code = ch.codePointAt(0)!;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/**
 * `text` with every character that renders as nothing (INVISIBLE) written out as its `\uXXXX` (or `\u{XXXXX}`)
 * escape, so two names that differ only by such a character read differently. For raw values (logText, mdText,
 * mdCode and the CI formatters apply it); not for text that already holds the toolkit's own zero-width breaks.
 */
export const showInvisible = (text: string): string => (HAS_INVISIBLE.test(text) ? text.replace(INVISIBLE, visible) : text);

/**
 * Makes a value safe inside one line of a terminal or CI log: newlines become a literal `\n`, other
 * control characters (ANSI escapes included) a `\uXXXX` escape, and the CI command openers are broken
 * with a zero-width space: `##vso[` and GitHub's legacy `##[` wherever they stand, in any case (Azure's agent acts on it anywhere in a line,
 * see shared/reference/field-facts-2026-11.md) and `::` at the start, after any blanks (GitHub trims them).
 * Takes any string, returns a string with no line break; never throws.
 */
export function logText(value: string): string {
  if (!LOG_TEXT_ACTS.test(value) && !HAS_INVISIBLE.test(value)) return value;
  return showInvisible(value
    .replace(/\r?\n/g, '\\n')
    .replace(CONTROL, visible))
    .replace(CI_BRACKET_COMMAND, '$1\u200b[')
    .replace(/^(\s*)::/, '$1:\u200b:');
}

/**
 * Makes a whole multi-line message safe for a log, line by line: each line keeps its own break, but no
 * line can start a GitHub workflow command or hold an Azure logging command. For text the toolkit
 * writes itself around values that went through {@link logText}; never throws. With `color`, ANSI
 * colour codes (SGR, `ESC[…m`) are kept for the toolkit's own colours; every other control is shown.
 * A carriage return counts as a line break: the runners read process output with .NET, which splits
 * lines on `\r` too.
 */
export function logLines(text: string, options: { color?: boolean } = {}): string {
  const control = options.color ? CONTROL_BUT_COLOR : CONTROL;
  // Over the whole text at once, as line by line: no pattern but LINE_START_COMMAND spans a line break,
  // and where it does (blank lines before a `::` line) it keeps them and marks that one line, as per line.
  return text.replace(/\r/g, '\\r').replace(control, visible).replace(CI_BRACKET_COMMAND, '$1\u200b[').replace(LINE_START_COMMAND, '$1:\u200b:');
}

/**
 * Makes JSON text inert in a CI log without changing the value it encodes: `##vso[` and `##[` become
 * `##vso\u005b` and `##\u005b` and C1 controls and U+2028/U+2029 (which JSON.stringify leaves raw) become `\uXXXX`
 * escapes. JSON.stringify never writes a raw line break inside a string, so no value can start a
 * line. Takes the output of JSON.stringify; returns JSON that parses to the same value.
 */
export function logJson(json: string): string {
  return json.replace(CI_BRACKET_COMMAND, '$1\\u005b').replace(/[\u007f-\u009f\u2028\u2029]/g, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The same for XML the toolkit wrote with every value entity-escaped: `##vso[` becomes `##vso&#91;` (`##[` `##&#91;`)
 * and a value that starts a line with `::` gets `&#58;:`. Both parse back to the same characters.
 */
export function logXml(xml: string): string {
  return xml.replace(CI_BRACKET_COMMAND, '$1&#91;').replace(/^([^\S\n\r\u2028\u2029]*)::/gm, '$1&#58;:');
}

// GitHub's autolink extension (GFM) turns `www.` and `http://`, `https://`, `ftp://` followed by a domain,
// and e-mail addresses, into links wherever they stand in text: inside `<code>` elements too, since GitHub
// parses Markdown between inline HTML tags (only a backtick code span or a fence is literal). Azure DevOps
// links URLs in comments as well. A zero-width space after `www` and after a scheme's `:` (and after an
// `@`, see mdText) keeps the text as it reads and copies, and no pattern of either renderer matches it.
const WWW = /(www)\./gi;
const SCHEME_SLASHES = /:\/\//g;
// GFM's e-mail autolink: an `@` after a local part's character and before a domain's (a mention, `@team`, is not one).
const EMAIL_AT = /([A-Za-z0-9._+-])@(?=[A-Za-z0-9])/g;
const unlink = (value: string) => value.replace(WWW, '$1\u200b.').replace(SCHEME_SLASHES, ':\u200b//');

// GitHub (MathJax) and Azure DevOps (KaTeX) typeset `$…$` and `$$…$$` in comments and summaries as LaTeX, in
// any text, `<code>` elements included (GitHub parses Markdown between inline HTML tags). GitHub takes the
// math after Markdown's backslash escapes (its known brace bug, microsoft/vscode#208430: `\{` loses its
// backslash), so the `\\huge` mdText wrote for a value's `\huge` reached MathJax as `\huge`: a finding quoting
// `$\huge\color{green}\textsf{ready to merge}$` drew those words large and green in the bot's comment.
// GitHub's documented way to show a lone dollar beside math is `<span>$</span>` ("Writing mathematical
// expressions"); the dollar inside is the character reference `&#36;`, which no Markdown parser takes for
// syntax. It shows a plain `$`. A run of them shares one span: a value of many `$` (a hostile file name) would
// otherwise grow 18 times and crowd the other findings out of the comment.
const mathFree = (text: string) => text.replace(/\$+/g, run => `<span>${'&#36;'.repeat(run.length)}</span>`);

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '|': '&#124;' };

/** HTML-escapes `& < > " ' |` (the pipe so a value cannot split a GFM table row). */
export function htmlText(value: string): string {
  return value.replace(/[&<>"'|]/g, ch => HTML[ch]);
}

/**
 * Plain text inside GitHub- or Azure-flavoured Markdown: HTML and Markdown syntax escaped (no comment,
 * tag, link, emphasis, heading or table break can be opened), line breaks folded to spaces, and
 * `@mentions` (e-mail addresses with them), `#123` / `GH-123` / `!123` references and the autolinks of
 * GFM (`www.`, `https://`) broken with a zero-width space so a value cannot ping a team, link an issue
 * or plant a link; each run of `$` is `<span>&#36;…</span>`, so no value opens a
 * math expression. Takes any string; returns one line of Markdown.
 */
export function mdText(value: string): string {
  const markdown = unlink(showInvisible(value.replace(/\r?\n|\r/g, ' ').replace(CONTROL, ' ')))
    .replace(/[\\`*_[\]{}()#+!~=:-]/g, ch => `\\${ch}`)
    .replace(/@(?=[\w-])/g, '@\u200b')
    .replace(/\\#(?=\d)/g, '\\#\u200b')
    .replace(/\b(GH|AB)\\-(?=\d)/gi, '$1\u200b\\-');
  // HTML last: its entities (`&#124;`) must not be Markdown-escaped again.
  return mathFree(htmlText(markdown));
}

/**
 * A value shown as code in Markdown: an HTML `<code>` element with its content HTML-escaped, so no
 * backtick, pipe or `<!--` in the value can end the span, split a table or hide what follows. GitHub
 * still parses Markdown between inline HTML tags, so link, emphasis and strike-through punctuation is
 * written as numeric character references (`[` → `&#91;`), which render as the same characters.
 * Mentions inside code are not linked by GitHub or Azure DevOps, but GFM's autolinks are: `www.`,
 * `scheme://` and the `@` of an e-mail address get a zero-width space; a run of `$` is `<span>&#36;…</span>`,
 * since GitHub parses Markdown, math included, between inline HTML tags. Returns one line.
 */
export function mdCode(value: string): string {
  const html = htmlText(unlink(showInvisible(value.replace(/\r?\n|\r/g, ' ').replace(CONTROL, ' '))).replace(EMAIL_AT, '$1@\u200b'));
  return `<code>${mathFree(html.replace(/[[\]*_~`\\]/g, ch => `&#${ch.charCodeAt(0)};`))}</code>`;
}

/**
 * Text its author wrote as Markdown with code spans (a scorecard check's `solution`): each backtick
 * span becomes {@link mdCode}, everything else {@link mdText}. So `` Add the `x` annotation `` keeps
 * its code, while no comment, mention, link or HTML of the author's gets through. Returns one line.
 */
export function mdInline(value: string): string {
  return value.split(/(`[^`\r\n]+`)/).map((part, i) => (i % 2 === 1 ? mdCode(part.slice(1, -1)) : mdText(part))).join('');
}

// A URL's user info: the `://` is found first and the scheme is looked for behind it. Trying a scheme at every word
// start (`\b[a-z][a-z0-9+.-]*://`) rescanned the rest of a run such as `a.a.a…` from each of its letters, so one
// 300 kB line of a template's output text held `templates render` for two minutes in this guard on every text write.
// Each `://` looks back over its own run only, and no run holds two, so the cost is linear.
const URL_USER_INFO = /:\/\/(?<=\b[a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]+@/gi;

/** Removes user info from a URL-like string (`https://user:pass@host/` → `https://***@host/`). Linear in the text's length. */
export function redactUrl(value: string): string {
  return value.replace(URL_USER_INFO, '://***@');
}

/**
 * A value from outside (a server's answer, a PR's field) cut to at most `max` characters (default 200),
 * with `…` where it was cut, so one long value cannot flood a log line or a message. Escaping stays the
 * job of the function for the output (logText, mdText, …). Takes any string; never throws.
 */
export function boundedText(value: string, max = 200): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}
