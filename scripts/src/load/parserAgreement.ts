// js-yaml (the fast path for plain files) is trusted only for the block-style subset of YAML catalog files
// are written in; every other text takes `yaml` (Backstage's parser: YAML 1.2 core schema, unique keys, no
// merge keys). Listing what the two disagree on left gaps a fuzzer found (a flow sequence closed at column
// 0, `"x"# c`, a `null:` key, a `-` out of line with its siblings, content after `---`): js-yaml is more
// lenient than `yaml`, and keys `null`/`~` "null" where `yaml` keys them "". So a text stays on the fast
// path only when each line is
//   - blank, a comment, or a bare `---` at column 0 (no `...`, nothing after `---`);
//   - `- ` entries and at most one key, a plain scalar (not null-like: `~`, `null`, `Null`, `NULL`) or a
//     non-empty quoted scalar, then `: `, then at most one value: a plain scalar, a quoted scalar or a flow
//     collection closed on the line (its keys plain or quoted, not null-like, empty or collections; no
//     comment, no empty entry), or a block scalar header (`|`, `>`, with `-` or `+`, no indentation
//     indicator);
//   - a lone value only as a document's root, which no line then follows;
//   - the content of a block scalar, indented past its key or `-` and at least as far as its first line
//     (no blank line before that deeper than it);
// with its first node in the column of an open mapping or sequence of the same kind, or deeper under a key
// or `-` whose value starts on a later line (a sequence may sit in its key's column), except after a bare
// `-` (js-yaml adds the next, outer `-` to the inner sequence); and a quoted scalar or flow collection is
// followed only by spaces, a comment after a space, or a key's `: `. Tabs, a byte-order mark past the
// start, indicators that start no node here (`&*!%@\`,]}?:`, `- ` after a key), a value on a line of its
// own (a multi-line plain scalar) and flow keys (`[a]: b`, `{? a : b}`) all take `yaml`. Beyond the lines:
// an implicit key over 1,024 characters (`yaml` refuses it), so any line that long, and a line break that is
// a lone CR, which js-yaml reads as a line. It is one pass: lines are read once, the next `:` and `#` found
// by indexOf from where the last search stopped, and each open node pushed and popped once, so a hostile
// text costs one pass. scripts/test/load/parserAgreement.test.ts holds the fast path to `yaml`'s values on
// the fuzzer's divergences and on generated texts.
const EXPLICIT_KEY_OR_CR = /^[ \t-]*\?(?:[ \t]|$)|\r(?!\n)/m;

/** Whether js-yaml might read `text` otherwise than `yaml` does (see above): such a text takes `yaml`. */
export function jsYamlMayDisagree(text: string): boolean {
  if (hasLongLine(text)) return true;
  // A last line of blanks with no line break after it: in a keep-chomped block scalar (`|+`) js-yaml adds one
  // more line break to the value than `yaml` does.
  if (endsInBlankLine(text)) return true;
  if ((text.includes('?') || text.includes('\r')) && EXPLICIT_KEY_OR_CR.test(text)) return true;
  return !inTrustedSubset(text);
}

// Anchors, aliases, tags, directives and merge keys take the exact path: they are rare in catalog
// files and each one is somewhere the two parsers could disagree or a hostile file could hide (js-yaml
// has no alias limit). Both parsers read `&`, `*` and `!` as a property or an alias only where a node
// starts: at a line's start after its indentation or a document end marker (`... &a x` starts the next
// document in js-yaml), or after an indicator (`-`, `?`, `:`, `,`, `[`, `{`) and the spaces that follow
// it. Anywhere else, as in `R & D` or a cron `30 */6 * * *`, it is text. Any blank but a line break
// counts as a space here (a BOM too), so the pattern only ever says yes more than the parsers would.
// exactParseTrigger.test.ts holds it to both parsers' own reading of 40,000 texts.
const NEEDS_EXACT_PARSE = /(?:^[^\S\r\n]*(?:\.\.\.[^\S\r\n]*)?|[-?:,[{][^\S\r\n]*)[&*!]|^\uFEFF?%|<<\s*:/m;

/** NEEDS_EXACT_PARSE.test(text), without running the pattern over the many texts that hold none of its characters. */
export function needsExactParse(text: string): boolean {
  const mayMatch = text.includes('&') || text.includes('*') || text.includes('!') || text.includes('%') || text.includes('<<');
  return mayMatch && NEEDS_EXACT_PARSE.test(text);
}

/**
 * Whether parseYaml may read `text` with js-yaml, its fast path: no anchor, alias, tag, directive or merge
 * key (needsExactParse), and every line in the subset the two parsers read alike (jsYamlMayDisagree). A
 * pure function of the text: the reader thread (readerWorker.ts) answers it for the files it reads.
 */
export function jsYamlReadsAsYaml(text: string): boolean {
  return !needsExactParse(text) && !jsYamlMayDisagree(text);
}

/** Whether `text` ends in spaces (or tabs) after its last line break, with no line break after them. */
function endsInBlankLine(text: string): boolean {
  let i = text.length - 1;
  if (i < 0 || (text.charCodeAt(i) !== SPACE && text.charCodeAt(i) !== 9)) return false;
  while (i >= 0 && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === 9)) i--;
  return i >= 0 && text.charCodeAt(i) === 10;
}

/** Whether a line of `text` is over 1,024 characters: one pass, not a pattern that rescans each long line. */
function hasLongLine(text: string): boolean {
  if (text.length <= 1024) return false;
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf('\n', start);
    if ((end < 0 ? text.length : end) - start > 1024) return true;
    if (end < 0) break;
    start = end + 1;
  }
  return false;
}

