// A name (Nunjitsu's scanIdentifier, digits allowed first) or a number: code skipped whole, so `r/` starts a regular expression only as a name of its own.
const WORD = /[0-9]*[A-Za-z_][A-Za-z0-9_]*|[0-9]+/y;
const SPACE = /\s/;
// Nunjitsu's readString: these three escapes, and any other escaped character as itself (`\u0067` is `u0067`).
const STRING_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t' };

/**
 * Where the code from `from` ends: the first `close` outside a string, a regular-expression literal
 * (`r/…/`), a name or a number (Nunjitsu's findCodeTerminator and skipCodeToken); -1 when there is none.
 * One pass, linear. Pure.
 */
export function codeEnd(text: string, from: number, close: string): number {
  for (let at = from; at <= text.length - close.length; ) {
    const c = text[at];
    if (c === '"' || c === "'") {
      at = stringEnd(text, at);
      continue;
    }
    const word = wordAt(text, at);
    if (word) {
      at += word.length;
      if (word === 'r' && text[at] === '/') at = regexEnd(text, at + 1);
      continue;
    }
    if (text.startsWith(close, at)) return at;
    at++;
  }
  return -1;
}

/**
 * The string literals of expression `expression`, each with readString's escapes, and each name outside a
 * string, a regular-expression literal (`r/…/`, skipped as codeEnd skips it) or an attribute (`.name`), in the
 * order written. An unterminated string ends the reading (Nunjitsu refuses the expression). One pass, linear:
 * a quote inside a regular expression no longer sends every later quote to the end of the text. Pure.
 */
export function* literalsAndNames(expression: string): Generator<{ literal: string } | { name: string }> {
  let attribute = false;
  for (let at = 0; at < expression.length; ) {
    const c = expression[at];
    if (c === '"' || c === "'") {
      const end = closedStringEnd(expression, at);
      if (end < 0) return;
      yield { literal: expression.slice(at + 1, end - 1).replace(/\\([^])/g, (_, e: string) => STRING_ESCAPES[e] ?? e) };
      at = end;
      attribute = false;
      continue;
    }
    const word = wordAt(expression, at);
    if (word) {
      at += word.length;
      if (word === 'r' && expression[at] === '/') at = regexEnd(expression, at + 1);
      else if (!attribute && /^[A-Za-z_]/.test(word)) yield { name: word };
      attribute = false;
      continue;
    }
    if (c === '.') attribute = true;
    else if (!SPACE.test(c)) attribute = false;
    at++;
  }
}

function wordAt(text: string, at: number): string | undefined {
  WORD.lastIndex = at;
  return WORD.exec(text)?.[0];
}

/** After the string literal opening at `start`: past its closing quote, or the text's end when it has none. */
function stringEnd(text: string, start: number): number {
  const end = closedStringEnd(text, start);
  return end < 0 ? text.length : end;
}

/** Past the closing quote of the string literal opening at `start`; -1 when it has none. */
function closedStringEnd(text: string, start: number): number {
  for (let at = start + 1; at < text.length; at++) {
    if (text[at] === '\\') at++;
    else if (text[at] === text[start]) return at + 1;
  }
  return -1;
}

/** After a regular-expression literal whose pattern starts at `from`: its closing `/` (not escaped) and flags. */
function regexEnd(text: string, from: number): number {
  let backslashes = 0;
  for (let at = from; at < text.length; at++) {
    if (text[at] === '\\') backslashes++;
    else if (text[at] === '/' && backslashes % 2 === 0) {
      let end = at + 1;
      while (end < text.length && /[a-z]/.test(text[end])) end++;
      return end;
    } else backslashes = 0;
  }
  return text.length;
}
