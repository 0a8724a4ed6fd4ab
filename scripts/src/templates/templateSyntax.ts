import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface Renderer {
  renderValue(template: string, context: object, options: { limits: { workUnits: number } }): unknown;
}

interface Nunjitsu {
  createTemplateRenderer(options: { allowRegexExecution: boolean; cookiecutterCompat?: boolean }): Renderer;
  TemplateRenderError: new (...args: never[]) => Error & { phase: string; line?: number; column?: number };
  TemplateLimitError: new (...args: never[]) => Error & { phase: string; line?: number; column?: number };
}

/** Where and why the scaffolder's renderer refuses a template string: 1-based line and column inside the string. */
export interface TemplateSyntaxError {
  reason: string;
  line: number;
  column: number;
}

let loaded: { nunjitsu: Nunjitsu; renderers: Map<boolean, Renderer> } | undefined;

/**
 * Whether the scaffolder's workflow renderer can parse `source` (one string value of a step's input, if,
 * each, or the output), and if not, why: the parser's own reason (without its "Template error at line …"
 * prefix) and the 1-based line and column inside `source`. `undefined` when it parses.
 *
 * Asks Nunjitsu as @backstage/plugin-scaffolder-backend resolves it, configured as its
 * NunjucksWorkflowRunner creates it (`allowRegexExecution: true`, no cookiecutterCompat) or, with
 * `cookiecutterCompat` given, as fetch:template creates it for a skeleton (`{{ }}` delimiters when true,
 * `${{ }}` when false; trimBlocks and lstripBlocks change whitespace, not what parses). Filters and
 * globals are left out: an unknown filter or function fails only when evaluated (template-unknown-filter
 * judges those), never while parsing. Nunjitsu parses the whole string before it evaluates any of it, so a
 * work budget of one unit stops every render right after the parse: nothing of the template runs.
 * Throws only if the installed scaffolder-backend has no Nunjitsu.
 */
export function templateSyntaxError(source: string, options: { cookiecutterCompat?: boolean } = {}): TemplateSyntaxError | undefined {
  loaded ??= { nunjitsu: fromScaffolder('nunjitsu') as Nunjitsu, renderers: new Map() };
  const compat = options.cookiecutterCompat === true;
  let renderer = loaded.renderers.get(compat);
  if (!renderer) {
    renderer = loaded.nunjitsu.createTemplateRenderer(compat ? { allowRegexExecution: true, cookiecutterCompat: true } : { allowRegexExecution: true });
    loaded.renderers.set(compat, renderer);
  }
  try {
    renderer.renderValue(source, {}, { limits: { workUnits: 1 } });
    return undefined;
  } catch (error) {
    // The work budget above stops evaluation, which is no refusal; what stops the parse is one: a syntax
    // error (TemplateRenderError) or a parse limit such as the nesting depth (TemplateLimitError).
    const parseRefusal = (error instanceof loaded.nunjitsu.TemplateRenderError || error instanceof loaded.nunjitsu.TemplateLimitError) && (error as { phase?: string }).phase === 'parse';
    if (!parseRefusal) return undefined;
    const refused = error as Error & { line?: number; column?: number };
    // The reason may quote the template (a reserved name): bounded like the expression it is shown with.
    const full = refused.message.replace(/^Template error at line \d+, column \d+: /, '').replace(/ at line \d+, column \d+$/, '');
    const reason = full.length > 160 ? `${full.slice(0, 157)}…` : full;
    return { reason, line: refused.line ?? 1, column: refused.column ?? 1 };
  }
}

const fromScaffolder = (name: string) => createRequire(require.resolve('@backstage/plugin-scaffolder-backend'))(name);
