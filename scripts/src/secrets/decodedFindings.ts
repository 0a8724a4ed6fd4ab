import type { Diagnostic, Position } from '../diagnostic.ts';
import type { DecodedView } from './decodedViews.ts';
import { sanctionedFinding } from './secretFindings.ts';
import { lastAtOrBefore } from './viewBuilder.ts';

// secretlint's line breaks (its positions count lines by them): \r\n, \r, \n, U+2028, U+2029.
const LINE_BREAK = /\r\n|[\r\n\u2028\u2029]/g;
const DIRECTIVE = /secretlint-(disable|enable)/g;

/**
 * `text` with every secretlint directive made inert at the same length (`secretlint_disable-line`): in a
 * decoded view a directive is no comment of the file's (a value can decode to one); whether the file
 * sanctions a line is read on the raw text (decodedFindings). Pure.
 */
export function inertDirectives(text: string): string {
  return text.replace(DIRECTIVE, 'secretlint_$1');
}

/**
 * The secret-written findings `viewFound` (secretlint's, positioned in `view.text`) as findings of the raw
 * `text`: each at the raw span its match comes from, its message saying how the file spells the credential
 * and who reads it decoded. Left out: a finding whose raw span overlaps one `rawFound` (the raw scan's) has,
 * secret-written or secret-sanctioned (a token written plainly is said once; a second credential spelled
 * otherwise on the same line is its own finding: red team, a real escaped token beside a sanctioned fake one
 * was said nowhere). One on a raw line the file marks with
 * `secretlint-disable-line` or under a `secretlint-disable-next-line` line is a secret-sanctioned warning
 * (sanctionedFinding), as the raw scan's are. Pure.
 */
export function decodedFindings(text: string, view: DecodedView, viewFound: readonly Diagnostic[], rawFound: readonly Diagnostic[]): Diagnostic[] {
  if (!viewFound.length) return [];
  const raw = lineStarts(text);
  const inView = lineStarts(view.text);
  const said = rawFound.filter(d => d.ruleId === 'secret-written' || d.ruleId === 'secret-sanctioned').map(d => d.range);
  const found: Diagnostic[] = [];
  for (const d of viewFound) {
    const first = offsetOf(inView, d.range.start);
    const last = Math.max(first, offsetOf(inView, d.range.end) - 1);
    const start = position(raw, view.span(first).start);
    const end = position(raw, view.span(last).end);
    if (said.some(r => !before(end, r.start) && !before(r.end, start))) continue;
    const decoded = { ...d, message: `${d.message.replace('written out in this file', `written out in this file ${view.spelling}`)} ${view.reader}`, range: { start, end } };
    found.push(sanctioned(text, raw, start.line) ? sanctionedFinding(decoded) : decoded);
  }
  return found;
}

// Ends are one past the last character (secretlint's, made 1-based): a range ending where another starts does not overlap it.
const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.column <= b.column);

/** Whether raw line `line` (1-based) carries `secretlint-disable-line`, or the line before `secretlint-disable-next-line`. */
function sanctioned(text: string, starts: readonly number[], line: number): boolean {
  const lineText = (n: number) => (n >= 1 && n <= starts.length ? text.slice(starts[n - 1], starts[n] ?? text.length) : '');
  return lineText(line).includes('secretlint-disable-line') || lineText(line - 1).includes('secretlint-disable-next-line');
}

/** The offsets lines start at (line n at index n - 1). */
function lineStarts(text: string): number[] {
  const starts = [0];
  LINE_BREAK.lastIndex = 0;
  for (let m = LINE_BREAK.exec(text); m; m = LINE_BREAK.exec(text)) starts.push(m.index + m[0].length);
  return starts;
}

function offsetOf(starts: readonly number[], at: Position): number {
  return (starts[at.line - 1] ?? 0) + at.column - 1;
}

function position(starts: readonly number[], offset: number): Position {
  const line = lastAtOrBefore(starts, offset);
  return { line: line + 1, column: offset - starts[line] + 1 };
}
