import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A nunjucks 3.2.4 parser node: the fields this file reads. */
interface Node {
  typename: string;
  value?: unknown;
  children?: Node[];
  // Each node type's own fields (on its prototype), children included for a list.
  fields?: readonly string[];
  [field: string]: unknown;
}

interface Renderer {
  render(source: string, context?: Record<string, unknown>, options?: { limits?: Record<string, number> }): string;
  renderValue(source: string, context?: Record<string, unknown>, options?: { limits?: Record<string, number> }): unknown;
}

// What one constant expression may cost Nunjitsu: far more than any real one needs, little next to the scan's time bound.
const LIMITS = { workUnits: 100_000, outputCodeUnits: 1_000_000, scratchBytes: 4_000_000, capabilityCalls: 1_000 };
// Nunjitsu's own global functions (no input reaches them).
const GLOBAL_FUNCTIONS = new Set(['range']);
const MAX_DEPTH = 200;
const SET = /^\s*set\s+([A-Za-z_][A-Za-z0-9_]*)\s*=([^]*)$/;
const BOUND = /^\s*(?:set|for|macro)\s+([A-Za-z_][A-Za-z0-9_]*(?:\s*,\s*[A-Za-z_][A-Za-z0-9_]*)*)/;
// A string literal (Nunjitsu's readString escapes: \n, \r, \t, any other character as itself), or a name (with a
// `.` before it when it is an attribute); `[^"\\]` and `\\[^]` are disjoint (no backtracking).
const LITERAL_OR_NAME = /("(?:[^"\\]|\\[^])*"|'(?:[^'\\]|\\[^])*')|\.?\s*([A-Za-z_][A-Za-z0-9_]*)/g;
const STRING_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t' };

type Loaded = { parse(source: string): Node; parseSkeleton(source: string): Node; renderer: Renderer };
let loaded: Loaded | undefined;
let loadedCookiecutter: Loaded | undefined;
// fetch:template's `cookiecutterCompat: true` renders `{{ }}` as expressions (and `${{` as `$` then one).
const load = (cookiecutter = false): Loaded => {
  if (cookiecutter) return (loadedCookiecutter ??= { ...load(), ...cookiecutterParts() });
  if (loaded) return loaded;
  const { parser } = require('nunjucks') as { parser: { parse(source: string, extensions: unknown[], lexer: Record<string, unknown>): Node } };
  const fromScaffolder = createRequire(require.resolve('@backstage/plugin-scaffolder-backend'));
  const { createTemplateRenderer } = fromScaffolder('nunjitsu') as { createTemplateRenderer(options: Record<string, unknown>): Renderer };
  // No regular expressions: a pattern's backtracking runs outside Nunjitsu's work limits (red team: one
  // `replace(r/^(a+)+$/, …)` on a literal spent the whole scan's 60 s), and the render itself is the templates
  // gate's to bound. An expression with one stays as written.
  loaded = {
    parse: source => parser.parse(source, [], {}),
    parseSkeleton: source => parser.parse(source, [], { tags: { variableStart: '${{' } }),
    renderer: createTemplateRenderer({ allowRegexExecution: false }),
  };
  return loaded;
};
const cookiecutterParts = () => {
  const { parser } = require('nunjucks') as { parser: { parse(source: string, extensions: unknown[], lexer: Record<string, unknown>): Node } };
  const fromScaffolder = createRequire(require.resolve('@backstage/plugin-scaffolder-backend'));
  const { createTemplateRenderer } = fromScaffolder('nunjitsu') as { createTemplateRenderer(options: Record<string, unknown>): Renderer };
  return { parseSkeleton: (source: string) => parser.parse(source, [], {}), renderer: createTemplateRenderer({ allowRegexExecution: false, cookiecutterCompat: true }) };
};

/**
 * The constant parts of one template text, in the order the scaffolder renders them: the values of the names
 * `{% set name = … %}` gives a constant (read in text order, a later set replacing an earlier one in any
 * branch), and the value of each `${{ }}` expression that reads no input (no name but those, no filter or
 * function but Nunjitsu's own). Constant means what Nunjitsu itself gives it (as @backstage/plugin-scaffolder-backend
 * resolves it, without regular expressions, which fetch:template allows but whose backtracking no work limit
 * bounds; the scaffolder's own filters, which read
 * repository URLs and entity refs, are not known here, so an expression using one stays unknown), within small
 * work limits. nunjucks' parser (the grammar Nunjitsu keeps) says which names an expression reads.
 */
export class TemplateConstants {
  private readonly names = new Map<string, unknown>();
  // The macros whose body reads no input, by name, and their sources, rendered ahead of each expression that calls one.
  private readonly macros = new Set<string>();
  // What a name a `{% set %}` gives an input-reading value may hold, as TemplateConstants.literals reads that value.
  private readonly guesses = new Map<string, string>();
  private prelude = '';
  // The names as Nunjitsu's context, built again only when a set changes them.
  private context: Record<string, unknown> | undefined;
  // What the evaluated values of one text may add up to (code units): past it, expressions stay as written, so
  // a thousand small expressions that each expand to a megabyte cannot build a view of gigabytes.
  private budget: number;

