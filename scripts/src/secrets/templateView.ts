import { codeEnd } from './templateCode.ts';
import { TemplateConstants } from './templateConstants.ts';
import { ViewBuilder, type DecodedView } from './viewBuilder.ts';

export const TEMPLATE_SPELLING = 'split by template syntax';
export const COOKIECUTTER_SPELLING = 'split by template syntax in cookiecutterCompat delimiters';
// A `{{` that is not part of a `${{`: an expression only under fetch:template's cookiecutterCompat.
const BARE_VARIABLE = /(?<!\$)\{\{/;
const COOKIECUTTER_READER = 'A fetch:template step with cookiecutterCompat: true renders `{{ }}` as expressions, so the file is read so too (whichever step fetches it).';

/** Template syntax in a text: an expression, a tag or a comment as fetch:template's renderer opens them. */
export const TEMPLATE_SYNTAX = /\$\{\{|\{%|\{#/;

const READER = "The scaffolder's fetch:template renders the file without its {% %} tags and {# #} comments, with each ${{ }} that reads no input (string literals, operators, Nunjitsu's filters, names a {% set %} gives a constant) as its value, and each {% for %}, {% filter %} or {% call %} block that reads no input (its own loop's and macros' names aside) as what it renders, and any other ${{ }} as its string literals (every branch and fallback it may give): the credential whole in the repositories the template creates (in whichever branch, whether or not a test case renders it).";
// Nunjitsu's readString: these three escapes, and any other escaped character as itself (`\u0067` is `u0067`).
const STRING_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t' };
// Only string literals joined by `~` or `+` (both concatenate strings in Nunjitsu); `[^"\\]` and `\\[^]` are disjoint (no backtracking).
const LITERALS = /^\s*(?:"(?:[^"\\]|\\[^])*"|'(?:[^'\\]|\\[^])*')(?:\s*[~+]\s*(?:"(?:[^"\\]|\\[^])*"|'(?:[^'\\]|\\[^])*'))*\s*$/;
const STRING = /"(?:[^"\\]|\\[^])*"|'(?:[^'\\]|\\[^])*'/g;
const SPACE = /\s/;
// Block tags whose whole block TemplateConstants may render (a `set` only in its block form, without `=`).
const BLOCK = /^\s*(for|filter|call|macro|set)\b(?![^]*=)|^\s*(for|filter|call|macro)\b/;

type Opening = { kind: 'variable' | 'block' | 'comment'; at: number; value: string };

/**
 * How a fetch:template step renders: its `trimBlocks` (the line break after a block tag dropped) and
 * `lstripBlocks` (the whitespace before a block tag alone on its line dropped), which it hands Nunjitsu; and
 * `deadline` (a Date.now() time), past which the text is not read on (TemplateDeadlineError).
 */
export interface TemplateReading {
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  deadline?: number;
}

/** Thrown by templateView when its reading's deadline passes before the text is read whole. */
export class TemplateDeadlineError extends Error {
  constructor() {
    super("the secret scan's time was used up while the template text was read");
  }
}

/**
 * Template `text` (a skeleton fetch:template renders, a template.yaml's `${{ }}` values) as the scaffolder
 * renders its constant parts: every `{% %}` tag and `{# #}` comment left out and the text either side joined,
 * every `${{ }}` whose expression reads no input as its value (string literals joined by `~` or `+` read here;
 * any other such expression, and names a `{% set %}` gives a constant, as Nunjitsu evaluates them:
 * TemplateConstants), whitespace
 * control (`{%-`, `-%}`, `${{-`, `-}}`, `{#-`, `-#}`) applied, a `{% raw %}` or `{% verbatim %}` block's content
 * kept as written; any other expression as its string literals joined (TemplateConstants.literals), or left as written when
 * it has none (its value is unknown, and an empty string would join text it may never stand next to). Read as Nunjitsu's scanTemplate (the renderer fetch:template creates,
 * `${{ }}` delimiters, trimBlocks and lstripBlocks as `reading` says, off by default) reads it: a tag or expression ends at the first
 * closing outside a string or regular-expression literal, a comment at the first `#}`. Leaving out a tag
 * shows every branch's text, and text from two branches side by side that no one render puts together:
 * each piece is in the committed file and renders next to what surrounds its tag, so a credential split
 * across branches is still a credential written out. What the renderer refuses (an unclosed tag) is kept as
 * written from there on. Each value maps to its whole `${{ }}`. One pass, linear. `cookiecutter`: read in
 * cookiecutterCompat's `{{ }}` delimiters; `seed`: names known before the text (a fetch:template step's
 * `values`, written out); `reading`: the step's whitespace options and a deadline. Throws TemplateDeadlineError
 * when the deadline passes first (each step of the reading, one tag or expression, is bounded: Nunjitsu's
 * work limits and TemplateConstants' budget); otherwise pure.
 */
export function templateView(text: string, cookiecutter = false, seed?: Record<string, unknown>, reading: TemplateReading = {}): DecodedView | undefined {
  if (cookiecutter ? !(seed ? TEMPLATE_SYNTAX.test(text) || BARE_VARIABLE.test(text) : BARE_VARIABLE.test(text)) : !TEMPLATE_SYNTAX.test(text)) return undefined;
  const variable = cookiecutter ? '{{' : '${{';
  const builder = new ViewBuilder(text);
  const constants = new TemplateConstants(text.length, cookiecutter, seed, reading);
  // The text since the last tag, as raw runs: a left-trimming opening (`{%-`) trims its end, as Nunjitsu trims its pending text.
  let pending: [number, number][] = [];
  const flush = () => {
    for (const [start, end] of pending) builder.copy(start, end);
    pending = [];
  };
  const nextOpening = openings(text, variable);
  // What looking ahead for blocks' closing tags may read in all: nested blocks cost a multiple of the text, no more.
  let lookahead = 4 * text.length + 100_000;
  let at = 0;
  // trimBlocks: a block tag's line break after it is dropped, as Nunjitsu drops it (\n or \r\n).
  const newlineAt = (at: number) => (!reading.trimBlocks ? 0 : text[at] === '\n' ? 1 : text.startsWith('\r\n', at) ? 2 : 0);
  while (at < text.length) {
    if (reading.deadline !== undefined && Date.now() > reading.deadline) throw new TemplateDeadlineError();
    const opening = nextOpening(at);
    if (!opening) {
      pending.push([at, text.length]);
      break;
    }
    pending.push([at, opening.at]);
    if (opening.kind === 'block' && reading.lstripBlocks) lstrip(text, opening.at, pending);
    const inner = opening.at + opening.value.length;
    const leftTrim = text[inner] === '-';
    if (leftTrim) trimEnd(text, pending);
    flush();
    const from = leftTrim ? inner + 1 : inner;
    const close = opening.kind === 'block' ? '%}' : opening.kind === 'comment' ? '#}' : '}}';
    const end = opening.kind === 'comment' ? text.indexOf(close, from) : codeEnd(text, from, close);
    if (end < 0) {
      pending.push([opening.at, text.length]);
      break;
    }
    // As Nunjitsu reads it: a `-` just before the closing trims, even the opening's own (`{%-%}`).
    const rightTrim = text[end - 1] === '-';
    const content = text.slice(from, rightTrim ? end - 1 : end);
    let next = end + close.length;
    const raw = opening.kind === 'block' ? rawName(content) : undefined;
    if (opening.kind === 'variable') {
      const value = literalsValue(content) ?? constants.value(content) ?? constants.literals(content);
      if (value === undefined) pending.push([opening.at, next]);
      else builder.put(value, opening.at, next);
    } else if (raw) {
      next += newlineAt(next);
      builder.drop(opening.at, next);
      const closing = rawEnd(text, next, raw);
      if (!closing) {
        pending.push([next, text.length]);
        break;
      }
      pending.push([next, closing.start]);
      builder.drop(closing.start, closing.end);
      // Nunjitsu's quirk: the opening's `-%}` trims the whitespace after the closing tag, not after the opening.
      next = closing.end;
    } else {
      if (opening.kind === 'block') constants.tag(content);
      const name = opening.kind === 'block' && lookahead > 0 ? BLOCK.exec(content) : null;
      const closing = name ? blockEnd(text, next, name[1] ?? name[2], variable) : undefined;
      // An unclosed block was looked for to the end: charged so, or each of many would read the rest of the text.
      if (name) lookahead -= (closing?.end ?? text.length) - next;
      const value = closing ? constants.block(text.slice(opening.at, closing.end)) : undefined;
      if (closing && value !== undefined) {
        builder.put(value, opening.at, closing.end);
        next = closing.end;
        const skipped = next;
        if (closing.rightTrim) while (next < text.length && SPACE.test(text[next])) next++;
        else next += newlineAt(next);
        builder.drop(skipped, next);
        at = next;
        continue;
      }
      builder.drop(opening.at, next);
      if (opening.kind === 'block' && !rightTrim) {
        builder.drop(next, next + newlineAt(next));
        next += newlineAt(next);
      }
    }
    if (rightTrim) {
      const skipped = next;
      while (next < text.length && SPACE.test(text[next])) next++;
      builder.drop(skipped, next);
    }
    at = next;
  }
  flush();
  return cookiecutter ? builder.view(COOKIECUTTER_SPELLING, COOKIECUTTER_READER) : builder.view(TEMPLATE_SPELLING, READER);
}

/**
 * The value Nunjitsu gives expression `expression` (the inside of a `${{ }}`) when it is only string literals
 * joined by `~` or `+`: the literals' values (readString's escapes) concatenated; undefined for any other. Pure.
 */
export function literalsValue(expression: string): string | undefined {
  if (!LITERALS.test(expression)) return undefined;
  let value = '';
  for (const [literal] of expression.matchAll(STRING)) value += literal.slice(1, -1).replace(/\\([^])/g, (_, c: string) => STRING_ESCAPES[c] ?? c);
  return value;
}

/**
 * A function giving the first expression, tag or comment opening of `text` at or after an offset (Nunjitsu's
 * nextOpening), for offsets that only grow: each kind is searched for again only once passed, so a text of
 * many tags of one kind and none of another is read once, not once per tag.
 */
function openings(text: string, variable: string): (from: number) => Opening | undefined {
  const kinds = ([['variable', variable], ['block', '{%'], ['comment', '{#']] as const).map(([kind, value]) => ({ kind, value, at: text.indexOf(value) }));
  return from => {
    let first: Opening | undefined;
    for (const kind of kinds) {
      if (kind.at >= 0 && kind.at < from) kind.at = text.indexOf(kind.value, from);
      if (kind.at >= 0 && (!first || kind.at < first.at)) first = { kind: kind.kind, at: kind.at, value: kind.value };
    }
    return first;
  };
}

/**
 * lstripBlocks: when only whitespace stands before the block tag at `at` on its line (Nunjitsu's
 * lineHasContent false), drops that whitespace from the raw runs `pending`. Reads back over that whitespace
 * only (what a tag stands after is read by that tag alone).
 */
function lstrip(text: string, at: number, pending: [number, number][]): void {
  let start = at;
  while (start > 0 && text[start - 1] !== '\n' && SPACE.test(text[start - 1])) start--;
  if (start > 0 && text[start - 1] !== '\n') return;
  while (pending.length) {
    const last = pending[pending.length - 1];
    last[1] = Math.min(last[1], Math.max(start, last[0]));
    if (last[1] > last[0]) return;
    pending.pop();
  }
}

/** Drops the trailing whitespace (JavaScript's \s, as Nunjitsu's /\s+$/) of the raw runs `pending`. */
function trimEnd(text: string, pending: [number, number][]): void {
  while (pending.length) {
    const last = pending[pending.length - 1];
    while (last[1] > last[0] && SPACE.test(text[last[1] - 1])) last[1]--;
    if (last[1] > last[0]) return;
    pending.pop();
  }
}

/**
 * The end of the `{% end<name> %}` tag closing a block whose content starts at `from` (blocks of the same name
 * nested in it counted; expressions, comments and raw blocks skipped as Nunjitsu skips them), and whether it
 * trims the whitespace after it; undefined when the block is not closed.
 */
function blockEnd(text: string, from: number, name: string, variable: string): { end: number; rightTrim: boolean } | undefined {
  const next = openings(text, variable);
  const tagName = /^[ \t\n\r\u00a0-]*([A-Za-z_][A-Za-z0-9_]*)/;
  let depth = 1;
  for (let at = from; at < text.length; ) {
    const opening = next(at);
    if (!opening) return undefined;
    const inner = opening.at + opening.value.length;
    const close = opening.kind === 'block' ? '%}' : opening.kind === 'comment' ? '#}' : '}}';
    const end = opening.kind === 'comment' ? text.indexOf(close, inner) : codeEnd(text, inner, close);
    if (end < 0) return undefined;
    at = end + close.length;
    if (opening.kind !== 'block') continue;
    const content = text.slice(inner, end);
    const raw = rawName(content.replace(/^-|-$/g, ''));
    if (raw) {
      const closing = rawEnd(text, at, raw);
      if (!closing) return undefined;
      at = closing.end;
      continue;
    }
    const tag = tagName.exec(content)?.[1];
    if (tag === name && (name !== 'set' || !content.includes('='))) depth++;
    else if (tag === `end${name}` && --depth === 0) return { end: at, rightTrim: text[end - 1] === '-' };
  }
  return undefined;
}

/** 'raw' or 'verbatim' when block tag `content` is that tag alone (a raw block's content is text, not template). */
function rawName(content: string): 'raw' | 'verbatim' | undefined {
  const name = content.replace(/^[ \t\n\r\u00a0]+|[ \t\n\r\u00a0]+$/g, '');
  return name === 'raw' || name === 'verbatim' ? name : undefined;
}

/** The closing `{% endraw %}` of a raw block whose content starts at `from`, nested raw tags counted (Nunjitsu's findRawEnd). */
function rawEnd(text: string, from: number, name: string): { start: number; end: number } | undefined {
  const marker = new RegExp(`\\{%(?!-)\\s*(end)?${name}\\s*%\\}`, 'y');
  let depth = 1;
  for (let at = text.indexOf('{%', from); at >= 0; at = text.indexOf('{%', at + 2)) {
    marker.lastIndex = at;
    const found = marker.exec(text);
    if (!found) continue;
    depth += found[1] ? -1 : 1;
    if (depth === 0) return { start: at, end: at + found[0].length };
    at += found[0].length - 2;
  }
  return undefined;
}
