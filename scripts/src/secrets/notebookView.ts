import { parseTree, type Node } from 'jsonc-parser';
import { ViewBuilder, type DecodedView } from './viewBuilder.ts';

export const NOTEBOOK_SPELLING = 'split across the lines of a notebook cell';
const READER = "Jupyter (and GitHub's notebook preview) joins a cell's list of source lines, and an output's, with nothing between them: the credential whole in the code that runs.";
// A JSON string escape: `\uXXXX` or a backslash and one character.
const ESCAPE = /\\(?:u[0-9a-fA-F]{4}|[^])/y;

/**
 * The text of Jupyter notebook `text` (nbformat 4 JSON) as Jupyter reads it: each cell's `source` and each of
 * its outputs' `text` and `data` values (a string, or a list of strings Jupyter joins with no separator:
 * nbformat's multiline string), each on lines of its own, with their JSON escapes decoded. A plain run of a
 * string maps character by character to the raw JSON, an escape to its spelling. Read with jsonc-parser's
 * tree (offsets of each value; the JSON a lenient reader makes of a broken file). Undefined for a text with no
 * cells, or one nested too deep for the parser (the raw and string-escape views still read it). Pure.
 */
export function notebookView(text: string): DecodedView | undefined {
  let root: Node | undefined;
  try {
    root = parseTree(text, [], { allowTrailingComma: true });
  } catch {
    // jsonc-parser recurses once per level: a file nested thousands deep runs it out of stack.
    return undefined;
  }
  const cells = root && member(root, 'cells');
  if (cells?.type !== 'array') return undefined;
  const builder = new ViewBuilder(text);
  for (const cell of cells.children ?? []) {
    appendMultiline(builder, member(cell, 'source'));
    const outputs = member(cell, 'outputs');
    for (const output of outputs?.type === 'array' ? (outputs.children ?? []) : []) {
      appendMultiline(builder, member(output, 'text'));
      const data = member(output, 'data');
      for (const entry of data?.type === 'object' ? (data.children ?? []) : []) appendMultiline(builder, entry.children?.[1]);
    }
  }
  return builder.view(NOTEBOOK_SPELLING, READER);
}

/**
 * The value of object `node`'s member `key`: the last one of that name, as Jupyter's reader (Python's json)
 * and JSON.parse take it (red team: a second `source` hid a token from jsonc-parser's findNodeAtLocation,
 * which takes the first).
 */
function member(node: Node, key: string): Node | undefined {
  if (node.type !== 'object') return undefined;
  let value: Node | undefined;
  for (const property of node.children ?? []) if (property.children?.[0]?.value === key) value = property.children[1];
  return value;
}

/** Adds to `builder` nbformat multiline string `node` (a string, or a list of strings joined), then a line break of the view's own. */
function appendMultiline(builder: ViewBuilder, node: Node | undefined): void {
  const strings = node?.type === 'string' ? [node] : node?.type === 'array' ? (node.children ?? []).filter(item => item.type === 'string') : [];
  if (!strings.length) return;
  for (const string of strings) appendString(builder, string.offset + 1, string.offset + string.length - 1);
  builder.separate(node!.offset + node!.length);
}

/** Adds the JSON string literal whose content is raw `from`…`to` (inside its quotes), its escapes decoded. */
function appendString(builder: ViewBuilder, from: number, to: number): void {
  const text = builder.raw;
  // Searched in the literal alone: a notebook of many strings without a backslash is read once.
  const body = text.slice(from, to);
  let copied = from;
  for (let found = body.indexOf('\\'); found >= 0; found = body.indexOf('\\', copied - from)) {
    const at = from + found;
    ESCAPE.lastIndex = at;
    const spelled = ESCAPE.exec(text)?.[0] ?? '\\';
    builder.copy(copied, at);
    builder.put(jsonValue(spelled), at, at + spelled.length);
    copied = at + spelled.length;
  }
  builder.copy(copied, to);
}

/** The character JSON escape `spelled` stands for (JSON.parse's reading); itself when JSON has no such escape. */
function jsonValue(spelled: string): string {
  try {
    return JSON.parse(`"${spelled}"`) as string;
  } catch {
    return spelled;
  }
}
