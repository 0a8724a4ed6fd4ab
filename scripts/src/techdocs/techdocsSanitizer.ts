import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError, type GitopsConfig } from '../config/gitopsConfig.ts';
import { aliasesExplode } from '../load/aliasExpansion.ts';
import { deferModule } from '../load/deferredModule.ts';
import { makeTemporary, removeTemporary } from '../process/temporaryCheckouts.ts';
import { holdsUnknown } from '../backstageConfig/resolveAppConfig.ts';
import { managedAppConfigs } from '../backstageConfig/managedAppConfigs.ts';

const require = createRequire(import.meta.url);

/**
 * The managed Backstage's `techdocs.generator.mkdocs` settings that change what TechDocs builds, as
 * techdocs-node's own readGeneratorConfig reads them (stages/generate/techdocs.cjs.js) and
 * TechdocsGenerator.run applies them.
 */
export interface TechdocsGeneratorSettings {
  /** legacyCopyReadmeMdToIndexMd: without docs/index.md, copy docs/README.md, docs/readme.md, README.md or readme.md there. */
  legacyCopyReadmeMdToIndexMd: boolean;
  /** omitTechdocsCorePlugin: techdocs-core is not added to plugins. */
  omitTechdocsCorePlugin: boolean;
  /** defaultPlugins: allowed by the sanitizer and added to every site's plugins. */
  defaultPlugins: string[];
  /** dangerouslyAllowAdditionalKeys: top-level mkdocs.yml keys the sanitizer keeps too. */
  additionalKeys: string[];
  /** dangerouslyAllowAdditionalPlugins: plugins the sanitizer keeps too (not added). */
  additionalPlugins: string[];
  /** disableExternalFonts: theme.font set to false for the material theme. */
  disableExternalFonts: boolean;
  /**
   * Settings the managed Backstage only learns when it starts (`${VAR}`, `$env`, an include the check cannot
   * read), in whole or (lists) in part. A list holds its literal entries; a boolean holds TechDocs' default.
   * Absent when every setting is known.
   */
  unknown?: UnknownSetting[];
}

/** A setting of TechdocsGeneratorSettings whose value (or one entry of it) the check cannot know. */
export type UnknownSetting = Exclude<keyof TechdocsGeneratorSettings, 'unknown'>;

/** The app-config key of each setting, as readGeneratorConfig reads it. */
const SETTING_KEYS: Record<UnknownSetting, string> = {
  legacyCopyReadmeMdToIndexMd: 'legacyCopyReadmeMdToIndexMd',
  omitTechdocsCorePlugin: 'omitTechdocsCoreMkdocsPlugin',
  defaultPlugins: 'defaultPlugins',
  additionalKeys: 'dangerouslyAllowAdditionalKeys',
  additionalPlugins: 'dangerouslyAllowAdditionalPlugins',
  disableExternalFonts: 'disableExternalFonts',
};

/** What techdocs-node does with no techdocs.generator.mkdocs settings (and what @techdocs/cli does without flags). */
export const DEFAULT_GENERATOR_SETTINGS: TechdocsGeneratorSettings = { legacyCopyReadmeMdToIndexMd: false, omitTechdocsCorePlugin: false, defaultPlugins: [], additionalKeys: [], additionalPlugins: [], disableExternalFonts: false };

interface GeneratorConfig { omitTechdocsCoreMkdocsPlugin?: boolean; legacyCopyReadmeMdToIndexMd?: boolean; defaultPlugins?: string[]; dangerouslyAllowAdditionalKeys?: string[]; dangerouslyAllowAdditionalPlugins?: string[]; disableExternalFonts?: boolean }

const silent = { warn: () => {}, info: () => {}, debug: () => {}, error: () => {}, child: () => silent };

/**
 * The generator settings of the managed Backstage's app-config files (catalog.appConfig, then
 * backstageConfig.files, merged as config-loader merges several --config files: later wins), each read
 * through config-loader's own transforms as the backend reads it (resolveAppConfig: `${VAR}`, `$env`,
 * `$file`, `$include` at any level, environment values unknown), then with techdocs-node's readGeneratorConfig
 * over @backstage/config's ConfigReader. Missing, unreadable or unloadable files are skipped (the config gate
 * reports them); a file over the catalog's byte cap too. Throws a UsageError when a setting has the wrong
 * type (ConfigReader's message: the backend would not start either).
 */
