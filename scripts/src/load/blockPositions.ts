import { lineCounterClass } from './lazyPackages.ts';
import type { Range } from '../diagnostic.ts';
import { toRange, type PathSegment } from './yamlPath.ts';
import { commentOnly, flowSeq, mappingKey, scalarEnd, Unsupported } from './blockScalars.ts';

/**
 * The range `rangeOfPath` gives for `path` in document `document` of `text` (the last document when
 * there are fewer), read from one pass over the lines of plain block-style YAML (block mappings and
 * sequences, single-line plain and quoted scalars, one-line flow sequences, literal and folded block
 * scalars, comments) instead of a second full parse. The offsets are those `yaml`'s
 * `parseAllDocuments` gives the same nodes (a test compares both on every YAML file of the repo and the
 * whole mutation table).
 *
 * Returns `null` when the text read is anything else (flow mappings, multi-line scalars, complex or
 * typed keys, document markers with content; tabs or CR line ends anywhere): that file takes the full
 * `yaml` parse from then on. Returns
 * `undefined` when only `yaml` can answer for this path (a document without contents, a collection whose
 * end `yaml` stretches over the comments after it).
 *
 * Nothing is kept between calls: no tree of the file is built, only the nodes on `path` are noted. A
 * legacy catalog locates one or two findings in each of thousands of files; building and keeping a tree
 * per file cost more than the findings. Reading stops once the answer is known: after the node at
 * `path` (and the line after it, which could still continue a scalar) or, for a path that is not there,
 * after the deepest node that is. What `yaml` makes of a node depends on the lines before it and that
 * next line only, so the lines after it cannot change its position; every line up to it is checked.
 */
export function locateInBlock(text: string, document: number, path: readonly PathSegment[], options: { key?: boolean } = {}): Range | undefined | null {
  if (/[\t\r\uFEFF]/.test(text)) return null;
  const lines: Lines = { start: [], end: [], content: [] };
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    let content = start;
    while (content < end && text.charCodeAt(content) === 32) content++;
    lines.start.push(start);
    lines.end.push(end);
    lines.content.push(content);
    if (end === text.length) break;
    start = end + 1;
  }
  const scanner = new Scanner(text, lines, document, path);
  try {
    scanner.documents();
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
  const found = scanner.answer();
  if (!found) return undefined;
  // The line starts are exactly what LineCounter.addNewLine would have collected: 0, then after each newline.
  const lineCounter = new (lineCounterClass())();
  lineCounter.lineStarts = lines.start;
  const complete = found.reached === path.length;
  if (complete && !(options.key && found.keyStart >= 0)) {
    if (found.open && !found.scalar) return undefined;
    return toRange(lineCounter, found.start, found.valueEnd);
  }
  // As rangeOfPath: a missing field is reported on the key of the mapping that should hold it.
  if (found.keyStart >= 0) return toRange(lineCounter, found.keyStart, found.keyEnd);
  const range = toRange(lineCounter, found.start, found.start);
  return { start: range.start, end: range.start };
}

/** Whether locateInBlock reads all of `text` itself rather than leaving it to the full `yaml` parse. */
export function readsAsBlock(text: string): boolean {
  // A document past the last one is never found early: every line is read.
  return locateInBlock(text, Number.MAX_SAFE_INTEGER, []) !== null;
}

// The lines of the text as parallel arrays (no object per line): where each starts and ends (before its
// newline) and the offset of its first non-space character; its indent is content - start.
interface Lines {
  start: number[];
  end: number[];
  content: number[];
}

/**
 * What a document holds on the path: the deepest node reached (its depth, start and value end, whether
 * it is a scalar and whether `yaml` may stretch its end over the comments after it) and the key of the
 * last mapping step on the way (-1 when none).
 */
interface PathEnd {
  reached: number;
  start: number;
  valueEnd: number;
  scalar: boolean;
  open: boolean;
  keyStart: number;
  keyEnd: number;
}

