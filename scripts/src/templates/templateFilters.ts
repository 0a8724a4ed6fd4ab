import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface Renderer {
  renderValue(template: string, context: object): unknown;
}

const renderers = new Map<boolean, Renderer>();
const known = new Map<string, boolean>();

/**
 * The renderer the pinned scaffolder builds: Nunjitsu (as scaffolder-backend resolves it) with the
 * scaffolder's default filters (createDefaultFilters, the same record the workflow runner and
 * fetch:template use) and regex execution on; `cookiecutterCompat` as fetch:template passes it.
 */
function renderer(cookiecutterCompat: boolean): Renderer {
  let cached = renderers.get(cookiecutterCompat);
  if (cached) return cached;
  const dist = createRequire(require.resolve('@backstage/plugin-scaffolder-backend'));
  const { createTemplateRenderer } = dist('nunjitsu');
  const { createDefaultFilters } = dist('./lib/templating/filters/createDefaultFilters.cjs.js');
  const { convertFiltersToRecord } = dist('./util/templating.cjs.js');
  const { ScmIntegrations } = require('@backstage/integration');
  const { ConfigReader } = require('@backstage/config');
  const filters = convertFiltersToRecord(createDefaultFilters({ integrations: ScmIntegrations.fromConfig(new ConfigReader({})) }));
  cached = createTemplateRenderer({ filters, allowRegexExecution: true, cookiecutterCompat }) as Renderer;
  renderers.set(cookiecutterCompat, cached);
  return cached;
}

/**
 * Whether the pinned scaffolder's renderer has a filter of this name: asked of the renderer itself
 * (an unknown one fails with `Unknown template filter "…"`), so the answer follows the installed
 * Nunjitsu and scaffolder-backend. Filters a deployment adds (additionalTemplateFilters) are not known.
 */
export function isKnownFilter(name: string, cookiecutterCompat = false): boolean {
  const key = `${cookiecutterCompat}|${name}`;
  let answer = known.get(key);
  if (answer === undefined) {
    const open = cookiecutterCompat ? '{{' : '${{';
    try {
      renderer(cookiecutterCompat).renderValue(`${open} "" | ${name} }}`, {});
      answer = true;
    } catch (error) {
      answer = !/Unknown template filter/.test((error as Error).message);
    }
    known.set(key, answer);
  }
  return answer;
}
