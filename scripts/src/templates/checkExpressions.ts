import { createRequire } from 'node:module';
import { OWN_PARAMETERS } from './ownParameters.ts';
import { closest, distance } from 'fastest-levenshtein';
import type { Range, Severity } from '../diagnostic.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { boundedText } from '../report/safeText.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { declareFilter, isKnownFilter, isKnownTest } from './templateFilters.ts';
import type { TemplatingNames } from './scaffolderActions.ts';
import { templateSyntaxError } from './templateSyntax.ts';
import { callScope, type CallEnvironment, type CallScope, type TemplateNode, type UnresolvedCall, unresolvedCall } from './unresolvedCall.ts';

const require = createRequire(import.meta.url);

/** One `${{ … }}` in template.yaml: where its value sits, its text with the delimiters, its inside, and the whole string holding it. */
export interface TemplateExpression {
  path: PathSegment[];
  text: string;
  expression: string;
  /** The string value the expression is part of (its `{% set %}` and `{% for %}` bind names the expression uses); `text` when absent. */
  source?: string;
  /** How many expressions of the same text come before it in `source` (0 for the first): which one a finding is about. */
  occurrence?: number;
}

/**
 * Reports a finding about one expression; `at`, when given, is the 1-based line and column inside
 * `expression.text` the finding is about (a call's name), else the finding is about the whole expression.
 */
export type ExpressionReport = (expression: TemplateExpression, ruleId: string, message: string, hint: string, severity?: Severity, at?: { line: number; column: number }) => void;

/**
 * Every `${{ … }}` of `text`, left to right, as `/\$\{\{([\s\S]*?)\}\}/g` matches them (each from a `${{` to
 * the first `}}` after it), found with indexOf in one pass: that pattern rescans the rest of the text from
 * every `${{` that has no `}}` after it, so a value of 100,000 `${{` took minutes. Takes any text; returns
 * each match's index, whole text and inner expression. Pure.
 */
export function expressionMatches(text: string): { index: number; text: string; inner: string }[] {
  const found: { index: number; text: string; inner: string }[] = [];
  for (let at = text.indexOf('${{'); at >= 0; ) {
    const end = text.indexOf('}}', at + 3);
    // No `}}` after this `${{`: none after any later one either.
    if (end < 0) break;
    found.push({ index: at, text: text.slice(at, end + 2), inner: text.slice(at + 3, end) });
    at = text.indexOf('${{', end + 2);
  }
  return found;
}

/** `text` with each `${{ … }}` (as expressionMatches finds them) replaced by `by`. Pure. */
export function replaceExpressions(text: string, by: string): string {
  let out = '';
  let from = 0;
  for (const match of expressionMatches(text)) {
    out += text.slice(from, match.index) + by;
    from = match.index + match.text.length;
  }
  return out + text.slice(from);
}

/** Every `${{ … }}` in a value of template.yaml (a step, the output), with the path of the string holding it. */
export function* expressions(value: unknown, path: PathSegment[]): Generator<TemplateExpression> {
  if (typeof value === 'string') {
    const seen = new Map<string, number>();
    for (const match of expressionMatches(value)) {
      const occurrence = seen.get(match.text) ?? 0;
      seen.set(match.text, occurrence + 1);
      yield { path, text: match.text, expression: match.inner, source: value, occurrence };
    }
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* expressions(item, [...path, i]);
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) yield* expressions(item, [...path, key]);
  }
}

/**
 * Every `{{ parameters.… }}` (or steps, secrets, user, each, context) with the $ left out, in a value of
 * template.yaml: the workflow runner renders `${{ … }}` only, so it passes the braces on as text (an input
 * gets the literal string, an output link or text shows it). Inside `{% raw %}` the braces are meant. Takes
 * a value and its path; yields each as an expression item (its text and inside bounded) for the report.
 */
export function* literalBraces(value: unknown, path: PathSegment[]): Generator<TemplateExpression> {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return;
    const raw = [...value.matchAll(/\{%-?\s*(raw|verbatim)\s*-?%\}[\s\S]*?(\{%-?\s*end\1\s*-?%\}|$)/g)].map(m => [m.index, m.index + m[0].length]);
    const seen = new Map<string, number>();
    for (const match of value.matchAll(/(?<![$\{])\{\{-?\s*((?:parameters|steps|secrets|user|each|context|environment)\b[^}\n]{0,200}?)\s*-?\}\}/g)) {
      if (raw.some(([from, to]) => match.index >= from && match.index < to)) continue;
      const occurrence = seen.get(match[0]) ?? 0;
      seen.set(match[0], occurrence + 1);
      yield { path, text: match[0], expression: match[1], source: value, occurrence };
    }
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* literalBraces(item, [...path, i]);
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) yield* literalBraces(item, [...path, key]);
  }
}

