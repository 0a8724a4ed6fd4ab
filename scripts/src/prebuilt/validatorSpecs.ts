import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Ajv, Options, ValidateFunction } from 'ajv';
import { backstageSchemas, type BuiltinKind } from '../backstage.ts';

const require = createRequire(import.meta.url);

/** Whose `ajv` compiles a spec: catalog-model's own (Backstage's validators), or the toolkit's. */
export type AjvOwner = 'catalog-model' | 'toolkit';

/**
 * One fixed Ajv set-up the check path compiles on every start, described as data so the build (standalone
 * code, buildValidators in prebuiltValidators.ts) and the run-time fallback compile exactly the same thing:
 * a new Ajv with `options` and `plugins`, then `add` in order (addSchema, with the `validateSchema`
 * argument the package passes), then each of `exports` compiled (`compile`) or looked up by `$id` (`id`).
 */
export interface ValidatorSpec {
  name: string;
  ajv: AjvOwner;
  options: Options;
  plugins: ('ajv-errors' | 'ajv-formats')[];
  add: { schemas: object[]; validateSchema?: boolean }[];
  exports: Record<string, { compile: object } | { id: string }>;
}

// catalog-model's validators run on the ajv it resolves itself; so do their prebuilt counterparts.
const catalogModelRequire = createRequire(require.resolve('@backstage/catalog-model'));

/** The Ajv class (and its standalone code generator) that `owner` resolves. */
export function ajvOf(owner: AjvOwner): { Ajv: new (options: Options) => Ajv; standalone: (ajv: Ajv, refs: Record<string, string>) => string } {
  const load = owner === 'catalog-model' ? catalogModelRequire : require;
  return { Ajv: load('ajv').default, standalone: load('ajv/dist/standalone').default };
}

/** The version of the ajv that `owner` resolves, read without loading ajv itself. */
function ajvVersion(owner: AjvOwner): string {
  return (owner === 'catalog-model' ? catalogModelRequire : require)('ajv/package.json').version;
}

const modelSchema = (name: string) => require(join(dirname(require.resolve('@backstage/catalog-model')), `schema/${name}.schema.json.cjs.js`)).default as { $id: string };

/**
 * The schemas catalog-model's compileAjvSchema adds beside `schema` (its getExtraSchemas, not exported):
 * of Envelope, Entity, EntityMeta and common, those `schema` reaches through `$ref`, transitively, in its
 * order. The equivalence test holds the result to catalog-model's own validators.
 */
function extraSchemas(schema: { $id?: string }): object[] {
  const candidates = ['EntityEnvelope', 'Entity', 'EntityMeta', 'shared/common'].map(modelSchema);
  const seen = new Set<string>(schema.$id ? [schema.$id] : []);
  const selected: object[] = [];
  const todo: object[] = [schema];
  while (todo.length) {
    for (const ref of refsIn(todo.pop()!)) {
      if (seen.has(ref)) continue;
      seen.add(ref);
      const match = candidates.find(c => c.$id === ref);
      if (match) {
        selected.push(match);
        todo.push(match);
      }
    }
  }
  return selected;
}

function* refsIn(schema: unknown): Generator<string> {
  const todo = [schema];
  while (todo.length) {
    const current = todo.pop();
    if (typeof current !== 'object' || current === null) continue;
    for (const [key, value] of Object.entries(current)) {
      if (key === '$ref' && typeof value === 'string') yield value.split('#')[0];
      else todo.push(value);
    }
  }
}

/**
 * A Backstage kind validator's set-up, as entityKindSchemaValidator → compileAjvSchema builds it
 * (catalog-model's validation/ajv): its options, the reachable core schemas added, the kind compiled.
 */
export function backstageKindSpec(kind: BuiltinKind): ValidatorSpec {
  const schema = backstageSchemas().kinds[kind];
  const extra = extraSchemas(schema);
  return {
    name: `backstage-kind-${kind}`,
    ajv: 'catalog-model',
    options: { allowUnionTypes: true, allErrors: true, validateSchema: true },
    plugins: [],
    add: extra.length ? [{ schemas: extra, validateSchema: true }] : [],
    exports: { validate: { compile: schema } },
  };
}