export async function techdocsGeneratorSettings(config: GitopsConfig): Promise<TechdocsGeneratorSettings> {
  return generatorSettingsOf(await managedAppConfigs(config));
}

/**
 * generatorSettings of app-config data as resolveAppConfig gives it (unknowns marked), `context` naming each
 * file (later files win). What the check cannot know is judged so that nothing dangerous passes: a list
 * keeps its literal entries and is marked unknown (it may allow anything more); a setting that is unknown
 * as a whole, or under an unknown techdocs/generator/mkdocs, is marked unknown (and an earlier file's
 * literal value is kept: the unknown may not set it). Throws a UsageError on a wrongly typed setting.
 */
export function generatorSettingsOf(configs: { context: string; data: Record<string, never> }[]): TechdocsGeneratorSettings {
  const unknown = new Set<UnknownSetting>();
  const known = configs.map(({ context, data }) => ({ context, data: withoutUnknowns(data, unknown) }));
  // techdocs-node's generator module loads dockerode and the SCM integrations (about 170 ms): only for settings it would read.
  const mkdocsOf = (data: Record<string, unknown>) => { const t = data.techdocs; const g = isPlain(t) ? t.generator : undefined; return isPlain(g) ? g.mkdocs : undefined; };
  if (!known.some(c => mkdocsOf(c.data) !== undefined)) return unknown.size ? { ...DEFAULT_GENERATOR_SETTINGS, unknown: [...unknown] } : DEFAULT_GENERATOR_SETTINGS;
  const { ConfigReader } = require('@backstage/config') as typeof import('@backstage/config');
  const { readGeneratorConfig } = techdocsNode('dist/stages/generate/techdocs.cjs.js') as { readGeneratorConfig: (config: unknown, logger: unknown) => GeneratorConfig };
  let read: GeneratorConfig;
  try {
    read = readGeneratorConfig(ConfigReader.fromConfigs(known), silent);
  } catch (error) {
    throw new UsageError(`The managed Backstage's TechDocs settings cannot be read: ${(error as Error).message.slice(0, 300)}`);
  }
  // Bounded: names from a file a pull request may edit go into messages and the build's command line.
  const names = (list: string[] | undefined) => (list ?? []).slice(0, 50).map(name => name.slice(0, 200));
  return {
    legacyCopyReadmeMdToIndexMd: read.legacyCopyReadmeMdToIndexMd === true,
    omitTechdocsCorePlugin: read.omitTechdocsCoreMkdocsPlugin === true,
    defaultPlugins: names(read.defaultPlugins),
    additionalKeys: names(read.dangerouslyAllowAdditionalKeys),
    additionalPlugins: names(read.dangerouslyAllowAdditionalPlugins),
    disableExternalFonts: read.disableExternalFonts === true,
    ...(unknown.size ? { unknown: [...unknown] } : {}),
  };
}

/**
 * `data` (one resolved app-config file) without what the check cannot know in techdocs.generator.mkdocs,
 * each such setting added to `unknown`; a later file that sets a setting wholly literally makes it known
 * again (ConfigReader: later wins). List entries that are unknown are removed, the literal ones kept.
 */
function withoutUnknowns(data: Record<string, never>, unknown: Set<UnknownSetting>): Record<string, never> {
  const settings = Object.keys(SETTING_KEYS) as UnknownSetting[];
  const techdocs = (data as Record<string, unknown>).techdocs;
  const generator = isPlain(techdocs) ? techdocs.generator : undefined;
  const mkdocs = isPlain(generator) ? generator.mkdocs : undefined;
  // An unknown value at or above mkdocs may hold any setting.
  if ([techdocs, generator, mkdocs].some(level => level !== undefined && !isPlain(level) && holdsUnknown(level))) {
    settings.forEach(setting => unknown.add(setting));
    const { techdocs: _dropped, ...rest } = data as Record<string, unknown>;
    if (!isPlain(techdocs)) return rest as Record<string, never>;
    const { generator: _unknown, ...otherTechdocs } = techdocs;
    if (!isPlain(generator)) return { ...rest, techdocs: otherTechdocs } as unknown as Record<string, never>;
    const { mkdocs: _mkdocs, ...otherGenerator } = generator;
    return { ...rest, techdocs: { ...otherTechdocs, generator: otherGenerator } } as unknown as Record<string, never>;
  }
  if (!isPlain(mkdocs)) return data;
  const kept: Record<string, unknown> = { ...mkdocs };
  for (const setting of settings) {
    const key = SETTING_KEYS[setting];
    if (!Object.hasOwn(mkdocs, key)) continue;
    const value = mkdocs[key];
    if (!holdsUnknown(value)) {
      unknown.delete(setting);
    } else if (Array.isArray(value)) {
      kept[key] = value.filter(entry => !holdsUnknown(entry));
      unknown.add(setting);
    } else {
      delete kept[key];
      unknown.add(setting);
    }
  }
  return { ...data, techdocs: { ...(techdocs as object), generator: { ...(generator as object), mkdocs: kept } } } as unknown as Record<string, never>;
}