/**
 * The 1-based line and column within `item.text` of an offset into its inner expression, for a report at
 * that place; undefined when the text does not hold the expression as `${{`, then the expression.
 */
function placeInText(item: TemplateExpression, offset: number): { line: number; column: number } | undefined {
  if (!item.text.startsWith('${{') || item.text.indexOf(item.expression, 3) !== 3) return undefined;
  const before = item.text.slice(0, 3 + offset);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: before.length - lastBreak };
}

/** The `parameters.<name>` an expression reads (each match, its name in group 1), not `environment.parameters` nor `x.parameters`. */
export function parameterReferences(expression: string): RegExpExecArray[] {
  return [...expression.matchAll(new RegExp(String.raw`${OWN_PARAMETERS}\.([A-Za-z_][A-Za-z0-9_]*)`, 'g'))];
}

/** How a template marks a parameter that no form field asks for as given by its caller on purpose. */
export const PASSED_ON_PURPOSE = "If a caller passes it on purpose (a link with ?formData=, another plugin or automation through POST /api/scaffolder/v2/tasks), declare it on a page with 'ui:widget': hidden (the form keeps the value it is given without showing the field, and the backend then validates it), or give it a value in a test case's values (tests/*.yaml beside the template): it is then taken as passed.";

// `parameters.x or …`, `parameters.x | default(…)`, `… if parameters.x …`, `parameters.x is defined`: absence is planned for.
const fallback = (name: string) => new RegExp(`${OWN_PARAMETERS}\\.${name}\\s+or\\b|${OWN_PARAMETERS}\\.${name}\\s*\\|\\s*(default|d)\\b|\\bif\\s+(not\\s+)?${OWN_PARAMETERS}\\.${name}\\b|${OWN_PARAMETERS}\\.${name}\\s+is\\s+(not\\s+)?(defined|undefined|none)\\b`);

/**
 * The checks of one expression of template.yaml: parameters it names that no page declares (an error
 * with the nearest declared name; a warning when the expression has a fallback, which then always
 * applies), steps it reads that have not run (`earlier`) or do not exist (`all`), filters and tests the
 * pinned renderer does not have, and calls the workflow renderer cannot make (unresolvedCall, reported at
 * the call; `parameterKinds`: what each parameter's declared type allows): the runner then leaves the
 * whole value as raw text.
 */
