import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
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

