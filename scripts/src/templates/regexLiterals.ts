/** A regular-expression literal (`r/…/flags`) in a template text, as Nunjitsu's lexer reads one. */
export interface RegexLiteral {
  pattern: string;
  /** Nunjitsu's flags (g, i, m, y), as written. */
  flags: string;
  /** Where `r/` starts, a UTF-16 offset into the text. */
  offset: number;
  /** The literal as written, `r/…/flags`. */
  written: string;
}

// Nunjitsu's bound on a literal's pattern (scanRegexLiteral): a longer one is a syntax error, never run.
const MAX_PATTERN = 16_384;
const FLAGS = new Set(['g', 'i', 'm', 'y']);
// Nunjitsu's identifiers are [A-Za-z_][A-Za-z0-9_]*: an `r` after one of these letters is inside a name. After a
// digit it may start one (`1r/…/` lexes as a number and a literal), so it is taken as a literal (never missed).
const IDENTIFIER = /[A-Za-z_]/;

/**
 * The regular-expression literals of a template text that Nunjitsu would compile, found as its
 * parseTemplate splits a text (nunjitsu 0.9): tags open at `${{` (`{{` under cookiecutterCompat), `{%` and
 * `{#`, whichever comes first; a comment ends at the next `#}`; a tag ends at its closer outside the code's
 * strings and literals (findCodeTerminator); a `{% raw %}` or `{% verbatim %}` block is text up to its
 * matching end marker (findRawEnd). Inside a tag, a literal is `r/…/flags` where an `r` that no letter or
 * `_` precedes starts it, outside string literals, read as scanRegexLiteral reads it (a `/` escaped by an
 * odd run of backslashes belongs to the pattern, flags from g, i, m and y, a pattern RegExp accepts, at most
 * 16,384 characters): a superset of what Nunjitsu's lexer takes for one (`x.1r/…/` is a name there), never
 * less. Where Nunjitsu would refuse the text unparsed (an unclosed tag or raw block, a literal it rejects
 * while finding a tag's end) the scan stops: nothing of such a text runs. Nunjitsu runs a literal natively
 * on a text (replace, split, test) when it renders. Takes the text and whether the step turns
 * cookiecutterCompat on; returns the literals in text order. Linear in the text; never throws.
 */
export function regexLiterals(source: string, cookiecutterCompat = false): RegexLiteral[] {
  if (!source.includes('r/')) return [];
  const variableStart = cookiecutterCompat ? '{{' : '${{';
  const found: RegexLiteral[] = [];
  let at = 0;
  while (at < source.length) {
    const starts = [source.indexOf(variableStart, at), source.indexOf('{%', at), source.indexOf('{#', at)];
    const next = Math.min(...starts.map(s => (s === -1 ? Infinity : s)));
    if (next === Infinity) break;
    if (next === starts[2]) {
      const end = source.indexOf('#}', next + 2);
      if (end === -1) break;
      at = end + 2;
      continue;
    }
    const block = next === starts[1];
    const contentStart = next + (block ? 2 : variableStart.length);
    const end = codeTerminator(source, contentStart, block ? '%}' : '}}', found);
    if (end === -1) break;
    const content = source.slice(contentStart, end);
    for (const literal of codeLiterals(content)) {
      const offset = contentStart + literal.offset;
      if (!found.some(f => f.offset === offset)) found.push({ ...literal, offset });
    }
    at = end + 2;
    const raw = block ? /^[\s-]*(raw|verbatim)\s*-?$/.exec(content)?.[1] : undefined;
    if (raw) {
      const closed = rawEnd(source, at, raw);
      if (closed === -1) break;
      at = closed;
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
}

/**
 * Where the tag whose code starts at `start` closes (the offset of `close`), as Nunjitsu's
 * findCodeTerminator finds it: string literals, names and regular-expression literals are skipped whole.
 * A literal skipped is added to `found`. -1 when the tag never closes or a literal is one Nunjitsu refuses.
 */
function codeTerminator(source: string, start: number, close: string, found: RegexLiteral[]): number {
  for (let i = start; i <= source.length - close.length; ) {
    const c = source[i];
    if (c === '"' || c === "'") {
      i = quotedEnd(source, i);
      continue;
    }
    // A name, digits first allowed (skipCodeToken's scanIdentifier), or a run of digits.
    let j = i;
    while (j < source.length && source[j] >= '0' && source[j] <= '9') j++;
    if (/[A-Za-z_]/.test(source[j] ?? '')) {
      let k = j + 1;
      while (k < source.length && /[A-Za-z0-9_]/.test(source[k])) k++;
      if (j === i && k === i + 1 && c === 'r' && source[k] === '/') {
        const literal = scanLiteral(source, i);
        if (!literal) return -1;
        found.push(literal);
        i += literal.written.length;
      } else i = k;
      continue;
    }
    if (j > i) {
      i = j;
      continue;
    }
    if (source.startsWith(close, i)) return i;
    i++;
  }
  return -1;
}

/** The offset after the string literal whose quote is at `start` (the text's end when it is never closed). */
function quotedEnd(source: string, start: number): number {
  const quote = source[start];
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === quote) return i + 1;
  }
  return source.length;
}

