import jsyaml from 'js-yaml';
import type { Diagnostic } from '../diagnostic.ts';
import { YAML_12_CORE } from './yamlSchema.ts';

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
  let separators = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // , \n [ { :
    if (c === 44 || c === 10 || c === 91 || c === 123 || c === 58) separators++;
  }
  return 2 * separators + 2 > maxNodes;
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
    hint: 'Split it into several files (one entity per file is usual), or list the values in a placeholder file the entity points at.',
    file,
    range: { start: at, end: { line: at.line, column: at.column + 1 } },
  };
}
