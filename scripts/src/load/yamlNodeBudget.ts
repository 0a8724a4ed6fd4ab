import jsyaml from 'js-yaml';
import type { Diagnostic } from '../diagnostic.ts';
import { YAML_12_CORE } from './yamlSchema.ts';
import { MAX_DOCUMENT_DEPTH } from './tooDeep.ts';

/** Thrown from js-yaml's listener to stop a parse as soon as a file spends its node budget. */
export class NodeBudgetExceeded extends Error {
  constructor(readonly line: number, readonly column: number) {
    super('YAML node budget exceeded');
  }
}

/**
 * A js-yaml `listener` that counts every node it opens and throws NodeBudgetExceeded (with the 1-based
 * line and column of the node over the limit) once there are more than `maxNodes`.
 */
export function nodeCounter(maxNodes: number): (event: string, state: { line: number; position: number; lineStart: number }) => void {
  let nodes = 0;
  return (event, state) => {
    if (event === 'open' && ++nodes > maxNodes) throw new NodeBudgetExceeded(state.line + 1, state.position - state.lineStart + 1);
  };
}

// Any tag parses (as its plain value) so that the count covers files js-yaml's core schema refuses.
const ANY_TAG = (['scalar', 'sequence', 'mapping'] as const).flatMap(kind => ['!', 'tag:'].map(prefix => new jsyaml.Type(prefix, { kind, multi: true, construct: (data: unknown) => data })));
const COUNTING_SCHEMA = YAML_12_CORE.extend(ANY_TAG);

/**
 * Whether `text` could hold more than `maxNodes` nodes: a lexical upper bound (every node but the first
 * of a document follows a `,`, a line break, a `[`, a `{` or a `:`), one pass over the characters, so that
 * ordinary files never pay for counting.
 */
export function mayExceedNodes(text: string, maxNodes: number): boolean {
  // Every character a separator could not pass the budget either: no file of a catalog's usual size is scanned.
  if (2 * text.length + 2 <= maxNodes) return false;
  return nodeUpperBound(text) > maxNodes;
}

/** mayExceedNodes' lexical upper bound on the YAML nodes `text` can hold, one pass over its characters. */
export function nodeUpperBound(text: string): number {
  let separators = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // , \n [ { :
    if (c === 44 || c === 10 || c === 91 || c === 123 || c === 58) separators++;
  }
  return 2 * separators + 2;
}

/**
 * Where `text` passes `maxNodes` YAML nodes (scalars, sequences and mappings; an alias counts once), or
 * `undefined` when it stays within them. Cheap for ordinary files: the count runs only when a lexical
 * upper bound (every node needs a separator or an opening bracket) says the budget could be exceeded,
 * and it stops at the node over the limit. A file js-yaml cannot read is judged by that bound alone.
 */
export function nodeBudgetExceeded(text: string, maxNodes: number): { line: number; column: number } | undefined {
  if (!mayExceedNodes(text, maxNodes)) return undefined;
  try {
    jsyaml.loadAll(text, undefined, { schema: COUNTING_SCHEMA, listener: nodeCounter(maxNodes) });
    return undefined;
  } catch (error) {
    if (error instanceof NodeBudgetExceeded) return { line: error.line, column: error.column };
    return mayExceedNodes(text, 2 * maxNodes) ? { line: 1, column: 1 } : undefined;
  }
}

/** The finding for a file over its node budget. */
export function nodeBudgetProblem(file: string, at: { line: number; column: number }, maxNodes: number): Diagnostic {
  return {
    ruleId: 'yaml-node-limit',
    severity: 'error',
    message: `This file holds more than ${maxNodes} YAML values (passed here); it is not read, as a document this size is a resource-exhaustion attack or a generated dump.`,
    hint: 'Split it into several files (one entity per file is usual), or list the values in a placeholder file the entity points at. A large file meant as it is (a generated org file): raise catalog.maxFileBytes in gitops.config.yaml; the values a file may hold grow with it (100,000 per MiB).',
    file,
    range: { start: at, end: { line: at.line, column: at.column + 1 } },
  };
}

/** Thrown from js-yaml's listener to stop a parse as soon as a node opens deeper than the limit. */
class DepthExceeded extends Error {
  constructor(readonly line: number, readonly column: number) {
    super('YAML depth limit exceeded');
  }
}

/**
 * An upper bound on how deep `text` nests, from one pass over its characters without parsing: a block
 * level needs at least one more column of indentation (or of `- `/`? ` markers) than its parent, and a
 * flow level needs a `[` or `{`. So the widest line prefix plus the count of open brackets bounds it.
 */
