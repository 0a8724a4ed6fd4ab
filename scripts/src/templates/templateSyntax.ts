import { createRequire } from 'node:module';
import { backtrackingRegexSync, describeVerdict, type Backtracking } from './regexBacktracking.ts';
import { regexLiterals, type RegexLiteral } from './regexLiterals.ts';

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
    // Nunjitsu's own factory, not boundNunjitsuScans' wrapper: the cost was weighed here already.
    renderer = (unbounded ?? loaded.nunjitsu.createTemplateRenderer)(compat ? { allowRegexExecution: true, cookiecutterCompat: true } : { allowRegexExecution: true });
    loaded.renderers.set(compat, renderer);
  }
  const refused = scanRefusal(source, compat, true);
  if (refused) {
    // Nunjitsu measures a text's length before it scans it: one past its size limit fails on that limit
    // at once, whatever its tags, so the task says that and not "too many tags". A tagless text of the same
    // length asks it without the scan.
    const limit = parseRefusal(renderer, ' '.repeat(source.length));
    return limit ?? { reason: refused, line: 1, column: 1 };
  }
  return parseRefusal(renderer, source);
}

let sourceLimit: { units: number | undefined } | undefined;

/**
 * The most UTF-16 code units a template string may have before Nunjitsu refuses it unparsed (its
 * sourceCodeUnits limit, 4,194,304 in the pinned version, which fetch:template does not change), asked of
 * Nunjitsu itself once with a text past any plausible limit; undefined when it sets none.
 */
export function nunjitsuSourceLimit(): number | undefined {
  if (!sourceLimit) {
    loaded ??= { nunjitsu: fromScaffolder('nunjitsu') as Nunjitsu, renderers: new Map() };
    const renderer = (unbounded ?? loaded.nunjitsu.createTemplateRenderer)({ allowRegexExecution: true });
    try {
      renderer.renderValue(' '.repeat(SOURCE_LIMIT_PROBE), {}, { limits: { workUnits: 1 } });
      sourceLimit = { units: undefined };
    } catch (error) {
      const { limit, configured } = error as { limit?: unknown; configured?: unknown };
      sourceLimit = { units: error instanceof loaded.nunjitsu.TemplateLimitError && limit === 'sourceCodeUnits' && typeof configured === 'number' ? configured : undefined };
    }
  }
  return sourceLimit.units;
}

// One-byte characters, so 16 MB of memory for an instant: four times the limit of the pinned Nunjitsu.
const SOURCE_LIMIT_PROBE = 16 * 1024 * 1024 + 1;

/**
 * A file of `bytes` bytes certainly past Nunjitsu's source limit, so refused without being read: UTF-8
 * spends at most three bytes on a UTF-16 code unit (four on a pair), so such a file has at least a third as
 * many code units as bytes. Its refusal in Nunjitsu's words, at line 1, or undefined when it may fit.
 */
export function sourceTooLarge(bytes: number): TemplateSyntaxError | undefined {
  const limit = nunjitsuSourceLimit();
  if (limit === undefined || bytes <= 3 * limit) return undefined;
  return { reason: `Template parsing exceeded the source code unit limit of ${limit} (a file of ${bytes} bytes holds at least ${Math.ceil(bytes / 3)}; not read)`, line: 1, column: 1 };
}

/** What Nunjitsu says when it parses `source` (its parse refusal), or undefined when it parses. */
function parseRefusal(renderer: ReturnType<Nunjitsu['createTemplateRenderer']>, source: string): TemplateSyntaxError | undefined {
  try {
    renderer.renderValue(source, {}, { limits: { workUnits: 1 } });
    return undefined;
  } catch (error) {
    // The work budget above stops evaluation, which is no refusal; what stops the parse is one: a syntax
    // error (TemplateRenderError) or a parse limit such as the nesting depth (TemplateLimitError).
    const refusal = (error instanceof loaded!.nunjitsu.TemplateRenderError || error instanceof loaded!.nunjitsu.TemplateLimitError) && (error as { phase?: string }).phase === 'parse';
    if (!refusal) return undefined;
    const refused = error as Error & { line?: number; column?: number };
    // The reason may quote the template (a reserved name): bounded like the expression it is shown with.
    const full = refused.message.replace(/^Template error at line \d+, column \d+: /, '').replace(/ at line \d+, column \d+$/, '');
    const reason = full.length > 160 ? `${full.slice(0, 157)}…` : full;
    return { reason, line: refused.line ?? 1, column: refused.column ?? 1 };
  }
}

/**
 * Why Nunjitsu's scanner would take too long on `source` (nunjitsuScanCost past about a second for one
 * string, or, with `spendRun`, past this run's budget of about ten), or undefined; a string that passes
 * spends its cost from the run's budget when `spendRun`. `compat`: cookiecutterCompat's `{{` opening
 * instead of `${{`. Pure but for that budget.
 */