/** The literals of one tag's code (offsets into `code`): an `r/` that no letter or `_` precedes, outside strings. */
function codeLiterals(code: string): RegexLiteral[] {
  const found: RegexLiteral[] = [];
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '"' || c === "'") i = quotedEnd(code, i) - 1;
    else if (c === 'r' && code[i + 1] === '/' && !IDENTIFIER.test(code[i - 1] ?? '')) {
      const literal = scanLiteral(code, i);
      if (literal) {
        found.push(literal);
        i += literal.written.length - 1;
      }
    }
  }
  return found;
}

/**
 * The offset after the `{% end<name> %}` that closes a raw or verbatim block whose content starts at
 * `start`, nested blocks of the same name counted, as Nunjitsu's findRawEnd and scanRawMarker read them
 * (`{%-` is no marker); -1 when there is none.
 */
function rawEnd(source: string, start: number, name: string): number {
  let depth = 1;
  const marker = new RegExp(`\\{%(?!-)\\s*(end)?${name}\\s*%\\}`, 'y');
  for (let i = source.indexOf('{%', start); i !== -1; i = source.indexOf('{%', i + 2)) {
    marker.lastIndex = i;
    const m = marker.exec(source);
    if (!m) continue;
    depth += m[1] ? -1 : 1;
    if (depth === 0) return i + m[0].length;
    i += m[0].length - 2;
  }
  return -1;
}

/** One literal from `r/` at `start`, as nunjitsu's scanRegexLiteral reads it; undefined where it refuses the literal. */
function scanLiteral(source: string, start: number): RegexLiteral | undefined {
  let pattern = '';
  let backslashes = 0;
  for (let i = start + 2; i < source.length; i++) {
    const c = source[i];
    if ((c !== '/' || backslashes > 0) && pattern.length >= MAX_PATTERN) return undefined;
    if (c === '\\') {
      pattern += c;
      backslashes++;
      continue;
    }
    if (c === '/') {
      if (backslashes > 0) {
        if (backslashes % 2 === 0) return undefined;
        pattern += c;
        backslashes = 0;
        continue;
      }
      let end = i + 1;
      let flags = '';
      for (; end < source.length && FLAGS.has(source[end]); end++) {
        if (flags.includes(source[end])) return undefined;
        flags += source[end];
      }
      if (end < source.length && /[A-Za-z]/.test(source[end])) return undefined;
      try {
        new RegExp(pattern, flags);
      } catch {
        return undefined;
      }
      return { pattern, flags, offset: start, written: source.slice(start, end) };
    }
    pattern += c;
    backslashes = 0;
  }
  return undefined;
}

/**
 * The regular-expression literals of the texts the scaffolder's workflow runner renders in a Template
 * document: every string under `spec.steps` (input, `if`, `each`, name) and `spec.output`, with the path of
 * the string that holds each. Takes any value; never throws.
 */
export function templateRegexLiterals(document: unknown): { literal: RegexLiteral; path: (string | number)[] }[] {
  const found: { literal: RegexLiteral; path: (string | number)[] }[] = [];
  const walk = (value: unknown, path: (string | number)[], depth: number): void => {
    if (typeof value === 'string') for (const literal of regexLiterals(value)) found.push({ literal, path });
    else if (depth < 64 && typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) walk(inner, [...path, Array.isArray(value) ? Number(key) : key], depth + 1);
    }
  };
  const spec = typeof document === 'object' && document !== null ? (document as { spec?: unknown }).spec : undefined;
  if (typeof spec === 'object' && spec !== null) {
    walk((spec as { steps?: unknown }).steps, ['spec', 'steps'], 0);
    walk((spec as { output?: unknown }).output, ['spec', 'output'], 0);
  }
  return found;
}

/** The 1-based range of `length` characters at `offset` in `text` (a literal on one line). */
export function offsetRange(text: string, offset: number, length: number): { start: { line: number; column: number }; end: { line: number; column: number } } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const column = offset - lineStart + 1;
  return { start: { line, column }, end: { line, column: column + length } };
}