function depthUpperBound(text: string): number {
  let brackets = 0;
  let widestPrefix = 0;
  let prefix = 0;
  let inPrefix = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      inPrefix = true;
      prefix = 0;
      continue;
    }
    // space, -, ?, tab
    if (inPrefix && (c === 32 || c === 45 || c === 63 || c === 9)) {
      if (++prefix > widestPrefix) widestPrefix = prefix;
      continue;
    }
    inPrefix = false;
    if (c === 91 || c === 123) brackets++;
  }
  return widestPrefix + brackets + 1;
}

/**
 * Where `text` nests deeper than `maxDepth` levels of mappings and sequences (the 1-based line and column
 * of the first node too deep), or `undefined` when it stays within them. Ordinary files pass on a lexical
 * bound alone; the rest are read by js-yaml, which stops at the first node too deep, so the check never
 * recurses further than `maxDepth` itself. A file js-yaml cannot read and the bound cannot clear is
 * judged too deep at its first line: its nesting cannot be told, and the parsers after this one recurse.
 */
export function depthExceeded(text: string, maxDepth: number): { line: number; column: number } | undefined {
  if (depthUpperBound(text) <= maxDepth) return undefined;
  let depth = 0;
  const listener = (event: string, state: { line: number; position: number; lineStart: number; kind?: string | null; result?: unknown }) => {
    if (event === 'open') {
      if (++depth > maxDepth) throw new DepthExceeded(state.line + 1, state.position - state.lineStart + 1);
    } else if (event === 'close') depth--;
  };
  try {
    // js-yaml stops at its own maxDepth (100 by default) before the listener sees the level over ours.
    jsyaml.loadAll(text, undefined, { schema: COUNTING_SCHEMA, listener, maxDepth: maxDepth + 2 } as jsyaml.LoadOptions);
    return undefined;
  } catch (error) {
    if (error instanceof DepthExceeded) return { line: error.line, column: error.column };
    return runningDepth(text) <= maxDepth ? undefined : { line: 1, column: 1 };
  }
}

/**
 * For a file js-yaml refuses: the widest line prefix plus the deepest run of open brackets outside quoted
 * strings and comments. Not exact for every broken file, but a bracket inside a description no longer counts.
 */
function runningDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let quote = 0;
  let widestPrefix = 0;
  let prefix = 0;
  let inPrefix = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      inPrefix = true;
      prefix = 0;
      if (quote === 39) quote = 0;
      continue;
    }
    if (inPrefix && (c === 32 || c === 45 || c === 63 || c === 9)) {
      widestPrefix = Math.max(widestPrefix, ++prefix);
      continue;
    }
    const tokenStart = inPrefix || i === 0 || [32, 44, 58, 91, 123].includes(text.charCodeAt(i - 1));
    inPrefix = false;
    if (quote) {
      if (quote === 34 && c === 92) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    // A quote opens a quoted scalar only where a token starts (`it's` is plain text).
    if ((c === 34 || c === 39) && tokenStart) quote = c;
    else if (c === 35 && (i === 0 || text.charCodeAt(i - 1) === 32)) {
      while (i + 1 < text.length && text.charCodeAt(i + 1) !== 10) i++;
    } else if (c === 91 || c === 123) deepest = Math.max(deepest, ++depth);
    else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return widestPrefix + deepest + 1;
}

/** The finding for a file nested deeper than its limit. */
export function depthLimitProblem(file: string, at: { line: number; column: number }, maxDepth: number): Diagnostic {
  return {
    ruleId: 'yaml-depth-limit',
    severity: 'error',
    message: `This file nests mappings or lists more than ${maxDepth} levels deep (passed here, or it cannot be read to tell); it is not linted, diffed or resolved, as the parsers that would read it recurse and a document this deep exhausts the runner.`,
    hint: 'Flatten the structure: move deep schemas under components/schemas and refer to them with a local $ref.',
    file,
    range: { start: at, end: { line: at.line, column: at.column + 1 } },
  };
}

/** Thrown from js-yaml's listener to stop at the first mapping over its key budget. */
class KeysExceeded extends Error {
  constructor(readonly line: number, readonly column: number, readonly keys: number) {
    super('YAML mapping key budget exceeded');
  }
}

/**
 * The keys one mapping may hold. `yaml` (Backstage's parser, uniqueKeys on) compares each new key of a
 * mapping with every earlier one (compose/util-map-includes), so one mapping of n keys costs n²/2
 * comparisons on the catalog's single thread at every refresh: 45,000 keys (440 KB) took 6.5 s, 20,000
 * keys 1.5 s; 5,000 keys about 0.1 s.
 */
