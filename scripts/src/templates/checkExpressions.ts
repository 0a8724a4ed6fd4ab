import { createRequire } from 'node:module';
import { closest, distance } from 'fastest-levenshtein';
import type { Range, Severity } from '../diagnostic.ts';
import { isRecord } from '../load/loadCatalog.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { DECLARE_FILTER, DECLARE_GLOBAL, isKnownFilter, isKnownGlobal, isKnownTest } from './templateFilters.ts';
import type { TemplatingNames } from './scaffolderActions.ts';
import { templateSyntaxError } from './templateSyntax.ts';

const require = createRequire(import.meta.url);

/** One `${{ … }}` in template.yaml: where its value sits, its text with the delimiters, and its inside. */
export interface TemplateExpression {
  path: PathSegment[];
  text: string;
  expression: string;
}

export type ExpressionReport = (expression: TemplateExpression, ruleId: string, message: string, hint: string, severity?: Severity) => void;

/** Every `${{ … }}` in a value of template.yaml (a step, the output), with the path of the string holding it. */
export function* expressions(value: unknown, path: PathSegment[]): Generator<TemplateExpression> {
  if (typeof value === 'string') {
    for (const match of value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) yield { path, text: match[0], expression: match[1] };
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* expressions(item, [...path, i]);
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) yield* expressions(item, [...path, key]);
  }
}

// `parameters.x or …`, `parameters.x | default(…)`, `… if parameters.x …`, `parameters.x is defined`: absence is planned for.
const fallback = (name: string) => new RegExp(`parameters\\.${name}\\s+or\\b|parameters\\.${name}\\s*\\|\\s*(default|d)\\b|\\bif\\s+(not\\s+)?parameters\\.${name}\\b|parameters\\.${name}\\s+is\\s+(not\\s+)?(defined|undefined|none)\\b`);

/**
 * The checks of one expression of template.yaml: parameters it names that no page declares (an error
 * with the nearest declared name; a warning when the expression has a fallback, which then always
 * applies), steps it reads that have not run (`earlier`) or do not exist (`all`), and filters the
 * pinned renderer does not have (the runner then leaves the whole value as raw text).
 */
export function checkExpression(item: TemplateExpression, earlier: readonly string[], all: ReadonlySet<string>, declared: ReadonlySet<string>, report: ExpressionReport, extensions?: TemplatingNames): void {
  const { expression } = item;
  for (const name of new Set([...expression.matchAll(/parameters\.([A-Za-z_][A-Za-z0-9_]*)/g)].map(m => m[1]))) {
    if (declared.has(name)) continue;
    const near = declared.size ? closest(name, [...declared]) : undefined;
    const suggestion = near && distance(name, near) <= Math.max(2, Math.floor(name.length / 3)) ? ` Did you mean parameters.${near}?` : '';
    if (fallback(name).test(expression)) {
      report(item, 'template-unknown-parameter-fallback', `parameters.${name} is not declared in spec.parameters, so the form never asks for it and the fallback in ${item.text} always applies.${suggestion}`, 'Declare the parameter if users should choose it; otherwise write the fallback value directly.', 'warning');
    } else {
      report(item, 'template-unknown-parameter', `parameters.${name} is not declared in spec.parameters; it renders as empty.${suggestion}`, 'Declare the parameter or fix its name.');
    }
  }
  for (const match of expression.matchAll(/steps(?:\.([A-Za-z_][A-Za-z0-9_-]*)|\[\s*['"]([^'"]+)['"]\s*\])/g)) {
    const id = match[1] ?? match[2];
    if (!earlier.includes(id)) report(item, 'template-unknown-step', all.has(id) ? `steps.${id} is read before that step runs.` : `There is no step with id ${id}.`, 'Refer only to steps that come earlier.');
  }
  const { filters, tests, calls } = expressionNames(item.text);
  for (const name of filters) {
    if (!isKnownFilter(name, false, extensions)) report(item, 'template-unknown-filter', `Unknown template filter "${name}": the scaffolder cannot render ${item.text}, and passes the whole value on as raw text.`, `Use one of the scaffolder's filters (lower, replace, dump, parseRepoUrl, parseEntityRef, pick, projectSlug…), or compute the value in a parameter. ${DECLARE_FILTER}`);
  }
  for (const name of tests) {
    if (!isKnownTest(name)) report(item, 'template-unknown-test', `Unknown template test "${name}": the scaffolder cannot render ${item.text}, and passes the whole value on as raw text.`, "Use one of the renderer's tests (defined, undefined, none, string, number, divisibleby, eq, lt, gt…), or compare with ==, < or in.");
  }
  for (const name of calls) {
    if (!isKnownGlobal(name, false, extensions)) report(item, 'template-unknown-function', `${name}() is no function the scaffolder's renderer knows: it cannot render ${item.text}, and passes the whole value on as raw text.`, `Compute the value in a parameter or an earlier step, or use range, cycler or joiner. ${DECLARE_GLOBAL}`);
  }
}

