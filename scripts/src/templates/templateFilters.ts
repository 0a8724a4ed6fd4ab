import { createRequire } from 'node:module';
import { rememberedSync } from '../load/remembered.ts';
import { deferUnreadScaffolderModules } from './offlineScaffolder.ts';

const require = createRequire(import.meta.url);

interface Renderer {
  renderValue(template: string, context: object): unknown;
  render(template: string, context: object): string;
}

const renderers = new Map<boolean, Renderer>();
const known = new Map<string, boolean>();

/**
 * A renderer that knows the filters the pinned scaffolder's renderer knows: Nunjitsu (as
 * scaffolder-backend resolves it) with filters named as the scaffolder's default filters
 * (createDefaultFilters, the same record the workflow runner and fetch:template use), regex execution on,
 * `cookiecutterCompat` as fetch:template passes it. It only answers which names are filters: each
 * filter passes its value through, since building the real ones loads scaffolder-node and everything
 * it needs (about half a second) for four names.
 */
function renderer(cookiecutterCompat: boolean): Renderer {
  let cached = renderers.get(cookiecutterCompat);
  if (cached) return cached;
  const { createTemplateRenderer } = fromScaffolder('nunjitsu');
  const filters = Object.fromEntries(defaultFilterNames().map(name => [name, (value: unknown) => value]));
  cached = createTemplateRenderer({ filters, allowRegexExecution: true, cookiecutterCompat }) as Renderer;
  renderers.set(cookiecutterCompat, cached);
  return cached;
}

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
 * Nunjitsu and scaffolder-backend. Filters a deployment adds (additionalTemplateFilters) are not known.
 */
export function isKnownFilter(name: string, cookiecutterCompat = false): boolean {
  return rendersWithout(`filter|${cookiecutterCompat}|${name}`, cookiecutterCompat, `"" | ${name}`, /Unknown template filter/);
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
function rendersWithout(key: string, cookiecutterCompat: boolean, probe: string, unknown: RegExp): boolean {
  let answer = known.get(key);
  if (answer === undefined) {
    try {
      renderer(cookiecutterCompat).renderValue(`${cookiecutterCompat ? '{{' : '${{'} ${probe} }}`, {});
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
 * render (`Template value "…" resolved to undefined and cannot be called`). Globals a deployment adds
 * (additionalTemplateGlobals) are not known.
 */
export function isKnownGlobal(name: string, cookiecutterCompat = false): boolean {
  const key = `global|${cookiecutterCompat}|${name}`;
  let answer = known.get(key);
  if (answer === undefined) {
    try {
      answer = renderer(cookiecutterCompat).renderValue(`${cookiecutterCompat ? '{{' : '${{'} ${name} is defined }}`, {}) !== false;
    } catch {
      // The defined test refuses a callable value: the name is a global function.
      answer = true;
    }
    known.set(key, answer);
  }
  return answer;
}
