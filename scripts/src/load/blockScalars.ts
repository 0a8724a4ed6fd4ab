import { resolvesToString } from './yamlSchema.ts';

/** Thrown when the text leaves the plain block subset locateInBlock reads; the caller falls back to `yaml`. */
export class Unsupported extends Error {}

/** A scalar's offsets as `yaml` gives them ([start, value end, node end]). */
export interface ScalarNode {
  kind: 'scalar';
  range: [number, number, number];
  open: boolean;
}

// Keys like `metadata` or `backstage.io/techdocs-ref`: a letter first, and none of the words the core schema reads as null or bool.
const SIMPLE_KEY = /^(?!(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$)[A-Za-z_]/;
const PLAIN_FIRST = /^[^-?:,[\]{}#&*!|>'"%@`\s]|^[-?:][^\s]/;

// The single-line pieces of a block-style line (keys, scalars, flow sequences of scalars), each read
// from `at` up to the line's `end`, with the offsets `yaml` gives them.

/** A one-line flow sequence of scalars (`tags: [a, "b"]`), the common flow form in catalog files. */
export function flowSeq(text: string, at: number, end: number): { range: [number, number]; items: ScalarNode[] } {
  const items: ScalarNode[] = [];
  let j = at + 1;
  for (;;) {
    while (j < end && text.charCodeAt(j) === 32) j++;
    if (j >= end) throw new Unsupported();
    if (text[j] === ']' && items.length === 0) return { range: [at, j + 1], items };
    const start = j;
    let valueEnd: number;
    if (text[j] === '"' || text[j] === "'") {
      valueEnd = quotedEnd(text, j, end);
      j = valueEnd;
    } else {
      while (j < end && !',[]{}#:'.includes(text[j])) j++;
      valueEnd = j;
      while (valueEnd > start && text.charCodeAt(valueEnd - 1) === 32) valueEnd--;
      if (valueEnd === start || !PLAIN_FIRST.test(text.slice(start, start + 2))) throw new Unsupported();
    }
    items.push({ kind: 'scalar', range: [start, valueEnd, valueEnd], open: false });
    while (j < end && text.charCodeAt(j) === 32) j++;
    if (text[j] === ']') return { range: [at, j + 1], items };
    if (text[j] !== ',') throw new Unsupported();
    j++;
  }
}

/** Refuses anything but spaces and a comment between `at` and the line end. */
export function commentOnly(text: string, at: number, end: number): void {
  let j = at;
  while (j < end && text.charCodeAt(j) === 32) j++;
  if (j < end && (text[j] !== '#' || j === at)) throw new Unsupported();
}

/** The offset after the closing quote of a one-line quoted scalar starting at `at`. */
export function quotedEnd(text: string, at: number, end: number): number {
  const quote = text[at];
  let j = at + 1;
  for (;;) {
    if (j >= end) throw new Unsupported();
    const c = text[j];
    if (quote === '"' && c === '\\') j += 2;
    else if (quote === "'" && c === "'" && text[j + 1] === "'") j += 2;
    else if (c === quote) return j + 1;
    else j++;
  }
}

/** The end of a single-line scalar starting at `at`, before any trailing spaces and comment. */
export function scalarEnd(text: string, at: number, end: number): number {
  const first = text[at];
  let valueEnd: number;
  if (first === '"' || first === "'") {
    valueEnd = quotedEnd(text, at, end);
  } else {
    if (!isAlphanumeric(text.charCodeAt(at)) && !PLAIN_FIRST.test(text.slice(at, at + 2))) throw new Unsupported();
    // ' #' starts a comment; ': ' before it is something js-yaml and yaml read differently.
    const comment = commentAt(text, at, end);
    valueEnd = comment === -1 ? end : comment;
    if (mappingColon(text, at, valueEnd, end) !== -1) throw new Unsupported();
    while (valueEnd > at && text.charCodeAt(valueEnd - 1) === 32) valueEnd--;
    return valueEnd;
  }
  commentOnly(text, valueEnd, end);
  return valueEnd;
}

/** A mapping key at `at` on a line ending at `end`: its value as a string, its end and its colon. */
export function mappingKey(text: string, at: number, end: number): { value: string; end: number; colon: number } | undefined {
  const first = text[at];
  if (first === '"' || first === "'") {
    let j = at + 1;
    let value = '';
    for (;;) {
      if (j >= end) return undefined;
      const c = text[j];
      if (first === '"' && c === '\\') throw new Unsupported();
      if (c === first && first === "'" && text[j + 1] === "'") {
        value += "'";
        j += 2;
      } else if (c === first) break;
      else {
        value += c;
        j++;
      }
    }
    const keyEnd = j + 1;
    if (text[keyEnd] !== ':' || !(keyEnd + 1 === end || text[keyEnd + 1] === ' ')) return undefined;
    return { value, end: keyEnd, colon: keyEnd };
  }
  const colon = mappingColon(text, at, end, end);
  if (colon === -1) return undefined;
  const value = text.slice(at, colon);
  // The common key (`metadata`, `backstage.io/techdocs-ref`): a letter or _ first and no space passes every
  // test below; only a 4- or 5-letter one could be null, true or false.
  const firstCode = text.charCodeAt(at);
  if ((isLetter(firstCode) || firstCode === 95) && value.length !== 4 && value.length !== 5 && !value.includes(' ')) return { value, end: colon, colon };
  if (!PLAIN_FIRST.test(value.slice(0, 2)) || value.endsWith(' ') || value.includes(' #') || !(SIMPLE_KEY.test(value) || resolvesToString(value))) {
    throw new Unsupported();
  }
  return { value, end: colon, colon };
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** A letter or digit: a plain scalar may start with one (PLAIN_FIRST). */
function isAlphanumeric(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57);
}

// The two searches of a line's plain text, with the native indexOf rather than a loop over its characters.

/** The first `#` in [at, end) that follows a space (a comment), or -1. */
function commentAt(text: string, at: number, end: number): number {
  for (let j = text.indexOf('#', at); j !== -1 && j < end; j = text.indexOf('#', j + 1)) {
    if (text.charCodeAt(j - 1) === 32) return j;
  }
  return -1;
}

/** The first `:` in [at, limit) followed by a space or the line's `end` (a mapping's colon), or -1. */
function mappingColon(text: string, at: number, limit: number, end: number): number {
  for (let j = text.indexOf(':', at); j !== -1 && j < limit; j = text.indexOf(':', j + 1)) {
    if (j + 1 === end || text.charCodeAt(j + 1) === 32) return j;
  }
  return -1;
}
