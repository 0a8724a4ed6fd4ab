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

// Nunjitsu's scanner (scanTemplate/nextOpening) looks for each kind of tag opening and for `#}` from every
// tag to the next of its kind, or to the end when there is none: a file of n characters with t tags costs
// up to 4·t·n character comparisons (a 420 KB skeleton of 40,000 `{% %}` tags took 10 s, 1.7 MB 134 s).
// Past these budgets (about a second for one string, ten for a run) a string is refused unparsed, as the
// scaffolder's own fetch:template would spend as long on it.
const SCAN_BUDGET_PER_STRING = 4e9;
const SCAN_BUDGET_PER_RUN = 4e10;
let scanSpent = 0;

/**
 * The character comparisons Nunjitsu's scanner makes on `source`: for each tag opening, in order, the
 * distance to the next occurrence of each opening and of `#}` at or after it (the end of the string when
 * there is none). Counts every opening, also inside {% raw %}, so it is an upper bound. Linear time.
 */
export function nunjitsuScanCost(source: string, variableStart: string): number {
  const patterns = [variableStart, '{%', '{#', '#}'];
  const positions = patterns.map(pattern => {
    const found: number[] = [];
    for (let at = source.indexOf(pattern); at !== -1; at = source.indexOf(pattern, at + 1)) found.push(at);
    return found;
  });
  const openings = [...positions[0], ...positions[1], ...positions[2]].sort((a, b) => a - b);
  const next = positions.map(() => 0);
  let cost = 0;
  for (const start of openings) {
    positions.forEach((list, k) => {
      while (next[k] < list.length && list[next[k]] < start) next[k]++;
      cost += (next[k] < list.length ? list[next[k]] : source.length) - start;
    });
  }
  return cost;
}

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
  const cost = nunjitsuScanCost(source, compat ? '{{' : '${{');
  // Only what is parsed spends the run's budget: a refused file costs nothing, and the files after it are judged.
  if (cost <= SCAN_BUDGET_PER_STRING && scanSpent + cost <= SCAN_BUDGET_PER_RUN) scanSpent += cost;
  else {
    const tags = (source.match(compat ? /\{\{|\{%|\{#/g : /\$\{\{|\{%|\{#/g) ?? []).length;
    return { reason: `it holds ${tags} template tags in ${source.length} characters, more than the scaffolder's renderer (Nunjitsu) parses in reasonable time: its scanner searches the rest of the text for every kind of tag at each tag${cost > SCAN_BUDGET_PER_STRING ? '' : ' (and this run has parsed its budget of such text already)'}, so fetch:template would hang on it too`, line: 1, column: 1 };
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