  // An expression's opening in the text's syntax: `${{`, or `{{` under cookiecutterCompat.
  private readonly open: string;

  /**
   * `size`: the length of the text whose parts these are; its values may add up to twice that and 1 MB more.
   * `cookiecutter`: the text is rendered with fetch:template's cookiecutterCompat (`{{ }}` expressions).
   * `seed`: names whose values are known before the text (`values`, as a fetch:template step passes them).
   */
  constructor(size: number, private readonly cookiecutter = false, seed: Record<string, unknown> = {}) {
    this.budget = 2 * size + 1_000_000;
    this.open = cookiecutter ? '{{' : '${{';
    for (const [name, value] of Object.entries(seed)) this.names.set(name, value);
  }

  /**
   * The text Nunjitsu renders for expression `expression` (the inside of a `${{ }}`) when it reads no input;
   * undefined for any other, or one Nunjitsu refuses. Never throws.
   */
  value(expression: string): string | undefined {
    if (this.budget <= 0) return undefined;
    try {
      if (!this.constant(expression)) return undefined;
      return this.rendered(`${this.prelude}${this.open} ${expression} }}`);
    } catch {
      return undefined;
    }
  }

  /**
   * The text Nunjitsu renders for block `source` (a whole `{% for %}`, `{% filter %}` or `{% call %}` block, its
   * closing tag included) when nothing in it reads input: names bound inside it (a loop's, a macro's arguments) and
   * the known constants and macros only (red team, session 48: `{% for x in ['gh', 'p_…'] %}${{ x }}{% endfor %}`,
   * `{% filter replace('X', '') %}ghXp_…{% endfilter %}` wrote a token whole into every repository created).
   * Undefined for any other, or one Nunjitsu refuses. A `{% macro %}` block whose body reads no input is
   * remembered, so that an expression calling it is constant too; a `{% set name %}` block's value is the name's.
   * Never throws.
   */
  block(source: string): string | undefined {
    if (this.budget <= 0) return undefined;
    try {
      const root = load(this.cookiecutter).parseSkeleton(source);
      const node = root.children?.length === 1 ? root.children[0] : undefined;
      if (!node || !this.readsNoInput(node, 0, boundNames(node))) return undefined;
      if (node.typename === 'Macro') {
        const name = (node.name as Node | undefined)?.value;
        if (typeof name !== 'string') return undefined;
        this.macros.add(name);
        this.names.delete(name);
        this.prelude += source;
        return undefined;
      }
      if (node.typename === 'Set' && node.body) {
        const target = (node.targets as Node[] | undefined)?.[0]?.value;
        const value = typeof target === 'string' ? this.rendered(`${this.prelude}${source}${this.open} ${target} }}`) : undefined;
        this.context = undefined;
        if (typeof target === 'string' && value !== undefined) this.names.set(target, value);
        return undefined;
      }
      return this.rendered(`${this.prelude}${source}`);
    } catch {
      return undefined;
    }
  }

  /** What Nunjitsu renders of `source` under the known constants, within the limits and what is left of the budget; throws when it refuses. */
  private rendered(source: string): string {
    const value = load(this.cookiecutter).renderer.render(source, this.contextOf(), { limits: { ...LIMITS, outputCodeUnits: Math.min(LIMITS.outputCodeUnits, this.budget) } });
    this.budget -= value.length;
    return value;
  }

  /**
   * The string literals of expression `expression` (one that reads input) joined in the order written, each name
   * a `{% set %}` gave such a value read as that value's literals, as for a tag every branch's text: whichever
   * branch or fallback the input takes (`"gh" if values.x else "gh"`, `values.x or "gh"`, `default("gh")`, a
   * `{% set p = values.x or "gh" %}` then `p`), what it gives is among them (red team, session 48: each rendered
   * a token whole that the text split). Undefined when they are empty or none (`"" ~ values.x`): its value is
   * unknown, and an empty string would join text it may never stand next to. Never throws.
   */
  literals(expression: string): string | undefined {
    let joined = '';
    for (const [token, literal, name] of expression.matchAll(LITERAL_OR_NAME)) {
      if (literal !== undefined) joined += literal.slice(1, -1).replace(/\\([^])/g, (_, c: string) => STRING_ESCAPES[c] ?? c);
      else if (name !== undefined && !token.startsWith('.')) joined += this.guesses.get(name) ?? '';
    }
    return joined || undefined;
  }

  private contextOf(): Record<string, unknown> {
    return (this.context ??= Object.fromEntries(this.names));
  }

