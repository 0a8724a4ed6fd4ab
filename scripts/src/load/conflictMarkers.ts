// The lines git writes around an unresolved conflict (`git merge`, `git rebase`, `git stash pop`; diff3's base
// marker too), at the start of a line, as `git diff --check` finds them.
const CONFLICT_MARKER = /^(?:<{7}|\|{7}|={7}|>{7})(?=[ \t\r]|$)/gm;

/** Where git left an unresolved conflict in a text: its first marker, and the markers said for a message. */
export interface Conflict {
  /** 1-based line and column (always 1) of the first marker line. */
  line: number;
  column: number;
  /** Offset and length of the first marker, for a range. */
  offset: number;
  length: number;
  /** The markers with their lines, e.g. "<<<<<<< at line 5, ======= at line 7, >>>>>>> at line 9" (never the branch names written after them). */
  markers: string;
}

/** Why conflict markers break a YAML file, and what to do, for every reader of one. */
export const CONFLICT_HINT = 'Resolve the conflict: keep the lines you want from each side, delete the <<<<<<<, ======= and >>>>>>> lines, and commit again (`git diff --check` lists leftover markers).';

/**
 * The git conflict in `text` between offsets `start` and `end` (a whole file by default), or undefined when
 * that part holds no `<<<<<<<` or `>>>>>>>` marker line (seven `=` alone is also a Markdown heading's
 * underline). Takes UTF-16 offsets; counts lines by `\n`, as the YAML parser's LineCounter does.
 */
export function conflictIn(text: string, start = 0, end = text.length): Conflict | undefined {
  const found: { offset: number; marker: string }[] = [];
  CONFLICT_MARKER.lastIndex = start;
  for (let match = CONFLICT_MARKER.exec(text); match && match.index < end; match = CONFLICT_MARKER.exec(text)) found.push({ offset: match.index, marker: match[0] });
  if (!found.some(m => m.marker[0] === '<' || m.marker[0] === '>')) return undefined;
  const lineAt = (offset: number) => {
    let line = 1;
    for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    return line;
  };
  const said = found.slice(0, 4).map(m => `${m.marker} at line ${lineAt(m.offset)}`).join(', ');
  return {
    line: lineAt(found[0].offset),
    column: 1,
    offset: found[0].offset,
    length: found[0].marker.length,
    markers: found.length > 4 ? `${said} and ${found.length - 4} more marker line(s)` : said,
  };
}