function scanRefusal(source: string, compat: boolean, spendRun: boolean): string | undefined {
  const cost = nunjitsuScanCost(source, compat ? '{{' : '${{');
  // Only what is parsed spends the run's budget: a refused file costs nothing, and the files after it are judged.
  const overRun = spendRun && scanSpent + cost > SCAN_BUDGET_PER_RUN;
  if (cost <= SCAN_BUDGET_PER_STRING && !overRun) {
    if (spendRun) scanSpent += cost;
    return undefined;
  }
  const tags = (source.match(compat ? /\{\{|\{%|\{#/g : /\$\{\{|\{%|\{#/g) ?? []).length;
  return `it holds ${tags} template tags in ${source.length} characters, more than the scaffolder's renderer (Nunjitsu) parses in reasonable time: its scanner searches the rest of the text for every kind of tag at each tag${cost > SCAN_BUDGET_PER_STRING ? '' : ' (and this run has parsed its budget of such text already)'}, so fetch:template would hang on it too`;
}

/** Thrown by a renderer boundNunjitsuScans wraps, in place of a parse that would take too long; the message says why. */
export class TemplateScanRefused extends Error {
  constructor(reason: string) {
    super(`the scaffolder's renderer was not run on this text: ${reason}`);
    this.name = 'TemplateScanRefused';
  }
}

/**
 * Thrown by a renderer boundNunjitsuScans wraps, in place of rendering a text with a regular-expression
 * literal that backtracks super-linearly: Nunjitsu runs it natively, where no work limit reaches, so the
 * render (and Backstage's task) could run for hours. `literal` is the first such literal, `verdict` recheck's.
 */
export class TemplateRegexRefused extends Error {
  constructor(readonly literal: RegexLiteral, readonly verdict: Backtracking) {
    super(`the scaffolder's renderer was not run on this text: ${regexLiteralMessage(literal, verdict)}`);
    this.name = 'TemplateRegexRefused';
  }
}

/** What a finding says of a literal that backtracks: the literal (bounded), the verdict, and why it matters. */
export function regexLiteralMessage(literal: RegexLiteral, verdict: Backtracking): string {
  const shown = literal.written.length > 80 ? `${literal.written.slice(0, 80)}…` : literal.written;
  const attack = verdict.attack !== undefined ? ` (for example on ${verdict.attack})` : '';
  return `the regular expression ${JSON.stringify(shown)} ${describeVerdict(verdict)}${attack}: Nunjitsu runs it natively when it renders the text (replace, split, test), where its work limits do not reach, so one such value stalls the scaffolder backend's JavaScript thread, and with it Backstage`;
}

// The last literal the guard refused, for renderTemplate to say what stopped a render (a step's error wraps ours).
let lastRegexRefusal: TemplateRegexRefused | undefined;

/** The TemplateRegexRefused the guard threw since the last call, if any (and forgets it). */
export function takeRegexRefusal(): TemplateRegexRefused | undefined {
  const refused = lastRegexRefusal;
  lastRegexRefusal = undefined;
  return refused;
}

/**
 * The first regular-expression literal of `source` (regexLiterals, under the step's cookiecutterCompat)
 * that backtracks super-linearly, judged synchronously (backtrackingRegexSync), with its verdict; undefined
 * when there is none. Never throws.
 */
export function backtrackingLiteral(source: string, compat: boolean): { literal: RegexLiteral; verdict: Backtracking } | undefined {
  for (const literal of regexLiterals(source, compat)) {
    const verdict = backtrackingRegexSync(literal.pattern, literal.flags);
    if (verdict) return { literal, verdict };
  }
  return undefined;
}

// Nunjitsu's createTemplateRenderer as it was before boundNunjitsuScans replaced it.
let unbounded: Nunjitsu['createTemplateRenderer'] | undefined;

/**
 * The texts the wrapped renderers rendered, counted, and the last one whose render threw: fetch:template
 * renders each skeleton entry's path before it logs the entry, so only the count tells a path's failure
 * (the next entry's, a folder's) from the content of the file it logged last.
 */
export const renders: { count: number; lastRefused?: string } = { count: 0 };

/**
 * Makes every renderer Nunjitsu creates in this process (the one @backstage/plugin-scaffolder-backend
 * resolves, which fetch:template, fetch:template:file and NunjucksWorkflowRunner look up on the module at
 * each call) refuse, with TemplateScanRefused, a string whose scan cost is past the per-string budget
 * templateSyntaxError judges `check`'s strings by: a render (`templates test`/`render`) never parses a
 * skeleton `check` would refuse; and refuse, with TemplateRegexRefused, a string holding a regular-expression
 * literal that backtracks super-linearly (backtrackingLiteral), which no budget could stop once it runs. Parsing is synchronous, so the render budget's timer could not stop one
 * such file; between files it can, so the run's total is left to that budget. Idempotent.
 */
export function boundNunjitsuScans(): void {
  if (unbounded) return;
  const nunjitsu = fromScaffolder('nunjitsu') as Nunjitsu & { createTemplateRenderer: (options?: { cookiecutterCompat?: boolean }) => Record<string, unknown> };
  const create = nunjitsu.createTemplateRenderer;
  unbounded = create;
  nunjitsu.createTemplateRenderer = (options = {}) => {
    const renderer = create(options as never) as unknown as Record<string, (source: unknown, ...rest: unknown[]) => unknown>;
    const compat = options.cookiecutterCompat === true;
    const guard = (method: 'render' | 'renderValue') => {
      const original = renderer[method].bind(renderer);
      return (source: unknown, ...rest: unknown[]) => {
        const refused = typeof source === 'string' ? scanRefusal(source, compat, false) : undefined;
        if (refused) {
          // Past Nunjitsu's size limit the task fails on that limit before any scan: that error, not ours.
          original(' '.repeat((source as string).length), ...rest);
          throw new TemplateScanRefused(refused);
        }
        const backtracking = typeof source === 'string' ? backtrackingLiteral(source, compat) : undefined;
        if (backtracking) throw (lastRegexRefusal = new TemplateRegexRefused(backtracking.literal, backtracking.verdict));
        renders.count++;
        try {
          return original(source, ...rest);
        } catch (error) {
          renders.lastRefused = typeof source === 'string' ? source : undefined;
          throw error;
        }
      };
    };
    return { ...renderer, prepareContext: renderer.prepareContext.bind(renderer), render: guard('render'), renderValue: guard('renderValue') };
  };
}

const fromScaffolder = (name: string) => createRequire(require.resolve('@backstage/plugin-scaffolder-backend'))(name);
