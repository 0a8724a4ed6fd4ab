import { createRequire } from 'node:module';
import { literalsAndNames } from './templateCode.ts';

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
// What one render is charged beyond its source: its work (up to LIMITS.workUnits) is not measured, so a thousand
// short expressions that each spend the work limit cost a thousand charges, not nothing.
const RENDER_COST = 200;
const MAX_DEPTH = 200;
const SET = /^\s*set\s+([A-Za-z_][A-Za-z0-9_]*)\s*=([^]*)$/;
const BOUND = /^\s*(?:set|for|macro)\s+([A-Za-z_][A-Za-z0-9_]*(?:\s*,\s*[A-Za-z_][A-Za-z0-9_]*)*)/;

type Loaded = { parse(source: string): Node; parseSkeleton(source: string): Node; renderer: Renderer };
type Parser = { parse(source: string, extensions: unknown[], lexer: Record<string, unknown>): Node };
type RendererFactory = { createTemplateRenderer(options: Record<string, unknown>): Renderer };
/** How a text is rendered: fetch:template's cookiecutterCompat, trimBlocks and lstripBlocks. */
export interface RenderOptions {
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
}
const loaded = new Map<string, Loaded>();
// fetch:template's `cookiecutterCompat: true` renders `{{ }}` as expressions (and `${{` as `$` then one).
const load = (cookiecutter = false, options: RenderOptions = {}): Loaded => {
  const key = `${cookiecutter}|${options.trimBlocks === true}|${options.lstripBlocks === true}`;
  let parts = loaded.get(key);
  if (!parts) {
    parts = cookiecutterParts(cookiecutter, options);
    loaded.set(key, parts);
  }
  return parts;
};

/**
 * nunjucks' parser (the grammar Nunjitsu keeps: it says which names an expression reads) for an expression
 * (`parse`) and for a skeleton's text in `${{ }}` delimiters, or `{{ }}` ones when `cookiecutter`
 * (`parseSkeleton`), and a Nunjitsu renderer as @backstage/plugin-scaffolder-backend creates it with
 * cookiecutterCompat = `cookiecutter` and `options`' trimBlocks and lstripBlocks, without regular expressions
 * (a pattern's backtracking runs outside Nunjitsu's work limits: red team, one `replace(r/^(a+)+$/, …)` on a
 * literal spent the whole scan's 60 s; the render itself is the templates gate's to bound, and an expression with
 * one stays as written). Throws when nunjucks or the scaffolder backend cannot be loaded.
 */
