import { createRequire } from 'node:module';
import { rememberedSync } from '../load/remembered.ts';
import { deferUnreadScaffolderModules } from './offlineScaffolder.ts';
import type { TemplatingNames } from './scaffolderActions.ts';

const require = createRequire(import.meta.url);

interface Renderer {
  renderValue(template: string, context: object): unknown;
  render(template: string, context: object): string;
}

const renderers = new Map<string, Renderer>();
const NO_EXTENSIONS: TemplatingNames = { filters: [], globals: [] };
const known = new Map<string, boolean>();

/**
 * A renderer that knows the filters the pinned scaffolder's renderer knows: Nunjitsu (as
 * scaffolder-backend resolves it) with filters named as the scaffolder's default filters
 * (createDefaultFilters, the same record the workflow runner and fetch:template use), regex execution on,
 * `cookiecutterCompat` as fetch:template passes it. It only answers which names are filters: each
 * filter passes its value through, since building the real ones loads scaffolder-node and everything
 * it needs (about half a second) for four names.
 */
function renderer(cookiecutterCompat: boolean, extensions = NO_EXTENSIONS): Renderer {
  const key = extensionsKey(cookiecutterCompat, extensions);
  let cached = renderers.get(key);
  if (cached) return cached;
  const { createTemplateRenderer } = fromScaffolder('nunjitsu');
  // A deployment's own filters and globals (templating extensions) are known by name, as the defaults are.
  const filters = Object.fromEntries([...defaultFilterNames(), ...extensions.filters].map(name => [name, (value: unknown) => value]));
  const globals = Object.fromEntries(extensions.globals.map(name => [name, () => '']));
  cached = createTemplateRenderer({ filters, globals, allowRegexExecution: true, cookiecutterCompat }) as Renderer;
  renderers.set(key, cached);
  return cached;
}

/** The fix hint's last sentence for a filter or global the renderer lacks: a deployment's own is declared, not removed. */
export const DECLARE_FILTER = 'If your Backstage adds this filter (a scaffolder module of its own), name the module in backstageConfig.plugins or the filter in backstageConfig.additionalTemplateFilters in gitops.config.yaml.';
export const DECLARE_GLOBAL = 'If your Backstage adds this function (a scaffolder module of its own), name the module in backstageConfig.plugins or the function in backstageConfig.additionalTemplateGlobals in gitops.config.yaml.';

const extensionsKey = (cookiecutterCompat: boolean, extensions: TemplatingNames) => `${cookiecutterCompat}|${extensions.filters.join(',')}|${extensions.globals.join(',')}`;

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
export function isKnownFilter(name: string, cookiecutterCompat = false, extensions = NO_EXTENSIONS): boolean {
  return rendersWithout(`filter|${extensionsKey(cookiecutterCompat, extensions)}|${name}`, cookiecutterCompat, `"" | ${name}`, /Unknown template filter/, extensions);
}

/**
 * Whether the pinned scaffolder's renderer has a test of this name (`x is defined`, `x is divisibleby(3)`):
 * asked of the renderer itself, as isKnownFilter asks (an unknown one fails the render with `Unknown
 * template test "…"`).
 */
export function isKnownTest(name: string, cookiecutterCompat = false): boolean {
  return rendersWithout(`test|${cookiecutterCompat}|${name}`, cookiecutterCompat, `"" is ${name}`, /Unknown template test/);
}

/** Whether rendering the expression `probe` fails with a message other than `unknown` (or not at all); remembered by `key`. */
function rendersWithout(key: string, cookiecutterCompat: boolean, probe: string, unknown: RegExp, extensions = NO_EXTENSIONS): boolean {
  let answer = known.get(key);
  if (answer === undefined) {
    try {
      renderer(cookiecutterCompat, extensions).renderValue(`${cookiecutterCompat ? '{{' : '${{'} ${probe} }}`, {});
      answer = true;
    } catch (error) {
      answer = !unknown.test((error as Error).message);
    }
    known.set(key, answer);
  }
  return answer;
}

/**
 * Whether the pinned scaffolder's renderer has a global function of this name (Nunjitsu's range, cycler,
 * joiner): asked of the renderer itself. A call of any other name the template does not bind fails the
 * render (`Template value "…" resolved to undefined and cannot be called`). With `extensions`, a deployment's
 * own globals (templateExtensionNames) are known too.
 */
export function isKnownGlobal(name: string, cookiecutterCompat = false, extensions = NO_EXTENSIONS): boolean {
  const key = `global|${extensionsKey(cookiecutterCompat, extensions)}|${name}`;
  let answer = known.get(key);
  if (answer === undefined) {
    try {
      answer = renderer(cookiecutterCompat, extensions).renderValue(`${cookiecutterCompat ? '{{' : '${{'} ${name} is defined }}`, {}) !== false;
    } catch {
      // The defined test refuses a callable value: the name is a global function.
      answer = true;
    }
    known.set(key, answer);
  }
  return answer;
}
