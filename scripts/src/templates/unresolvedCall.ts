import type { TemplatingNames } from './scaffolderActions.ts';
import { scaffolderBackendVersion } from './scaffolderVersion.ts';
import { callResolvesAlone, declareGlobal, isKnownGlobal, loopHasMethod, methodOnSomeValue, printsCallable, type RendererKind } from './templateFilters.ts';

/** A node of nunjucks' parse tree, as far as the call judgement reads it. */
export interface TemplateNode {
  typename: string;
  lineno: number;
  colno: number;
  fields?: string[];
  children?: unknown[];
  [key: string]: unknown;
}

/**
 * What a template binds, for judging its calls (callScope): the names it sets, loops over or takes as
 * macro parameters (`bound`), the nodes inside a for loop's body (where `loop` exists), inside a macro's
 * body, the macros it calls directly, whether any `{% call %}` block invokes a macro, and the test
 * calls (`x is divisibleby(3)`), which are no function calls.
 */
export interface CallScope {
  bound: ReadonlySet<string>;
  /**
   * Of `bound`, the names only for loops over the context bind (`{% for f in values.files %}`): each is a
   * value the context holds, of a kind not known before the task runs, as a context name's are.
   */
  items?: ReadonlySet<string>;
  inLoop: { has(node: unknown): boolean };
  inMacro: { has(node: unknown): boolean };
  hasCallBlock: boolean;
  tests: { has(node: unknown): boolean };
}

/** What the renderer does with a call it cannot make: where it stops (the called name), what, and how to fix it. */
export interface UnresolvedCall {
  /** The node of the called name (the method's name in `loop.cycle()`), where Nunjitsu's error points. */
  at: { lineno: number; colno: number };
  /** The callee as written, e.g. `loop.cycle`, `Math.max`, `values.name.padStart`. */
  callee: string;
  message: string;
  hint: string;
}

// Walks no deeper than Nunjitsu's own nesting limit allows (512): a hostile chain must not overflow the stack.
const MAX_DEPTH = 1500;

function symbols(node: unknown): string[] {
  const n = node as TemplateNode | undefined;
  if (!n || typeof n !== 'object') return [];
  if (n.typename === 'Symbol') return [String(n.value)];
  if (n.typename === 'Pair') return symbols(n.key);
  return Array.isArray(n.children) ? n.children.flatMap(symbols) : [];
}

/**
 * The CallScope of a parsed template (one skeleton file or file name, one `${{ … }}` of template.yaml);
 * `contextNames`: the names the renderer's context gives it (for `items`).
 */
export function callScope(ast: unknown, contextNames: ReadonlySet<string> = new Set()): CallScope & { inLoop: ReadonlySet<unknown>; inMacro: ReadonlySet<unknown> } {
  const bound = new Set<string>();
  const overContext = new Set<string>();
  const otherwise = new Set<string>();
  // Whether a for loop's iterable is a lookup into the context (values.files, parameters.list…).
  const rootedInContext = (node: unknown): boolean => {
    let n = node as TemplateNode | undefined;
    while (n?.typename === 'LookupVal') n = n.target as TemplateNode | undefined;
    return n?.typename === 'Symbol' && typeof n.value === 'string' && contextNames.has(n.value);
  };
  const inLoop = new Set<unknown>();
  const inMacro = new Set<unknown>();
  const tests = new Set<unknown>();
  let hasCallBlock = false;
  // One walk, each node once, knowing whether it sits in a loop's or a macro's body (not a walk per loop:
  // hundreds of nested loops would visit their bodies hundreds of times).
  const seen = new Set<unknown>();
  const visit = (node: unknown, loop: boolean, macro: boolean, depth: number): void => {
    if (!node || typeof node !== 'object' || seen.has(node) || depth > MAX_DEPTH) return;
    seen.add(node);
    const n = node as TemplateNode;
    const isLoop = ['For', 'AsyncEach', 'AsyncAll'].includes(n.typename);
    if (loop) inLoop.add(n);
    if (macro) inMacro.add(n);
    if (n.typename === 'Set' && Array.isArray(n.targets)) n.targets.flatMap(symbols).forEach(name => (bound.add(name), otherwise.add(name)));
    if (isLoop) {
      const into = rootedInContext(n.arr) ? overContext : otherwise;
      symbols(n.name).forEach(name => (bound.add(name), into.add(name)));
    }
    if (n.typename === 'Macro' || n.typename === 'Caller') {
      if (n.typename === 'Macro') symbols(n.name).forEach(name => (bound.add(name), otherwise.add(name)));
      symbols(n.args).forEach(name => (bound.add(name), otherwise.add(name)));
    }
    if (n.typename === 'Caller') hasCallBlock = true;
    if (n.typename === 'Is' && (n.right as TemplateNode | undefined)?.typename === 'FunCall') tests.add(n.right);
    for (const field of n.fields ?? []) {
      const value = n[field];
      const inBody = field === 'body';
      for (const child of Array.isArray(value) ? value : [value]) visit(child, loop || (isLoop && inBody), macro || (n.typename === 'Macro' && inBody), depth + 1);
    }
    if (Array.isArray(n.children)) for (const child of n.children) visit(child, loop, macro, depth + 1);
  };
  visit(ast, false, false, 0);
  const items = new Set([...overContext].filter(name => !otherwise.has(name)));
  return { bound, items, inLoop, inMacro, hasCallBlock, tests };
}