/** SchemaValidEntityPolicy's set-up (catalog-model's entity/policies): default options but union types, common and EntityMeta added, Entity compiled. */
export function entityPolicySpec(): ValidatorSpec {
  return {
    name: 'backstage-entity-policy',
    ajv: 'catalog-model',
    options: { allowUnionTypes: true },
    plugins: [],
    add: [{ schemas: [modelSchema('shared/common'), modelSchema('EntityMeta')], validateSchema: true }],
    exports: { validate: { compile: modelSchema('Entity') } },
  };
}

/**
 * The gate's own every-error variants of the same schemas (catalog/checkBackstageModel.ts): one Ajv
 * holding them all, exported as EntityEnvelope, Entity and one per built-in kind.
 */
export function modelSpec(): ValidatorSpec {
  const schemas = backstageSchemas();
  return {
    name: 'model-all-errors',
    ajv: 'catalog-model',
    options: { allowUnionTypes: true, allErrors: true, validateSchema: true, strict: false },
    plugins: [],
    add: [
      { schemas: schemas.shared },
      { schemas: [schemas.entity] },
      { schemas: Object.values(schemas.kinds) },
    ],
    exports: {
      EntityEnvelope: { id: 'EntityEnvelope' },
      Entity: { id: 'Entity' },
      ...Object.fromEntries(Object.entries(schemas.kinds).map(([kind, schema]) => [kind, { id: schema.$id }])),
    },
  };
}

/** A toolkit schema compiled alone by a fresh Ajv with `options` and `plugins` (gitops.config.yaml's, scorecards'). */
export function toolkitSchemaSpec(name: string, schema: object, options: Options, plugins: ValidatorSpec['plugins'] = []): ValidatorSpec {
  return { name, ajv: 'toolkit', options, plugins, add: [], exports: { validate: { compile: schema } } };
}

const PACKAGES = ['@backstage/catalog-model', '@backstage/plugin-scaffolder-common', 'ajv-errors', 'ajv-formats'];

/**
 * What a spec's generated code depends on: the installed versions of the packages involved (the ajv
 * that compiles it included) and a hash of its options and schemas. A prebuilt module made for another
 * key is never used.
 */
export function specKey(spec: ValidatorSpec): string {
  versions ??= PACKAGES.map(p => `${p}@${require(`${p}/package.json`).version}`);
  const schemas = [...spec.add.map(({ schemas, validateSchema }) => [validateSchema, schemas.map(schemaHash)]), Object.entries(spec.exports).map(([name, root]) => [name, 'id' in root ? root.id : schemaHash(root.compile)])];
  const hash = createHash('sha256').update(JSON.stringify([spec.options, spec.plugins, schemas])).digest('hex');
  return [`ajv@${ajvVersion(spec.ajv)}`, ...versions, hash].join(' ');
}

let versions: string[] | undefined;
// The kind specs share Entity, EntityMeta and common: each schema object is serialised and hashed once.
const schemaHashes = new WeakMap<object, string>();

function schemaHash(schema: object): string {
  let hash = schemaHashes.get(schema);
  if (!hash) schemaHashes.set(schema, (hash = createHash('sha256').update(JSON.stringify(schema)).digest('hex')));
  return hash;
}

/**
 * Compiles `spec` as the build does, but in memory: the Ajv set up now, each export compiled on its first
 * use (as Ajv's getSchema does). With `source` the Ajv keeps the code for standalone generation.
 * `validator` throws Ajv's error for a schema that does not compile.
 */
export function compileSpec(spec: ValidatorSpec, source = false): { ajv: Ajv; validator(name: string): ValidateFunction } {
  const { Ajv } = ajvOf(spec.ajv);
  const ajv = new Ajv(source ? { ...spec.options, code: { source: true } } : spec.options);
  for (const plugin of spec.plugins) require(plugin).default(ajv);
  for (const { schemas, validateSchema } of spec.add) ajv.addSchema(schemas, undefined, undefined, validateSchema);
  const compiled = new Map<string, ValidateFunction>();
  return {
    ajv,
    validator(name) {
      let validate = compiled.get(name);
      if (validate) return validate;
      const root = spec.exports[name];
      if (!root) throw new Error(`${spec.name} exports no ${name}`);
      validate = 'compile' in root ? ajv.compile(root.compile) : ajv.getSchema(root.id);
      if (!validate) throw new Error(`${spec.name}: no schema with $id ${(root as { id: string }).id}`);
      compiled.set(name, validate);
      return validate;
    },
  };
}