export const MAX_MAPPING_KEYS = 5_000;

/**
 * Where `text` holds a mapping with more than `maxKeys` keys (the 1-based line and column where that
 * mapping starts, and how many keys it had when it passed), or `undefined`. Ordinary files pass on a
 * lexical bound (a key needs a separator before it, as in nodeUpperBound); the rest are read once by
 * js-yaml, linear in the keys, which stops at the first mapping over the budget. A file js-yaml cannot read
 * is judged by the bound alone, at its first line, when the bound is four times over (`yaml` would spend
 * the same time on it); `keys` is then that bound.
 */
export function mappingKeysExceeded(text: string, maxKeys: number = MAX_MAPPING_KEYS): { line: number; column: number; keys: number } | undefined {
  // As in mayExceedNodes: a text too short for that many separators (most catalog files) is never scanned.
  if (2 * text.length + 2 <= 2 * maxKeys || nodeUpperBound(text) <= 2 * maxKeys) return undefined;
  const open: { children: number; line: number; column: number }[] = [];
  const listener = (event: string, state: { line: number; position: number; lineStart: number; kind?: string | null }) => {
    if (event === 'open') {
      if (open.length > 0) open[open.length - 1].children++;
      open.push({ children: 0, line: state.line + 1, column: state.position - state.lineStart + 1 });
      return;
    }
    const node = open.pop();
    // A mapping's children are its keys and values, opened in turn.
    if (node && state.kind === 'mapping' && node.children > 2 * maxKeys) throw new KeysExceeded(node.line, node.column, Math.floor(node.children / 2));
  };
  try {
    jsyaml.loadAll(text, undefined, { schema: COUNTING_SCHEMA, listener, json: true } as jsyaml.LoadOptions);
    return undefined;
  } catch (error) {
    if (error instanceof KeysExceeded) return { line: error.line, column: error.column, keys: error.keys };
    // js-yaml refused it: only a file with room for four times the budget is refused unread (a syntax error
    // in an ordinary big file is the parse's to report).
    return nodeUpperBound(text) > 8 * maxKeys ? { line: 1, column: 1, keys: Math.floor(nodeUpperBound(text) / 2) } : undefined;
  }
}

/** The finding for a file holding a mapping over MAX_MAPPING_KEYS keys. */
export function mappingKeysProblem(file: string, at: { line: number; column: number; keys: number }, maxKeys: number = MAX_MAPPING_KEYS): Diagnostic {
  return {
    ruleId: 'yaml-node-limit',
    severity: 'error',
    message: `This mapping holds more than ${maxKeys} keys (${at.keys}); the file is not read. Backstage's YAML parser compares each key of a mapping with every earlier one, so a mapping this size holds the catalog's only thread for seconds at every refresh (45,000 keys: about 6.5 s).`,
    hint: 'Split the values into several files or entities, or keep them in a placeholder file read as text ($text).',
    file,
    range: { start: { line: at.line, column: at.column }, end: { line: at.line, column: at.column + 1 } },
  };
}

/** Thrown by affordableYaml: the text is over a bound `yaml` cannot read it within (`line`/`column` where). */
export class YamlBudgetError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = 'YamlBudgetError';
  }
}

/**
 * Throws YamlBudgetError when `text` is over any bound the `yaml` package cannot read it within: one mapping
 * of more than MAX_MAPPING_KEYS keys (`yaml` compares each key with every earlier one: 40,000 keys, 400 KB,
 * take it over a minute), more than `maxNodes` values, or nesting past MAX_DOCUMENT_DEPTH (it recurses per
 * level). Every `yaml` parse of a file a pull request writes that parseYaml (the gate's reader, which makes
 * these findings) does not guard calls this first; a caller that skips what it cannot read catches it.
 */
export function affordableYaml(text: string, maxNodes = 100_000): void {
  const wide = mappingKeysExceeded(text);
  if (wide) throw new YamlBudgetError(`it holds a mapping of more than ${MAX_MAPPING_KEYS} keys (${wide.keys}), which the YAML parser reads in time that grows with the square of the keys`, wide.line, wide.column);
  const over = nodeBudgetExceeded(text, maxNodes);
  if (over) throw new YamlBudgetError(`it holds more than ${maxNodes} YAML values`, over.line, over.column);
  const deep = depthExceeded(text, MAX_DOCUMENT_DEPTH);
  if (deep) throw new YamlBudgetError(`it nests mappings or lists more than ${MAX_DOCUMENT_DEPTH} levels deep`, deep.line, deep.column);
}
