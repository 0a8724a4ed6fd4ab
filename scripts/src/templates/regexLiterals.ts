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
 * The regular-expression literals of a template text that Nunjitsu would compile: `r/…/flags` where an
 * identifier `r` starts inside a tag (`${{ }}`, or `{{ }}` under cookiecutterCompat, and `{% %}`), outside
 * its string literals, read as nunjitsu's scanRegexLiteral reads it (a `/` escaped by an odd run of
 * backslashes belongs to the pattern, flags from g, i, m and y, a pattern RegExp accepts, at most 16,384
 * characters). Comments (`{# #}`) are skipped; `{% raw %}` is not (a literal there is judged needlessly,
 * never missed). Nunjitsu runs such a pattern natively on a text (replace, split, test) when it renders.
 * Takes the text and whether the step turns cookiecutterCompat on; returns the literals in text order.
 * Linear in the text; never throws.
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
    const close = next === starts[0] ? '}}' : '%}';
    let i = next + (next === starts[0] ? variableStart.length : 2);
    let quote = '';
    for (; i < source.length; i++) {
      const c = source[i];
      if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = '';
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (c === close[0] && source[i + 1] === close[1]) break;
      else if (c === 'r' && source[i + 1] === '/' && !IDENTIFIER.test(source[i - 1] ?? '')) {
        const literal = scanLiteral(source, i);
        if (literal) {
          found.push(literal);
          i += literal.written.length - 1;
        }
      }
    }
    at = i + 2;
  }
  return found;
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