/**
 * The filters an expression applies, the tests it asks (`x is …`) and the names it calls as functions
 * that the expression does not bind itself, read with nunjucks' parser (the Jinja grammar Nunjitsu keeps).
 */
function expressionNames(text: string): { filters: string[]; tests: string[]; calls: string[] } {
  // Only a pipe, `is` or a parenthesis can make one of these: most expressions need neither nunjucks nor a parse.
  if (!/[|(]|\bis\b/.test(text)) return { filters: [], tests: [], calls: [] };
  const { parser } = require('nunjucks');
  let ast: unknown;
  try {
    ast = parser.parse(text, [], { tags: { variableStart: '${{', variableEnd: '}}' } });
  } catch {
    return { filters: [], tests: [], calls: [] };
  }
  type Node = { typename?: string; name?: Node; value?: unknown; right?: Node; targets?: unknown[]; args?: Node; fields?: string[]; children?: unknown[]; [key: string]: unknown };
  const filters = new Set<string>();
  const tests = new Set<string>();
  const calls = new Set<string>();
  const bound = new Set<string>(['caller']);
  const testCalls = new Set<unknown>();
  const symbols = (n: unknown): string[] => {
    const node = n as Node | undefined;
    if (!node || typeof node !== 'object') return [];
    if (node.typename === 'Symbol') return [String(node.value)];
    return (node.children ?? []).flatMap(symbols);
  };
  // Not past Nunjitsu's own nesting limit (512): a chain of thousands of filters must not overflow the stack.
  // Each node once: a NodeList holds its children both as a field and as `children`.
  const seen = new Set<unknown>();
  const walk = (node: unknown, depth = 0): void => {
    if (!node || typeof node !== 'object' || depth > 1500 || seen.has(node)) return;
    seen.add(node);
    const n = node as Node;
    if (n.typename === 'Filter' && typeof n.name?.value === 'string') filters.add(n.name.value);
    if (n.typename === 'Is' && n.right) {
      if (n.right.typename === 'FunCall') testCalls.add(n.right);
      const name = n.right.typename === 'Symbol' ? n.right.value : n.right.name?.typename === 'Symbol' ? n.right.name.value : undefined;
      if (typeof name === 'string') tests.add(name);
    }
    if (n.typename === 'FunCall' && !testCalls.has(n) && n.name?.typename === 'Symbol' && typeof n.name.value === 'string') calls.add(n.name.value);
    if (n.typename === 'Set') (n.targets ?? []).flatMap(symbols).forEach(name => bound.add(name));
    if (n.typename === 'For' || n.typename === 'Macro') symbols(n.name).forEach(name => bound.add(name));
    if (n.typename === 'Macro' || n.typename === 'Caller') symbols(n.args).forEach(name => bound.add(name));
    for (const field of n.fields ?? []) (Array.isArray(n[field]) ? (n[field] as unknown[]) : [n[field]]).forEach(child => walk(child, depth + 1));
    n.children?.forEach(child => walk(child, depth + 1));
  };
  walk(ast);
  return { filters: [...filters], tests: [...tests], calls: [...calls].filter(name => !bound.has(name) && name !== 'super') };
}

/**
 * Reports (rule template-expression-syntax) each string of `value` that the scaffolder's renderer cannot
 * parse. `value` is what NunjucksWorkflowRunner renders, string leaf by string leaf (keys are not): a
 * step's `input`, `if` or `each`, or `spec.output`; `path` is where it sits. A render error there is
 * swallowed and the raw string passed on, so the finding says what that does: an `if` is a non-empty
 * string (true: the step always runs, the output link or text is always shown), an `each` is no array
 * (the step fails), anything else reaches the action or the output as literal text. The finding is
 * about the `${{ … }}` the parser stopped in, or the whole string when it stopped outside one (an
 * unclosed `{% if %}`). Strings with neither `${{` nor `{%` are not judged: their author meant no
 * template, and passing them on raw (a shell `${#arr[@]}`) is what they expect.
 */
export function checkExpressionSyntax(value: unknown, path: PathSegment[], report: ExpressionReport): void {
  for (const [source, at] of strings(value, path)) {
    if (!/\$\{\{|\{%/.test(source)) continue;
    const error = templateSyntaxError(source);
    if (!error) continue;
    const lines = source.split('\n');
    const offset = lines.slice(0, error.line - 1).reduce((sum, line) => sum + line.length + 1, 0) + error.column - 1;
    const match = [...source.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].find(m => m.index <= offset && offset < m.index + m[0].length);
    const item: TemplateExpression = match ? { path: at, text: match[0], expression: match[1] } : { path: at, text: source, expression: source };
    const quoted = item.text.length > 120 ? `${item.text.slice(0, 117)}…` : item.text;
    const hint = match
      ? "Write the expression in the scaffolder's template language (Nunjucks): `or`, `and`, `not` instead of `||`, `&&`, `!`; `a if cond else b` instead of `cond ? a : b`; `==`, `!=` compare and `~` joins strings."
      : 'Close every {% … %} block with its end tag and every ${{ with }}; wrap text that only looks like a tag in {% raw %}…{% endraw %}.';
    report(item, 'template-expression-syntax', `The scaffolder cannot parse ${match ? quoted : 'this value'} (${error.reason}): it passes the raw text on, so ${consequence(at)}.`, hint);
  }
}

/** What Backstage does with the raw string it passes on at `path` (see checkExpressionSyntax). */
function consequence(path: PathSegment[]): string {
  const last = path[path.length - 1];
  if (path[1] === 'steps' && path.length === 4 && last === 'if') return 'the condition is a non-empty string, which is true: this step always runs';
  if (path[1] === 'steps' && path.length === 4 && last === 'each') return 'each is a string, not an array or object: the step fails';
  if (path[1] === 'output' && last === 'if') return 'the condition is a non-empty string, which is true: this entry is always shown';
  return path[1] === 'output' ? 'the output shows the literal text' : 'the action receives the literal text';
}

/** Every string leaf of a YAML value with its path, as the runner's JSON reviver visits them. */
function* strings(value: unknown, path: PathSegment[]): Generator<[string, PathSegment[]]> {
  if (typeof value === 'string') yield [value, path];
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* strings(item, [...path, i]);
  else if (isRecord(value)) for (const [key, item] of Object.entries(value)) yield* strings(item, [...path, key]);
}

/**
 * The range of `needle` inside the YAML value at `within` (a block scalar's own line and column, not
 * the `|`), found in the file's text; `within` itself when the value does not hold it verbatim
 * (escapes, folding, or a value a placeholder brought in).
 */
export function rangeOfText(text: string, within: Range, needle: string): Range {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const offset = (line: number, column: number) => (lineStarts[line - 1] ?? text.length) + column - 1;
  const start = offset(within.start.line, within.start.column);
  const end = offset(within.end.line, within.end.column);
  const at = text.slice(start, Math.max(end, start)).indexOf(needle);
  if (at < 0) return within;
  const position = (absolute: number) => {
    let line = lineStarts.length;
    while (lineStarts[line - 1] > absolute) line--;
    return { line, column: absolute - lineStarts[line - 1] + 1 };
  };
  return { start: position(start + at), end: position(start + at + needle.length) };
}
