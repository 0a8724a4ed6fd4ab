import { isUtf8 } from 'node:buffer';
import { printableRuns } from './printableRuns.ts';
import { ViewBuilder, type DecodedView } from './viewBuilder.ts';

// The encodings a browser, a server or a program undoes before it shows or uses a value, which a page or a
// skeleton's file may spell a credential in while secretlint reads only the raw text (red team, session 47:
// `content: "\67 hp_…"` in a stylesheet, `?token=%67hp_…` in a link, a `data:` URI's base64, each published
// by TechDocs with the gate passing).

const CSS_ESCAPE = /\\[0-9a-fA-F]/;
// What a credential is made of: a decoding that gives none of these shows secretlint nothing new.
const TOKEN_CHARACTER = /[A-Za-z0-9_-]/;
const HEX_DIGIT = /[0-9a-fA-F]/;

/**
 * `text` with its CSS escapes decoded as CSS Syntax Level 3 reads them (§4.3.7, "consume an escaped code
 * point"): a backslash and one to six hex digits is that code point (zero, a surrogate or beyond U+10FFFF:
 * U+FFFD), one white space after the digits belonging to the escape; a backslash before a line break is
 * nothing (a string's line continuation); before any other character, that character. A browser shows
 * `content: "\67 hp_…"` as `ghp_…`. Undefined when no hex escape gives a character a credential is made of
 * (a letter, a digit, `_` or `-`): a regular expression's `\d`, a Windows path's `\Users\dev` or LaTeX's
 * `\begin` decode to control or Latin-1 characters, and need no second scan. One pass, linear. Pure.
 */
export function cssEscapesView(text: string): DecodedView | undefined {
  if (!CSS_ESCAPE.test(text)) return undefined;
  const builder = new ViewBuilder(text);
  let printable = false;
  let copied = 0;
  for (let at = text.indexOf('\\'); at >= 0 && at < text.length - 1; at = text.indexOf('\\', copied)) {
    let next = at + 2;
    let piece = text[at + 1];
    if (HEX_DIGIT.test(piece)) {
      while (next < at + 7 && next < text.length && HEX_DIGIT.test(text[next])) next++;
      const code = parseInt(text.slice(at + 1, next), 16);
      piece = code === 0 || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff ? '\ufffd' : String.fromCodePoint(code);
      if (TOKEN_CHARACTER.test(piece)) printable = true;
      if (text[next] === '\r' && text[next + 1] === '\n') next += 2;
      else if (text[next] === ' ' || text[next] === '\t' || text[next] === '\n' || text[next] === '\r' || text[next] === '\f') next++;
    } else if (piece === '\r') {
      piece = '';
      if (text[next] === '\n') next++;
    } else if (piece === '\n' || piece === '\f') piece = '';
    builder.copy(copied, at);
    builder.put(piece, at, next);
    copied = next;
  }
  builder.copy(copied, text.length);
  return printable ? builder.view('spelled with CSS escapes', "A browser reads a stylesheet's strings, selectors and url()s decoded (a `content:` is shown on the page): the credential whole.") : undefined;
}

const PERCENT_RUN = /(?:%[0-9a-fA-F]{2})+/g;

/**
 * `text` with every run of percent-encoded bytes (`%67`, `%E2%82%AC`) decoded as UTF-8 (bytes that are not
 * UTF-8: U+FFFD, as a URL parser's percent-decode then UTF-8 decode gives them), as a browser, a server or a
 * program reading a link's URL or a query string gets it: `?token=%67hp_…` sends the credential whole.
 * Undefined when no run decodes to a character a credential is made of (a link's `%20` or `%C3%A9` needs no
 * second scan). Linear. Pure.
 */
export function percentView(text: string): DecodedView | undefined {
  if (!text.includes('%')) return undefined;
  const builder = new ViewBuilder(text);
  let printable = false;
  let copied = 0;
  for (const match of text.matchAll(PERCENT_RUN)) {
    const at = match.index;
    const bytes = Buffer.from(match[0].replace(/%/g, ''), 'hex');
    const piece = bytes.toString('utf8');
    if (TOKEN_CHARACTER.test(piece)) printable = true;
    builder.copy(copied, at);
    builder.put(piece, at, at + match[0].length);
    copied = at + match[0].length;
  }
  builder.copy(copied, text.length);
  return printable ? builder.view('spelled with percent-encoding', 'A browser, a server or a program reading the URL decodes it: the credential whole.') : undefined;
}

// A run of base64 (standard or URL-safe alphabet) long enough to hold a credential: the shortest secretlint
// matches (an AWS access key id, 20 characters) takes 28. Runs are maximal, so a run's start is the
// encoding's start wherever a delimiter (`,` of a data: URI, a space after `Basic`, a YAML value's start) precedes it.
const BASE64_RUN = /[A-Za-z0-9+/_-]{24,}={0,2}/g;

/**
 * `text` with every run of base64 that decodes to text (valid UTF-8, no control character but tab and line
 * breaks) replaced by what it decodes to: a `data:` URI a browser shows, a Kubernetes Secret's `data` that
 * kubectl applies, an `Authorization: Basic` value. A run wrapped over lines (`base64` wraps at 76 columns,
 * PEM at 64; each line but the last a multiple of 4 long, continued after a line break and indentation) is
 * decoded whole, as kubectl and Go ignore the breaks; a run that does not decode from its start is tried
 * after each of its first `/`, `-` and `_` (base64 after a URL's path or a name: `/api/Z2hw…`, `deploy-Z2hw…`).
 * Runs that decode to binary (an image, a hash, an identifier that merely looks like base64) are left as they
 * are. Undefined when no run decodes to text. Linear in the text. Pure.
 */
