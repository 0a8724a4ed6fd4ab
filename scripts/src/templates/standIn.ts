/**
 * Stand-ins for the filters and functions a deployment declares (backstageConfig.additionalTemplateFilters /
 * additionalTemplateGlobals) but the toolkit has no code for: a filter gives its input back, a function ''.
 * What such a stand-in feeds is not what Backstage computes (a repository name where the real filter makes a
 * RepoUrlPicker value; a later `| projectSlug` then throws and the runner keeps the raw text), so what it
 * fed is not judged: these helpers say which text a stand-in touched.
 */

const STAND_IN = Symbol('backstage-gitops stand-in');

/** Marks a stand-in function (the filter or global has no code here). */
export function markStandIn<T extends object>(fn: T): T {
  return Object.assign(fn, { [STAND_IN]: true });
}

/** The names of the stand-ins among a render's filters and globals. */
export function standInNames(extensions: { filters?: Record<string, unknown>; globals?: Record<string, unknown> } | undefined): string[] {
  const marked = (record: Record<string, unknown> | undefined) => Object.entries(record ?? {}).filter(([, fn]) => typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[STAND_IN] === true).map(([name]) => name);
  return [...marked(extensions?.filters), ...marked(extensions?.globals)];
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether text (a step input as written, a rendered file, a finding) holds a `${{ … }}` expression that
 * calls one of the stand-ins: as a filter (`| name`) or a function (`name(`). Bounded: the first 200
 * expressions of at most 1 MB of text.
 */
export function callsStandIn(text: string, names: readonly string[]): boolean {
  if (names.length === 0 || !text.includes('${{')) return false;
  const alternatives = names.map(escape).join('|');
  const call = new RegExp(`\\|\\s*(?:${alternatives})\\b|(?<![\\w.])(?:${alternatives})\\s*\\(`);
  let seen = 0;
  for (const match of text.slice(0, 1024 * 1024).matchAll(/\$\{\{([\s\S]{0,2000}?)\}\}/g)) {
    if (call.test(match[1])) return true;
    if (++seen >= 200) break;
  }
  return false;
}

/** Whether every leftover `${{ … }}` of text that `leftover` matches calls a stand-in (and there is one). */
export function leftoversAllStandIn(text: string, leftover: RegExp, names: readonly string[]): boolean {
  if (names.length === 0) return false;
  let any = false;
  let seen = 0;
  for (const match of text.slice(0, 1024 * 1024).matchAll(/\$\{\{[\s\S]{0,2000}?\}\}/g)) {
    if (!leftover.test(match[0])) continue;
    any = true;
    if (!callsStandIn(match[0], names)) return false;
    if (++seen >= 200) break;
  }
  return any;
}
