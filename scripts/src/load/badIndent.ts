/**
 * Where a YAML indentation error really is. The `yaml` library reports BAD_INDENT ("All mapping items must
 * start at the same column") at column 1 of every line after the misaligned one, never on the line that
 * broke the alignment: an over-indented line 20 reads as errors on lines 21, 22, 23… To a newcomer, the
 * first of them with the columns of the lines above it says which line to move.
 */

/** The 1-based column where line `line` (1-based) of `text` starts its content. */
export function contentColumn(text: string, line: number): number {
  const content = lineText(text, line);
  return content.length - content.trimStart().length + 1;
}

/**
 * The sentence to append to the first BAD_INDENT of a document: the column the reported line starts at and
 * the columns of the lines above it it could align with (the previous content line and each less indented
 * line before it, as far as column 1), each with its line. Comment-only and blank lines are skipped.
 * Takes the file's text and the reported 1-based line; returns '' when no line above has content.
 */
export function indentContext(text: string, line: number): string {
  const column = contentColumn(text, line);
  const above: string[] = [];
  let limit = Infinity;
  for (let at = line - 1; at >= 1 && limit > 1; at--) {
    const content = lineText(text, at).trim();
    if (content === '' || content.startsWith('#') || content === '---') continue;
    const col = contentColumn(text, at);
    if (col >= limit) continue;
    limit = col;
    above.push(`column ${col} (line ${at})`);
  }
  if (above.length === 0) return '';
  return ` Line ${line} starts at column ${column}; the lines above it start at ${above.join(', ')}: indent it like the keys of the mapping it belongs to, or move the line above that does not match.`;
}

/**
 * When the reported line is right and the line that opened its block is not: the first key under
 * `spec:` over-indented (`   type: service` above `  lifecycle: …`) sets the block's column, so the parser
 * flags the well-indented keys after it (yaml's BAD_INDENT), never the one that is off. The first line of
 * the block is taken as the one to move when it is not one indentation step (the file's usual one) in from
 * the line that opens the block, and either the reported line is, or more lines of the block sit at the
 * reported line's column than at the first line's. Takes the file's text and the reported 1-based line;
 * returns the line to move, its content column and the sentence to append, or undefined when the lines
 * cannot be told apart (then indentContext names both).
 */
export function misalignedBlockStart(text: string, line: number): { line: number; column: number; sentence: string } | undefined {
  const lines = text.split('\n').map(l => l.replace(/\r$/, ''));
  const at1 = (at: number) => lines[at - 1] ?? '';
  const columnOf = (at: number) => at1(at).length - at1(at).trimStart().length + 1;
  const isContent = (at: number) => {
    const content = at1(at).trim();
    return content !== '' && !content.startsWith('#');
  };
  const column = columnOf(line);
  let first: number | undefined;
  let firstColumn = Infinity;
  let atFirstColumn = 0;
  let opener: number | undefined;
  for (let at = line - 1; at >= 1; at--) {
    if (!isContent(at)) continue;
    const content = at1(at).trim();
    if (content === '---' || content === '...') return undefined;
    const col = columnOf(at);
    if (col < column) {
      opener = col;
      break;
    }
    if (col < firstColumn) {
      firstColumn = col;
      atFirstColumn = 0;
    }
    if (col === firstColumn) {
      first = at;
      atFirstColumn++;
    }
  }
  if (first === undefined || opener === undefined || firstColumn <= column) return undefined;
  let atColumn = 0;
  for (let at = line; at <= lines.length; at++) {
    if (!isContent(at)) continue;
    const col = columnOf(at);
    if (col < column) break;
    if (col === column) atColumn++;
  }
  const expected = opener + indentStep(lines);
  if (firstColumn === expected || (column !== expected && atColumn <= atFirstColumn)) return undefined;
  const others = atFirstColumn > 1 ? ` (and the ${atFirstColumn - 1} other line(s) at its column below it)` : '';
  return {
    line: first,
    column: firstColumn,
    sentence: ` Line ${first} starts at column ${firstColumn}, but the line(s) of the same block from line ${line} on start at column ${column}: the parser takes the block's first line as its column and flags the lines after it. Move line ${first}${others} to column ${column}.`,
  };
}