  /**
   * Reads block tag `content` (the inside of a `{% %}`): a `set` of one name to a constant expression gives
   * that name its value; any other tag binding names (a set of something else, a `for`'s or a macro's
   * names) makes them unknown again. Never throws.
   */
  tag(content: string): void {
    this.context = undefined;
    const set = SET.exec(content);
    if (set) {
      let value: unknown;
      try {
        value = this.budget > 0 && this.constant(set[2]) ? load(this.cookiecutter).renderer.renderValue(`${this.open} ${set[2]} }}`, this.contextOf(), { limits: LIMITS }) : undefined;
      } catch {
        value = undefined;
      }
      this.context = undefined;
      const guess = value === undefined ? this.literals(set[2]) : undefined;
      if (guess === undefined) this.guesses.delete(set[1]);
      else this.guesses.set(set[1], guess);
      if (value === undefined) this.names.delete(set[1]);
      else this.names.set(set[1], value);
      return;
    }
    const bound = BOUND.exec(content);
    if (bound) {
      for (const name of bound[1].split(',')) {
        this.names.delete(name.trim());
        this.guesses.delete(name.trim());
      }
    }
  }

  /** The parsed expression when every name it reads is a known constant; undefined otherwise. */
  private constant(expression: string): Node | undefined {
    // Most expressions read the template's input by name first (`values.x | lower`); no parse for those.
    const first = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(expression)?.[1];
    if (first !== undefined && !this.names.has(first) && !this.macros.has(first) && !GLOBAL_FUNCTIONS.has(first) && !['true', 'false', 'none', 'null', 'not'].includes(first)) return undefined;
    let root: Node;
    try {
      root = load().parse(`{{ ${expression} }}`);
    } catch {
      return undefined;
    }
    const output = root.children?.length === 1 ? root.children[0] : undefined;
    if (output?.typename !== 'Output' || output.children?.length !== 1) return undefined;
    return this.readsNoInput(output.children[0], 0, new Set()) ? output.children[0] : undefined;
  }

  // nunjucks builds `a ~ b ~ c …` left-deep: a tree deeper than any real expression is left unknown, not walked.
  // `bound`: the names a block binds itself (boundNames), which read no input wherever they stand in it.
  private readsNoInput(node: unknown, depth: number, bound: ReadonlySet<string>): boolean {
    if (depth > MAX_DEPTH) return false;
    if (Array.isArray(node)) return node.every(child => this.readsNoInput(child, depth + 1, bound));
    if (!node || typeof node !== 'object') return true;
    const n = node as Node;
    const known = (name: unknown) => typeof name === 'string' && (this.names.has(name) || this.macros.has(name) || bound.has(name));
    switch (n.typename) {
      case 'Symbol':
        return known(n.value);
      // A filter's name and a test's are no input; Nunjitsu answers whether it knows them.
      case 'Filter':
        return this.readsNoInput(n.args, depth + 1, bound);
      case 'Is':
        return this.readsNoInput(n.left, depth + 1, bound);
      case 'FunCall': {
        const callee = n.name as Node | undefined;
        if (callee?.typename === 'Symbol') return (GLOBAL_FUNCTIONS.has(callee.value as string) || known(callee.value)) && this.readsNoInput(n.args, depth + 1, bound);
        return this.readsNoInput(callee, depth + 1, bound) && this.readsNoInput(n.args, depth + 1, bound);
      }
      // A call's keyword names are no input, only their values.
      case 'KeywordArgs':
        return (n.children ?? []).every(pair => this.readsNoInput(pair.value, depth + 1, bound));
      // Another file, an extension's tag: what they give is not in this text.
      case 'Include':
      case 'Import':
      case 'FromImport':
      case 'Extends':
      case 'CallExtension':
      case 'CallExtensionAsync':
      case 'FilterAsync':
        return false;
      default:
        return (n.fields ?? []).every(field => this.readsNoInput(n[field], depth + 1, bound));
    }
  }
}

/**
 * The names a block binds for its own body (a `for`'s, a macro's or caller's name and arguments, a `set`'s
 * targets, `loop` and `caller`), wherever in it; a default argument's value is not among them. Pure.
 */
function boundNames(root: Node): Set<string> {
  const bound = new Set(['loop', 'caller']);
  const symbols = (node: unknown) => {
    for (const s of Array.isArray(node) ? node : [node]) if ((s as Node | undefined)?.typename === 'Symbol' && typeof (s as Node).value === 'string') bound.add((s as Node).value as string);
  };
  const walk = (node: unknown, depth: number): void => {
    if (depth > MAX_DEPTH || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(child => walk(child, depth + 1));
    const n = node as Node;
    if (n.typename === 'For' || n.typename === 'AsyncEach' || n.typename === 'AsyncAll') symbols((n.name as Node | undefined)?.typename === 'Array' ? (n.name as Node).children : n.name);
    if (n.typename === 'Macro' || n.typename === 'Caller') {
      symbols(n.name);
      for (const arg of (n.args as Node | undefined)?.children ?? []) {
        if (arg.typename === 'KeywordArgs') for (const pair of arg.children ?? []) symbols(pair.key);
        else symbols(arg);
      }
    }
    if (n.typename === 'Set') symbols(n.targets);
    for (const field of n.fields ?? []) walk(n[field], depth + 1);
  };
  walk(root, 0);
  return bound;
}
