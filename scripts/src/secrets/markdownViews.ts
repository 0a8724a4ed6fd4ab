import { createRequire } from 'node:module';
import { appendHtmlText, referencesDecoded } from './htmlViews.ts';
import { ViewBuilder, type DecodedView } from './viewBuilder.ts';

/** What of markdown-it's tokens the views read (the package ships no types). */
interface Token {
  type: string;
  content: string;
  markup: string;
  map: [number, number] | null;
  attrs: [string, string][] | null;
  children: Token[] | null;
}
interface MarkdownIt {
  parse(text: string, env: object): Token[];
  disable(rule: string): MarkdownIt;
}

let parser: MarkdownIt | undefined;
function markdownIt(): MarkdownIt {
  const MarkdownIt = createRequire(import.meta.url)('markdown-it') as new (preset: string, options: object) => MarkdownIt;
  // html: MkDocs' Python-Markdown passes a page's HTML through. text_join off: an entity or an escape stays its own token, with its spelling.
  return (parser ??= new MarkdownIt('default', { html: true }).disable('text_join'));
}

const READER = 'TechDocs (as any Markdown or HTML viewer) renders the page with its character references decoded and its markup and escapes gone: the credential whole.';
// pymdownx markup markdown-it does not know, which TechDocs (mkdocs-techdocs-core enables caret, critic, mark
// and tilde, and attr_list through pymdownx.extra) renders as tags around text that shows side by side.
const PYMDOWNX = /[~^[\]{]|==|\+\+\}|--\}|<<\}/;
const CRITIC = ['{++', '++}', '{--', '--}', '{~~', '~~}', '{==', '==}', '{>>', '<<}', '~>'];
const LINE_BREAK = /\r\n?|\n/g;

/**
 * The views of Markdown page `text`: the text of the page markdown-it renders (CommonMark, as MkDocs'
 * Python-Markdown mostly agrees: references and escapes decoded in text but not in code, tags, links' and
 * emphasis' markers gone, a link's URL and title and an HTML tag's attributes with their references decoded
 * on lines of their own, an HTML block as a browser shows it), and when the page holds pymdownx markers
 * (`~~ == ^^ {++ ++}`…) or link brackets markdown-it left as text, the same with those left out. Each
 * character maps to the raw place markdown-it's block lines and a search of the block give it. Pure.
 */
export function markdownViews(text: string): DecodedView[] {
  const tokens = markdownIt().parse(text, {});
  const starts = [0];
  LINE_BREAK.lastIndex = 0;
  for (let m = LINE_BREAK.exec(text); m; m = LINE_BREAK.exec(text)) starts.push(m.index + m[0].length);
  const rendered = render(text, tokens, starts, false)?.view('hidden in the page source', READER);
  const stripped = PYMDOWNX.test(text) ? render(text, tokens, starts, true)?.view('split by Markdown markup', READER) : undefined;
  return [rendered, stripped && stripped.text !== rendered?.text ? stripped : undefined].filter(v => v !== undefined);
}

function render(text: string, tokens: readonly Token[], starts: readonly number[], strip: boolean): ViewBuilder {
  const builder = new ViewBuilder(text);
  const block = { start: 0, end: text.length, cursor: 0 };
  for (const token of tokens) {
    if (token.map) {
      block.start = block.cursor = starts[token.map[0]] ?? text.length;
      block.end = starts[token.map[1]] ?? text.length;
    }
    if (token.type === 'inline') {
      const attributes: [string, number][] = [];
      inline(builder, token.children ?? [], block, strip, attributes);
      builder.separate(block.cursor);
      for (const [value, at] of attributes) {
        builder.put(value, at, at + 1);
        builder.separate(at);
      }
    } else if (token.type === 'html_block') {
      // At the top level the block is the raw lines themselves; in a list or a quote it is without their indent.
      if (text.startsWith(token.content, block.start)) appendHtmlText(builder, block.start, block.start + token.content.length);
      else builder.put(htmlText(token.content), block.start, block.end);
      builder.separate(block.start);
      const decoded = referencesDecoded(token.content);
      if (decoded !== undefined) builder.put(decoded, block.start, block.end);
      builder.separate(block.start);
    }
  }
  return builder;
}

type Block = { start: number; end: number; cursor: number };

