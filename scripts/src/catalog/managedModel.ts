import { createRequire } from 'node:module';
import { UsageError } from '../config/gitopsConfig.ts';
import type { RelationField } from '../backstage.ts';

const require = createRequire(import.meta.url);

/** A kind of the compiled catalog model, as catalog-model's `CatalogModel.getKind` returns it. */
export interface ModelKind {
  jsonSchema: object;
  relationFields: (RelationField & { defaultNamespace?: string })[];
}

/**
 * The entity model of the managed Backstage when catalog modules extend it: catalog-model's compiled model
 * over the layers those modules register. With any model source the catalog backend validates and relates
 * entities with its ModelProcessor over this model instead of BuiltinKindsEntityProcessor.
 */
export interface ManagedModel {
  /** The modules, as named in gitops.config.yaml. */
  modules: string[];
  /** The kind for an entity; undefined for a kind the model does not have; throws TypeError for a known kind with an unknown apiVersion or spec.type. */
  getKind(entity: { apiVersion: string; kind: string; spec?: { type?: unknown } }): ModelKind | undefined;
  /** Every kind's name, for hints. */
  kinds: string[];
}

interface Registration {
  init?: { deps: Record<string, { id: string }>; func(deps: Record<string, unknown>): Promise<void> | void };
}

/**
 * Loads the model layers each named catalog module registers, by running the module's own init against
 * a catalog model extension point that records them (nothing else of the module runs), and compiles them
 * as the backend's ModelHolder does. Takes module package names (`catalog-backend-module-x` is read as
 * `@backstage/plugin-catalog-backend-module-x`); returns undefined when none is named.
 * Throws UsageError for a module that is not installed or registers no model.
 */
export async function loadManagedModel(modules: readonly string[]): Promise<ManagedModel | undefined> {
  if (modules.length === 0) return undefined;
  const alpha = require('@backstage/catalog-model/alpha');
  const { catalogModelExtensionPoint } = require('@backstage/plugin-catalog-node/alpha');
  const layers = new Map<string, unknown>();
  for (const name of modules) {
    const sources: { read(): AsyncIterable<{ data: { layer: { layerId: string } }[] }> }[] = [];
    for (const registration of registrationsOf(name)) {
      if (!registration.init) continue;
      const deps = Object.fromEntries(Object.entries(registration.init.deps).map(([key, ref]) => [key, ref.id === catalogModelExtensionPoint.id ? { addModelSource: (s: (typeof sources)[number]) => void sources.push(s) } : ignoreCalls()]));
      await registration.init.func(deps);
    }
    if (sources.length === 0) throw new UsageError(`gitops.config.yaml names catalog module ${name} in catalog.modules, but it adds nothing to the entity model.`);
    for (const source of sources) {
      for await (const { data } of source.read()) for (const { layer } of data) layers.set(layer.layerId, layer);
    }
  }
  const model = alpha.compileCatalogModel([...layers.values()]);
  return {
    modules: [...modules],
    getKind: entity => model.getKind(entity),
    kinds: model.listKinds().map((k: { names: { kind: string } }) => k.names.kind),
  };
}

// gitops.config.yaml comes with pull requests: only catalog backend modules are ever required.
const MODULE_NAME = /^(?:@backstage(?:-community)?\/plugin-)?catalog-backend-module-[a-z0-9]+(?:-[a-z0-9]+)*$/;

function registrationsOf(name: string): Registration[] {
  if (!MODULE_NAME.test(name)) throw new UsageError(`catalog.modules in gitops.config.yaml names ${JSON.stringify(name.slice(0, 100))}, which is no catalog backend module (@backstage/plugin-catalog-backend-module-<name>).`);
  const pkg = name.startsWith('@') ? name : `@backstage/plugin-${name}`;
  let feature;
  try {
    const loaded = require(pkg);
    feature = loaded.default ?? loaded;
  } catch {
    throw new UsageError(`gitops.config.yaml names catalog module ${name} in catalog.modules; the toolkit needs ${pkg} installed to know the model it adds.`);
  }
  if (feature?.$$type !== '@backstage/BackendFeature' || typeof feature.getRegistrations !== 'function') {
    throw new UsageError(`${pkg} (catalog.modules in gitops.config.yaml) is not a backend module.`);
  }
  return feature.getRegistrations();
}

function ignoreCalls(): unknown {
  return new Proxy({}, { get: () => () => undefined });
}
