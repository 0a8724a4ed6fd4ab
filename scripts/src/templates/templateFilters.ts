import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { rememberedSync } from '../load/remembered.ts';
import { boundedText } from '../report/safeText.ts';
import { deferUnreadScaffolderModules } from './offlineScaffolder.ts';
import type { TemplatingNames } from './scaffolderActions.ts';
import { boundNunjitsuScans } from './templateSyntax.ts';

const require = createRequire(import.meta.url);

interface Renderer {
  renderValue(template: string, context: object): unknown;
  render(template: string, context: object): string;
}

/**
 * Which of the scaffolder's renderers: fetch:template's for a skeleton (`{{ }}` with cookiecutterCompat,
 * `${{ }}` without) or NunjucksWorkflowRunner's for template.yaml (`${{ }}`, the default filters, and the
 * globals the runner adds).
 */
export type RendererKind = 'skeleton' | 'cookiecutter' | 'workflow';

const renderers = new Map<string, Renderer>();
const NO_EXTENSIONS: TemplatingNames = { filters: [], globals: [] };
const known = new Map<string, boolean>();

const kindOf = (cookiecutterCompat: boolean | RendererKind): RendererKind => (cookiecutterCompat === true ? 'cookiecutter' : cookiecutterCompat === false ? 'skeleton' : cookiecutterCompat);

/**
 * A renderer that knows the filters the pinned scaffolder's renderer knows: Nunjitsu (as
 * scaffolder-backend resolves it) with filters named as the scaffolder's default filters
 * (createDefaultFilters, the same record the workflow runner and fetch:template use), regex execution on,
 * `cookiecutterCompat` as fetch:template passes it. It only answers which names are filters: each
 * filter passes its value through, since building the real ones loads scaffolder-node and everything
 * it needs (about half a second) for four names. `kind` workflow adds the runner's own globals.
 */
function renderer(cookiecutterCompat: boolean | RendererKind, extensions = NO_EXTENSIONS): Renderer {
  const kind = kindOf(cookiecutterCompat);
  const key = extensionsKey(kind, extensions);
  let cached = renderers.get(key);
  if (cached) return cached;
  // Guarded as the render's are: what this renderer evaluates (analyzeSkeleton's GitHub expressions) may run a
  // regular-expression literal natively, and `check` must not hang on the one it reports.
  boundNunjitsuScans();
  const { createTemplateRenderer } = fromScaffolder('nunjitsu');
  // A deployment's own filters and globals (templating extensions) are known by name, as the defaults are.
  const filters = Object.fromEntries([...defaultFilterNames(), ...extensions.filters].map(name => [name, (value: unknown) => value]));
  // The globals answer nothing here: the probes ask only whether a name is a function.
  const globals = Object.fromEntries([...extensions.globals, ...(kind === 'workflow' ? workflowGlobalNames() : [])].map(name => [name, () => '']));
  cached = createTemplateRenderer({ filters, globals, allowRegexExecution: true, cookiecutterCompat: kind === 'cookiecutter' }) as Renderer;
  renderers.set(key, cached);
  return cached;
}

/**
 * The fix hint's last sentence for a filter (`name`) the renderer lacks: a deployment's own is declared once
 * in gitops.config.yaml, not removed from every use.
 */
export function declareFilter(name: string): string {
  const shown = boundedText(name, 80);
  return `If your Backstage adds ${shown} (a scaffolder module of its own), declare it once in gitops.config.yaml, which clears every use: list it in backstageConfig.additionalTemplateFilters (backstageConfig.plugins, which it needs, names the scaffolder modules your Backstage runs; an installed one's filters are read from it).`;
}

/** declareFilter's sentence for a global function (`name`) the renderer lacks. */
export function declareGlobal(name: string): string {
  const shown = boundedText(name, 80);
  return `If your Backstage adds ${shown}() (a scaffolder module of its own), declare it once in gitops.config.yaml, which clears every use: list it in backstageConfig.additionalTemplateGlobals (backstageConfig.plugins, which it needs, names the scaffolder modules your Backstage runs; an installed one's globals are read from it).`;
}

