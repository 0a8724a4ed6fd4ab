import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { loadManagedModel, type ManagedModel } from './managedModel.ts';

const require = createRequire(import.meta.url);
const PREFIX = 'plugin-catalog-backend-module-';
let models: Promise<[string, ManagedModel][]> | undefined;

// Each installed catalog backend module that extends the entity model, loaded once per process.
function installedModels(): Promise<[string, ManagedModel][]> {
  return (models ??= (async () => {
    const scope = dirname(dirname(require.resolve('@backstage/catalog-model/package.json')));
    const found: [string, ManagedModel][] = [];
    for (const entry of readdirSync(scope).filter(n => n.startsWith(PREFIX)).sort()) {
      const name = `@backstage/${entry}`;
      try {
        const model = await loadManagedModel([name]);
        if (model) found.push([name, model]);
      } catch {
        // Most modules add no model (providers, processors): they cannot be the missing piece.
      }
    }
    return found;
  })());
}

let core: { getKind(entity: object): { jsonSchema: object } | undefined } | undefined;

/**
 * The JSON Schema catalog-model's own default layer (defaultCatalogEntityModel, what every Backstage has)
 * gives the entity's kind for its apiVersion and spec.type, serialised; undefined when it has none.
 */
function coreSchema(entity: { apiVersion: string; kind: string; spec?: { type?: unknown } }): string | undefined {
  if (!core) {
    const alpha = require('@backstage/catalog-model/alpha');
    core = alpha.compileCatalogModel([alpha.defaultCatalogEntityModel]) as NonNullable<typeof core>;
  }
  try {
    const kind = core.getKind(entity);
    return kind ? JSON.stringify(kind.jsonSchema) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The installed catalog backend module (package name) whose entity model has `entity`'s kind (and
 * spec.type) with a schema Backstage's core model (defaultCatalogEntityModel) does not give it, found by
 * loading each module's own model layers (managedModel.ts); undefined when none does (a schema error on
 * a core kind is then no module's to explain). For hints: a kind like AiResource, or an API of type mcp-server, exists only with its module.
 */
export async function moduleProviding(entity: { apiVersion?: unknown; kind?: unknown; spec?: unknown }): Promise<string | undefined> {
  if (typeof entity.apiVersion !== 'string' || typeof entity.kind !== 'string') return undefined;
  const spec = typeof entity.spec === 'object' && entity.spec !== null ? (entity.spec as { type?: unknown }) : undefined;
  const asCore = coreSchema({ apiVersion: entity.apiVersion, kind: entity.kind, spec });
  for (const [name, model] of await installedModels()) {
    try {
      // A module's layers often repeat the core kinds (the ai-model module's holds Component, Group,
      // User…): only a kind the core lacks, or one with another schema (API of type mcp-server), is its own.
      const kind = model.getKind({ apiVersion: entity.apiVersion, kind: entity.kind, spec });
      if (kind && JSON.stringify(kind.jsonSchema) !== asCore) return name;
    } catch {
      // A known kind with another spec.type: not this module's.
    }
  }
  return undefined;
}

/** The hint that names the module and the gitops.config.yaml key that makes the managed model include it. */
export function catalogModuleHint(module: string, what: string): string {
  return `${what} comes from the catalog module ${module}: if the managed Backstage runs it, list it under catalog.modules in gitops.config.yaml so the toolkit validates with its model; otherwise install it there first.`;
}
