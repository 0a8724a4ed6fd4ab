import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { yamlPackage } from '../load/lazyPackages.ts';
import { affordableYaml } from '../load/yamlNodeBudget.ts';

/** What a Backstage app's own backend adds to its catalog, as gitops.config.yaml's catalog keys. */
export interface AppBackendCatalog {
  /** Installed catalog modules among the backend's that extend the entity model (catalog.modules). */
  modules: string[];
  /** Placeholders the backend's modules resolve besides text, json and yaml (catalog.placeholderResolvers). */
  placeholderResolvers: string[];
}

const require = createRequire(import.meta.url);
const BACKEND = 'packages/backend';
const MAX_BYTES = 1024 * 1024;
const MAX_SOURCES = 300;
const CATALOG_MODULE = /^@backstage(?:-community)?\/plugin-catalog-backend-module-[a-z0-9]+(?:-[a-z0-9]+)*$/;
// The module's own init registers these two (catalogModuleJsonSchemaRefPlaceholderResolver).
const RESOLVER_MODULES: Record<string, string[]> = { '@backstage/plugin-catalog-backend-module-openapi': ['openapi', 'asyncapi'] };

/**
 * For a folder without gitops.config.yaml that is a Backstage app's repository (create-app's
 * `packages/backend`): the catalog modules its backend both depends on (package.json) and wires in (its
 * source names the package), kept when the toolkit has them installed and they extend the entity model or
 * resolve placeholders. That backend is the Backstage that reads the repo's own catalog files (backstage/demo's
 * AiResource examples, an `$openapi` definition in janus-idp's showcase), so judging them without its modules
 * refuses entities it accepts. Undefined when there is no such backend or it adds none.
 */
export async function appBackendCatalog(root: string): Promise<AppBackendCatalog | undefined> {
  const dependencies = backendDependencies(root);
  if (!dependencies) return undefined;
  const candidates = dependencies.filter(name => CATALOG_MODULE.test(name));
  if (candidates.length === 0) return undefined;
  const wiring = backendSources(root);
  const wired = candidates.filter(name => wiring.some(text => text.includes(`'${name}'`) || text.includes(`"${name}"`) || text.includes(`\`${name}\``)));
  const placeholderResolvers = [...new Set(wired.flatMap(name => RESOLVER_MODULES[name] ?? []))];
  const modules: string[] = [];
  const { loadManagedModel } = await import('../catalog/managedModel.ts');
  for (const name of wired.filter(n => !RESOLVER_MODULES[n])) {
    try {
      if (await loadManagedModel([name])) modules.push(name);
    } catch {
      // Not installed here, or a module that adds no model (providers, processors): not the model's.
    }
  }
  return modules.length || placeholderResolvers.length ? { modules, placeholderResolvers } : undefined;
}

const SCAFFOLDER = '@backstage/plugin-scaffolder-backend';
// Scaffolder modules by the convention of every scope that publishes them (@backstage, @backstage-community,
// @roadiehq/scaffolder-backend-module-utils, …).
const SCAFFOLDER_MODULE = /^(@[a-z0-9][a-z0-9._-]*\/)?(plugin-)?scaffolder-backend-module-[a-z0-9._-]+$/;

/** The scaffolder modules a Backstage app's own backend adds, split by whether the toolkit has them installed. */
export interface AppScaffolderModules {
  /** Installed here: their actions, input schemas, filters and globals are read from them. */
  installed: string[];
  /** Not installed here: their actions are not known, and a step using one cannot be checked. */
  missing: string[];
}

/**
 * For a folder without gitops.config.yaml that is a Backstage app's repository on the new backend system
 * (packages/backend's source adds `@backstage/plugin-scaffolder-backend` with `backend.add`): the scaffolder
 * modules that backend both depends on and adds, which with the scaffolder's built-ins are the actions its
 * templates can use (backstage/demo adds the GitHub and notifications modules, so `publish:azure` fails there
 * and `notification:send` runs). Undefined otherwise: a legacy backend (`createRouter`, whose built-in
 * actions included the publishers) or no scaffolder, and the toolkit's own modules stand in. Never throws.
 */
export function appScaffolderModules(root: string): AppScaffolderModules | undefined {
  const dependencies = backendDependencies(root);
  if (!dependencies?.includes(SCAFFOLDER)) return undefined;
  const wiring = backendSources(root);
  const named = (name: string) => wiring.some(text => text.includes(`'${name}'`) || text.includes(`"${name}"`) || text.includes(`\`${name}\``));
  const added = wiring.some(text => /backend\.add\(/.test(text)) && named(SCAFFOLDER);
  if (!added || wiring.some(text => text.includes('createBuiltinActions'))) return undefined;
  const wired = dependencies.filter(name => SCAFFOLDER_MODULE.test(name) && named(name)).sort();
  const installed: string[] = [];
  const missing: string[] = [];
  for (const name of wired) {
    try {
      require.resolve(name);
      installed.push(name);
    } catch {
      missing.push(name);
    }
  }
  return { installed, missing };
}

function backendDependencies(root: string): string[] | undefined {
  const text = readPlain(join(root, BACKEND, 'package.json'));
  if (text === undefined) return undefined;
  try {
    const pkg = JSON.parse(text) as { dependencies?: unknown };
    return pkg.dependencies && typeof pkg.dependencies === 'object' ? Object.keys(pkg.dependencies) : undefined;
  } catch {
    return undefined;
  }
}

// The backend's source files (no symbolic links, bounded in number and size): where modules are added.
function backendSources(root: string): string[] {
  const texts: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (texts.length >= MAX_SOURCES) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory() && depth < 6 && entry.name !== 'node_modules') walk(path, depth + 1);
      else if (entry.isFile() && /\.[cm]?[jt]sx?$/.test(entry.name)) {
        const text = readPlain(path);
        if (text !== undefined) texts.push(text);
      }
    }
  };
  walk(join(root, BACKEND, 'src'), 0);
  return texts;
}

