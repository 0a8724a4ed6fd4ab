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
  // JSONPath.prototype._eval's rewrite of the @ names, in its order.
  const script = code.replaceAll('@parentProperty', '_$_parentProperty').replaceAll('@parent', '_$_parent').replaceAll('@property', '_$_property').replaceAll('@root', '_$_root').replaceAll(/@([.\s)[])/gu, '_$_v$1').replaceAll('@path', '_$_path');
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