const extensionsKey = (cookiecutterCompat: boolean | RendererKind, extensions: TemplatingNames) => `${kindOf(cookiecutterCompat)}|${extensions.filters.join(',')}|${extensions.globals.join(',')}`;

const delimiter = (kind: RendererKind) => (kind === 'cookiecutter' ? '{{' : '${{');

const fromScaffolder = (name: string) => createRequire(require.resolve('@backstage/plugin-scaffolder-backend'))(name);

/** The names of the scaffolder's default filters, read from the installed scaffolder-backend (remembered per install). */
export function defaultFilterNames(): string[] {
  return rememberedSync('scaffolder-filters', '', (v): v is string[] => Array.isArray(v) && v.every(n => typeof n === 'string'), () => {
    deferUnreadScaffolderModules();
    const { createDefaultFilters } = fromScaffolder('./lib/templating/filters/createDefaultFilters.cjs.js');
    const { convertFiltersToRecord } = fromScaffolder('./util/templating.cjs.js');
    const { ScmIntegrations } = require('@backstage/integration');
    const { ConfigReader } = require('@backstage/config');
    return Object.keys(convertFiltersToRecord(createDefaultFilters({ integrations: ScmIntegrations.fromConfig(new ConfigReader({})) })));
  });
}

/**
 * `template` rendered to text by the pinned scaffolder's renderer as fetch:template sets it up (filters
 * known by name, each passing its value through). Throws the renderer's TemplateRenderError.
 */
export function renderText(template: string, context: object, cookiecutterCompat = false): string {
  return renderer(cookiecutterCompat).render(template, context);
}

/**
 * Whether the pinned scaffolder's renderer has a filter of this name: asked of the renderer itself
 * (an unknown one fails with `Unknown template filter "…"`), so the answer follows the installed
 * Nunjitsu and scaffolder-backend; with `extensions`, a deployment's own filters (templateExtensionNames) too.
 */
export function isKnownFilter(name: string, cookiecutterCompat: boolean | RendererKind = false, extensions = NO_EXTENSIONS): boolean {
  return rendersWithout(`filter|${extensionsKey(cookiecutterCompat, extensions)}|${name}`, cookiecutterCompat, `"" | ${name}`, /Unknown template filter/, { extensions });
}

/**
 * Whether the pinned scaffolder's renderer has a test of this name (`x is defined`, `x is divisibleby(3)`):
 * asked of the renderer itself, as isKnownFilter asks (an unknown one fails the render with `Unknown
 * template test "…"`).
 */
export function isKnownTest(name: string, cookiecutterCompat: boolean | RendererKind = false): boolean {
  return rendersWithout(`test|${kindOf(cookiecutterCompat)}|${name}`, cookiecutterCompat, `"" is ${name}`, /Unknown template test/);
}

/**
 * Whether rendering `probe` (an expression, or with `statement` a whole template where `$$` opens an
 * expression) in `context`, by the renderer with `extensions`, fails with a message other than `unknown`
 * (or not at all); remembered by `key`.
 */
function rendersWithout(key: string, cookiecutterCompat: boolean | RendererKind, probe: string, unknown: RegExp, options: { extensions?: TemplatingNames; context?: object; statement?: boolean } = {}): boolean {
  let answer = known.get(key);
  if (answer === undefined) {
    const open = delimiter(kindOf(cookiecutterCompat));
    const { context = {}, statement = false } = options;
    try {
      renderer(cookiecutterCompat, options.extensions).renderValue(statement ? probe.replaceAll('$$', open) : `${open} ${probe} }}`, context);
      answer = true;
    } catch (error) {
      answer = !unknown.test((error as Error).message);
    }
    known.set(key, answer);
  }
  return answer;
}

