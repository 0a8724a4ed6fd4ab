import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { yamlPackage } from '../load/lazyPackages.ts';
import { affordableYaml } from '../load/yamlNodeBudget.ts';
import { BACKEND, backendDependencies, readPlain } from './appBackend.ts';
import { leavesRoot } from '../load/leavesRoot.ts';
import { toRepoUrlForm } from '../load/toRepoUrlForm.ts';

/** The app-config a Backstage app's repository keeps at its top (create-app's), which `yarn start` reads. */
export const APP_CONFIG = 'app-config.yaml';

/** The app-config create-app adds for the deployed app, which config-loader merges over app-config.yaml. */
export const APP_CONFIG_PRODUCTION = 'app-config.production.yaml';

/**
 * For a folder without gitops.config.yaml that is a Backstage app's repository (create-app's
 * `packages/backend`): the app-config files its deployed backend reads, app-config.yaml then
 * app-config.production.yaml, as catalog.appConfig and backstageConfig.files would name them (a missing
 * one is skipped by the reader). Empty for any other folder.
 */
export function appOwnConfigFiles(root: string, found: boolean): string[] {
  return !found && backendDependencies(root) !== undefined ? [APP_CONFIG, APP_CONFIG_PRODUCTION] : [];
}

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
      if (fromRoot === '' || leavesRoot(fromRoot)) continue;
      path = fromRoot.split(sep).join('/');
    } else if (type === 'url' && repoUrl && toRepoUrlForm(location.target, repoUrl).startsWith(repoUrl)) {
      // This repository in other capitals, GitHub's tree or raw form or %-escaped is read alike (toRepoUrlForm).
      path = toRepoUrlForm(location.target, repoUrl).slice(repoUrl.length).replace(/^\.?\//, '');
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