export function checkExpression(item: TemplateExpression, earlier: readonly string[], all: ReadonlySet<string>, declared: ReadonlySet<string>, report: ExpressionReport, extensions?: TemplatingNames, parameterKinds?: ReadonlyMap<string, readonly string[]>, outputs?: ReadonlyMap<string, StepOutputs>): void {
  const { expression } = item;
  const references = parameterReferences(expression);
  for (const name of new Set(references.map(m => m[1]))) {
    if (declared.has(name)) continue;
    // At the reference itself (its first), within item.text: `${{` and the inner expression.
    const at = placeInText(item, references.find(m => m[1] === name)!.index);
    const near = declared.size ? closest(name, [...declared]) : undefined;
    const suggestion = near && distance(name, near) <= Math.max(2, Math.floor(name.length / 3)) ? ` Did you mean parameters.${near}?` : '';
    if (fallback(name).test(expression)) {
      report(item, 'template-unknown-parameter-fallback', `parameters.${name} is not declared in spec.parameters, so the form never asks for it and the fallback in ${item.text} always applies.${suggestion}`, 'Declare the parameter if users should choose it; otherwise write the fallback value directly.', 'warning', at);
    } else {
      report(item, 'template-unknown-parameter', `parameters.${name} is not declared in spec.parameters, so the form never asks for it: it renders as empty unless a caller passes it, in the URL's ?formData= or in the values of POST /api/scaffolder/v2/tasks (the backend validates only the declared pages and lets other keys through).${suggestion}`, suggestion ? `Fix its name, or declare the parameter. ${PASSED_ON_PURPOSE}` : `Declare the parameter or fix its name. ${PASSED_ON_PURPOSE}`, 'error', at);
    }
  }
  // spec.output is rendered after every step succeeded: a step or output it cannot find renders as nothing
  // (undefined), and the runner still marks the task completed (NunjucksWorkflowRunner, scaffolder-backend 4.2.0).
  const inOutput = item.path[0] === 'spec' && item.path[1] === 'output';
  const outcome = inOutput ? ' Backstage still completes the task, but this value of the output renders as nothing (a link loses its url, a text its content).' : '';
  for (const match of expression.matchAll(/steps(?:\.([A-Za-z_][A-Za-z0-9_-]*)|\[\s*['"]([^'"]+)['"]\s*\])/g)) {
    const id = match[1] ?? match[2];
    if (!earlier.includes(id)) report(item, 'template-unknown-step', all.has(id) ? `steps.${id} is read before that step runs.` : `There is no step with id ${boundedText(id, 80)}.${outcome}`, inOutput ? 'Refer to the id of a step of spec.steps.' : 'Refer only to steps that come earlier.', inOutput ? 'warning' : 'error');
  }
  if (outputs) for (const finding of unknownOutputs(expression, earlier, outputs)) report(item, 'template-unknown-output', `${finding.message}${inOutput ? ' Backstage still completes the task.' : ''}`, finding.hint, inOutput ? 'warning' : 'error');
  const { filters, tests, calls } = expressionNames(item, extensions, parameterKinds);
  for (const name of filters) {
    if (!isKnownFilter(name, false, extensions)) report(item, 'template-unknown-filter', `Unknown template filter "${boundedText(name, 80)}": the scaffolder cannot render ${item.text}, and passes the whole value on as raw text.`, `Use one of the scaffolder's filters (lower, replace, dump, parseRepoUrl, parseEntityRef, pick, projectSlug…), or compute the value in a parameter. ${declareFilter(name)}`);
  }
  for (const name of tests) {
    if (!isKnownTest(name)) report(item, 'template-unknown-test', `Unknown template test "${name}": the scaffolder cannot render ${item.text}, and passes the whole value on as raw text.`, "Use one of the renderer's tests (defined, undefined, none, string, number, divisibleby, eq, lt, gt…), or compare with ==, < or in.");
  }
  for (const call of calls) {
    const quoted = item.text.length > 120 ? `${item.text.slice(0, 117)}…` : item.text;
    report(item, 'template-unknown-function', `${call.message} The scaffolder then cannot render ${quoted}, and passes the whole value on as raw text.`, call.hint, 'error', { line: call.at.lineno + 1, column: call.at.colno + 1 });
  }
}

/** The outputs the action(s) of one step id declare in their output schema, and which actions those are. */
export interface StepOutputs {
  actions: readonly string[];
  names: readonly string[];
}

/**
 * The output names of each step id, from its action's own output schema (publish:github: remoteUrl,
 * repoContentsUrl, commitHash). Takes the steps and the known actions; returns only ids whose every step
 * has an action that declares a closed list of outputs (properties, no patternProperties, no open
 * additionalProperties): catalog:register, fetch:template and any action without an output schema emit
 * what they like, so their outputs are not judged. The runner keeps whatever the handler emits
 * (ctx.output), and a dry-run gives a skipped step exactly its schema's properties (generateExampleOutput).
 */
export function declaredStepOutputs(steps: readonly Record<string, unknown>[], idOf: (step: Record<string, unknown>, i: number) => string | undefined, actions: ReadonlyMap<string, { outputSchema?: object }>): Map<string, StepOutputs> {
  const found = new Map<string, StepOutputs | null>();
  steps.forEach((step, i) => {
    const id = idOf(step, i);
    if (id === undefined || found.get(id) === null) return;
    const action = typeof step?.action === 'string' ? step.action : undefined;
    const names = action === undefined ? undefined : closedOutputs(actions.get(action)?.outputSchema);
    const known = found.get(id);
    found.set(id, names === undefined ? null : { actions: [...new Set([...(known?.actions ?? []), action!])], names: [...new Set([...(known?.names ?? []), ...names])] });
  });
  return new Map([...found].filter((entry): entry is [string, StepOutputs] => entry[1] !== null));
}

function closedOutputs(schema: object | undefined): string[] | undefined {
  if (!isRecord(schema) || !isRecord(schema.properties) || schema.patternProperties !== undefined) return undefined;
  if (schema.additionalProperties === true || isRecord(schema.additionalProperties)) return undefined;
  const names = Object.keys(schema.properties);
  return names.length ? names : undefined;
}

/**
 * `steps.<id>.output.<name>` (or `steps['id'].output['name']`) where the step's action declares no such
 * output: the runner finds nothing there and the value renders empty (an input key so rendered is
 * dropped, a link loses its url). Reads only steps that have run by then (`earlier`); the rest are
 * template-unknown-step's.
 */