// How Nunjitsu refuses a call of what is no function: `Template value "loop.cycle" resolved to undefined
// and cannot be called`, `… resolved to string and cannot be called`, `Template expression resolved to …`.
const NOT_CALLABLE = /cannot be called/;

/**
 * Whether `root.path[0]….path[n-1]()` finds a function when nothing but the renderer's own globals is
 * defined (no values, no names the template sets): asked of the renderer, called without arguments (a
 * function that wants some fails otherwise, which still counts as found). `root` is a name the template
 * and the context do not bind: `Math.max`, `JSON.stringify` and `range.foo` find none, `cycler().next`
 * (rootCalled) finds one.
 */
export function callResolvesAlone(root: string, path: readonly (string | number)[], rootCalled: boolean, cookiecutterCompat: boolean | RendererKind = false): boolean {
  const probe = `${root}${rootCalled ? '()' : ''}${path.map(p => `[${JSON.stringify(p)}]`).join('')}()`;
  return rendersWithout(`alone|${kindOf(cookiecutterCompat)}|${probe}`, cookiecutterCompat, probe, NOT_CALLABLE);
}

/**
 * Whether the for loop's `loop` variable has a method `name` (Nunjucks' loop has index, first, length…
 * and no methods; Jinja's has cycle()): asked of the renderer with a call inside a one-item loop.
 */
export function loopHasMethod(name: string | number, cookiecutterCompat: boolean | RendererKind = false): boolean {
  const probe = `{% for _ in [1] %}$$ loop[${JSON.stringify(name)}]() }}{% endfor %}`;
  return rendersWithout(`loop|${kindOf(cookiecutterCompat)}|${name}`, cookiecutterCompat, probe, NOT_CALLABLE, { statement: true });
}

/**
 * A value of each kind the scaffolder's context can hold: JSON's (parameters, step outputs) and the Map
 * and Set that Nunjitsu accepts too. It refuses functions (`Unsupported template value of type function`)
 * and every object but a plain record, so no value reaches a template as anything else.
 */
const VALUE_KINDS: Record<string, unknown> = { string: 'a', number: 1, boolean: true, null: null, array: [1], record: { a: 1 }, map: new Map([['a', 1]]), set: new Set([1]) };

/**
 * Whether `.name()` finds a function on a value of any kind in `kinds` (default: every kind a context
 * value can be, for a value whose kind the check cannot know): asked of the renderer on one value of
 * each kind. Nunjitsu calls only the methods it allows per kind (String's toUpperCase, split…; not
 * padStart, replaceAll, map), in cookiecutter mode also Python's (a list's append, a dict's items).
 */
export function methodOnSomeValue(name: string | number, cookiecutterCompat: boolean | RendererKind = false, kinds: readonly string[] = Object.keys(VALUE_KINDS)): boolean {
  return kinds.some(kind => rendersWithout(`method|${kindOf(cookiecutterCompat)}|${kind}|${name}`, cookiecutterCompat, `v[${JSON.stringify(name)}]()`, NOT_CALLABLE, { context: { v: VALUE_KINDS[kind] } }));
}

/**
 * Whether printing what `name()` returns fails the render (Nunjitsu: `Callable values cannot be
 * coerced`): joiner() returns a function and cycler() an object of functions, which no text can show.
 * Asked of the renderer with the global called without arguments.
 */
export function printsCallable(name: string, cookiecutterCompat: boolean | RendererKind = false): boolean {
  return !rendersWithout(`print|${kindOf(cookiecutterCompat)}|${name}`, cookiecutterCompat, `${name}()`, /cannot be coerced/);
}

/**
 * Whether the pinned scaffolder's renderer has a global function of this name (Nunjitsu's range, cycler,
 * joiner; in the workflow renderer also the runner's always and failure): asked of the renderer itself.
 * A call of any other name the template does not bind fails the render (`Template value "…" resolved to
 * undefined and cannot be called`). With `extensions`, a deployment's own globals (templateExtensionNames)
 * are known too.
 */
