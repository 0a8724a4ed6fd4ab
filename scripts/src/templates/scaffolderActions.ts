import { createRequire } from 'node:module';
import { UsageError } from '../config/gitopsConfig.ts';
import { remembered } from '../load/remembered.ts';
import { builtinActionFactory } from './offlineScaffolder.ts';

const require = createRequire(import.meta.url);

/** One scaffolder action as a template step meets it: its id, who provides it and its own schemas. */
export interface KnownAction {
  id: string;
  /** The npm package that registers it, or `gitops.config.yaml` for an action declared there. */
  provider: string;
  supportsDryRun: boolean;
  /** JSON Schema of the step input, as the action exposes it (createTemplateAction converts zod to JSON Schema). */
  inputSchema?: object;
  outputSchema?: object;
}

/** An action the managed Backstage runs from a package this toolkit does not install, declared as data. */
export interface DeclaredAction {
  input?: object;
  output?: object;
  supportsDryRun?: boolean;
}

export interface BuiltinDeps {
  reader: object;
  integrations: object;
  catalog?: object;
}

const SCAFFOLDER = '@backstage/plugin-scaffolder-backend';

/**
 * The actions scaffolder-backend registers itself, built the way its plugin builds them
 * (ScaffolderPlugin's `actions` list in 4.2.0, in its order), with the given reader and integrations;
 * each factory from its own dist module (builtinActionFactory), the function the index exports.
 */
export function builtinActions(deps: BuiltinDeps): { id: string; supportsDryRun?: boolean; schema?: { input?: object; output?: object }; handler: Function }[] {
  const s = builtinActionFactory;
  const { reader, integrations } = deps;
  const catalog = deps.catalog ?? inert;
  return [
    s('createFetchPlainAction')({ reader, integrations }),
    s('createFetchPlainFileAction')({ reader, integrations }),
    s('createFetchTemplateAction')({ reader, integrations }),
    s('createFetchTemplateFileAction')({ reader, integrations }),
    s('createDebugLogAction')(),
    s('createWaitAction')(),
    s('createCatalogRegisterAction')({ catalog, integrations }),
    s('createFetchCatalogEntityAction')({ catalog }),
    s('createCatalogWriteAction')(),
    s('createFilesystemDeleteAction')(),
    s('createFilesystemRenameAction')(),
    s('createFilesystemReadDirAction')(),
  ];
}

/** A dependency no action touches while it is only being constructed: every property and call yields itself. */
const inert: object = new Proxy(function inertDependency() {}, {
  get: (_target, key) => (key === 'then' ? undefined : inert),
  apply: () => inert,
});

const cache = new Map<string, Promise<Map<string, KnownAction>>>();

/**
 * Every action a template may call in the managed Backstage: scaffolder-backend's built-ins, those the
 * scaffolder modules among `plugins` register (each module's own registration runs with a collecting
 * `scaffolder.actions` extension point and an empty config, so the actions are exactly those the module
 * would add), and those `declared` in gitops.config.yaml. A later provider of the same id does not replace
 * an earlier one. Throws a UsageError when a named module is not installed or is not a backend module.
 */
export function loadScaffolderActions(plugins: readonly string[], declared: Readonly<Record<string, DeclaredAction>> = {}): Promise<Map<string, KnownAction>> {
  const key = JSON.stringify([plugins, declared]);
  let loaded = cache.get(key);
  if (!loaded) cache.set(key, (loaded = load(plugins, declared)));
  return loaded;
}

async function load(plugins: readonly string[], declared: Readonly<Record<string, DeclaredAction>>): Promise<Map<string, KnownAction>> {
  // Checked before anything is looked up: a name from the pull request is never a path, remembered or not.
  const modules = scaffolderModules(plugins);
  // Reading them loads scaffolder-backend and every module (about half a second): remembered per plugin
  // list, toolkit and installed tree; what gitops.config.yaml declares is added after, as before.
  const known = new Map((await remembered('scaffolder-actions', JSON.stringify(modules), isKnownActionList, () => installedActions(modules))).map(a => [a.id, a]));
  for (const [id, action] of Object.entries(declared)) {
    if (!known.has(id)) known.set(id, { id, provider: 'gitops.config.yaml', supportsDryRun: Boolean(action.supportsDryRun), inputSchema: action.input, outputSchema: action.output });
  }
  return known;
}

