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
