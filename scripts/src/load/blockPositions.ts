import { LineCounter } from 'yaml';
import type { Range } from '../diagnostic.ts';
import { toRange, type PathSegment } from './yamlPath.ts';
import { commentOnly, flowSeq, mappingKey, scalarEnd, Unsupported, type ScalarNode } from './blockScalars.ts';

/** A node of the position tree: offsets as `yaml` gives them ([start, value end, node end]). */
// `open` marks a node whose end `yaml` may stretch over the comment lines after it (it attaches them to
// the node before); a collection ending in such a node is located through `yaml` instead.
type BlockNode =
  | ScalarNode
  | { kind: 'map'; range: [number, number, number]; open: boolean; items: { key: string; keyRange: [number, number]; value: BlockNode }[] }
  | { kind: 'seq'; range: [number, number, number]; open: boolean; items: BlockNode[] };

export interface BlockPositions {
  /** One entry per document; `null` for a document without contents. */
  documents: (BlockNode | null)[];
  lineCounter: LineCounter;
}


interface Line {
  start: number;
  end: number;
  indent: number;
  /** Offset of the first non-space character. */
  content: number;
}

/**
 * Node positions of plain block-style YAML (block mappings and sequences, single-line plain and
 * quoted scalars, comments), computed by one pass over the lines instead of a second full parse.
 * The offsets are those `yaml`'s `parseAllDocuments` gives the same nodes (a test compares both on
 * every YAML file of the repo and the whole mutation table). Returns `undefined` for anything else
 * (flow collections, block scalars, multi-line scalars, tabs, CR line ends, complex or typed keys,
 * document markers with content): those files take the full `yaml` parse.
 */