/** The actions scaffolder-backend and the named modules register, in that order; the first provider of an id wins. */
export async function installedActions(modules: readonly string[]): Promise<KnownAction[]> {
  const { ScmIntegrations } = require('@backstage/integration');
  const { ConfigReader } = require('@backstage/config');
  const config = new ConfigReader({});
  const integrations = ScmIntegrations.fromConfig(config);
  const known = new Map<string, KnownAction>();
  const add = (provider: string, action: { id: string; supportsDryRun?: boolean; schema?: { input?: object; output?: object } }) => {
    // Absent schemas stay absent keys (not `undefined`), so the list survives JSON unchanged and is remembered.
    if (!known.has(action.id)) known.set(action.id, { id: action.id, provider, supportsDryRun: Boolean(action.supportsDryRun), ...(action.schema?.input && { inputSchema: action.schema.input }), ...(action.schema?.output && { outputSchema: action.schema.output }) });
  };
  for (const action of builtinActions({ reader: inert, integrations })) add(SCAFFOLDER, action);
  for (const name of modules) {
    for (const action of (await moduleAdditions(name, config)).actions) add(name, action);
  }
  return [...known.values()];
}

/** What a remembered action list must look like to be used. */
function isKnownActionList(value: unknown): value is KnownAction[] {
  const isSchema = (schema: unknown) => schema === undefined || (typeof schema === 'object' && schema !== null);
  return Array.isArray(value) && value.every(a => typeof a?.id === 'string' && typeof a.provider === 'string' && typeof a.supportsDryRun === 'boolean' && isSchema(a.inputSchema) && isSchema(a.outputSchema));
}

/** Refuses a plugin name that is not a bare npm package name; returns it otherwise. */
function packageName(name: string): string {
  // The name comes from the repository under review: only a bare npm package name, resolved among the
  // toolkit's own installed packages, never a path a pull request could point at its own files.
  if (!/^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/.test(name)) throw new UsageError(`${JSON.stringify(name)} in backstageConfig.plugins is not an npm package name.`);
  return name;
}

export interface Registration {
  type: string;
  pluginId?: string;
  init?: { deps: Record<string, { id: string }>; func(deps: Record<string, unknown>): Promise<void> | void };
}

/** What a scaffolder module's registration adds: actions, and filters and globals for the renderer. */
interface ModuleAdditions {
  actions: { id: string; supportsDryRun?: boolean; schema?: { input?: object; output?: object } }[];
  /** additionalTemplateFilters as the scaffolder plugin passes them on: by name. */
  filters: Record<string, Function>;
  /** additionalTemplateGlobals: functions and values by name. */
  globals: Record<string, unknown>;
}

/**
 * Runs a scaffolder module's registration against collecting extension points (`scaffolder.actions`,
 * `scaffolder.templating`): what it adds, the filters and globals made records by the scaffolder's own
 * convertFiltersToRecord / convertGlobalsToRecord, as ScaffolderPlugin does with them.
 */
async function moduleAdditions(name: string, config: object): Promise<ModuleAdditions> {
  let feature: { getRegistrations?(): Registration[] } | undefined;
  try {
    const loaded = require(packageName(name));
    feature = loaded.default ?? loaded;
  } catch (error) {
    throw new UsageError(`${name} (named in backstageConfig.plugins) is not installed, so the actions it provides cannot be read: ${(error as Error).message.split('\n')[0]}. Install it beside backstage-gitops, or leave it out of backstageConfig.plugins and declare the actions your templates use under backstageConfig.actions (each with its input schema).`);
  }
  if (typeof feature?.getRegistrations !== 'function') throw new UsageError(`${name} (named in backstageConfig.plugins) does not export a backend module; its scaffolder actions cannot be read.`);
  return registrationAdditions(feature.getRegistrations());
}