function cookiecutterParts(cookiecutter: boolean, options: RenderOptions): Loaded {
  const { parser } = require('nunjucks') as { parser: Parser };
  const fromScaffolder = createRequire(require.resolve('@backstage/plugin-scaffolder-backend'));
  const { createTemplateRenderer } = fromScaffolder('nunjitsu') as RendererFactory;
  return {
    parse: source => parser.parse(source, [], {}),
    parseSkeleton: source => parser.parse(source, [], cookiecutter ? {} : { tags: { variableStart: '${{' } }),
    renderer: createTemplateRenderer({ allowRegexExecution: false, cookiecutterCompat: cookiecutter, trimBlocks: options.trimBlocks === true, lstripBlocks: options.lstripBlocks === true }),
  };
}

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
  // The macros whose body reads no input, by name: their source and the macros it calls, rendered ahead of each
  // expression or block that calls one (only those: red team, a thousand macros ahead of each of three thousand
  // expressions cost 196 s). A Map keeps definition order, a redefinition moved last.
  private readonly macros = new Map<string, { source: string; calls: ReadonlySet<string>; order: number }>();
  private defined = 0;
  // What a name a `{% set %}` gives an input-reading value may hold, as TemplateConstants.literals reads that value.
  private readonly guesses = new Map<string, string>();
  // The names as Nunjitsu's context, built again only when a set changes them.
  private context: Record<string, unknown> | undefined;
  // What the evaluated values of one text may add up to (code units): past it, expressions stay as written, so
  // a thousand small expressions that each expand to a megabyte cannot build a view of gigabytes.
  private budget: number;
  // What the sources handed Nunjitsu (macros called included) may add up to (code units): past it, the same.
  private parseBudget: number;
  /** The code units handed Nunjitsu to parse and render so far (what parseBudget bounds). */
  parsed = 0;

  // An expression's opening in the text's syntax: `${{`, or `{{` under cookiecutterCompat.
  private readonly open: string;

  /**
   * `size`: the length of the text whose parts these are; its values may add up to twice that and 1 MB more.
   * `cookiecutter`: the text is rendered with fetch:template's cookiecutterCompat (`{{ }}` expressions).
   * `seed`: names whose values are known before the text (`values`, as a fetch:template step passes them).
   * `options`: the step's trimBlocks and lstripBlocks, as its renderer applies them.
   * The sources rendered (each with the macros it calls, and RENDER_COST for each render's work) may add up to
   * twice `size` and 1 MB more.
   */
  constructor(size: number, private readonly cookiecutter = false, seed: Record<string, unknown> = {}, private readonly options: RenderOptions = {}) {
    this.budget = 2 * size + 1_000_000;
    this.parseBudget = 2 * size + 1_000_000;
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
      const node = this.constant(expression);
      if (!node) return undefined;
      return this.rendered(`${this.macrosCalled(node)}${this.open} ${expression} }}`);
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
      const root = load(this.cookiecutter, this.options).parseSkeleton(source);
      const node = root.children?.length === 1 ? root.children[0] : undefined;
      if (!node || !this.readsNoInput(node, 0, boundNames(node))) return undefined;
      if (node.typename === 'Macro') {
        const name = (node.name as Node | undefined)?.value;
        if (typeof name !== 'string') return undefined;
        this.macros.delete(name);
        this.macros.set(name, { source, calls: this.calledNames(node), order: this.defined++ });
        this.names.delete(name);
        return undefined;
      }
      if (node.typename === 'Set' && node.body) {
        const target = (node.targets as Node[] | undefined)?.[0]?.value;
        const value = typeof target === 'string' ? this.rendered(`${this.macrosCalled(node)}${source}${this.open} ${target} }}`) : undefined;
        this.context = undefined;
        if (typeof target === 'string' && value !== undefined) this.names.set(target, value);
        return undefined;
      }
      return this.rendered(`${this.macrosCalled(node)}${source}`);
    } catch {
      return undefined;
    }
  }

  /**
   * What Nunjitsu renders of `source` under the known constants, within the limits and what is left of the
   * budgets (the source is charged before it is parsed); throws when it refuses or the budget is spent.
   */
  private rendered(source: string): string {
    this.charge(source.length + RENDER_COST);
    const value = load(this.cookiecutter, this.options).renderer.render(source, this.contextOf(), { limits: { ...LIMITS, outputCodeUnits: Math.min(LIMITS.outputCodeUnits, this.budget) } });
    this.budget -= value.length;
    return value;
  }

  /** Charges `units` code units handed Nunjitsu; throws when they are more than is left. */
  private charge(units: number): void {
    if (units > this.parseBudget) {
      this.parseBudget = 0;
      throw new Error('the parse budget is spent');
    }
    this.parseBudget -= units;
    this.parsed += units;
  }

  /** The names of known macros `node` reads (a call, a `{% call %}`), wherever in it. */
  private calledNames(node: Node): Set<string> {
    const called = new Set<string>();
    const walk = (n: unknown, depth: number): void => {
      if (depth > MAX_DEPTH || !n || typeof n !== 'object') return;
      if (Array.isArray(n)) return n.forEach(child => walk(child, depth + 1));
      const child = n as Node;
      if (child.typename === 'Symbol' && typeof child.value === 'string' && this.macros.has(child.value)) called.add(child.value);
      for (const field of child.fields ?? []) walk(child[field], depth + 1);
    };
    walk(node, 0);
    return called;
  }

  /**
   * The sources of the macros `node` calls and of those they call in turn, in definition order: what Nunjitsu
   * needs ahead of it. Throws when they are more than the parse budget has left (read no further).
   */
  private macrosCalled(node: Node): string {
    const needed = new Set<string>();
    // Each macro's callees are read once: a chain of macros costs its length, and its sources are charged.
    const waiting = [...this.calledNames(node)];
    let size = 0;
    while (waiting.length) {
      const name = waiting.pop()!;
      const macro = this.macros.get(name);
      if (needed.has(name) || !macro) continue;
      needed.add(name);
      size += macro.source.length;
      if (size > this.parseBudget) throw new Error('the parse budget is spent');
      waiting.push(...macro.calls);
    }
    return [...needed].map(name => this.macros.get(name)!).sort((a, b) => a.order - b.order).map(macro => macro.source).join('');
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
    for (const part of literalsAndNames(expression)) joined += 'literal' in part ? part.literal : (this.guesses.get(part.name) ?? '');
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
        if (this.budget > 0 && this.constant(set[2])) {
          this.charge(set[2].length + RENDER_COST);
          value = load(this.cookiecutter, this.options).renderer.renderValue(`${this.open} ${set[2]} }}`, this.contextOf(), { limits: LIMITS });
        }
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