function readPlain(path: string): string | undefined {
  try {
    const stat = lstatSync(path);
    return stat.isFile() && stat.size <= MAX_BYTES ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** The app-config a Backstage app's repository keeps at its top (create-app's), which `yarn start` reads. */
export const APP_CONFIG = 'app-config.yaml';

/** A file of the repository that an app-config location names, and that location as Backstage keys it. */
export interface AppLocation {
  /** The path from the repository's root. */
  file: string;
  type: 'file' | 'url';
  /** As Backstage's catalog resolves it: a `file` target absolute (from packages/backend), a `url` as written. */
  target: string;
}

/**
 * The app-config's value with each `file` location's target made absolute from `packages/backend` under
 * `root`, as the backend, running there, resolves it (CatalogRules' resolveTarget: path.resolve): the rules
 * a location carries then key the same target wherever this process runs. Other values as they are.
 */
export function withBackendTargets(appConfig: unknown, root: string): unknown {
  if (!isRecord(appConfig) || !isRecord(appConfig.catalog) || !Array.isArray(appConfig.catalog.locations)) return appConfig;
  const backend = join(root, BACKEND);
  const locations = appConfig.catalog.locations.map(l => (isRecord(l) && l.type === 'file' && typeof l.target === 'string' ? { ...l, target: resolve(backend, l.target) } : l));
  return { ...appConfig, catalog: { ...appConfig.catalog, locations } };
}

/**
 * For a folder without gitops.config.yaml that is a Backstage app's repository (create-app's
 * `packages/backend` beside `app-config.yaml`): the repo files the app's own catalog registers through
 * `catalog.locations` in app-config.yaml, as paths from `root`, sorted. A `file` target is resolved from
 * `packages/backend`, the backend's working folder (create-app's comment: "file locations are relative to
 * the backend process"); a `url` target is kept when it starts with `repoUrl` (this repository's blob
 * URL). Undefined when there is no such app, no location into this repository, or the app-config cannot be
 * read, or when a target into it is a glob (which the toolkit does not list): then nobody can say which
 * files the app registers. Never throws.
 */
export function appConfigLocations(root: string, repoUrl?: string): AppLocation[] | undefined {
  if (backendDependencies(root) === undefined) return undefined;
  const text = readPlain(join(root, APP_CONFIG));
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    affordableYaml(text);
    value = yamlPackage().parse(text, { maxAliasCount: 100 });
  } catch {
    return undefined;
  }
  const catalog = isRecord(value) && isRecord(value.catalog) ? value.catalog : undefined;
  if (!catalog || !Array.isArray(catalog.locations)) return undefined;
  const files = new Map<string, AppLocation>();
  const backend = join(root, BACKEND);
  for (const location of catalog.locations) {
    if (!isRecord(location) || typeof location.target !== 'string') continue;
    let path: string | undefined;
    const type = location.type;
    if (type === 'file') {
      const absolute = resolve(backend, location.target);
      const fromRoot = relative(root, absolute);
      if (fromRoot === '' || fromRoot.startsWith('..') || isAbsolute(fromRoot)) continue;
      path = fromRoot.split(sep).join('/');
    } else if (type === 'url' && repoUrl && location.target.startsWith(repoUrl)) {
      path = location.target.slice(repoUrl.length).replace(/^\.?\//, '');
    } else continue;
    if (/[*?[\]{}]/.test(path)) return undefined;
    // A target that is not there registers nothing (the backend logs it and goes on).
    if (existsSync(join(root, path)) && !files.has(path)) files.set(path, { file: path, type, target: type === 'file' ? resolve(backend, location.target as string) : (location.target as string) });
  }
  return files.size > 0 ? [...files.values()].sort((a, b) => (a.file < b.file ? -1 : 1)) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What an unknown action is judged against without gitops.config.yaml, said in its hint: the toolkit's own
 * scaffolder modules, or in a Backstage app's repository the ones its backend adds (`app`), naming those the
 * toolkit does not have installed, whose actions it cannot know.
 */
export function unconfiguredActionsNote(app: AppScaffolderModules | undefined): string {
  if (!app) return "No gitops.config.yaml says which scaffolder modules your Backstage runs, so this is judged against the toolkit's own (GitHub, Azure).";
  const list = (names: string[]) => names.slice(0, 6).join(', ') + (names.length > 6 ? ` and ${names.length - 6} more` : '');
  const installed = app.installed.length ? `the scaffolder modules it adds (${list(app.installed)})` : 'no scaffolder module (it adds none the toolkit has)';
  const missing = app.missing.length ? ` It also adds ${list(app.missing)}, which the toolkit does not have installed: if the action is one of theirs, it runs there, but its input is not checked here.` : '';
  return `This is judged as the backend in ${BACKEND} runs the scaffolder: its built-in actions and ${installed}.${missing}`;
}

/**
 * An unknown action's message (unknownActionMessage's words) as said without gitops.config.yaml in a
 * Backstage app's repository whose backend adds modules the toolkit does not have (`app.missing`): one of
 * them may provide the action, so the task failing is said as a condition. Any other message as it is.
 */
export function unconfiguredActionMessage(message: string, app: AppScaffolderModules | undefined): string {
  if (!app?.missing.length) return message;
  return message.replace(/^No installed scaffolder module provides the action (.+?): the managed Backstage would fail the task with "(Template action with ID '.*?' is not registered\.)"/s, (_all, action: string, error: string) => `No scaffolder module the toolkit has installed provides the action ${action}; unless a module ${BACKEND} adds that the toolkit does not have provides it (see the hint), the task fails with "${error}"`);
}

