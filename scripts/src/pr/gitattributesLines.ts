/** One attribute as a `.gitattributes` line states it (gitattributes(5), "Attributes"). */
export interface AttributeState {
  name: string;
  /** `set` (`text`), `unset` (`-text`), `unspecified` (`!text`), or the value of `text=value`. */
  state: 'set' | 'unset' | 'unspecified' | { value: string };
  /** 1-based column of the attribute's token in its line. */
  column: number;
}

/** A line of a `.gitattributes` file that states attributes: for a pattern, or defining a macro (`[attr]name …`). */
export interface AttributesLine {
  /** 1-based. */
  line: number;
  /** The pattern as written (a quoted one unquoted), or undefined on a macro definition. */
  pattern?: string;
  /** The macro this line defines (`[attr]binary -diff -merge -text` defines `binary`). */
  macro?: string;
  attributes: AttributeState[];
  /** The line as written, without its line end. */
  text: string;
}

// git ignores a longer line (attr.c, ATTR_MAX_LINE_LENGTH since git 2.39.1): it states nothing.
const MAX_LINE = 2048;
const BLANK = /[ \t\r\n]/;
const TOKENS = /[^ \t\r\n]+/g;

/**
 * The lines of a `.gitattributes` text that state attributes, as gitattributes(5) (and git's attr.c) reads
 * them: `pattern attr1 attr2 …`, separated by blanks, leading and trailing blanks ignored; a line whose first
 * non-blank is `#` is a comment; a pattern that begins with `"` is C-quoted (it may hold blanks); each
 * attribute is `name` (set), `-name` (unset), `!name` (unspecified) or `name=value`. `[attr]name …` defines a
 * macro (git honours it only in the top-level file; the caller decides). A negative pattern (`!x`) is refused by
 * git and states nothing. Not a pattern matcher: which paths a line reaches is left to git. Pure; never throws.
 */
export function gitattributesLines(text: string): AttributesLine[] {
  const found: AttributesLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (Buffer.byteLength(line) > MAX_LINE) return;
    let at = line.search(/[^ \t]/);
    if (at < 0 || line[at] === '#') return;
    let pattern: string;
    if (line[at] === '"') {
      const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(line.slice(at));
      if (!quoted) return;
      pattern = quoted[1].replace(/\\(.)/g, '$1');
      at += quoted[0].length;
    } else {
      const end = line.slice(at).search(BLANK);
      pattern = end < 0 ? line.slice(at) : line.slice(at, at + end);
      at = end < 0 ? line.length : at + end;
    }
    const macro = pattern.startsWith('[attr]') ? pattern.slice('[attr]'.length) : undefined;
    if (macro === undefined && pattern.startsWith('!')) return;
    const attributes: AttributeState[] = [];
    for (const token of line.slice(at).matchAll(TOKENS)) {
      const column = at + token.index + 1;
      const word = token[0];
      if (word.startsWith('-')) attributes.push({ name: word.slice(1), state: 'unset', column });
      else if (word.startsWith('!')) attributes.push({ name: word.slice(1), state: 'unspecified', column });
      else if (word.includes('=')) attributes.push({ name: word.slice(0, word.indexOf('=')), state: { value: word.slice(word.indexOf('=') + 1) }, column });
      else attributes.push({ name: word, state: 'set', column });
    }
    found.push({ line: index + 1, ...(macro === undefined ? { pattern } : { macro }), attributes, text: line });
  });
  return found;
}
