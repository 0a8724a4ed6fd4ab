import type { Diagnostic } from '../diagnostic.ts';

/**
 * The most characters of one finding's message, hint, file or entity ref any output carries. A value a
 * PR controls (a 900 kB label key) would otherwise make one multi-megabyte log line, SARIF result or
 * JUnit failure; 2,000 keeps every real message whole (the longest the rules write are a few hundred).
 */
export const MAX_FINDING_TEXT = 2_000;

/**
 * `text` cut to at most `max` characters, the cut shown by a trailing `…` (counted in `max`); a cut never
 * splits a surrogate pair. Returns `text` itself when it fits.
 */
export function clipText(text: string, max: number = MAX_FINDING_TEXT): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
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