/** The additions of backend feature registrations (moduleAdditions), for the scaffolder plugin's modules among them. */
export async function registrationAdditions(registrations: readonly Registration[], config: object = new (require('@backstage/config').ConfigReader)({})): Promise<ModuleAdditions> {
  const { convertFiltersToRecord, convertGlobalsToRecord } = createRequire(require.resolve(SCAFFOLDER))('./util/templating.cjs.js');
  const added: ModuleAdditions = { actions: [], filters: Object.create(null), globals: Object.create(null) };
  const templating = {
    addTemplateFilters: (filters: unknown) => Object.assign(added.filters, convertFiltersToRecord(filters)),
    addTemplateGlobals: (globals: unknown) => Object.assign(added.globals, convertGlobalsToRecord(globals)),
  };
  for (const registration of registrations) {
    if (!registration.type.startsWith('module') || registration.pluginId !== 'scaffolder' || !registration.init) continue;
    const deps = Object.fromEntries(Object.entries(registration.init.deps).map(([key, ref]) => [
      key,
      ref.id === 'scaffolder.actions' ? { addActions: (...actions: ModuleAdditions['actions']) => added.actions.push(...actions) } : ref.id === 'scaffolder.templating' ? templating : ref.id === 'core.rootConfig' ? config : inert,
    ]));
    await registration.init.func(deps);
  }
  return added;
}

/**
 * The filters and globals the scaffolder modules among `plugins` add to the renderer (the managed
 * Backstage's additionalTemplateFilters and additionalTemplateGlobals), as code: for rendering. Throws
 * as loadScaffolderActions does.
 */
export async function installedTemplating(plugins: readonly string[]): Promise<{ filters: Record<string, Function>; globals: Record<string, unknown> }> {
  const { ConfigReader } = require('@backstage/config');
  const config = new ConfigReader({});
  const filters: Record<string, Function> = Object.create(null);
  const globals: Record<string, unknown> = Object.create(null);
  for (const name of scaffolderModules(plugins)) {
    const added = await moduleAdditions(name, config);
    Object.assign(filters, added.filters);
    Object.assign(globals, added.globals);
  }
  return { filters, globals };
}

/**
 * The names of the filters and globals the managed Backstage's scaffolder adds (templating extensions):
 * those of the installed scaffolder modules among `plugins` (remembered per plugin list and install, as
 * the actions are) and those gitops.config.yaml declares. Throws as loadScaffolderActions does.
 */
export async function templatingNames(plugins: readonly string[], declared: { filters?: readonly string[]; globals?: readonly string[] } = {}): Promise<TemplatingNames> {
  const modules = scaffolderModules(plugins);
  const installed = modules.length === 0 ? { filters: [], globals: [] } : await remembered('scaffolder-templating', JSON.stringify(modules), isTemplatingNames, async () => {
    const { filters, globals } = await installedTemplating(modules);
    return { filters: Object.keys(filters), globals: Object.keys(globals) };
  });
  return { filters: [...new Set([...installed.filters, ...(declared.filters ?? [])])].sort(), globals: [...new Set([...installed.globals, ...(declared.globals ?? [])])].sort() };
}

/** Names of the filters and globals a deployment adds to the scaffolder's renderer. */
export interface TemplatingNames {
  filters: readonly string[];
  globals: readonly string[];
}

function isTemplatingNames(value: unknown): value is TemplatingNames {
  const names = (list: unknown) => Array.isArray(list) && list.every(n => typeof n === 'string');
  return typeof value === 'object' && value !== null && names((value as TemplatingNames).filters) && names((value as TemplatingNames).globals);
}

/** The scaffolder modules among a plugin list, each checked to be a bare npm package name. */
function scaffolderModules(plugins: readonly string[]): string[] {
  const modules = plugins.filter(p => /(^|\/)(plugin-)?scaffolder-backend-module-/.test(p));
  for (const name of modules) packageName(name);
  return modules;
}

/** One refusal of a step input by the action's own schema, with the path into the input it concerns. */
export interface InputRefusal {
  path: (string | number)[];
  /** The scaffolder's text for this refusal alone: `Invalid input passed to action <id>, <error>`. */
  message: string;
  /** jsonschema's keyword (additionalProperties, required, type, …). */
  keyword: string;
  /** The property an additionalProperties refusal names. */
  property?: string;
  /** The property a `required` refusal says is missing. */
  missing?: string;
  /**
   * For a refusal of the input as a whole (its path empty: anyOf, oneOf, allOf, not, dependencies), the
   * properties the refused schema's branches name (`required` and `properties`): catalog:register's
   * 'is not any of [subschema 0],[subschema 1]' concerns catalogInfoUrl, repoContentsUrl, catalogInfoPath, ….
   */
  concerns?: string[];
  /** For a refusal of the input as a whole by anyOf/oneOf: the shapes the action takes and what the input gives, for a newcomer. */
  hint?: string;
}

