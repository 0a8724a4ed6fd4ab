import { isUtf8 } from 'node:buffer';
import { ViewBuilder, type DecodedView } from './viewBuilder.ts';

// The encodings a browser, a server or a program undoes before it shows or uses a value, which a page or a
// skeleton's file may spell a credential in while secretlint reads only the raw text (red team, session 47:
// `content: "\67 hp_…"` in a stylesheet, `?token=%67hp_…` in a link, a `data:` URI's base64, each published
// by TechDocs with the gate passing).

const CSS_ESCAPE = /\\[0-9a-fA-F]/;
const HEX_DIGIT = /[0-9a-fA-F]/;

/**
 * `text` with its CSS escapes decoded as CSS Syntax Level 3 reads them (§4.3.7, "consume an escaped code
 * point"): a backslash and one to six hex digits is that code point (zero, a surrogate or beyond U+10FFFF:
 * U+FFFD), one white space after the digits belonging to the escape; a backslash before a line break is
 * nothing (a string's line continuation); before any other character, that character. A browser shows
 * `content: "\67 hp_…"` as `ghp_…`. Undefined when no hex escape gives a printable character (a regular
 * expression's `\d` or a Windows path's `\b…` is no CSS a browser reads into a credential). One pass, linear.
 * Pure.
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
      if (code >= 0x20 && code !== 0x7f) printable = true;
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
 * Undefined when no run decodes to a printable character. Linear. Pure.
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
    if (/[^\x00-\x1f\x7f]/.test(piece)) printable = true;
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
 * kubectl applies, an `Authorization: Basic` value. Runs that decode to binary (an image, a hash, an
 * identifier that merely looks like base64) are left as they are. Undefined when no run decodes to text.
 * Linear in the text. Pure.
 */
export function base64View(text: string): DecodedView | undefined {
  const builder = new ViewBuilder(text);
  let decoded = false;
  let copied = 0;
  for (const match of text.matchAll(BASE64_RUN)) {
    const piece = base64Text(match[0]);
    if (piece === undefined) continue;
    decoded = true;
    builder.copy(copied, match.index);
    builder.put(piece, match.index, match.index + match[0].length);
    copied = match.index + match[0].length;
  }
  if (!decoded) return undefined;
  builder.copy(copied, text.length);
  return builder.view('spelled in base64', 'A browser shows a data: URI decoded, and kubectl, an HTTP server or a program decodes base64 before it uses the value: the credential whole.');
}

/** What `run` decodes to as base64 (either alphabet), when that is text; else undefined. */
function base64Text(run: string): string | undefined {
  const body = run.replace(/=+$/, '');
  // A length of 4n + 1 is no base64 any decoder accepts whole.
  if (body.length % 4 === 1) return undefined;
  const bytes = Buffer.from(body, 'base64');
  for (const byte of bytes) if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) || byte === 0x7f) return undefined;
  return isUtf8(bytes) ? bytes.toString('utf8') : undefined;
}
