import { posix } from 'node:path';
import { decodeHTML } from 'entities';
import { yamlPackage } from '../load/lazyPackages.ts';

/**
 * A text as a reader of a file gets it after the decoding it applies (YAML's escapes, HTML's character
 * references), for the secret scan: secretlint reads a file's raw text, so a token spelled `\x67hp_…` or
 * `&#103;hp_…` passed it while Backstage and TechDocs show it whole. Each character of `text` comes from the
 * raw span `span(offset)` gives (start and end offsets of the file's text).
 */
export interface DecodedView {
  text: string;
  /** How the file spells what `text` holds, for the finding's message: 'spelled with YAML escapes'. */
  spelling: string;
  /** Who reads it decoded, for the finding's message (a sentence). */
  reader: string;
  span(offset: number): { start: number; end: number };
}

const YAML_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const MARKDOWN_EXTENSIONS = new Set(['.md', '.markdown', '.mdown', '.mkd', '.mkdn']);
const HTML_EXTENSIONS = new Set(['.html', '.htm']);
/** Double-quoted scalars with an escape one file may hold before its YAML view is given up (a bound on the work). */
export const MAX_ESCAPED_SCALARS = 100_000;

/**
 * The decoded views of the text of a file named `file` (a path, or the secret scan's neutral label): for a
 * YAML or JSON file, the values of its double-quoted scalars (keys included) that hold a backslash, one a
 * line, as a YAML parser decodes them (the `yaml` package, Backstage's); for Markdown and HTML, the text a
 * reader of the rendered page sees (comments and tags gone, character references decoded, and for Markdown
 * backslash escapes, `*` and backticks gone: `gh**p**_…` renders as one word), and, when the page holds
 * character references, its source with them decoded (an attribute's value: a link's URL). A view the same
 * as the raw text is left out; so is a YAML view of a file the parser gives up on or of more than
 * MAX_ESCAPED_SCALARS escaped scalars. Pure; never throws.
 */
export function decodedViews(file: string, text: string): DecodedView[] {
  const extension = posix.extname(file).toLowerCase();
  if (YAML_EXTENSIONS.has(extension)) return [yamlView(text)].filter(v => v !== undefined);
  const markdown = MARKDOWN_EXTENSIONS.has(extension);
  if (!markdown && !HTML_EXTENSIONS.has(extension)) return [];
  const views = [visibleView(text, markdown)];
  const referenced = referencesView(text);
  if (referenced && referenced.text !== views[0]?.text) views.push(referenced);
  return views.filter(v => v !== undefined);
}

/**
 * A view's text and its map back to the raw text, built left to right: runs of raw text copied as they are
 * (each character its own span) and decoded pieces (every character of one the span of its whole spelling).
 */
class ViewBuilder {
  #parts: string[] = [];
  #length = 0;
  // One segment per run or piece: where it starts in the view, and the raw span (a run: its first character's start).
  #view: number[] = [];
  #start: number[] = [];
  #end: number[] = [];
  #decoded = false;

  constructor(readonly raw: string) {}

  copy(start: number, end: number): void {
    if (end <= start) return;
    this.#segment(this.raw.slice(start, end), start, -1);
  }

  put(text: string, start: number, end: number): void {
    this.#decoded = true;
    if (text) this.#segment(text, start, end);
  }

  /** Raw text left out of the view (a tag, a comment, an emphasis marker). */
  drop(start: number, end: number): void {
    if (end > start) this.#decoded = true;
  }