/**
 * The renderer a template is judged with, the names its context gives it (whose values' kinds are not
 * known before the task runs), and the filters and globals the deployment adds (templateExtensionNames).
 */
export interface CallEnvironment {
  renderer: RendererKind;
  contextNames: ReadonlySet<string>;
  extensions?: TemplatingNames;
  /**
   * The value kinds (string, number, boolean, null, array, record) each parameter's declared JSON Schema
   * type allows, for `parameters.<name>.<method>()`: the backend refuses values of another type before the
   * task runs. A parameter not listed may hold any kind.
   */
  parameterKinds?: ReadonlyMap<string, readonly string[]>;
}

const KIND_NAMES: Record<string, string> = { string: 'a string', number: 'a number', boolean: 'a boolean', null: 'null', array: 'a list', record: 'an object' };

/**
 * Where the limit on methods comes from: teams on a Backstage whose scaffolder still rendered with Nunjucks
 * (which calls any JavaScript method of a value) see `replaceAll()` work and read the finding as a false alarm.
 */
const methodLimit = () => ` That is the limit of @backstage/plugin-scaffolder-backend ${scaffolderBackendVersion()}, the version this toolkit judges against: its renderer (Nunjitsu) allows a fixed list of methods, where releases that rendered with Nunjucks called any JavaScript method, so it may work on an older Backstage but fails on this one.`;

/**
 * What to write for a JavaScript method Nunjitsu does not allow, where it allows one that does the same
 * (checked against its intrinsics: replace with a regex literal, trimStart, slice…), as the whole
 * hint; undefined for any other. `receiver`: the node the method is looked up on; `call`: the FunCall, whose
 * string-literal arguments are shown in the replacement.
 */