/** 'takes one of these input shapes: "catalogInfoUrl" (may add "optional"); or "repoContentsUrl" (may add …)' for an anyOf/oneOf schema. */
function shapesHint(schema: unknown, input: unknown, label: string): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const s = schema as Record<string, unknown>;
  const branches = (Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : []).filter((b): b is Record<string, unknown> => typeof b === 'object' && b !== null);
  if (branches.length === 0) return undefined;
  // Names quoted and bounded: the input's keys are the template's own text.
  const names = (list: string[]) => [...list.slice(0, 6).map(k => JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}…` : k)), ...(list.length > 6 ? [`${list.length - 6} more`] : [])].join(', ');
  const shapes = branches.slice(0, 4).map(branch => {
    const required = Array.isArray(branch.required) ? branch.required.filter((k): k is string => typeof k === 'string') : [];
    const optional = typeof branch.properties === 'object' && branch.properties !== null ? Object.keys(branch.properties).filter(k => !required.includes(k)) : [];
    return `${required.length ? names(required) : 'no required input'}${optional.length ? ` (may add ${names(optional)})` : ''}`;
  });
  const given = typeof input === 'object' && input !== null && !Array.isArray(input) ? Object.keys(input) : [];
  return `${label} takes ${s.oneOf ? 'exactly one' : 'one'} of these input shapes: ${shapes.join('; or ')}${branches.length > 4 ? '; …' : ''}. This input gives ${given.length ? names(given) : 'none of them'}: give the inputs one shape requires (an expression that renders empty leaves its input out).`;
}

/** The properties a schema and its combinator branches (anyOf, oneOf, allOf, not, then, else) name, a few levels down. */
function namedProperties(schema: unknown, depth = 0, into = new Set<string>()): Set<string> {
  if (depth > 4 || typeof schema !== 'object' || schema === null) return into;
  const s = schema as Record<string, unknown>;
  if (Array.isArray(s.required)) for (const key of s.required) if (typeof key === 'string') into.add(key);
  if (typeof s.properties === 'object' && s.properties !== null) for (const key of Object.keys(s.properties)) into.add(key);
  if (typeof s.dependencies === 'object' && s.dependencies !== null) for (const key of Object.keys(s.dependencies)) into.add(key);
  for (const combinator of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(s[combinator])) for (const branch of s[combinator] as unknown[]) namedProperties(branch, depth + 1, into);
  for (const single of ['not', 'then', 'else']) namedProperties(s[single], depth + 1, into);
  return into;
}

/**
 * Validates a step input as NunjucksWorkflowRunner does before running a step: `jsonschema.validate`
 * (the copy scaffolder-backend resolves) against the action's input schema; each error is worded as
 * the InputError the task would fail with. No schema: nothing to refuse.
 */
export function validateActionInput(action: KnownAction, input: unknown, label = action.id): InputRefusal[] {
  if (!action.inputSchema) return [];
  const jsonschema = createRequire(require.resolve(SCAFFOLDER))('jsonschema') as { validate(instance: unknown, schema: object): { errors: { path: (string | number)[]; name: string; argument: unknown; schema: unknown; toString(): string }[] } };
  return jsonschema.validate(input, action.inputSchema).errors.map(error => ({
    path: error.path,
    keyword: error.name,
    ...(error.name === 'additionalProperties' && typeof error.argument === 'string' ? { property: error.argument } : {}),
    ...(error.name === 'required' && typeof error.argument === 'string' ? { missing: error.argument } : {}),
    ...(error.path.length === 0 && ['anyOf', 'oneOf', 'allOf', 'not', 'dependencies'].includes(error.name) ? { concerns: [...namedProperties(error.schema)] } : {}),
    ...(error.path.length === 0 && (error.name === 'anyOf' || error.name === 'oneOf') ? { hint: shapesHint(error.schema, input, label) } : {}),
    message: `Invalid input passed to action ${label}, ${error.toString()}`,
  }));
}

/** The scaffolder's example output for an action a dry-run skips (its helper's generateExampleOutput). */
export function exampleOutput(action: KnownAction): Record<string, unknown> {
  if (!action.outputSchema) return {};
  const helper = createRequire(require.resolve(SCAFFOLDER))('./scaffolder/tasks/helper.cjs.js') as { generateExampleOutput(schema: object): unknown };
  const output = helper.generateExampleOutput(action.outputSchema);
  return output && typeof output === 'object' ? (output as Record<string, unknown>) : {};
}