function unknownOutputs(expression: string, earlier: readonly string[], outputs: ReadonlyMap<string, StepOutputs>): { message: string; hint: string }[] {
  const found: { message: string; hint: string }[] = [];
  const seen = new Set<string>();
  const name = String.raw`(?:\.([A-Za-z_$][A-Za-z0-9_$]*)|\[\s*['"]([^'"]+)['"]\s*\])`;
  for (const match of expression.matchAll(new RegExp(String.raw`steps${name}\s*\.\s*output\s*${name}`, 'g'))) {
    const id = match[1] ?? match[2];
    const output = match[3] ?? match[4];
    const declared = outputs.get(id);
    if (!declared || !earlier.includes(id) || declared.names.includes(output) || seen.has(`${id}\n${output}`)) continue;
    seen.add(`${id}\n${output}`);
    const near = closest(output, [...declared.names]);
    const meant = distance(output.toLowerCase(), near.toLowerCase()) <= Math.max(2, Math.floor(output.length / 3)) ? near : undefined;
    // An id with a dash is read as subtraction after a dot: the way to name it is the one to show.
    const step = /^[A-Za-z_][A-Za-z0-9_]*$/.test(id) ? `.${id}` : `[${JSON.stringify(boundedText(id, 100))}]`;
    found.push({
      message: `steps${step}.output.${boundedText(output, 100)} is not an output of ${declared.actions.join(' or ')}, so it renders as nothing (its outputs: ${declared.names.join(', ')}).${meant ? ` Did you mean steps${step}.output.${meant}?` : ''}`,
      hint: meant ? `Write steps${step}.output.${meant}.` : `Read one of the outputs the action declares (${declared.names.join(', ')}).`,
    });
  }
  return found;
}

// What NunjucksWorkflowRunner renders template.yaml with: its context's names (secrets and each where a
// step has them), whose values' kinds are known only when the task runs.
const WORKFLOW: CallEnvironment = { renderer: 'workflow', contextNames: new Set(['parameters', 'steps', 'user', 'context', 'environment', 'secrets', 'each']) };
const EVERY_NODE = { has: () => true };
// The scope of the string the last judged expression was part of (undefined: it does not parse).
let outerScope: { source: string; scope: (CallScope & { inLoop: ReadonlySet<unknown>; inMacro: ReadonlySet<unknown> }) | undefined } | undefined;

/**
 * The filters an expression applies, the tests it asks (`x is …`) and the calls the renderer cannot make
 * (unresolvedCall, in the workflow runner's environment with the deployment's `extensions`), read with nunjucks' parser (the Jinja grammar
 * Nunjitsu keeps). The names the rest of its string binds (`{% set x = … %}${{ x.split(',') }}`) count as
 * bound; a loop or macro there counts as around the expression. A string that does not parse is
 * template-expression-syntax's: no call of it is judged.
 */