export function isKnownGlobal(name: string, cookiecutterCompat: boolean | RendererKind = false, extensions = NO_EXTENSIONS): boolean {
  const key = `global|${extensionsKey(cookiecutterCompat, extensions)}|${name}`;
  let answer = known.get(key);
  if (answer === undefined) {
    try {
      answer = renderer(cookiecutterCompat, extensions).renderValue(`${delimiter(kindOf(cookiecutterCompat))} ${name} is defined }}`, {}) !== false;
    } catch {
      // The defined test refuses a callable value: the name is a global function.
      answer = true;
    }
    known.set(key, answer);
  }
  return answer;
}

/**
 * The names of the global functions NunjucksWorkflowRunner gives the renderer of template.yaml besides a
 * deployment's (scaffolder-backend 4.2.0: always, failure), read from the installed runner's source: it
 * creates them inside execute(), where nothing can ask for them. Remembered per install. Empty when the
 * source no longer has that shape (a test pins the names of the installed version).
 */
export function workflowGlobalNames(): string[] {
  return rememberedSync('workflow-globals', '', (v): v is string[] => Array.isArray(v) && v.every(n => typeof n === 'string'), () => {
    const source = readFileSync(join(dirname(require.resolve('@backstage/plugin-scaffolder-backend')), 'scaffolder/tasks/NunjucksWorkflowRunner.cjs.js'), 'utf8');
    const call = source.indexOf('createTemplateRenderer({');
    const start = call < 0 ? -1 : source.indexOf('globals: {', call);
    if (start < 0) return [];
    // The object literal up to its closing brace, by depth: its own functions' bodies nest inside it.
    let depth = 0;
    let end = start + 'globals: '.length;
    for (; end < source.length; end++) {
      if (source[end] === '{') depth++;
      else if (source[end] === '}' && --depth === 0) break;
    }
    const body = source.slice(start + 'globals: {'.length, end);
    const names: string[] = [];
    let level = 0;
    for (const match of body.matchAll(/[{}]|\b([A-Za-z_$][\w$]*)\s*:\s*(?:\([^)]*\)\s*=>|function\b)/g)) {
      if (match[0] === '{') level++;
      else if (match[0] === '}') level--;
      else if (level === 0) names.push(match[1]);
    }
    return names;
  });
}

let workflowValueRenderer: Renderer | undefined;

/**
 * `template` (a template.yaml string with `${{ }}`) rendered as NunjucksWorkflowRunner renders a step's input:
 * Nunjitsu as scaffolder-backend resolves it, with the scaffolder's real default filters (parseRepoUrl,
 * parseEntityRef, pick, projectSlug, with the default integrations) and regex execution on, and no globals (a
 * call of one fails). Throws the renderer's error.
 */
export function renderWorkflowValue(template: string, context: object): unknown {
  if (!workflowValueRenderer) {
    deferUnreadScaffolderModules();
    // Guarded as the render's are (boundNunjitsuScans): pushTargets evaluates template.yaml's expressions with it.
    boundNunjitsuScans();
    const { createTemplateRenderer } = fromScaffolder('nunjitsu');
    const { createDefaultFilters } = fromScaffolder('./lib/templating/filters/createDefaultFilters.cjs.js');
    const { convertFiltersToRecord } = fromScaffolder('./util/templating.cjs.js');
    const { ScmIntegrations } = require('@backstage/integration');
    const { ConfigReader } = require('@backstage/config');
    const filters = convertFiltersToRecord(createDefaultFilters({ integrations: ScmIntegrations.fromConfig(new ConfigReader({})) }));
    workflowValueRenderer = createTemplateRenderer({ filters, allowRegexExecution: true }) as Renderer;
  }
  return workflowValueRenderer.renderValue(template, context);
}
