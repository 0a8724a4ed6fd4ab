import { createRequire } from 'node:module';

interface JsepNode {
  type: string;
  name?: string;
  computed?: boolean;
  [key: string]: unknown;
}

interface JsonPathPlus {
  toPathArray(path: string): string[];
  prototype: { safeVm: { Script: new (code: string) => { ast: JsepNode } } };
}

const require = createRequire(import.meta.url);
let jsonPath: JsonPathPlus | undefined;

/**
 * jsonpath-plus as json-rules-engine loads it (the copy its Almanac requires), loaded on first use: a
 * scorecards/ tree without any `path` never pays for it.
 */
function jsonPathPlus(): JsonPathPlus {
  jsonPath ??= (createRequire(require.resolve('json-rules-engine'))('jsonpath-plus') as { JSONPath: JsonPathPlus }).JSONPath;
  return jsonPath;
}

// What jsonpath-plus's safe evaluator (SafeEval.evalAst) can evaluate; any other node throws "Unexpected expression".
const EVALUATED = new Set(['BinaryExpression', 'LogicalExpression', 'Compound', 'ConditionalExpression', 'Identifier', 'Literal', 'MemberExpression', 'UnaryExpression', 'ArrayExpression', 'CallExpression', 'AssignmentExpression']);
// The names JSONPath.prototype._eval defines for a script (@, @root, @parent, @property, @parentProperty, @path):
// json-rules-engine passes no sandbox, so any other name throws "<name> is not defined".
const DEFINED = new Set(['_$_v', '_$_root', '_$_parent', '_$_property', '_$_parentProperty', '_$_path']);
const SHORTHANDS = /_\$_(v|root|parent|property|parentProperty|path)/g;
const SHORTHAND_NAMES: Record<string, string> = { v: '@', root: '@root', parent: '@parent', property: '@property', parentProperty: '@parentProperty', path: '@path' };

/**
 * Why jsonpath-plus would throw on a condition's `path` (or a fact-to-fact value's), or undefined when it
 * would not. json-rules-engine's Almanac (7.x) reads an object fact at a path with
 * `JSONPath({ path, json, wrap: false })`, eval 'safe', no sandbox, no otherTypeCallback, and lets what it
 * throws fail the rule, so Tech Insights fails the entity. It throws only where the walk reaches a filter
 * `[?(…)]`, a script `[(…)]` or `@other()`: a fact without the key before it passes, and the check breaks
 * on the first entity that has it. So each such part is judged as jsonpath-plus judges it when reached:
 * split with its own JSONPath.toPathArray, each script rewritten as its _eval rewrites it and parsed with
 * its own safe Script (jsep), and the parsed expression walked for what SafeEval refuses (a node it cannot
 * evaluate, a name _eval does not define). Takes the path as written; returns one sentence, or undefined.
 */
export function jsonPathProblem(path: string): string | undefined {
  const JSONPath = jsonPathPlus();
  for (const part of JSONPath.toPathArray(path)) {
    const problem = partProblem(JSONPath, part);
    if (problem) return problem;
  }
  return undefined;
}

// Methods a script may call: each costs time and memory in proportion to its receiver and arguments, takes
// no count (repeat, padStart, padEnd) and no pattern (match, replace, split, search).
const LINEAR_METHODS = new Set(['includes', 'startsWith', 'endsWith', 'indexOf', 'lastIndexOf', 'toLowerCase', 'toUpperCase', 'trim', 'trimStart', 'trimEnd', 'at', 'charAt']);

/**
 * Why a `path`'s scripts (filters `[?(…)]`, scripts `[(…)]`) could cost more than reading the fact, or
 * undefined when they cannot. jsonpath-plus's safe evaluator calls any method a value has and runs regex
 * literals, with no budget: `/(a+)+$/.test(@.x)` backtracks exponentially, `@.x.repeat(5e8).toUpperCase()`
 * takes a gigabyte and seconds, and `y = @.x, y = y + y, …` doubles a value per step. Tech Insights runs each
 * script on every entity's fact on the backend's one thread, and the gate runs the same scripts on its cases
 * and the catalog's facts; so a script may use only what costs at most the size of what it reads: names,
 * literals (no regex), members, operators and LINEAR_METHODS calls, no assignment; and a path may descend
 * recursively (`..`) once: a second descent per node the first reached costs the fact's size squared, a third
 * cubed (no script needed). Takes the path as written
 * (one that does not split or parse is jsonPathProblem's); returns one sentence, or undefined.
 */
export function unboundedJsonPath(path: string): string | undefined {
  const JSONPath = jsonPathPlus();
  let parts: string[];
  try {
    parts = JSONPath.toPathArray(path);
  } catch {
    return undefined;
  }
  // Each `..` after another walks the whole subtree of every node the first one reached: `$..*..*..*` reads a
  // 200-level chain (a few kilobytes of fact) 1.3 million times, in 85 s; one more `..` multiplies again.
  const scans = parts.filter(part => part === '..').length;
  if (scans > 1) return `it holds ${scans} recursive descents (..): each one after the first walks the whole subtree of every node the one before reached, so the cost grows as the fact's size to the power of their number`;
  for (const part of parts) {
    const found = unboundedPart(JSONPath, part);
    if (found) return found;
  }
  return undefined;
}