const CR = 13;
const SPACE = 32;
const DQ = 34;
const HASH = 35;
const SQ = 39;
const COMMA = 44;
const DASH = 45;
const COLON = 58;
const GT = 62;
const LBRACKET = 91;
const BACKSLASH = 92;
const RBRACKET = 93;
const LBRACE = 123;
const PIPE = 124;
const RBRACE = 125;
const UPPER_U = 85;
const BOM = 0xfeff;

/** A character that starts no node on the trusted path: anchors, aliases, tags, directives, reserved, stray closers, `?`, `:`. */
function isStrayIndicator(c: number): boolean {
  return c < 128 && STRAY[c] === 1;
}
const STRAY = new Uint8Array(128);
for (const c of '&*!%@`,]}?:') STRAY[c.charCodeAt(0)] = 1;

/** Keys `yaml` reads as null (and keys "") where js-yaml keys them "null". */
function isNullLike(text: string, start: number, end: number): boolean {
  const length = end - start;
  if (length === 1) return text.charCodeAt(start) === 126; // ~
  if (length !== 4) return false;
  const word = text.slice(start, end);
  return word === 'null' || word === 'Null' || word === 'NULL';
}

/** The index after the quote closing the quoted scalar opened at `start`, or -1 when it is not closed on the line. */
function quotedEnd(text: string, start: number, lineEnd: number): number {
  const quote = text.charCodeAt(start);
  for (let i = start + 1; i < lineEnd; i++) {
    const c = text.charCodeAt(i);
    if (quote === DQ) {
      // `\U` past U+10FFFF: js-yaml reads a broken pair where `yaml` (Backstage) refuses the file (red team).
      if (c === BACKSLASH) {
        if (text.charCodeAt(i + 1) === UPPER_U) return -1;
        i++;
      } else if (c === DQ) return i + 1;
    } else if (c === SQ) {
      if (i + 1 < lineEnd && text.charCodeAt(i + 1) === SQ) i++;
      else return i + 1;
    }
  }
  return -1;
}

/**
 * The index after the bracket closing the flow collection opened at `start`, or -1 when it is not closed on
 * the line or holds anything but plain and quoted scalars, nested collections, `,` and `: ` with a key that
 * is neither empty, null-like nor a collection (no comment, no empty entry, no indicator starting a node).
 */