const DOCUMENT_START = /^---[ ]*$/;
const BLOCK_HEADER = /^[|>]-?(?: +#.*| *)$/;

/**
 * One pass over the lines, node by node, as `yaml` would build them. Each node method returns the
 * node's end offset and leaves its value end and `open` in #valueEnd and #open; `depth` is the node's
 * depth on the queried path, or -1 when it is off the path. Once the answer is known (#answered), every
 * method returns at once.
 */
class Scanner {
  #i = 0;
  #open = false;
  #valueEnd = 0;
  readonly #start: number[];
  readonly #end: number[];
  readonly #content: number[];
  readonly #count: number;
  readonly #segments: string[];
  readonly #numbers: (number | undefined)[];
  // Per depth on the path: the key of the last mapping step that led there (-1: none).
  readonly #keyStart: number[];
  readonly #keyEnd: number[];
  #current: PathEnd | undefined;
  #wanted: PathEnd | null | undefined;
  #last: PathEnd | null | undefined;
  #documents = 0;
  #answered = false;

  constructor(private readonly text: string, lines: Lines, private readonly document: number, private readonly path: readonly PathSegment[]) {
    this.#start = lines.start;
    this.#end = lines.end;
    this.#content = lines.content;
    this.#count = lines.start.length;
    this.#segments = path.map(String);
    this.#numbers = path.map(s => (typeof s === 'number' ? s : undefined));
    this.#keyStart = [-1];
    this.#keyEnd = [-1];
  }

  /** The path's end in the queried document (the last one when there are fewer); null for a document without contents. */
  answer(): PathEnd | null | undefined {
    return this.#wanted !== undefined ? this.#wanted : this.#last;
  }

  #endDocument(found: PathEnd | null) {
    if (this.#documents === this.document) this.#wanted = found;
    this.#last = found;
    this.#documents++;
  }

  /** Notes a node on the path: the deepest so far, as the path is walked from the root. */
  #reach(depth: number, start: number) {
    this.#current = { reached: depth, start, valueEnd: start, scalar: false, open: false, keyStart: this.#keyStart[depth], keyEnd: this.#keyEnd[depth] };
  }

  /**
   * Notes the value end of a node on the path once it is read. When nothing deeper on the path was
   * reached inside it, it is the path's end: in the queried document, that is the answer.
   */
  #complete(depth: number, scalar: boolean) {
    const current = this.#current;
    if (current && current.reached === depth) {
      current.valueEnd = this.#valueEnd;
      current.scalar = scalar;
      current.open = this.#open;
      if (this.#documents === this.document) {
        this.#wanted = current;
        this.#answered = true;
      }
    }
  }

  /** The depth of the child `key` (a mapping key) or `index` (a sequence item) of a node at `depth`, or -1 off the path. */
  #childDepth(depth: number, key: string | undefined, index: number): number {
    if (depth < 0 || depth >= this.path.length) return -1;
    const matches = key !== undefined ? this.#segments[depth] === key : this.#numbers[depth] === index;
    if (!matches) return -1;
    this.#keyStart[depth + 1] = this.#keyStart[depth];
    this.#keyEnd[depth + 1] = this.#keyEnd[depth];
    return depth + 1;
  }

  #indent(line: number): number {
    return this.#content[line] - this.#start[line];
  }

  /** Whether line `j` holds something other than spaces and a comment. */
  #hasContent(j: number): boolean {
    const content = this.#content[j];
    return content < this.#end[j] && this.text.charCodeAt(content) !== 35;
  }

  documents(): void {
    let first = true;
    while (true) {
      this.#skipBlank();
      if (this.#i >= this.#count) break;
      const isMarker = this.#isMarker(this.#i);
      if (isMarker) this.#i++;
      else if (!first) throw new Unsupported();
      first = false;
      this.#skipBlank();
      if (this.#i >= this.#count || this.#isMarker(this.#i)) {
        // An explicit `---` with nothing after it is a document without contents.
        if (isMarker) this.#endDocument(null);
        continue;
      }
      this.#current = undefined;
      this.#node(this.#i, -1, 0);
      if (this.#answered) return;
      this.#endDocument(this.#current ?? null);
      this.#i++;
      this.#skipBlank();
      if (this.#i < this.#count && !this.#isMarker(this.#i)) throw new Unsupported();
    }
  }

  #isMarker(line: number): boolean {
    if (this.#indent(line) > 0) return false;
    const start = this.#start[line];
    const head = this.text.slice(start, start + 3);
    if (head === '...') throw new Unsupported();
    if (head !== '---') return false;
    if (!DOCUMENT_START.test(this.text.slice(start, this.#end[line]))) throw new Unsupported();
    return true;
  }

  /** Moves past blank and comment-only lines. */
  #skipBlank() {
    while (this.#i < this.#count) {
      if (this.#hasContent(this.#i)) return;
      this.#i++;
    }
  }

  /** The index of the next content line if it is indented more than `parent`, or is a `-` entry at `parent`'s indent in a map; else -1. */
  #child(parent: number, allowSeqAtSameIndent: boolean): number {
    const next = this.#peek();
    if (next === -1) return -1;
    const indent = this.#indent(next);
    if (indent > parent) return next;
    if (allowSeqAtSameIndent && indent === parent && this.#isSeqEntry(this.#content[next], this.#end[next])) return next;
    return -1;
  }

  #isSeqEntry(at: number, end: number): boolean {
    return this.text.charCodeAt(at) === 45 && (at + 1 === end || this.text.charCodeAt(at + 1) === 32);
  }

  /** A block node whose first line is `line` (already the current line), starting at its content. */
  #node(line: number, parent: number, depth: number): number {
    const content = this.#content[line];
    const end = this.#end[line];
    const seqEntry = this.#isSeqEntry(content, end);
    if (this.#indent(line) <= parent && !seqEntry) throw new Unsupported();
    if (seqEntry) return this.#seq(this.#indent(line), depth);
    const key = mappingKey(this.text, content, end);
    if (key) return this.#map(this.#indent(line), content, depth);
    throw new Unsupported();
  }

  #seq(indent: number, depth: number): number {
    const start = this.#content[this.#i];
    if (depth >= 0) this.#reach(depth, start);
    let end = start;
    for (let index = 0; ; index++) {
      const line = this.#i;
      const lineEnd = this.#end[line];
      const at = this.#start[line] + indent;
      let value = at + 1;
      while (value < lineEnd && this.text.charCodeAt(value) === 32) value++;
      if (value < lineEnd && this.text.charCodeAt(value) === 45 && this.#isSeqEntry(value, lineEnd)) throw new Unsupported();
      const itemDepth = this.#childDepth(depth, undefined, index);
      if (value < lineEnd && this.text.charCodeAt(value) !== 35 && mappingKey(this.text, value, lineEnd)) {
        end = this.#map(value - this.#start[line], value, itemDepth);
      } else {
        end = this.#inlineValue(line, at + 1, indent, false, itemDepth);
      }
      if (this.#answered) return end;
      const next = this.#peek();
      if (next === -1) break;
      if (this.#indent(next) !== indent || !this.#isSeqEntry(this.#content[next], this.#end[next])) break;
      this.#i = next;
    }
    // #open is still the last item's.
    this.#valueEnd = end;
    this.#complete(depth, false);
    return end;
  }

  #map(indent: number, firstKeyAt: number, depth: number): number {
    if (depth >= 0) this.#reach(depth, firstKeyAt);
    const keys: string[] = [];
    let keyAt = firstKeyAt;
    let end = keyAt;
    while (true) {
      const line = this.#i;
      const key = mappingKey(this.text, keyAt, this.#end[line]);
      if (!key) throw new Unsupported();
      if (keys.includes(key.value)) throw new Unsupported();
      keys.push(key.value);
      const valueDepth = this.#childDepth(depth, key.value, -1);
      if (valueDepth >= 0) {
        this.#keyStart[valueDepth] = keyAt;
        this.#keyEnd[valueDepth] = key.end;
      }
      end = this.#inlineValue(line, key.colon + 1, indent, true, valueDepth);
      if (this.#answered) return end;
      const next = this.#peek();
      if (next === -1) break;
      const nextIndent = this.#indent(next);
      if (nextIndent < indent) break;
      if (nextIndent > indent || this.#isSeqEntry(this.#content[next], this.#end[next])) throw new Unsupported();
      this.#i = next;
      keyAt = this.#content[next];
    }
    // #open is still the last value's.
    this.#valueEnd = end;
    this.#complete(depth, false);
    return end;
  }

  /** The index of the next content line after the current one, without consuming it; -1 at a document marker or the end. */
  #peek(): number {
    let j = this.#i + 1;
    while (j < this.#count && !this.#hasContent(j)) j++;
    if (j >= this.#count) return -1;
    const start = this.#start[j];
    if (this.#content[j] === start && (this.text.startsWith('---', start) || this.text.startsWith('...', start))) return -1;
    return j;
  }

  /** Whether comment-only lines follow the current line before the next content line. */
  #commentsFollow(): boolean {
    for (let j = this.#i + 1; j < this.#count; j++) {
      const content = this.#content[j];
      if (content === this.#end[j]) continue;
      return this.text.charCodeAt(content) === 35;
    }
    return false;
  }

  /** A scalar (or a one-line flow sequence) from `start`: notes it when it is on the path, returns `nodeEnd`. */
  #scalar(depth: number, start: number, valueEnd: number, nodeEnd: number, open: boolean, scalar = true): number {
    this.#valueEnd = valueEnd;
    this.#open = open;
    if (depth >= 0) {
      this.#reach(depth, start);
      this.#complete(depth, scalar);
    }
    return nodeEnd;
  }

  /**
   * The value that follows a key's colon or a sequence dash on `line`, from `from`: a scalar on the
   * same line, or (when the rest of the line is empty or a comment) a block node on the lines below.
   */
  #inlineValue(line: number, from: number, indent: number, inMap: boolean, depth: number): number {
    const lineEnd = this.#end[line];
    let at = from;
    while (at < lineEnd && this.text.charCodeAt(at) === 32) at++;
    const rest = at < lineEnd && this.text.charCodeAt(at) !== 35;
    if (!rest) {
      const child = this.#child(indent, inMap);
      if (child !== -1) {
        this.#i = child;
        return this.#node(child, inMap ? indent - 1 : indent, depth);
      }
      // An empty value is a null scalar where the line's content ends (at a comment, or the line end).
      const nodeEnd = at < lineEnd ? Math.min(lineEnd + 1, this.text.length) : at;
      return this.#scalar(depth, at, at, nodeEnd, this.#commentsFollow());
    }
    const first = this.text.charCodeAt(at);
    if (first === 124 || first === 62) return this.#blockScalar(line, at, indent, depth);
    const flow = first === 91 ? flowSeq(this.text, at, lineEnd) : undefined;
    const valueEnd = flow ? flow.range[1] : scalarEnd(this.text, at, lineEnd);
    if (flow) commentOnly(this.text, valueEnd, lineEnd);
    const next = this.#peek();
    if (next !== -1 && this.#indent(next) > indent) throw new Unsupported();
    const nodeEnd = Math.min(lineEnd + 1, this.text.length);
    const open = this.#commentsFollow();
    if (!flow) return this.#scalar(depth, at, valueEnd, nodeEnd, open);
    if (depth >= 0) this.#reach(depth, at);
    flow.items.forEach((item, index) => {
      const itemDepth = this.#childDepth(depth, undefined, index);
      if (itemDepth >= 0) this.#scalar(itemDepth, item.range[0], item.range[1], item.range[2], item.open);
    });
    if (this.#answered) return nodeEnd;
    // The sequence's own value end and `open` are what its parent reads.
    this.#valueEnd = valueEnd;
    this.#open = open;
    this.#complete(depth, false);
    return nodeEnd;
  }

  /**
   * A literal or folded block scalar (`definition: |`): its lines are those indented past `indent`;
   * `yaml` ends it after the last one that is not blank.
   */
  #blockScalar(line: number, at: number, indent: number, depth: number): number {
    const header = this.text.slice(at, this.#end[line]);
    if (!BLOCK_HEADER.test(header)) throw new Unsupported();
    let last = -1;
    for (let j = this.#i + 1; j < this.#count; j++) {
      if (this.#content[j] === this.#end[j]) continue;
      if (this.#indent(j) <= indent) break;
      last = j;
    }
    if (last === -1) throw new Unsupported();
    this.#i = last;
    const end = Math.min(this.#end[last] + 1, this.text.length);
    return this.#scalar(depth, at, end, end, this.#commentsFollow());
  }
}