/** A path into a parsed mkdocs.yml, e.g. ['markdown_extensions', 2] or ['plugins', 'mermaid2']. */
export type MkdocsPath = (string | number)[];

/** What techdocs-node's sanitizer does to one mkdocs.yml. */
export interface SanitizedMkdocs {
  /** Paths (into the file as written) it removes, and paths whose value it replaces (`replaced`: e.g. pymdownx.snippets' options emptied). */
  removed: MkdocsPath[];
  replaced: MkdocsPath[];
  /** The top-level keys of what it leaves: where js-yaml and the gate read a key differently, nothing else reaches MkDocs. */
  keptKeys: string[];
  /** Its own warnings, as it logs them. */
  warnings: string[];
}

/**
 * Runs @backstage/plugin-techdocs-node's own sanitizeMkdocsYml (the one TechdocsGenerator.run calls before
 * MkDocs reads the file, in Backstage's builder and in @techdocs/cli generate) over a copy of `text` with
 * `settings`' additional keys and plugins (dangerouslyAllowAdditional*, defaultPlugins) as the generator
 * passes them, and returns where in the file as written it removed or replaced something. Undefined when the
 * sanitizer refuses the file (YAML it cannot read, a Python tag it does not allow: the build stops there),
 * so the caller judges the file as written. With an allow-list setting in `settings.unknown`, every key
 * (dangerouslyAllowAdditionalKeys) or plugin (dangerouslyAllowAdditionalPlugins, defaultPlugins) of the file
 * counts as allowed: the unknown entry may name it.
 */
export async function sanitizeAsTechdocs(text: string, settings: TechdocsGeneratorSettings = DEFAULT_GENERATOR_SETTINGS): Promise<SanitizedMkdocs | undefined> {
  const { sanitizeMkdocsYml } = techdocsNode('dist/stages/generate/mkdocsPatchers.cjs.js') as { sanitizeMkdocsYml: (path: string, logger: unknown, keys?: string[], plugins?: string[]) => Promise<void> };
  const { MKDOCS_SCHEMA } = techdocsNode('dist/stages/generate/helpers.cjs.js') as { MKDOCS_SCHEMA: unknown };
  const jsYaml = techdocsNode('js-yaml') as { load: (text: string, options: unknown) => unknown };
  const warnings: string[] = [];
  const logger = { ...silent, warn: (message: string) => warnings.push(String(message)) };
  // Holds pull-request content (mkdocs.yml): removed on a signal too (makeTemporary).
  // js-yaml keeps an alias as a reference, but the sanitizer's dump and the walk below copy it out at each
  // use: 10^8 copies from 600 bytes held check 35 s and 1.8 GB, one level more ran it out of memory. Such a
  // file is a yaml-alias-limit finding already, and refused as written.
  if (aliasesExplode(text)) return undefined;
  const dir = makeTemporary(join(tmpdir(), 'gitops-sanitize-'));
  try {
    const file = join(dir, 'mkdocs.yml');
    await writeFile(file, text);
    const original = jsYaml.load(text, { schema: MKDOCS_SCHEMA });
    // An allow-list entry the check cannot know may name any key or plugin: none is judged removed because of it.
    const unknown = new Set(settings.unknown ?? []);
    const keys = unknown.has('additionalKeys') && isPlain(original) ? [...settings.additionalKeys, ...Object.keys(original)] : settings.additionalKeys;
    const anyPlugin = (unknown.has('additionalPlugins') || unknown.has('defaultPlugins')) && isPlain(original) ? pluginNames(original.plugins) : [];
    await sanitizeMkdocsYml(file, logger, keys, [...settings.additionalPlugins, ...settings.defaultPlugins, ...anyPlugin]);
    const sanitized = jsYaml.load(await readFile(file, 'utf8'), { schema: MKDOCS_SCHEMA });
    const removed: MkdocsPath[] = [];
    const replaced: MkdocsPath[] = [];
    diff(original, sanitized, [], removed, replaced);
    return { removed, replaced, keptKeys: sanitized !== null && typeof sanitized === 'object' ? Object.keys(sanitized) : [], warnings };
  } catch {
    return undefined;
  } finally {
    await removeTemporary(dir);
  }
}