export function blockPositions(text: string): BlockPositions | undefined {
  if (/[\t\r\uFEFF]/.test(text)) return undefined;
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  const lines: Line[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    let content = start;
    while (content < end && text.charCodeAt(content) === 32) content++;
    lines.push({ start, end, indent: content - start, content });
    if (end === text.length) break;
    start = end + 1;
    lineCounter.addNewLine(start);
  }
  try {
    return { documents: new Scanner(text, lines).documents(), lineCounter };
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/**
 * The range `rangeOfPath` gives for the same document and path, or `undefined` when the document has
 * no contents (the caller then asks `yaml`).
 */
export function locateInBlock(positions: BlockPositions, document: number, path: readonly PathSegment[], options: { key?: boolean } = {}): Range | undefined {
  const { documents, lineCounter } = positions;
  const contents = document < documents.length ? documents[document] : documents[documents.length - 1];
  if (!contents) return undefined;
  let node: BlockNode = contents;
  let keyRange: [number, number] | null = null;
  let complete = true;
  for (const segment of path) {
    let next: BlockNode | undefined;
    if (node.kind === 'map') {
      const item = node.items.find(i => i.key === String(segment));
      if (item) keyRange = item.keyRange;
      next = item?.value;
    } else if (node.kind === 'seq' && typeof segment === 'number') {
      next = node.items[segment];
    }
    if (!next) {
      complete = false;
      break;
    }
    node = next;
  }
  if (complete && !(options.key && keyRange)) {
    if (node.open && node.kind !== 'scalar') return undefined;
    return toRange(lineCounter, node.range[0], node.range[1]);
  }
  // As rangeOfPath: a missing field is reported on the key of the mapping that should hold it.
  if (keyRange) return toRange(lineCounter, keyRange[0], keyRange[1]);
  const range = toRange(lineCounter, node.range[0], node.range[1]);
  return { start: range.start, end: range.start };
}

const DOCUMENT_START = /^---[ ]*$/;
const BLOCK_HEADER = /^[|>]-?(?: +#.*| *)$/;

class Scanner {
  #i = 0;
  constructor(private readonly text: string, private readonly lines: Line[]) {}

  documents(): (BlockNode | null)[] {
    const documents: (BlockNode | null)[] = [];
    let first = true;
    while (true) {
      this.#skipBlank();
      const line = this.lines[this.#i];
      if (!line) break;
      const isMarker = this.#isMarker(line);
      if (isMarker) this.#i++;
      else if (!first) throw new Unsupported();
      first = false;
      this.#skipBlank();
      const next = this.lines[this.#i];
      if (!next || this.#isMarker(next)) {
        // An explicit `---` with nothing after it is a document without contents.
        if (isMarker) documents.push(null);
        continue;
      }
      documents.push(this.#node(next, -1));
      this.#i++;
      this.#skipBlank();
      const after = this.lines[this.#i];
      if (after && !this.#isMarker(after)) throw new Unsupported();
    }
    return documents;
  }

  #isMarker(line: Line): boolean {
    if (line.indent > 0) return false;
    const head = this.text.slice(line.start, line.start + 3);
    if (head === '...') throw new Unsupported();
    if (head !== '---') return false;
    if (!DOCUMENT_START.test(this.text.slice(line.start, line.end))) throw new Unsupported();
    return true;
  }

  /** Moves past blank and comment-only lines. */
  #skipBlank() {
    while (this.#i < this.lines.length) {
      const line = this.lines[this.#i];
      if (line.content < line.end && this.text[line.content] !== '#') return;
      this.#i++;
    }
  }

  /** The index of the next content line if it is indented more than `parent`, or is a `-` entry at `parent`'s indent in a map; else -1. */
  #child(parent: number, allowSeqAtSameIndent: boolean): number {
    const next = this.#peek();
    if (next === -1) return -1;
    const line = this.lines[next];
    if (line.indent > parent) return next;
    if (allowSeqAtSameIndent && line.indent === parent && this.#isSeqEntry(line.content, line.end)) return next;
    return -1;
  }

  #isSeqEntry(at: number, end: number): boolean {
    return this.text[at] === '-' && (at + 1 === end || this.text[at + 1] === ' ');
  }

  /** A block node whose first line is `line` (already the current line), starting at its content. */
  #node(line: Line, parent: number): BlockNode {
    if (line.indent <= parent && !this.#isSeqEntry(line.content, line.end)) throw new Unsupported();
    if (this.#isSeqEntry(line.content, line.end)) return this.#seq(line.indent);
    const key = mappingKey(this.text, line.content, line.end);
    if (key) return this.#map(line.indent, line.content);
    throw new Unsupported();
  }

  #seq(indent: number): BlockNode {
    const items: BlockNode[] = [];
    const start = this.lines[this.#i].content;
    let end = start;
    while (true) {
      const line = this.lines[this.#i];
      const at = line.start + indent;
      let value = at + 1;
      while (value < line.end && this.text.charCodeAt(value) === 32) value++;
      let item: BlockNode;
      if (value < line.end && this.text[value] === '-' && this.#isSeqEntry(value, line.end)) throw new Unsupported();
      if (value < line.end && this.text[value] !== '#' && mappingKey(this.text, value, line.end)) {
        item = this.#map(value - line.start, value);
      } else {
        item = this.#inlineValue(line, at + 1, indent, false);
      }
      items.push(item);
      end = item.range[2];
      const next = this.#peek();
      if (next === -1) break;
      const nextLine = this.lines[next];
      if (nextLine.indent !== indent || !this.#isSeqEntry(nextLine.content, nextLine.end)) break;
      this.#i = next;
    }
    return { kind: 'seq', range: [start, end, end], open: items[items.length - 1].open, items };
  }

  #map(indent: number, firstKeyAt: number): BlockNode {
    const items: { key: string; keyRange: [number, number]; value: BlockNode }[] = [];
    let keyAt = firstKeyAt;
    let end = keyAt;
    while (true) {
      const line = this.lines[this.#i];
      const key = mappingKey(this.text, keyAt, line.end);
      if (!key) throw new Unsupported();
      if (items.some(i => i.key === key.value)) throw new Unsupported();
      const value = this.#inlineValue(line, key.colon + 1, indent, true);
      items.push({ key: key.value, keyRange: [keyAt, key.end], value });
      end = value.range[2];
      const next = this.#peek();
      if (next === -1) break;
      const nextLine = this.lines[next];
      if (nextLine.indent < indent) break;
      if (nextLine.indent > indent || this.#isSeqEntry(nextLine.content, nextLine.end)) throw new Unsupported();
      this.#i = next;
      keyAt = nextLine.content;
    }
    return { kind: 'map', range: [firstKeyAt, end, end], open: items[items.length - 1].value.open, items };
  }

  /** The index of the next content line after the current one, without consuming it; -1 at a document marker or the end. */
  #peek(): number {
    let j = this.#i + 1;
    while (j < this.lines.length) {
      const line = this.lines[j];
      if (line.content < line.end && this.text[line.content] !== '#') break;
      j++;
    }
    const line = this.lines[j];
    if (!line) return -1;
    if (line.indent === 0 && (this.text.startsWith('---', line.start) || this.text.startsWith('...', line.start))) return -1;
    return j;
  }

  /** Whether comment-only lines follow the current line before the next content line. */
  #commentsFollow(): boolean {
    for (let j = this.#i + 1; j < this.lines.length; j++) {
      const line = this.lines[j];
      if (line.content === line.end) continue;
      return this.text[line.content] === '#';
    }
    return false;
  }

  /**
   * The value that follows a key's colon or a sequence dash on `line`, from `from`: a scalar on the
   * same line, or (when the rest of the line is empty or a comment) a block node on the lines below.
   */
  #inlineValue(line: Line, from: number, indent: number, inMap: boolean): BlockNode {
    let at = from;
    while (at < line.end && this.text.charCodeAt(at) === 32) at++;
    const rest = at < line.end && this.text[at] !== '#';
    if (!rest) {
      const child = this.#child(indent, inMap);
      if (child !== -1) {
        this.#i = child;
        return this.#node(this.lines[child], inMap ? indent - 1 : indent);
      }
      // An empty value is a null scalar where the line's content ends (at a comment, or the line end).
      const nodeEnd = at < line.end ? Math.min(line.end + 1, this.text.length) : at;
      return { kind: 'scalar', range: [at, at, nodeEnd], open: this.#commentsFollow() };
    }
    if (this.text[at] === '|' || this.text[at] === '>') return this.#blockScalar(line, at, indent);
    const flow = this.text[at] === '[' ? flowSeq(this.text, at, line.end) : undefined;
    const valueEnd = flow ? flow.range[1] : scalarEnd(this.text, at, line.end);
    if (flow) commentOnly(this.text, valueEnd, line.end);
    const next = this.#peek();
    if (next !== -1 && this.lines[next].indent > indent) throw new Unsupported();
    const range: [number, number, number] = [at, valueEnd, Math.min(line.end + 1, this.text.length)];
    const open = this.#commentsFollow();
    return flow ? { kind: 'seq', range, open, items: flow.items } : { kind: 'scalar', range, open };
  }

  /**
   * A literal or folded block scalar (`definition: |`): its lines are those indented past `indent`;
   * `yaml` ends it after the last one that is not blank.
   */
  #blockScalar(line: Line, at: number, indent: number): BlockNode {
    const header = this.text.slice(at, line.end);
    if (!BLOCK_HEADER.test(header)) throw new Unsupported();
    let last = -1;
    for (let j = this.#i + 1; j < this.lines.length; j++) {
      const next = this.lines[j];
      if (next.content === next.end) continue;
      if (next.indent <= indent) break;
      last = j;
    }
    if (last === -1) throw new Unsupported();
    this.#i = last;
    const end = Math.min(this.lines[last].end + 1, this.text.length);
    return { kind: 'scalar', range: [at, end, end], open: this.#commentsFollow() };
  }
}