function insteadOf(method: string, receiver: TemplateNode | undefined, call: TemplateNode): string | undefined {
  const on = (receiver && writtenExpression(receiver)) ?? '…';
  if (method === 'replaceAll') {
    const args = ((call.args as TemplateNode | undefined)?.children ?? []) as TemplateNode[];
    const literal = args.length === 2 && args.every(a => a?.typename === 'Literal' && typeof a.value === 'string') && args[0].value !== '';
    const [from, to] = literal ? args.map(a => String(a.value)) : ['-', '_'];
    const quote = (text: string) => `'${cut(text).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    const regex = from.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    return `Write ${on} | replace(${quote(from)}, ${quote(to)}) (the replace filter replaces every occurrence) or ${on}.replace(r/${cut(regex)}/g, ${quote(to)}) (a regex literal with the g flag: replace() with a plain string replaces only the first).`;
  }
  const same: Record<string, string> = { trimLeft: 'trimStart()', trimRight: 'trimEnd()', substr: 'slice(start, start + length)', toLocaleUpperCase: 'toUpperCase()', toLocaleLowerCase: 'toLowerCase()' };
  return Object.hasOwn(same, method) ? `Write ${on}.${same[method]} instead, which the renderer allows.` : undefined;
}

/** A receiver as written (`values.name`, `'abc'`), for a hint; undefined for any other shape. */
function writtenExpression(node: TemplateNode): string | undefined {
  if (node.typename === 'Symbol' && typeof node.value === 'string') return cut(node.value);
  if (node.typename === 'Literal' && typeof node.value === 'string') return cut(JSON.stringify(node.value).replace(/^"|"$/g, "'"));
  if (node.typename !== 'LookupVal') return undefined;
  const key = node.val as TemplateNode | undefined;
  const target = writtenExpression(node.target as TemplateNode);
  if (!target || key?.typename !== 'Literal') return undefined;
  return cut(`${target}${shown([key.value as string | number])}`);
}

// A name or lookup chain as written, cut where a hostile one would make the message unbounded.
const cut = (text: string) => (text.length > 80 ? `${text.slice(0, 79)}…` : text);
const shown = (path: readonly (string | number)[]) => cut(path.map(p => (typeof p === 'string' && /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join(''));

/**
 * Whether the renderer can call what `node` (a FunCall) calls, judged by asking the renderer itself
 * (templateFilters' probes) in the environment the scaffolder renders the template in; undefined when it
 * can or when the check cannot know (a method of a value the template sets itself, of a filter's result,
 * a computed name). What Nunjitsu does with each call it cannot make: the render fails with `Template
 * value "loop.cycle" resolved to undefined and cannot be called` (fetch:template then fails the step;
 * the workflow runner passes the raw text on).
 *  - `name()`: a name the template does not bind and the renderer has no global of (`uuid()`), or
 *    `caller()` outside a macro a `{% call %}` block invokes.
 *  - `loop.cycle()`: `loop` has no such method (Jinja's loop has cycle, Nunjucks' has none).
 *  - `Math.max()`, `JSON.stringify()`, `range.foo()`: the root is no name the template, its context or the
 *    renderer defines, so what it looks up is undefined.
 *  - `values.name.padStart()`: a method the renderer allows on no kind of value (it allows a fixed set:
 *    `values.name.toUpperCase()` and `.split(',')` work, whatever the value is).
 *  - `'abc'.foo()`, `[1].map()`: a method the literal's kind does not have.
 *  - `cycler().foo()`, `joiner().x()`: a method a global's result does not have.
 * `printed`: the call is the whole of a `${{ … }}`, whose result is printed: printing what joiner() or
 * cycler() return fails too (`Callable values cannot be coerced`).
 */
export function unresolvedCall(node: TemplateNode, scope: CallScope, env: CallEnvironment, printed = false): UnresolvedCall | undefined {
  if (node.typename !== 'FunCall' || scope.tests.has(node)) return undefined;
  const callee = node.name as TemplateNode | undefined;
  if (!callee) return undefined;
  const renderer = env.renderer;
  const deployments = new Set(env.extensions?.globals ?? []);
  const contextHint = renderer === 'workflow' ? 'compute the value in a parameter or an earlier step' : "compute the value in template.yaml and pass it in the step's values";
  if (callee.typename === 'Symbol' && typeof callee.value === 'string') {
    const name = callee.value;
    if (name === 'super' || scope.bound.has(name)) return undefined;
    const named = cut(name);
    if (name === 'caller') {
      if (scope.inMacro.has(node) && scope.hasCallBlock) return undefined;
      return {
        at: callee,
        callee: name,
        message: `caller() works only inside a macro that a {% call %} block invokes; here caller is undefined, so the renderer cannot call it.`,
        hint: 'Invoke the macro with {% call name() %}…{% endcall %}, or pass the content to the macro as a parameter.',
      };
    }
    if (!isKnownGlobal(name, renderer, env.extensions)) {
      return { at: callee, callee: name, message: `${named}() is no function the scaffolder's renderer knows (the value ${named} is undefined and cannot be called).`, hint: `Use range, cycler or joiner${renderer === 'workflow' ? '' : ', a macro this file defines'}, or ${contextHint}. ${declareGlobal(name)}` };
    }
    // What a deployment's own global returns is not known here.
    if (printed && !deployments.has(name) && printsCallable(name, renderer)) {
      return { at: callee, callee: name, message: `${name}() returns a function (or an object of functions), and the renderer cannot print one (Callable values cannot be coerced).`, hint: `Keep it in a variable and call that: {% set x = ${name}(…) %} … x() (or x.next() for a cycler).` };
    }
    return undefined;
  }
  if (callee.typename !== 'LookupVal') return undefined;
  // The lookup chain: root, then each looked-up name (a computed one ends the judgement: its name is unknown).
  const path: (string | number)[] = [];
  let root = callee;
  while (root.typename === 'LookupVal') {
    const key = root.val as TemplateNode | undefined;
    if (key?.typename !== 'Literal' || (typeof key.value !== 'string' && typeof key.value !== 'number')) return undefined;
    path.unshift(key.value);
    root = root.target as TemplateNode;
    if (!root || typeof root !== 'object') return undefined;
  }
  const method = path[path.length - 1];
  const methodName = cut(String(method));
  const at = (callee.val as TemplateNode | undefined) ?? callee;
  const methodHint = insteadOf(String(method), callee.target as TemplateNode | undefined, node) ?? `Use a filter instead (lower, upper, replace, trim, join, first, length…), one of the methods the renderer allows (a string's toUpperCase, split, replace, slice…), or ${contextHint}.`;
  if (root.typename === 'Symbol' && typeof root.value === 'string') {
    const name = root.value;
    const written = cut(`${name}${shown(path)}`);
    // The for loop's own variable: ask the renderer whether its loop has the method.
    if (name === 'loop' && !scope.bound.has(name) && scope.inLoop.has(node)) {
      if (path.length > 1 ? methodOnSomeValue(method, renderer) : loopHasMethod(method, renderer)) return undefined;
      return { at, callee: written, message: `${written}() does not exist: the for loop's loop has values (index, first, last, length…) but no ${methodName}() method, so the renderer cannot call it.`, hint: path.length > 1 ? methodHint : "Keep a cycler outside the loop and call it inside: {% set row = cycler('odd', 'even') %} … ${{ row.next() }}." };
    }
    // A name the template sets (a cycler, a macro, anything), or a global the deployment adds (a function or
    // a value): its kind is not known here.
    const item = scope.items?.has(name) === true;
    if ((scope.bound.has(name) && !item) || deployments.has(name)) return undefined;
    if (env.contextNames.has(name) || item) {
      const kinds = name === 'parameters' && !item && path.length === 2 ? env.parameterKinds?.get(String(path[0])) : undefined;
      if (methodOnSomeValue(method, renderer, kinds)) return undefined;
      if (kinds) return { at, callee: written, message: `${written}() cannot be called: parameters.${cut(String(path[0]))} is declared as ${kinds.map(k => KIND_NAMES[k] ?? k).join(' or ')}, and the renderer allows no ${methodName}() on that.${methodLimit()}`, hint: methodHint };
      return { at, callee: written, message: `${written}() cannot be called: ${methodName} is no method the renderer allows on any value (string, number, list or object).${methodLimit()}`, hint: methodHint };
    }
    if (callResolvesAlone(name, path, false, renderer)) return undefined;
    const what = isKnownGlobal(name, renderer) ? `${name} is the renderer's ${name}(), which has no ${methodName}` : `${cut(name)} is not defined when the scaffolder renders (a template sees no JavaScript globals such as Math or JSON${name === 'loop' ? ", and loop exists only inside a for loop" : ''})`;
    return { at, callee: written, message: `${written}() cannot be called: ${what}, so ${written} is undefined.`, hint: `Use a filter (dump for JSON; sort then first or last for the smallest or largest; sum, round, int…) or ${contextHint}.` };
  }
  if (path.length !== 1) return undefined;
  // A literal receiver: its kind is known, so ask the renderer about that kind only.
  const kind = root.typename === 'Array' ? 'array' : root.typename === 'Dict' ? 'record' : root.typename === 'Literal' ? (root.value === null ? 'null' : typeof root.value) : undefined;
  if (kind === 'string' || kind === 'number' || kind === 'boolean' || kind === 'null' || kind === 'array' || kind === 'record') {
    if (methodOnSomeValue(method, renderer, [kind])) return undefined;
    return { at, callee: `…${shown(path)}`, message: `A ${kind === 'record' ? 'dict' : kind === 'array' ? 'list' : kind} has no ${methodName}() method in the renderer.${methodLimit()}`, hint: methodHint };
  }
  // A method of what a global returns (cycler().next()): asked of the renderer with the global called without arguments.
  const inner = root.name as TemplateNode | undefined;
  if (root.typename === 'FunCall' && inner?.typename === 'Symbol' && typeof inner.value === 'string' && !scope.bound.has(inner.value) && !deployments.has(inner.value) && isKnownGlobal(inner.value, renderer)) {
    if (callResolvesAlone(inner.value, path, true, renderer)) return undefined;
    const written = `${inner.value}()${shown(path)}`;
    return { at, callee: written, message: `${written}() cannot be called: what ${inner.value}() returns has no ${methodName}.`, hint: `Call what ${inner.value}() returns as the renderer defines it (a cycler's next(), a joiner called as a function).` };
  }
  return undefined;
}