function flowEnd(text: string, start: number, lineEnd: number): number {
  const open: number[] = []; // the closing bracket each open collection expects
  let atNode = true; // at the start of an entry, a key or a value: a quote or bracket opens a node here
  let afterSeparator = true; // just after an opening bracket or `,`: another `,` is an empty entry
  let keyed = false; // the current entry has had its `: `
  let token = -1; // start of the plain scalar being read, -1 if none
  let tokenEnd = -1; // end of its last non-space character
  for (let i = start; i < lineEnd; i++) {
    const c = text.charCodeAt(i);
    if (c === SPACE) continue;
    if (c === HASH) return -1;
    if (c === LBRACKET || c === LBRACE) {
      // A collection is an entry of a sequence or a value, never a key (js-yaml names it `[object Object]`).
      if (!atNode || (open.length > 0 && open[open.length - 1] === RBRACE && !keyed)) return -1;
      open.push(c === LBRACKET ? RBRACKET : RBRACE);
      afterSeparator = true;
      keyed = false;
      token = -1;
      continue;
    }
    if (c === RBRACKET || c === RBRACE) {
      if (open.pop() !== c) return -1;
      if (open.length === 0) return i + 1;
      atNode = false;
      afterSeparator = false;
      keyed = true;
      token = -1;
      continue;
    }
    if (c === COMMA) {
      if (afterSeparator) return -1;
      atNode = true;
      afterSeparator = true;
      keyed = false;
      token = -1;
      continue;
    }
    afterSeparator = false;
    if (c === COLON) {
      const next = i + 1 < lineEnd ? text.charCodeAt(i + 1) : -1;
      if (next === SPACE) {
        // `: ` after a plain key; a quoted key takes its colon right after the quote, a collection key never.
        if (token < 0 || keyed || isNullLike(text, token, tokenEnd)) return -1;
        atNode = true;
        keyed = true;
        token = -1;
        continue;
      }
      if (atNode || next === -1 || next === COMMA || next === RBRACKET || next === RBRACE) return -1;
      tokenEnd = i + 1;
      continue;
    }
    if (atNode) {
      if (c === DQ || c === SQ) {
        const end = quotedEnd(text, i, lineEnd);
        if (end < 0 || end === i + 2) return -1;
        const after = end < lineEnd ? text.charCodeAt(end) : -1;
        if (after === COLON) {
          if (keyed || end + 1 >= lineEnd || text.charCodeAt(end + 1) !== SPACE) return -1;
          keyed = true;
          i = end; // the colon; the value's node starts after it
          continue;
        }
        if (after !== SPACE && after !== COMMA && after !== RBRACKET && after !== RBRACE) return -1;
        i = end - 1;
        atNode = false;
        continue;
      }
      if (isStrayIndicator(c) || c === PIPE || c === GT) return -1;
      if (c === DASH && (i + 1 >= lineEnd || text.charCodeAt(i + 1) === SPACE)) return -1;
      atNode = false;
      token = i;
    } else if (token < 0) {
      return -1; // text right after a quoted scalar or a collection
    }
    tokenEnd = i + 1;
  }
  return -1;
}

/** Stack entries: column * 2, plus 1 for a sequence. */
function entry(column: number, sequence: boolean): number {
  return column * 2 + (sequence ? 1 : 0);
}

/** Opens a mapping or sequence at `column` unless the line continues the innermost one. */
function enter(open: number[], column: number, sequence: boolean): void {
  const e = entry(column, sequence);
  if (open.length === 0 || open[open.length - 1] !== e) open.push(e);
}

