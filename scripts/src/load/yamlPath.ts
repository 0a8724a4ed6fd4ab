import type { Document, LineCounter, Node } from 'yaml';
import { yamlPackage } from './lazyPackages.ts';
import type { Range } from '../diagnostic.ts';

export type PathSegment = string | number;

/**
 * The range of the node at `path`, or of its nearest existing parent, so a finding about a
 * missing field points at the mapping that lacks it rather than at line 1.
 * With `key: true` the range is that of the mapping key instead of its value.
 */
export function rangeOfPath(
  document: Document.Parsed,
  lineCounter: LineCounter,
  path: readonly PathSegment[],
  options: { key?: boolean } = {},
): Range {
  let node: Node | null = (document.contents as Node | null) ?? null;
  let keyNode: Node | null = null;
  let complete = true;
  for (const segment of path) {
    const next = childOf(node, segment);
    if (!next) {
      complete = false;
      break;
    }
    keyNode = next.key ?? keyNode;
    node = next.value;
    if (!node) {
      complete = false;
      break;
    }
  }
  if (complete && node?.range && !(options.key && keyNode)) {
    return toRange(lineCounter, node.range[0], node.range[1]);
  }
  // A missing field is reported on the key of the mapping that should hold it.
  const anchor = keyNode ?? node;
  const offsets = anchor?.range ?? document.range;
  const range = toRange(lineCounter, offsets[0], offsets[1]);
  return anchor === keyNode ? range : { start: range.start, end: range.start };
}

function childOf(node: Node | null, segment: PathSegment): { key: Node | null; value: Node | null } | null {
  const { isMap, isScalar, isSeq } = yamlPackage();
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      const keyValue = isScalar(key) ? key.value : key;
      if (String(keyValue) === String(segment)) {
        return { key, value: (pair.value as Node | null) ?? null };
      }
    }
    return null;
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment] as Node | undefined;
    return item ? { key: null, value: item } : null;
  }
  return null;
}

export function toRange(lineCounter: LineCounter, startOffset: number, endOffset: number): Range {
  const start = lineCounter.linePos(startOffset);
  const end = lineCounter.linePos(endOffset);
  return { start: { line: start.line, column: start.col }, end: { line: end.line, column: end.col } };
}