export function base64View(text: string): DecodedView | undefined {
  const found: { piece: string; start: number; end: number }[] = [...dataUriBodies(text)];
  const runs = [...text.matchAll(BASE64_RUN)].map(m => ({ start: m.index, end: m.index + m[0].length })).filter(r => !found.some(f => r.start < f.end && f.start < r.end));
  for (let i = 0; i < runs.length; i++) {
    // A wrapped run: its lines joined, the breaks and indentation between them left out.
    let last = i;
    while (last + 1 < runs.length && wraps(text, runs[last], runs[last + 1])) last++;
    const whole = last > i ? base64Text(runs.slice(i, last + 1).map(r => text.slice(r.start, r.end)).join('')) : undefined;
    const at = whole !== undefined ? { piece: whole, start: runs[i].start } : decodedFrom(text, runs[i].start, runs[i].end);
    const end = whole !== undefined ? runs[last].end : runs[i].end;
    if (whole !== undefined) i = last;
    if (at !== undefined) found.push({ ...at, end });
  }
  if (!found.length) return undefined;
  const builder = new ViewBuilder(text);
  let copied = 0;
  for (const { piece, start, end } of found.sort((a, b) => a.start - b.start)) {
    builder.copy(copied, start);
    builder.put(piece, start, end);
    copied = end;
  }
  builder.copy(copied, text.length);
  return builder.view('spelled in base64', 'A browser shows a data: URI decoded, and kubectl, an HTTP server or a program decodes base64 before it uses the value: the credential whole.');
}

// A data: URI's base64 body as a page may spell it: a browser percent-decodes the body, drops its white space,
// and the page's character references are decoded before the URL is read.
const DATA_URI_BODY = /;base64,([A-Za-z0-9+/=_\-%&#;\s]{16,})/gi;

/** The decoded bodies of the `data:…;base64,` URIs in `text`, with their places (the body as written). */
function dataUriBodies(text: string): { piece: string; start: number; end: number }[] {
  const bodies: { piece: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(DATA_URI_BODY)) {
    const written = m[1].replace(/\s+$/, '');
    const plain = written
      .replace(/&#x([0-9a-f]+);?|&#(\d+);?/gi, (_, hex: string | undefined, dec: string | undefined) => String.fromCodePoint(Math.min(Number.parseInt(hex ?? dec!, hex ? 16 : 10), 0x10ffff)))
      .replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
      .replace(/\s+/g, '');
    if (plain === written && BASE64_WHOLE.test(plain)) continue;
    const piece = base64Text(plain);
    const start = m.index + m[0].length - m[1].length;
    if (piece !== undefined) bodies.push({ piece, start, end: start + written.length });
  }
  return bodies;
}
const BASE64_WHOLE = /^[A-Za-z0-9+/_-]+={0,2}$/;

// A wrapped line: as long as a run at least (encoders wrap at 76, PEM at 64; a page at any width).
const WRAPPED_LINE = 24;

/** Whether run `next` continues run `run` on the next line: `run` a wrapped line (long, a multiple of 4), only a line break and indentation between. */
function wraps(text: string, run: { start: number; end: number }, next: { start: number; end: number }): boolean {
  const length = run.end - run.start;
  return length >= WRAPPED_LINE && length % 4 === 0 && !text.slice(run.start, run.end).endsWith('=') && /^\r?\n[ \t]*$/.test(text.slice(run.end, next.start));
}

/** The text the run at `start`..`end` decodes to from its start, or from after one of its first eight `/`, `-`, `_`; with where that is. */
function decodedFrom(text: string, start: number, end: number): { piece: string; start: number } | undefined {
  const whole = base64Text(text.slice(start, end));
  if (whole !== undefined) return { piece: whole, start };
  let tried = 0;
  for (let at = start; at < end && tried < 8; at++) {
    const c = text[at];
    if (c !== '/' && c !== '-' && c !== '_') continue;
    tried++;
    if (end - at - 1 < 24) break;
    const piece = base64Text(text.slice(at + 1, end));
    if (piece !== undefined) return { piece, start: at + 1 };
  }
  return undefined;
}

/**
 * What `run` decodes to as base64 (either alphabet): the text, when it is text; for binary data, its printable
 * runs of 20 characters or more (a token beside a NUL, in an image's text chunk), one a line; else undefined.
 */
function base64Text(run: string): string | undefined {
  const body = run.replace(/=+$/, '');
  // A length of 4n + 1 is no base64 any decoder accepts whole.
  if (body.length % 4 === 1) return undefined;
  const bytes = Buffer.from(body, 'base64');
  let text = true;
  for (const byte of bytes) {
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) || byte === 0x7f) {
      text = false;
      break;
    }
  }
  if (text && isUtf8(bytes)) return bytes.toString('utf8');
  const runs = printableRuns(bytes, BINARY_RUN);
  return runs.length ? runs.map(r => r.text).join('\n') : undefined;
}
// Random bytes hold a printable run of 20 about once in 500 million places: such a run is text someone wrote.
const BINARY_RUN = 20;
