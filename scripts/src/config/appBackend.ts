import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a Backstage app's own backend adds to its catalog, as gitops.config.yaml's catalog keys. */
export interface AppBackendCatalog {
  /** Installed catalog modules among the backend's that extend the entity model (catalog.modules). */
  modules: string[];
  /** Placeholders the backend's modules resolve besides text, json and yaml (catalog.placeholderResolvers). */
  placeholderResolvers: string[];
}

/** Where create-app puts a Backstage app's backend, its working folder when it runs. */
export const BACKEND = 'packages/backend';
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

/** packages/backend's package.json dependencies, by name; undefined without that file or a dependencies map. */
export function backendDependencies(root: string): string[] | undefined {
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
export function backendSources(root: string): string[] {
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

/** A regular file's text (no symbolic link, at most 1 MB), else undefined. */
export function readPlain(path: string): string | undefined {
  try {
    const stat = lstatSync(path);
    return stat.isFile() && stat.size <= MAX_BYTES ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}