/** Whether every line of `text` is in the block-style subset js-yaml reads as `yaml` does (see above). */
function inTrustedSubset(text: string): boolean {
  if (text.includes('\t') || text.indexOf('\uFEFF', 1) >= 0) return false;
  const open: number[] = []; // the mappings and sequences the current line may continue, outermost first
  let rootRead = false; // the current document has a root node: nothing may come out of it
  let pending = -1; // column of the key or `-` whose value starts on a later line
  let pendingKey = false;
  let block = -1; // column of the key or `-` owning the block scalar being read
  let blockIndent = 0; // indentation of its content, 0 until its first line
  let blockBlank = 0; // the most spaces on a blank line before that
  const first = text.charCodeAt(0) === BOM ? 1 : 0;
  let colonAt = text.indexOf(':'); // the next `:` a plain scalar may end at, -1 when there is none
  let hashAt = text.indexOf('#'); // the next `#` that may start a comment
  for (let start = first, end = 0; start <= text.length; start = end + 1) {
    end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const lineEnd = end > start && text.charCodeAt(end - 1) === CR ? end - 1 : end;
    let i = start;
    while (i < lineEnd && text.charCodeAt(i) === SPACE) i++;
    const indent = i - start;
    if (block >= 0) {
      if (i === lineEnd) {
        if (blockIndent === 0 && indent > blockBlank) blockBlank = indent;
        continue;
      }
      if (indent > block) {
        if (blockIndent === 0) {
          // `yaml` refuses leading blank lines indented past the first line without an indentation indicator.
          if (blockBlank > indent) return false;
          blockIndent = indent;
        } else if (indent < blockIndent) return false;
        continue;
      }
      block = -1;
    }
    if (i === lineEnd || text.charCodeAt(i) === HASH) continue;
    if (indent === 0 && (text.startsWith('---', i) || text.startsWith('...', i))) {
      let j = i + 3;
      while (j < lineEnd && text.charCodeAt(j) === SPACE) j++;
      if (j < lineEnd || text.charCodeAt(i) !== DASH) return false;
      open.length = 0;
      rootRead = false;
      pending = -1;
      continue;
    }

    // Where the line's first node belongs: under the pending key or `-` (deeper, or a sequence in a key's
    // column), else in the column of an open collection of the same kind.
    const dashFirst = text.charCodeAt(i) === DASH && (i + 1 === lineEnd || text.charCodeAt(i + 1) === SPACE);
    const nested = pending >= 0 && (indent > pending || (indent === pending && dashFirst && pendingKey));
    if (!nested) {
      // js-yaml adds a `-` out of a sequence whose last entry is a bare `-` to that sequence (`-\n  -\n- y`).
      if (pending >= 0 && !pendingKey && indent < pending) return false;
      while (open.length > 0 && open[open.length - 1] >> 1 > indent) open.pop();
      if (open.length === 0) {
        if (rootRead) return false;
      } else {
        const top = open[open.length - 1];
        if (top >> 1 !== indent) return false;
        if ((top & 1) === 1 && !dashFirst) {
          open.pop();
          if (open.length === 0 || open[open.length - 1] !== entry(indent, false)) return false;
        } else if ((top & 1) === 0 && dashFirst) return false;
      }
    }
    const root = !rootRead;
    rootRead = true;
    pending = -1;

    let owner = -1; // column of the last `-` or key on the line
    let p = i;
    while (text.charCodeAt(p) === DASH && (p + 1 === lineEnd || text.charCodeAt(p + 1) === SPACE)) {
      owner = p - start;
      enter(open, owner, true);
      p++;
      while (p < lineEnd && text.charCodeAt(p) === SPACE) p++;
    }
    let keyRead = false;
    for (;;) {
      if (p === lineEnd || text.charCodeAt(p) === HASH) {
        // Nothing after the `-` or key: its value starts on a later line (or is null).
        if (owner < 0) return false;
        pending = owner;
        pendingKey = keyRead;
        break;
      }
      const c = text.charCodeAt(p);
      let end: number; // after the node
      let plainKeyEnd = -1;
      let quoted = false;
      if (c === DQ || c === SQ) {
        end = quotedEnd(text, p, lineEnd);
        if (end < 0) return false;
        quoted = true;
      } else if (c === LBRACKET || c === LBRACE) {
        end = flowEnd(text, p, lineEnd);
        if (end < 0) return false;
      } else if (c === PIPE || c === GT) {
        if (owner < 0) return false;
        let j = p + 1;
        const chomp = j < lineEnd ? text.charCodeAt(j) : -1;
        if (chomp === DASH || chomp === 43) j++;
        const header = j;
        while (j < lineEnd && text.charCodeAt(j) === SPACE) j++;
        // No indentation indicator; only a comment (after a space) may follow the header.
        if (j < lineEnd && (j === header || text.charCodeAt(j) !== HASH)) return false;
        block = owner;
        blockIndent = 0;
        blockBlank = 0;
        break;
      } else if (isStrayIndicator(c) || (c === DASH && (p + 1 === lineEnd || text.charCodeAt(p + 1) === SPACE))) {
        return false;
      } else {
        // A plain scalar: up to `: ` (a key), ` #` (a comment) or the end of the line. The next `:` and `#`
        // are found by indexOf from where the last search stopped, so the text is searched once in all.
        while (colonAt >= 0 && (colonAt < p || (colonAt < lineEnd && colonAt + 1 < lineEnd && text.charCodeAt(colonAt + 1) !== SPACE))) colonAt = text.indexOf(':', colonAt < p ? p : colonAt + 1);
        while (hashAt >= 0 && (hashAt < p || (hashAt < lineEnd && text.charCodeAt(hashAt - 1) !== SPACE))) hashAt = text.indexOf('#', hashAt < p ? p : hashAt + 1);
        const comment = hashAt >= 0 && hashAt < lineEnd ? hashAt : lineEnd;
        if (colonAt >= 0 && colonAt < comment) plainKeyEnd = colonAt;
        // A comment ends the line.
        end = plainKeyEnd >= 0 ? plainKeyEnd : lineEnd;
        if (plainKeyEnd >= 0) {
          let k = plainKeyEnd;
          while (text.charCodeAt(k - 1) === SPACE) k--;
          if (isNullLike(text, p, k)) return false;
        }
      }
      let q = end;
      if (plainKeyEnd < 0) {
        while (q < lineEnd && text.charCodeAt(q) === SPACE) q++;
        if (q < lineEnd) {
          const d = text.charCodeAt(q);
          if (d === HASH && q > end) {
            q = lineEnd;
          } else if (d === COLON && quoted && end - p > 2 && (q + 1 === lineEnd || text.charCodeAt(q + 1) === SPACE)) {
            plainKeyEnd = q;
          } else return false;
        }
      }
      if (plainKeyEnd < 0) {
        // A value: the line needs a `-` or key it belongs to, or is the document's root (no line may follow
        // it then). Any other lone value may continue a plain scalar.
        if (owner < 0 && !root) return false;
        break;
      }
      if (keyRead) return false; // `a: b: c`
      keyRead = true;
      owner = p - start;
      enter(open, owner, false);
      p = plainKeyEnd + 1;
      while (p < lineEnd && text.charCodeAt(p) === SPACE) p++;
    }
  }
  return true;
}
