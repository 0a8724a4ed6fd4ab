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

let loaded: { parse(source: string): Node; renderer: Renderer } | undefined;
const load = () => {
  if (loaded) return loaded;
  const { parser } = require('nunjucks') as { parser: { parse(source: string, extensions: unknown[], lexerTags: Record<string, string>): Node } };
  const fromScaffolder = createRequire(require.resolve('@backstage/plugin-scaffolder-backend'));
  const { createTemplateRenderer } = fromScaffolder('nunjitsu') as { createTemplateRenderer(options: Record<string, unknown>): Renderer };
  // No regular expressions: a pattern's backtracking runs outside Nunjitsu's work limits (red team: one
  // `replace(r/^(a+)+$/, …)` on a literal spent the whole scan's 60 s), and the render itself is the templates
  // gate's to bound. An expression with one stays as written.
  loaded = { parse: source => parser.parse(source, [], {}), renderer: createTemplateRenderer({ allowRegexExecution: false }) };
  return loaded;
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
  // The names as Nunjitsu's context, built again only when a set changes them.
  private context: Record<string, unknown> | undefined;
  // What the evaluated values of one text may add up to (code units): past it, expressions stay as written, so
  // a thousand small expressions that each expand to a megabyte cannot build a view of gigabytes.
  private budget: number;

  /** `size`: the length of the text whose parts these are; its values may add up to twice that and 1 MB more. */
  constructor(size: number) {
    this.budget = 2 * size + 1_000_000;
  }

  /**
   * The text Nunjitsu renders for expression `expression` (the inside of a `${{ }}`) when it reads no input;
   * undefined for any other, or one Nunjitsu refuses. Never throws.
   */
  value(expression: string): string | undefined {
    if (this.budget <= 0) return undefined;
    try {
      if (!this.constant(expression)) return undefined;
      const value = load().renderer.render(`\${{ ${expression} }}`, this.contextOf(), { limits: { ...LIMITS, outputCodeUnits: Math.min(LIMITS.outputCodeUnits, this.budget) } });
      this.budget -= value.length;
      return value;
    } catch {
      return undefined;
    }
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
        value = this.budget > 0 && this.constant(set[2]) ? load().renderer.renderValue(`\${{ ${set[2]} }}`, this.contextOf(), { limits: LIMITS }) : undefined;
      } catch {
        value = undefined;
      }
      this.context = undefined;
      if (value === undefined) this.names.delete(set[1]);
      else this.names.set(set[1], value);
      return;
    }
    const bound = BOUND.exec(content);
    if (bound) for (const name of bound[1].split(',')) this.names.delete(name.trim());
  }

  /** The parsed expression when every name it reads is a known constant; undefined otherwise. */
  private constant(expression: string): Node | undefined {
    // Most expressions read the template's input by name first (`values.x | lower`); no parse for those.
    const first = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(expression)?.[1];
    if (first !== undefined && !this.names.has(first) && !GLOBAL_FUNCTIONS.has(first) && !['true', 'false', 'none', 'null', 'not'].includes(first)) return undefined;
    let root: Node;
    try {
      root = load().parse(`{{ ${expression} }}`);
    } catch {
      return undefined;
    }
    const output = root.children?.length === 1 ? root.children[0] : undefined;
    if (output?.typename !== 'Output' || output.children?.length !== 1) return undefined;
    return this.readsNoInput(output.children[0], 0) ? output.children[0] : undefined;
  }

  // nunjucks builds `a ~ b ~ c …` left-deep: a tree deeper than any real expression is left unknown, not walked.
  private readsNoInput(node: unknown, depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    if (Array.isArray(node)) return node.every(child => this.readsNoInput(child, depth + 1));
    if (!node || typeof node !== 'object') return true;
    const n = node as Node;
    switch (n.typename) {
      case 'Symbol':
        return typeof n.value === 'string' && this.names.has(n.value);
      // A filter's name and a test's are no input; Nunjitsu answers whether it knows them.
      case 'Filter':
        return this.readsNoInput(n.args, depth + 1);
      case 'Is':
        return this.readsNoInput(n.left, depth + 1);
      case 'FunCall': {
        const callee = n.name as Node | undefined;
        if (callee?.typename === 'Symbol') return typeof callee.value === 'string' && GLOBAL_FUNCTIONS.has(callee.value) && this.readsNoInput(n.args, depth + 1);
        return this.readsNoInput(callee, depth + 1) && this.readsNoInput(n.args, depth + 1);
      }
      default:
        return (n.fields ?? []).every(field => this.readsNoInput(n[field], depth + 1));
    }
  }
}