function unboundedPart(JSONPath: JsonPathPlus, part: string): string | undefined {
  let code: string;
  if (part.startsWith('?(')) {
    code = part.replace(/^\?\((.*?)\)$/u, '$1');
    // A filter holding a nested filter: jsonpath-plus's _trace runs the nested one (as partProblem reads it).
    const nested = /@.?([^?]*)[['](\??\(.*?\))(?!.\)\])[\]']/gu.exec(code);
    if (nested) return unboundedPart(JSONPath, nested[2]);
  } else if (part.startsWith('(')) code = part;
  else return undefined;
  let ast: JsepNode;
  try {
    ast = new JSONPath.prototype.safeVm.Script(rewriteShorthands(code)).ast;
  } catch {
    return undefined;
  }
  // A pattern first: it is the cause even where a call (`/…/.test(@.x)`) holds it.
  const pattern = walk(ast, node => (node.type === 'Literal' && node.value instanceof RegExp ? `the regular expression ${shown(String(node.raw ?? node.value))} in \`${shown(code)}\` runs without a bound (a backtracking pattern stalls on one crafted value)` : undefined));
  return pattern ?? walk(ast, node => {
    if (node.type === 'AssignmentExpression' || node.type === 'UpdateExpression') return `\`${shown(code)}\` assigns a name, so a value can double at each step`;
    if (node.type !== 'CallExpression') return undefined;
    const callee = node.callee as JsepNode | undefined;
    const method = callee?.type === 'MemberExpression' && !callee.computed ? (callee.property as JsepNode | undefined)?.name : undefined;
    if (method !== undefined && LINEAR_METHODS.has(method)) return undefined;
    return `\`${shown(code)}\` calls ${method ? `\`${shown(method)}\`` : 'a computed function'}, which can cost far more than the value it reads (only ${[...LINEAR_METHODS].join(', ')} are bounded)`;
  });
}

/** JSONPath.prototype._eval's rewrite of the @ names, in its order. */
function rewriteShorthands(code: string): string {
  return code.replaceAll('@parentProperty', '_$_parentProperty').replaceAll('@parent', '_$_parent').replaceAll('@property', '_$_property').replaceAll('@root', '_$_root').replaceAll(/@([.\s)[])/gu, '_$_v$1').replaceAll('@path', '_$_path');
}

function partProblem(JSONPath: JsonPathPlus, part: string): string | undefined {
  if (part === '@other()') return '`@other()` needs an otherTypeCallback, which json-rules-engine does not give';
  if (part.startsWith('?(')) {
    const code = part.replace(/^\?\((.*?)\)$/u, '$1');
    // jsonpath-plus's _trace: a filter holding a nested filter traces the nested one instead of evaluating it.
    const nested = /@.?([^?]*)[['](\??\(.*?\))(?!.\)\])[\]']/gu.exec(code);
    return nested ? partProblem(JSONPath, nested[2]) : scriptProblem(JSONPath, code);
  }
  return part.startsWith('(') ? scriptProblem(JSONPath, part) : undefined;
}

function scriptProblem(JSONPath: JsonPathPlus, code: string): string | undefined {
  const script = rewriteShorthands(code);
  let ast: JsepNode;
  try {
    ast = new JSONPath.prototype.safeVm.Script(script).ast;
  } catch (error) {
    return `the script \`${shown(code)}\` does not parse (${String((error as Error).message ?? error).slice(0, 160).replace(SHORTHANDS, (_, n: string) => SHORTHAND_NAMES[n])})`;
  }
  const assigned = new Set<string>();
  const refused = walk(ast, node => {
    if (node.type === 'AssignmentExpression' && (node.left as JsepNode)?.type === 'Identifier') assigned.add((node.left as JsepNode).name!);
  }) ?? walk(ast, node => {
    if (!EVALUATED.has(node.type)) return `jsonpath-plus's safe evaluator cannot evaluate ${node.type === 'ThisExpression' ? '`this`' : `a ${node.type}`} in \`${shown(code)}\``;
    if (node.type === 'AssignmentExpression' && (node.left as JsepNode)?.type !== 'Identifier') return `\`${shown(code)}\` assigns to something other than a name, which jsonpath-plus's safe evaluator refuses ("Invalid left-hand side in assignment"); compare with == or ===`;
    if (node.type === 'Identifier' && !DEFINED.has(node.name!) && !assigned.has(node.name!)) return `\`${shown(node.name!)}\` in \`${shown(code)}\` is not defined (a script knows @, @root, @parent, @property, @parentProperty and @path; quote a text value)`;
    return undefined;
  });
  return refused;
}

/** A script as a message quotes it: its first 80 characters. */
function shown(code: string): string {
  return code.length > 80 ? `${code.slice(0, 80)}…` : code;
}

/**
 * Visits an expression's nodes in order (a non-computed member's property is a name, not a variable, and
 * is skipped); returns the first thing `visit` returns.
 */
function walk(node: JsepNode, visit: (node: JsepNode) => string | undefined | void): string | undefined {
  const found = visit(node);
  if (found) return found;
  for (const [key, child] of Object.entries(node)) {
    if (node.type === 'MemberExpression' && key === 'property' && !node.computed) continue;
    for (const item of Array.isArray(child) ? child : [child]) {
      if (item && typeof item === 'object' && typeof (item as JsepNode).type === 'string') {
        const inner = walk(item as JsepNode, visit);
        if (inner) return inner;
      }
    }
  }
  return undefined;
}
