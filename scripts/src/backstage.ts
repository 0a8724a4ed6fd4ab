import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as CatalogModel from '@backstage/catalog-model';
import { prebuilt } from './prebuilt/prebuilt.ts';
import { deferModule } from './load/deferredModule.ts';

// Backstage ships CommonJS next to an ESM build whose deep lodash imports Node's ESM loader
// cannot resolve, so its packages are loaded through require.
const require = createRequire(import.meta.url);

let model: typeof CatalogModel | undefined;
let scaffolder: { templateEntityV1beta3Validator: CatalogModel.KindValidator } | undefined;

// Loaded on first use: requiring catalog-model compiles every kind schema (about 0.3 s), a cost
// commands that never validate (codeowners, help) need not pay.
export function catalogModel(): typeof CatalogModel {
  return (model ??= require('@backstage/catalog-model'));
}

type EntityCore = Pick<typeof CatalogModel, 'parseEntityRef' | 'stringifyEntityRef' | 'parseLocationRef' | 'SchemaValidEntityPolicy' | 'FieldFormatEntityPolicy' | 'NoForeignRootFieldsEntityPolicy' | 'makeValidator'>;
let core: EntityCore | undefined;

/**
 * The parts of catalog-model that judge one entity (its reference parsers, stringifyEntityRef and entity policies), from
 * the package's own modules under dist/ rather than its index: requiring the index builds every kind's
 * model layer and checks each against its meta-schema with Ajv (about 60 ms of CPU), which the gate does
 * not use. They are the very functions the index exports (Node loads each module once; a test holds
 * them identical); when a module is not where this version keeps it, the index itself.
 */
export function entityModelCore(): EntityCore {
  if (core) return core;
  try {
    const load = (file: string) => require(join(catalogModelDist, `${file}.cjs.js`));
    // Both policies require ajv as they load (about 15 ms), yet the gate never has them compile a schema:
    // FieldFormatEntityPolicy does not use it and SchemaValidEntityPolicy runs the build's standalone
    // validator. ajv is evaluated when something constructs or reads it (the fallback, an org policy).
    deferModule(join(catalogModelDist, 'entity/policies/SchemaValidEntityPolicy.cjs.js'), 'ajv', undefined, true);
    const loaded: EntityCore = {
      parseEntityRef: load('entity/ref').parseEntityRef,
      stringifyEntityRef: load('entity/ref').stringifyEntityRef,
      parseLocationRef: load('location/helpers').parseLocationRef,
      SchemaValidEntityPolicy: load('entity/policies/SchemaValidEntityPolicy').SchemaValidEntityPolicy,
      FieldFormatEntityPolicy: load('entity/policies/FieldFormatEntityPolicy').FieldFormatEntityPolicy,
      NoForeignRootFieldsEntityPolicy: load('entity/policies/NoForeignRootFieldsEntityPolicy').NoForeignRootFieldsEntityPolicy,
      makeValidator: load('validation/makeValidator').makeValidator,
    };
    core = Object.values(loaded).every(f => typeof f === 'function') ? loaded : catalogModel();
  } catch {
    core = catalogModel();
  }
  return core;
}

export function scaffolderCommon() {
  return (scaffolder ??= require('@backstage/plugin-scaffolder-common'));
}

export interface RelationField {
  path: string;
  relation: string;
  defaultKind?: string;
  allowedKinds?: string[];
}

export interface ModelKind {
  kind: string;
  apiVersions: string[];
  relationFields: RelationField[];
}

interface CompiledModel {
  listKinds(): { names: { kind: string }; versions: { apiVersion: string }[] }[];
  getKind(ref: { apiVersion: string; kind: string }): { apiVersions: string[]; relationFields: RelationField[] };
}

/**
 * Relation fields per built-in kind, as Backstage's own catalog model declares them. The build
 * computes them once per installed catalog-model version (requiring its alpha entry point compiles
 * schemas for most of a second); a stale or missing build computes them here.
 */
export function builtinModelKinds(): ModelKind[] {
  return prebuilt<ModelKind[]>('modelKinds', catalogModelVersion()) ?? computeModelKinds();
}

export function catalogModelVersion(): string {
  return `@backstage/catalog-model@${require('@backstage/catalog-model/package.json').version}`;
}

/** The same as builtinModelKinds, always computed from the installed package (the build uses it). */
export function computeModelKinds(): ModelKind[] {
  const alpha = require('@backstage/catalog-model/alpha');
  const model: CompiledModel = alpha.compileCatalogModel([alpha.defaultCatalogEntityModel]);
  return model.listKinds().map(k => {
    const apiVersion = k.versions[0].apiVersion;
    const detail = model.getKind({ apiVersion, kind: k.names.kind });
    return { kind: k.names.kind, apiVersions: k.versions.map(v => v.apiVersion), relationFields: detail.relationFields };
  });
}

const catalogModelDist = dirname(require.resolve('@backstage/catalog-model'));
const scaffolderCommonDist = dirname(require.resolve('@backstage/plugin-scaffolder-common'));

/** The kinds BuiltinKindsEntityProcessor validates, plus Template (the scaffolder's entity-model module). */
export const BUILTIN_KINDS = ['API', 'Component', 'Domain', 'Group', 'Location', 'Resource', 'System', 'User', 'Template'] as const;
export type BuiltinKind = (typeof BUILTIN_KINDS)[number];

/**
 * The JSON Schemas behind Backstage's validators. They are not exported, but the validators stop at
 * the first error; compiling the same schemas ourselves lets the gate list every error at once.
 */
export function backstageSchemas(): { shared: object[]; entity: object; kinds: Record<BuiltinKind, { $id: string }> } {
  const load = (base: string, file: string) => require(join(base, file)).default as { $id: string };
  const schema = (name: string) => load(catalogModelDist, `schema/${name}.schema.json.cjs.js`);
  const kind = (name: string) => schema(`kinds/${name}.v1alpha1`);
  return {
    shared: [schema('shared/common'), schema('EntityMeta'), schema('EntityEnvelope')],
    entity: schema('Entity'),
    kinds: {
      API: kind('API'),
      Component: kind('Component'),
      Domain: kind('Domain'),
      Group: kind('Group'),
      Location: kind('Location'),
      Resource: kind('Resource'),
      System: kind('System'),
      User: kind('User'),
      Template: load(scaffolderCommonDist, 'Template.v1beta3.schema.json.cjs.js'),
    },
  };
}