  view(spelling: string, reader: string): DecodedView | undefined {
    if (!this.#decoded) return undefined;
    const text = this.#parts.join('');
    if (text === this.raw) return undefined;
    const [view, starts, ends] = [this.#view, this.#start, this.#end];
    return {
      text,
      spelling,
      reader,
      span(offset: number) {
        let low = 0;
        let high = view.length - 1;
        while (low < high) {
          const middle = (low + high + 1) >> 1;
          if (view[middle] <= offset) low = middle;
          else high = middle - 1;
        }
        if (ends[low] >= 0) return { start: starts[low], end: ends[low] };
        const start = starts[low] + offset - view[low];
        return { start, end: start + 1 };
      },
    };
  }

  #segment(text: string, start: number, end: number): void {
    this.#view.push(this.#length);
    this.#start.push(start);
    this.#end.push(end);
    this.#parts.push(text);
    this.#length += text.length;
  }
}

/**
 * The decoded values of the double-quoted scalars of YAML `text` that hold a backslash (an escape, a line
 * continuation: `"ghp_a\` then `  B3…"` is one word), each mapped to the scalar's whole source. Plain and
 * single-quoted scalars fold a line break to a space, so they cannot join a token and are left out. Read
 * from yaml's concrete syntax tree, as its parser streams it (every document, a broken one too: whatever a
 * lenient reader makes of it).
 */
function yamlView(text: string): DecodedView | undefined {
  if (!text.includes('\\')) return undefined;
  const { CST, Parser } = yamlPackage();
  const builder = new ViewBuilder(text);
  let scalars = 0;
  try {
    for (const token of new Parser().parse(text)) {
      if (token.type !== 'document') continue;
      CST.visit(token, item => {
        for (const node of [item.key, item.value]) {
          if (node?.type !== 'double-quoted-scalar' || !node.source.includes('\\')) continue;
          if (++scalars > MAX_ESCAPED_SCALARS) return CST.visit.BREAK;
          const { value } = CST.resolveAsScalar(node, true, () => undefined);
          builder.put(`${value}\n`, node.offset, node.offset + node.source.length);
        }
        return undefined;
      });
      if (scalars > MAX_ESCAPED_SCALARS) return undefined;
    }
  } catch {
    // The parser ran out of stack (a document nested too deep): the YAML gate says so; the raw scan still runs.
    return undefined;
  }
  return builder.view('spelled with YAML escapes', 'Backstage (as every YAML reader) reads the double-quoted value decoded: the credential whole.');
}

// What may start something the rendered page does not show as it is written.
const MARKUP = /[<&\\*`]/g;
const HTML_ONLY = /[<&]/g;
// A character reference as HTML5 reads it in text: numeric, or named (a legacy name needs no `;`). The
// longest name is 31 characters.
const REFERENCE = /&(?:#[xX][0-9a-fA-F]{1,8};?|#[0-9]{1,8};?|[A-Za-z][A-Za-z0-9]{0,39};?)/y;
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

/**
 * The text the rendered page shows of a Markdown (`markdown`) or HTML `text`: comments and tags left out,
 * character references decoded, and for Markdown a backslash escape of ASCII punctuation its character and
 * `*` and backticks (emphasis, code spans) left out.
 */
function visibleView(text: string, markdown: boolean): DecodedView | undefined {
  const builder = new ViewBuilder(text);
  const special = markdown ? MARKUP : HTML_ONLY;
  special.lastIndex = 0;
  let copied = 0;
  for (let match = special.exec(text); match; match = special.exec(text)) {
    const at = match.index;
    let next = at;
    let piece: string | undefined;
    const c = text[at];
    if (c === '<') next = markupEnd(text, at);
    else if (c === '&') [piece, next] = reference(text, at);
    else if (c === '\\') [piece, next] = ASCII_PUNCTUATION.test(text[at + 1] ?? '') ? [text[at + 1], at + 2] : [undefined, at];
    else next = at + 1;
    if (next === at) continue;
    builder.copy(copied, at);
    if (piece === undefined) builder.drop(at, next);
    else builder.put(piece, at, next);
    copied = next;
    special.lastIndex = next;
  }
  builder.copy(copied, text.length);
  return builder.view('hidden in the page source', 'TechDocs (as any Markdown or HTML viewer) renders the page with its character references decoded and its markup and escapes gone: the credential whole.');
}

/** The page's source with its character references decoded (what a browser makes of an attribute: a link's URL). */
function referencesView(text: string): DecodedView | undefined {
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
  return builder.view('spelled with HTML character references', 'A browser decodes them in the page TechDocs publishes: the credential whole.');
}

/** The decoded character reference at `at` (an `&`) and the offset after it, or [undefined, at] when there is none. */
function reference(text: string, at: number): [string | undefined, number] {
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
 * `>`; what is not closed runs to the end (HTML drops it). `at` itself when the `<` is text.
 */
function markupEnd(text: string, at: number): number {
  if (text.startsWith('<!--', at)) {
    if (text.startsWith('<!-->', at)) return at + 5;
    if (text.startsWith('<!--->', at)) return at + 6;
    const close = text.indexOf('-->', at + 4);
    return close < 0 ? text.length : close + 3;
  }
  const next = text[at + 1] ?? '';
  const letter = (c: string) => /^[A-Za-z]$/.test(c);
  if (next === '!' || next === '?') return closing(text, at + 2);
  if (!letter(next) && !(next === '/' && letter(text[at + 2] ?? ''))) return at;
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '>') return i + 1;
    if (c !== '=') continue;
    while (/[ \t\n\f\r]/.test(text[i + 1] ?? '')) i++;
    const quote = text[i + 1];
    if (quote !== '"' && quote !== "'") continue;
    const end = text.indexOf(quote, i + 2);
    if (end < 0) return text.length;
    i = end;
  }
  return text.length;
}

function closing(text: string, from: number): number {
  const end = text.indexOf('>', from);
  return end < 0 ? text.length : end + 1;
}
