import { ViewBuilder, type DecodedView } from './viewBuilder.ts';

const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07', e: '\x1b', '\\': '\\' };
const HEX = /^[0-9a-fA-F]+$/;

/**
 * `text` with every backslash escape of the C family decoded as a program's string literal reads it:
 * `\xHH`, `\uHHHH`, `\u{H…}`, `\UHHHHHHHH`, octal `\NNN`, the simple escapes, a line continuation
 * (backslash, line break: nothing) and any other `\c` as `c` (JavaScript). `"\x67hp_…"` is the token whole
 * in JavaScript, Python, Go, Java, C and a shell's `$"…"`, so a source file (a skeleton's) holding it
 * commits the credential. Read everywhere, not only between quotes: a stray quote earlier on the line must
 * not hide a literal, and decoding can only add findings to the raw scan. Each escape is mapped to its
 * spelling. One pass, linear. Pure.
 */
export function escapesView(text: string): DecodedView | undefined {
  if (!text.includes('\\')) return undefined;
  const builder = new ViewBuilder(text);
  let copied = 0;
  for (let at = text.indexOf('\\'); at >= 0 && at < text.length - 1; at = text.indexOf('\\', copied)) {
    const [piece, next] = escape(text, at);
    builder.copy(copied, at);
    builder.put(piece, at, next);
    copied = next;
  }
  builder.copy(copied, text.length);
  return builder.view('spelled with string escapes', "A program that holds it as a string literal (JavaScript, Python, Go, Java, C, a shell's $\"…\") reads it decoded: the credential whole.");
}

/** The decoded escape at `at` (a backslash, not the text's last character) and the offset after it. */
function escape(text: string, at: number): [string, number] {
  const c = text[at + 1];
  if (c === '\r') return ['', text[at + 2] === '\n' ? at + 3 : at + 2];
  if (c === '\n' || c === '\u2028' || c === '\u2029') return ['', at + 2];
  if (c === 'x') return hex(text, at + 2, 2) ?? [c, at + 2];
  if (c === 'U') return hex(text, at + 2, 8) ?? [c, at + 2];
  if (c === 'u') {
    if (text[at + 2] === '{') {
      const close = text.indexOf('}', at + 3);
      if (close > at + 3 && close <= at + 9) {
        const decoded = codePoint(text.slice(at + 3, close));
        if (decoded !== undefined) return [decoded, close + 1];
      }
    }
    return hex(text, at + 2, 4) ?? [c, at + 2];
  }
  if (c >= '0' && c <= '7') {
    let end = at + 2;
    while (end < at + 4 && text[end] >= '0' && text[end] <= '7') end++;
    return [String.fromCharCode(parseInt(text.slice(at + 1, end), 8) & 0xff), end];
  }
  return [SIMPLE[c] ?? c, at + 2];
}

function hex(text: string, from: number, digits: number): [string, number] | undefined {
  const decoded = codePoint(text.slice(from, from + digits), digits);
  return decoded === undefined ? undefined : [decoded, from + digits];
}

function codePoint(digits: string, length = digits.length): string | undefined {
  if (digits.length !== length || !HEX.test(digits)) return undefined;
  const value = parseInt(digits, 16);
  return value <= 0x10ffff ? String.fromCodePoint(value) : undefined;
}