let deferred = false;

function techdocsNode(path: string): unknown {
  // The copy @techdocs/cli runs (what techdocs build and publish use), and its own js-yaml.
  const cli = createRequire(require.resolve('@techdocs/cli/package.json'));
  const node = createRequire(cli.resolve('@backstage/plugin-techdocs-node/package.json'));
  if (!deferred) {
    deferred = true;
    // The sanitizer's module requires the generator's helpers, which require the backend plugin API, the
    // publishers' helpers and a git URL parser at the top for functions the sanitizer never calls: ≈100 ms
    // of every `check` with a TechDocs site. They are evaluated only if something reads them.
    const helpers = node.resolve('@backstage/plugin-techdocs-node/dist/stages/generate/helpers.cjs.js');
    for (const request of ['@backstage/backend-plugin-api', '../publish/helpers.cjs.js', 'git-url-parse']) deferModule(helpers, request);
  }
  return path.startsWith('dist/') ? node(`@backstage/plugin-techdocs-node/${path}`) : node(path);
}

/** The names of an mkdocs.yml `plugins:` value (list or mapping form), group's nested plugins too, as the sanitizer reads them. Depth-bounded. */
function pluginNames(plugins: unknown, depth = 0): string[] {
  if (depth > 16) return [];
  const entries = Array.isArray(plugins) ? plugins : isPlain(plugins) ? Object.entries(plugins).map(([name, options]) => ({ [name]: options })) : [];
  return entries.flatMap(entry => {
    if (typeof entry === 'string') return [entry];
    if (!isPlain(entry) || Object.keys(entry).length !== 1) return [];
    const [name] = Object.keys(entry);
    const options = entry[name];
    return [name, ...(isPlain(options) ? pluginNames(options.plugins, depth + 1) : [])];
  });
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b) && Object.getPrototypeOf(a ?? 0) === Object.getPrototypeOf(b ?? 0);
}

/** Whether `b` (sanitized) is the entry `a` (written) became: the same name, or a mapping of the same names. */
function sameEntry(a: unknown, b: unknown): boolean {
  if (same(a, b)) return true;
  if (typeof a === 'string') return a === b;
  return isPlain(a) && isPlain(b) && Object.keys(a).sort().join('\0') === Object.keys(b).sort().join('\0');
}

/**
 * Where `written` and `sanitized` differ: the sanitizer only removes keys and list entries (keeping the
 * order of the rest), empties some options and turns the mapping form of plugins into a list, so list
 * entries are matched in order. Depth-bounded like the YAML itself.
 */
function diff(written: unknown, sanitized: unknown, path: MkdocsPath, removed: MkdocsPath[], replaced: MkdocsPath[], depth = 0): void {
  if (same(written, sanitized) || depth > 64) return;
  if (path.length === 1 && path[0] === 'plugins' && isPlain(written) && Array.isArray(sanitized)) {
    // normalizeMkdocsPlugins: `{name: options}` becomes a list of one-key mappings, in order.
    const names = Object.keys(written);
    const asList = names.map(name => ({ [name]: written[name] }));
    const inner: MkdocsPath[] = [];
    const innerReplaced: MkdocsPath[] = [];
    diff(asList, sanitized, [], inner, innerReplaced, depth + 1);
    const back = (p: MkdocsPath): MkdocsPath => ['plugins', names[p[0] as number], ...p.slice(2)];
    removed.push(...inner.map(back));
    replaced.push(...innerReplaced.map(back));
    return;
  }
  if (Array.isArray(written) && Array.isArray(sanitized)) {
    let j = 0;
    written.forEach((entry, i) => {
      if (j < sanitized.length && sameEntry(entry, sanitized[j])) diff(entry, sanitized[j++], [...path, i], removed, replaced, depth + 1);
      else removed.push([...path, i]);
    });
    return;
  }
  if (isPlain(written) && isPlain(sanitized)) {
    for (const key of Object.keys(written)) {
      if (!Object.hasOwn(sanitized, key)) removed.push([...path, key]);
      else diff(written[key], sanitized[key], [...path, key], removed, replaced, depth + 1);
    }
    return;
  }
  replaced.push(path);
}