/**
 * A key written deeper than the key above it (`  a: x` then `    b: y`): YAML reads the deeper line as
 * more of the first line's plain value, then finds a `:` in that value and reports "Nested mappings are
 * not allowed in compact mappings" and "Implicit keys need to be on a single line", both at the first
 * line's value, in words no newcomer knows. Takes the file's text and the 1-based line where yaml's
 * MULTILINE_IMPLICIT_KEY starts; returns the deeper line, its content column and the message to show, or
 * undefined when the next content line is not deeper or does not read as a `key:` (then yaml's words stay).
 */
export function overIndentedKey(text: string, line: number): { line: number; column: number; message: string } | undefined {
  const lines = text.split('\n').map(l => l.replace(/\r$/, ''));
  const above = lines[line - 1];
  if (above === undefined) return undefined;
  let next = line + 1;
  while (next <= lines.length && (lines[next - 1].trim() === '' || lines[next - 1].trim().startsWith('#'))) next++;
  const written = lines[next - 1];
  if (written === undefined || !/^[^\s#'"][^:]*:(\s|$)/.test(written.trim())) return undefined;
  const columnOf = (l: string) => l.length - l.trimStart().length + 1;
  const keyColumn = columnOf(above.replace(/^(\s*)- /, '$1  '));
  const column = columnOf(written);
  if (column <= keyColumn) return undefined;
  return {
    line: next,
    column,
    message: `Line ${next} starts at column ${column}, deeper than the key on line ${line} (column ${keyColumn}), so YAML reads it as more of line ${line}'s value, and a value cannot hold "key: value". Move line ${next} to column ${keyColumn} if it is a key beside line ${line}'s.`,
  };
}

/**
 * The same slip when the value above is quoted or flow (`a: "x"` then `    b: y`): YAML cannot read the
 * deeper line as more of it, and reports BAD_INDENT on the deeper line. Takes the text and the reported
 * 1-based line; returns the line, its column and the message, or undefined when the content line above is
 * no `key: value` with its value written, or the reported line is not deeper or not a `key:`.
 */
export function keyBelowCompleteValue(text: string, line: number): { line: number; column: number; message: string } | undefined {
  const lines = text.split('\n').map(l => l.replace(/\r$/, ''));
  const written = lines[line - 1];
  let previous = line - 1;
  while (previous >= 1 && (lines[previous - 1].trim() === '' || lines[previous - 1].trim().startsWith('#'))) previous--;
  const above = lines[previous - 1];
  if (written === undefined || above === undefined || !/^[^\s#'"][^:]*:(\s|$)/.test(written.trim())) return undefined;
  // `key: value` with the value written on the line (not a block opener `key:` or `key: |`).
  if (!/^(- )?[^\s#'"][^:]*:\s+[^\s#|>]/.test(above.trim())) return undefined;
  const columnOf = (l: string) => l.length - l.trimStart().length + 1;
  const keyColumn = columnOf(above.replace(/^(\s*)- /, '$1  '));
  const column = columnOf(written);
  if (column <= keyColumn) return undefined;
  return {
    line,
    column,
    message: `Line ${line} starts at column ${column}, deeper than the key on line ${previous} (column ${keyColumn}), whose value is complete on its line, so nothing can nest under it. Move line ${line} to column ${keyColumn} if it is a key beside line ${previous}'s.`,
  };
}

/** The file's usual indentation step: the commonest increase from a line ending in `:` to the next content line (2 if none). */
function indentStep(lines: readonly string[]): number {
  const steps = new Map<number, number>();
  let previous: { column: number; opens: boolean } | undefined;
  for (const text of lines) {
    const content = text.trim();
    if (content === '' || content.startsWith('#')) continue;
    const col = text.length - text.trimStart().length + 1;
    if (previous?.opens && col > previous.column) steps.set(col - previous.column, (steps.get(col - previous.column) ?? 0) + 1);
    previous = { column: col, opens: content.endsWith(':') };
  }
  let best = 2;
  let most = 0;
  for (const [step, seen] of steps) if (seen > most) [best, most] = [step, seen];
  return best;
}

function lineText(text: string, line: number): string {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const next = text.indexOf('\n', start);
    if (next === -1) return '';
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end === -1 ? text.length : end).replace(/\r$/, '');
}
