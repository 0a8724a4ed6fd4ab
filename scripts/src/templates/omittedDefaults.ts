import { OWN_PARAMETERS } from './ownParameters.ts';
import { normalizeSteps } from './stepIds.ts';
/**
 * A render that fails on a parameter the values leave out although the template gives it a `default`:
 * Backstage's form fills a default in, so a task started from the form has the value; the backend applies
 * none, and neither do `templates render` and `templates test` (the values are the task's). The failure
 * (`each: ${{ parameters.envs }}` "cannot be resolved to a value") then reads as the template's fault;
 * this names the parameter and what to do.
 */

const MAX_NAMES = 5;

/** The top-level properties of the template's parameter pages that have a `default`. */
function defaultedParameters(parameters: unknown): Map<string, unknown> {
  const found = new Map<string, unknown>();
  const pages = Array.isArray(parameters) ? parameters : parameters && typeof parameters === 'object' ? [parameters] : [];
  for (const page of pages) {
    const properties = page && typeof page === 'object' ? (page as { properties?: unknown }).properties : undefined;
    if (!properties || typeof properties !== 'object') continue;
    for (const [name, schema] of Object.entries(properties)) {
      if (schema && typeof schema === 'object' && Object.hasOwn(schema, 'default') && !found.has(name)) found.set(name, (schema as { default: unknown }).default);
    }
  }
  return found;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The hint for a render failure whose message names a step (`step <id> (<action>): …`) that reads a
 * parameter the values leave out but the form would fill with its default; undefined otherwise.
 */
export function omittedDefaultHint(template: { spec?: { parameters?: unknown; steps?: unknown } }, values: Readonly<Record<string, unknown>> | undefined, message: string): string | undefined {
  const stepId = /^step (\S+) \(/.exec(message)?.[1];
  // The failure names a step by the runner's id: step-<n> for one written without an id.
  const steps = Array.isArray(template.spec?.steps) ? (normalizeSteps(template.spec.steps) as { id?: unknown }[]) : [];
  const step = stepId === undefined ? undefined : steps.find(s => s && s.id === stepId);
  if (!step) return undefined;
  const text = JSON.stringify(step);
  const given = values ?? {};
  const omitted = [...defaultedParameters(template.spec?.parameters)].filter(([name]) => !Object.hasOwn(given, name) && new RegExp(`${OWN_PARAMETERS}(?:\\.${escape(name)}\\b|\\[\\s*['"]${escape(name)}['"]\\s*\\])`).test(text));
  if (omitted.length === 0) return undefined;
  const bounded = (value: unknown) => {
    const json = JSON.stringify(value) ?? 'null';
    return json.length > 60 ? `${json.slice(0, 60)}…` : json;
  };
  const list = omitted.slice(0, MAX_NAMES).map(([name, value]) => `${JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name)} (default ${bounded(value)})`).join(', ');
  const more = omitted.length > MAX_NAMES ? ` and ${omitted.length - MAX_NAMES} more` : '';
  return `The values leave out ${list}${more}, which this step reads. Backstage's form fills a parameter's default in, so a task started from the form has it; the backend applies no default, and nor does this render. Give ${omitted.length === 1 ? 'it' : 'them'} in the values as the form would submit ${omitted.length === 1 ? 'it' : 'them'}.`;
}
