import { decodeHTML } from 'entities';
import { ViewBuilder, type DecodedView } from './viewBuilder.ts';

const VISIBLE_READER = 'TechDocs (as any Markdown or HTML viewer) renders the page with its character references decoded and its markup and escapes gone: the credential whole.';
// A character reference as HTML5 reads it in text: numeric, or named (a legacy name needs no `;`). The
// longest name is 31 characters.
const REFERENCE = /&(?:#[xX][0-9a-fA-F]{1,8};?|#[0-9]{1,8};?|[A-Za-z][A-Za-z0-9]{0,39};?)/y;

/** The text the rendered HTML (or SVG, XML) page `text` shows: comments and tags left out, character references decoded. */
export function htmlTextView(text: string): DecodedView | undefined {
  const builder = new ViewBuilder(text);
  appendHtmlText(builder, 0, text.length);
  return builder.view('hidden in the page source', VISIBLE_READER);
}

/** Adds to `builder` the text the HTML in `builder.raw` from `from` to `to` shows (a page, or a Markdown page's HTML block). */
export function appendHtmlText(builder: ViewBuilder, from: number, to: number): void {
  const text = builder.raw;
  // Where the next `<` and `&` are, each searched for again only once passed (a linear scan).
  let lt = -1;
  let amp = -1;
  const next = (at: number) => {
    if (lt >= 0 && lt < at) lt = text.indexOf('<', at);
    if (amp >= 0 && amp < at) amp = text.indexOf('&', at);
    return Math.min(lt < 0 ? to : lt, amp < 0 ? to : amp, to);
  };
  [lt, amp] = [text.indexOf('<', from), text.indexOf('&', from)];
  let copied = from;
  for (let at = next(from); at < to; at = next(Math.max(at + 1, copied))) {
    let end = at;
    let piece: string | undefined;
    if (text[at] === '<') end = markupEnd(text, at, to);
    else [piece, end] = reference(text, at);
    if (end === at || end > to) continue;
    builder.copy(copied, at);
    if (piece === undefined) builder.drop(at, end);
    else builder.put(piece, at, end);
    copied = end;
  }
  builder.copy(copied, to);
}

/** The page's source with its character references decoded (what a browser makes of an attribute: a link's URL). */
export function referencesView(text: string): DecodedView | undefined {
  const decoded = withReferencesDecoded(text);
  return decoded?.view('spelled with HTML character references', 'A browser decodes them in the page TechDocs publishes: the credential whole.');
}

function withReferencesDecoded(text: string): ViewBuilder | undefined {
  if (!text.includes('&')) return undefined;
  const builder = new ViewBuilder(text);
  let copied = 0;
  for (let at = text.indexOf('&'); at >= 0; at = text.indexOf('&', Math.max(at + 1, copied))) {
    const [piece, next] = reference(text, at);
    if (next === at) continue;
    builder.copy(copied, at);
    builder.put(piece!, at, next);
    copied = next;
  }
  builder.copy(copied, text.length);
  return builder;
}

/** `html` (a tag, an HTML block) with its character references decoded, or undefined when it holds none. */
export function referencesDecoded(html: string): string | undefined {
  const text = withReferencesDecoded(html)?.view('', '')?.text;
  return text === html ? undefined : text;
}

/** The decoded character reference at `at` (an `&`) and the offset after it, or [undefined, at] when there is none. */
export function reference(text: string, at: number): [string | undefined, number] {
  REFERENCE.lastIndex = at;
  const spelled = REFERENCE.exec(text)?.[0];
  if (!spelled) return [undefined, at];
  const decoded = decodeHTML(spelled);
  if (decoded === spelled) return [undefined, at];
  // A legacy name needs no `;`, so the match may run on past it (`&ampG7h…` is `&` then `G7h…`): the text
  // after the reference is the end the decoded and the spelled text share.
  let kept = 0;
  while (kept < decoded.length - 1 && decoded[decoded.length - 1 - kept] === spelled[spelled.length - 1 - kept]) kept++;
  return [decoded.slice(0, decoded.length - kept), at + spelled.length - kept];
}

/**
 * Where the markup at `at` (a `<`) ends, as an HTML5 tokenizer reads it: a comment at its `-->`, a tag
 * (`<` or `</` then a letter) at the first `>` outside a quoted attribute value, `<!` and `<?` at the next
 * `>`; what is not closed runs to the end (HTML drops it), `to` (the end of the text or of its HTML block). `at`
 * itself when the `<` is text.
 */
function markupEnd(text: string, at: number, to: number): number {
  if (text.startsWith('<!--', at)) {
    if (text.startsWith('<!-->', at)) return at + 5;
    if (text.startsWith('<!--->', at)) return at + 6;
    const close = text.indexOf('-->', at + 4);
    return close < 0 || close + 3 > to ? to : close + 3;
  }
  const next = text[at + 1] ?? '';
  const letter = (c: string) => /^[A-Za-z]$/.test(c);
  if (next === '!' || next === '?') return closing(text, at + 2, to);
  if (!letter(next) && !(next === '/' && letter(text[at + 2] ?? ''))) return at;
  for (let i = at + 1; i < to; i++) {
    const c = text[i];
    if (c === '>') return i + 1;
    if (c !== '=') continue;
    while (/[ \t\n\f\r]/.test(text[i + 1] ?? '')) i++;
    const quote = text[i + 1];
    if (quote !== '"' && quote !== "'") continue;
    const end = text.indexOf(quote, i + 2);
    if (end < 0 || end >= to) return to;
    i = end;
  }
  return to;
}

function closing(text: string, from: number, to: number): number {
  const end = text.indexOf('>', from);
  return end < 0 || end >= to ? to : end + 1;
}
