import type { Diagnostic } from '../diagnostic.ts';

/**
 * The most characters of one finding's message, hint, file or entity ref any output carries. A value a
 * PR controls (a 900 kB label key) would otherwise make one multi-megabyte log line, SARIF result or
 * JUnit failure; 2,000 keeps every real message whole (the longest the rules write are a few hundred).
 */
export const MAX_FINDING_TEXT = 2_000;

/**
 * `text` cut to at most `max` characters, the cut shown by a trailing `…` (counted in `max`). The cut is at
 * a word boundary when there is one in the last fifth, so a reader gets "…that reads…", never "…that
 * reads t…"; the whitespace and any opening bracket or quote left before it go too. A value with no such
 * boundary (a 900 kB label key) is cut where it must be, but never inside a surrogate pair, an escape
 * sequence the text quotes (`\u001b`, `\n`, `&amp;`) or a backtick code span (cut before its opening
 * backtick). Escaping for an output (mdText, logText) is applied to the result, after the cut, so no
 * escape the output adds can be cut either. Returns `text` itself when it fits; never throws.
 */
export function clipText(text: string, max: number = MAX_FINDING_TEXT): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const boundary = lastSpaceBetween(text, Math.ceil(end * 0.8), end);
  if (boundary >= 0) end = boundary;
  else {
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end--;
    const escape = /(?:\\(?:u[0-9a-fA-F]{0,3}|x[0-9a-fA-F]?)?|&#?[0-9a-zA-Z]{0,7})$/.exec(text.slice(Math.max(0, end - 9), end));
    if (escape) end -= escape[0].length;
  }
  let head = text.slice(0, end);
  // An odd count of backticks: the cut is inside a code span, whose closing backtick would be lost.
  const ticks = head.split('`').length - 1;
  if (ticks % 2 === 1) head = head.slice(0, head.lastIndexOf('`'));
  return `${head.replace(/[\s([{<"'`]+$/u, '')}…`;
}

/** The index of the last whitespace from `from` to `end` (a cut there keeps whole words), or -1. */
function lastSpaceBetween(text: string, from: number, end: number): number {
  for (let i = Math.min(end, text.length - 1); i >= from; i--) if (/\s/.test(text[i])) return i;
  return -1;
}

/**
 * The one place findings are bounded before any formatter (stylish, json, junit, sarif, markdown, github,
 * azure) or CI adapter writes them: message, hint, file and entityRef clipped with {@link clipText}.
 * Takes and returns Diagnostic arrays; a finding that fits is returned as the same object.
 */
export function boundDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map(d => {
    if (d.message.length <= MAX_FINDING_TEXT && (d.hint?.length ?? 0) <= MAX_FINDING_TEXT && d.file.length <= MAX_FINDING_TEXT && (d.entityRef?.length ?? 0) <= MAX_FINDING_TEXT) return d;
    return {
      ...d,
      message: clipText(d.message),
      file: clipText(d.file),
      ...(d.hint !== undefined ? { hint: clipText(d.hint) } : {}),
      ...(d.entityRef !== undefined ? { entityRef: clipText(d.entityRef) } : {}),
    };
  });
}