function expressionNames(item: TemplateExpression, extensions?: TemplatingNames, parameterKinds?: ReadonlyMap<string, readonly string[]>): { filters: string[]; tests: string[]; calls: UnresolvedCall[] } {
  const { text } = item;
  // Only a pipe, `is` or a parenthesis can make one of these: most expressions need neither nunjucks nor a parse.
  if (!/[|(]|\bis\b/.test(text)) return { filters: [], tests: [], calls: [] };
  const { parser } = require('nunjucks');
  const tags = { variableStart: '${{', variableEnd: '}}' };
  let ast: unknown;
  try {
    ast = parser.parse(text, [], { tags });
  } catch {
    return { filters: [], tests: [], calls: [] };
  }
  type Node = TemplateNode & { name?: Node; value?: unknown; right?: Node };
  const filters = new Set<string>();
  const tests = new Set<string>();
  let scope: CallScope = callScope(ast, WORKFLOW.contextNames);
  let judgeCalls = true;
  if (item.source !== undefined && item.source !== text && item.source.includes('{%')) {
    // The expressions of one string come one after another: its scope is computed once, not once per expression.
    if (outerScope?.source !== item.source) {
      let scopeOfSource: CallScope & { inLoop: ReadonlySet<unknown>; inMacro: ReadonlySet<unknown> } | undefined;
      try {
        scopeOfSource = callScope(parser.parse(item.source, [], { tags }), WORKFLOW.contextNames);
      } catch {
        scopeOfSource = undefined;
      }
      outerScope = { source: item.source, scope: scopeOfSource };
    }
    const outer = outerScope.scope;
    if (!outer) judgeCalls = false;
    else {
      // The names the expression binds itself, or the string around it: an item only where neither binds it otherwise.
      const items = new Set([...(scope.items ?? []), ...(outer.items ?? [])].filter(name => (!scope.bound.has(name) || scope.items?.has(name)) && (!outer.bound.has(name) || outer.items?.has(name))));
      scope = {
        ...scope,
        items,
        bound: new Set([...scope.bound, ...outer.bound]),
        inLoop: outer.inLoop.size ? EVERY_NODE : scope.inLoop,
        inMacro: outer.inMacro.size ? EVERY_NODE : scope.inMacro,
        hasCallBlock: scope.hasCallBlock || outer.hasCallBlock,
      };
    }
  }
  const calls = new Map<string, UnresolvedCall>();
  const printed = new Set<unknown>();
  // Not past Nunjitsu's own nesting limit (512): a chain of thousands of filters must not overflow the stack.
  // Each node once: a NodeList holds its children both as a field and as `children`.
  const seen = new Set<unknown>();
  const walk = (node: unknown, depth = 0): void => {
    if (!node || typeof node !== 'object' || depth > 1500 || seen.has(node)) return;
    seen.add(node);
    const n = node as Node;
    if (n.typename === 'Filter' && typeof n.name?.value === 'string') filters.add(n.name.value);
    if (n.typename === 'Is' && n.right) {
      const name = n.right.typename === 'Symbol' ? n.right.value : n.right.name?.typename === 'Symbol' ? n.right.name.value : undefined;
      if (typeof name === 'string') tests.add(name);
    }
    if (n.typename === 'Output') n.children?.forEach(child => printed.add(child));
    if (n.typename === 'FunCall' && judgeCalls) {
      const call = unresolvedCall(n, scope, { ...WORKFLOW, extensions, parameterKinds }, printed.has(n));
      if (call && !calls.has(call.callee)) calls.set(call.callee, call);
    }
    for (const field of n.fields ?? []) (Array.isArray(n[field]) ? (n[field] as unknown[]) : [n[field]]).forEach(child => walk(child, depth + 1));
    n.children?.forEach(child => walk(child, depth + 1));
  };
  walk(ast);
  return { filters: [...filters], tests: [...tests], calls: [...calls.values()] };
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
    const match = expressionMatches(source).find(m => m.index <= offset && offset < m.index + m.text.length);
    const item: TemplateExpression = match ? { path: at, text: match.text, expression: match.inner } : { path: at, text: source, expression: source };
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

/** Where `needle` lies inside the value located at `within`, as rangeOfText places it in a file's text. */
export type TextRange = (within: Range, needle: string, inside?: { line: number; column: number }, occurrence?: number) => Range;

/**
 * The range of `needle` inside the YAML value at `within` (a block scalar's own line and column, not
 * the `|`), found in the file's text; `within` itself when the value does not hold it verbatim
 * (escapes, folding, or a value a placeholder brought in). With `inside` (a 1-based line and column
 * within `needle`), the range starts and ends there: a point inside the expression, such as a call.
 * `occurrence`: which of the value's copies of `needle` (0 for the first; the last when it has fewer).
 */
export function rangeOfText(text: string, within: Range, needle: string, inside?: { line: number; column: number }, occurrence = 0): Range {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const offset = (line: number, column: number) => (lineStarts[line - 1] ?? text.length) + column - 1;
  const start = offset(within.start.line, within.start.column);
  const end = offset(within.end.line, within.end.column);
  const value = text.slice(start, Math.max(end, start));
  // Bare braces (`{{ parameters.x }}`, literalBraces) are also the tail of every `${{ parameters.x }}`: only
  // an occurrence without `$` or `{` before it is the one meant (a value that writes both placed the
  // finding on the expression's line).
  const bare = needle.startsWith('{{');
  const find = (from: number) => {
    let i = value.indexOf(needle, from);
    while (bare && i > 0 && (value[i - 1] === '$' || value[i - 1] === '{')) i = value.indexOf(needle, i + 1);
    return i;
  };
  let at = find(0);
  if (at < 0) return within;
  for (let n = 0, next = at; n < occurrence && next >= 0; n++) {
    next = find(next + needle.length);
    if (next >= 0) at = next;
  }
  const position = (absolute: number) => {
    let line = lineStarts.length;
    while (lineStarts[line - 1] > absolute) line--;
    return { line, column: absolute - lineStarts[line - 1] + 1 };
  };
  if (inside) {
    const lines = needle.split('\n');
    const offset = lines.slice(0, inside.line - 1).reduce((sum, line) => sum + line.length + 1, 0) + inside.column - 1;
    if (inside.line <= lines.length && offset <= needle.length) {
      const point = position(start + at + offset);
      return { start: point, end: point };
    }
  }
  return { start: position(start + at), end: position(start + at + needle.length) };
}