function inline(builder: ViewBuilder, children: readonly Token[], block: Block, strip: boolean, attributes: [string, number][]): void {
  const text = builder.raw;
  // Where `spelled` is next in the block from the cursor (moved past it), or the cursor when it is not.
  const find = (spelled: string): [number, boolean] => {
    const at = text.indexOf(spelled, block.cursor);
    if (at < 0 || at + spelled.length > block.end) return [block.cursor, false];
    block.cursor = at + spelled.length;
    return [at, true];
  };
  for (const child of children) {
    switch (child.type) {
      case 'text':
      case 'code_inline': {
        const [at, found] = find(child.content);
        if (!found) builder.put(child.content, at, Math.min(at + 1, block.end));
        else if (strip && child.type === 'text') copyStripped(builder, at, at + child.content.length);
        else builder.copy(at, at + child.content.length);
        break;
      }
      case 'text_special': {
        const [at] = find(child.markup);
        builder.put(child.content, at, at + Math.max(child.markup.length, 1));
        break;
      }
      case 'softbreak':
      case 'hardbreak':
        builder.separate(block.cursor);
        break;
      case 'image':
        inline(builder, child.children ?? [], block, strip, attributes);
        attribute(child, ['src', 'title'], block, attributes, text);
        break;
      case 'link_open':
        attribute(child, ['href', 'title'], block, attributes, text);
        break;
      case 'html_inline': {
        const [at] = find(child.content);
        const decoded = referencesDecoded(child.content);
        if (decoded !== undefined) attributes.push([decoded, at]);
        break;
      }
    }
  }
}

/** Queues the values of `token`'s attributes `names` that the raw block does not hold as they are (a URL spelled with references or escapes). */
function attribute(token: Token, names: readonly string[], block: Block, attributes: [string, number][], text: string): void {
  for (const [name, value] of token.attrs ?? []) {
    if (!names.includes(name) || !value) continue;
    const at = text.indexOf(value, block.start);
    if (at < 0 || at + value.length > block.end) attributes.push([value, block.cursor]);
  }
}

/**
 * Copies the raw text from `from` to `to` (a text token) without the pymdownx markers TechDocs renders as
 * tags (tilde, caret, mark, critic), link brackets and destinations (`](…)`, `][…]`) and attribute lists
 * (`{: .x}`, `{#id}`) markdown-it left as text: what stands either side shows side by side.
 */
function copyStripped(builder: ViewBuilder, from: number, to: number): void {
  const text = builder.raw;
  let copied = from;
  // A marker with a space on either side joins nothing: it stays (a page with `a == b` gives no view).
  const joins = (at: number, end: number) => (at === from || !/\s/.test(text[at - 1])) && (end === to || !/\s/.test(text[end]));
  const skip = (at: number, end: number) => {
    builder.copy(copied, at);
    builder.drop(at, end);
    copied = end;
  };
  // The next `)`, `]` and `}` from a place (searched for again only once passed: linear).
  const next: Record<string, number> = { ')': -1, ']': -1, '}': -1 };
  const close = (c: string, after: number) => {
    if (next[c] !== to && next[c] < after) {
      const found = text.indexOf(c, after);
      next[c] = found < 0 || found >= to ? to : found;
    }
    return next[c];
  };
  for (let at = from; at < to; ) {
    const c = text[at];
    const critic = CRITIC.find(marker => text.startsWith(marker, at) && at + marker.length <= to);
    let end = at;
    if (critic) end = at + critic.length;
    else if (c === '~' || c === '^' || c === '[') end = at + 1;
    else if (c === '=' && text[at + 1] === '=' && at + 2 <= to) end = at + 2;
    // markdown-it took `{~~…~~}` for strikethrough: the braces are left at the edges of text tokens.
    else if ((c === '{' && at === to - 1) || (c === '}' && at === from)) end = at + 1;
    else if (c === ']') {
      // Python-Markdown takes `[text] [id]` for a reference link too.
      const opener = text[at + 1] === ' ' && text[at + 2] === '[' ? '[' : text[at + 1];
      const after = text[at + 1] === ' ' ? at + 3 : at + 2;
      const closer = opener === '(' ? ')' : opener === '[' ? ']' : undefined;
      const found = closer ? close(closer, after) : to;
      end = closer && found < to ? found + 1 : at + 1;
    } else if (c === '{' && /[:.#]/.test(text[at + 1] ?? '')) {
      const found = close('}', at + 1);
      if (found < to) end = found + 1;
    }
    if (end > at && joins(at, end)) {
      skip(at, end);
      at = end;
    } else at++;
  }
  builder.copy(copied, to);
}

function htmlText(html: string): string {
  const builder = new ViewBuilder(html);
  appendHtmlText(builder, 0, html.length);
  return builder.view('', '')?.text ?? html;
}
