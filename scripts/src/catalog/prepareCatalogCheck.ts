import { readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { undecodableName } from '../load/repoFiles.ts';
import { yamlPackage } from '../load/lazyPackages.ts';
import { plainConfigValue, plainYamlValue, readConfigDocument, readJsonFile } from '../config/configFile.ts';
import { APP_CONFIG, appOwnConfigFiles } from '../config/appConfigLocations.ts';
import { UsageError, type GitopsConfig } from '../config/gitopsConfig.ts';
import { isRecord, loadCatalog, type LoadedCatalog, type ReaderSetting, type SourceFile } from '../load/loadCatalog.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { checkoutTransforms } from '../load/checkoutTransforms.ts';
import { readBytes, readSource } from '../load/readSource.ts';
import type { ResultCache } from '../cache/resultCache.ts';
import { mkdocsFileIn, techdocsSites } from '../techdocs/techdocsSites.ts';
import { mayIncludeFiles } from '../techdocs/fileIncludes.ts';
import { readRepoFile } from '../load/repoPath.ts';
import { includeTarget, loadTechdocsPolicy, mkdocsConfigAsBuilt, monorepoIncludes } from '../techdocs/mkdocsSafety.ts';
import { abortsOnMissingNavPages } from '../techdocs/checkMkdocs.ts';
import { docsFolder } from '../techdocs/docsDirFindings.ts';
import { sanitizeAsTechdocs, techdocsGeneratorSettings, type SanitizedMkdocs, type TechdocsGeneratorSettings } from '../techdocs/techdocsSanitizer.ts';
import { collectEntities } from './catalogEntity.ts';
import type { CatalogCheckInput } from './checkCatalog.ts';
import { compilePolicies, policyAjv, type CompiledPolicy, type PolicySchema } from './checkPolicies.ts';
import { unknownPolicyKeywords } from './policyKeywords.ts';
import { withoutBacktrackingPatterns } from './policyPatterns.ts';
import { providedScopes } from './providedScopes.ts';
import { managedUrlReadable, managedUrlSearch } from './urlReadable.ts';
import { affordableYaml } from '../load/yamlNodeBudget.ts';

/**
 * Everything the catalog gate reads from disk, read once, before any check runs; `cache` holds earlier
 * per-file results; `reading`: whether a second thread reads the catalog's files (loadCatalog).
 */
export async function prepareCatalogCheck(config: GitopsConfig, paths: readonly string[], cache?: ResultCache, reading: ReaderSetting = 'auto'): Promise<CatalogCheckInput> {
  // Started first: its git processes run while this thread reads and parses the catalog.
  const transforms = checkoutTransforms(config.root);
  // Read first: the managed Backstage's URL readers decide how a Location's pattern target is read.
  const backstageConfigs = await readBackstageConfigs(config);
  const [loaded, policies, appConfig] = await Promise.all([loadCatalog(config, paths, cache, reading, managedUrlSearch(backstageConfigs.readable)), loadPolicies(config), readAppConfig(config)]);
  const techdocsSettings = gateSettings(await techdocsGeneratorSettings(config));
  return { loaded, config, policies, appConfig, providers: providedScopes(backstageConfigs.providers), readable: managedUrlReadable(backstageConfigs.readable), mkdocs: await readMkdocsFiles(config, loaded, techdocsSettings), techdocsPolicy: loadTechdocsPolicy(config.root), techdocsSettings, cache, checkoutTransforms: await transforms };
}

/**
 * The settings the gate judges with: a legacyCopyReadmeMdToIndexMd the check cannot know counts as on, so
 * a site is reported unbuildable only when it is under both values (a README would make it buildable).
 */
function gateSettings(settings: TechdocsGeneratorSettings): TechdocsGeneratorSettings {
  return settings.unknown?.includes('legacyCopyReadmeMdToIndexMd') ? { ...settings, legacyCopyReadmeMdToIndexMd: true } : settings;
}

export async function loadPolicies(config: GitopsConfig) {
  const read = await readPolicySchemas(config);
  const { schemas, problems } = await withoutBacktrackingPatterns(config.root, read);
  if (read.length === 0) return Object.assign([] as CompiledPolicy[], { problems });
  const ajv = policyAjv();
  problems.push(...unknownPolicyKeywords(config.root, read, ajv));
  try {
    return Object.assign(compilePolicies(schemas, ajv), { problems });
  } catch (error) {
    throw new UsageError(`A policy schema in ${config.catalog.policies} does not compile: ${(error as Error).message}`);
  }
}

const SEVERITIES = ['error', 'warning', 'info'];
// A rule id is one word: no space, control or invisible format character (a finding's id is printed where
// a reader takes it as written), at most 100 characters.
const RULE_ID = /^[^\s\p{C}]{1,100}$/u;

/**
 * `schema` when it is a JSON Schema object whose annotations say how a violation is reported in a form the
 * reporters take: `x-severity` one of error, warning or info, `x-rule-id` a rule id (no space, control or
 * invisible character, at most 100 characters), `x-hint` text. A policy comes with pull requests:
 * `x-severity: critical` or a number ended check and report (the gate) with an internal error in the
 * formatters, and `toString` found the formatter's inherited member. Throws a UsageError naming the file.
 */
function withReportAnnotations(schema: unknown, file: string): PolicySchema['schema'] {
  const wrong = (what: string) => new UsageError(`${file}: ${what}.\nFix the policy and run again.`);
  if (!isRecord(schema)) throw wrong('an org policy is a JSON Schema object');
  const severity = schema['x-severity'];
  if (severity !== undefined && !SEVERITIES.includes(severity as string)) throw wrong(`x-severity is ${JSON.stringify(severity)?.slice(0, 80)}; it must be "error", "warning" or "info"`);
  const ruleId = schema['x-rule-id'];
  if (ruleId !== undefined && (typeof ruleId !== 'string' || !RULE_ID.test(ruleId))) throw wrong(`x-rule-id must be a rule id such as "policy/tag-format" (one word of at most 100 characters, no space, control or invisible character)`);
  if (schema['x-hint'] !== undefined && typeof schema['x-hint'] !== 'string') throw wrong('x-hint must be text');
  return schema as PolicySchema['schema'];
}

export async function readPolicySchemas(config: GitopsConfig): Promise<PolicySchema[]> {
  if (!config.catalog.policies) return [];
  const folder = join(config.root, config.catalog.policies);
  // A name that is not UTF-8 opens by no name: check reports it (repo-path-encoding), reading it would end the run.
  const names = (await readdir(folder)).filter(n => n.endsWith('.json') && !undecodableName(folder, n)).sort();
  return Promise.all(
    names.map(async name => {
      const file = `${config.catalog.policies}/${name}`;
      return { file, schema: withReportAnnotations(readJsonFile(join(folder, name), file), file) };
    }),
  );
}

/**
 * The mkdocs.yml of every TechDocs site the reported entities point at with `dir:`, each site's own with
 * what techdocs-node's sanitizer (run with the managed Backstage's `settings`) removes of it.
 */
async function readMkdocsFiles(config: GitopsConfig, loaded: LoadedCatalog, settings: TechdocsGeneratorSettings): Promise<(SourceFile & { text?: string; pages?: { file: string; text: string; tooLarge?: number }[]; included?: boolean; includedByStrictSite?: boolean; sanitized?: SanitizedMkdocs })[]> {
  const repoFiles = loaded.repoFileSet ?? new Set(loaded.repoFiles);
  // Only a `dir:` techdocs-ref (or a placeholder that may become one) names a site in this repo: the
  // other files need no placeholder substitution here.
  const withDocs = loaded.files.filter(f => f.documents.some(d => {
    const ref = isRecord(d) && isRecord(d.metadata) && isRecord(d.metadata.annotations) ? d.metadata.annotations['backstage.io/techdocs-ref'] : undefined;
    return ref !== undefined && (typeof ref !== 'string' || ref.startsWith('dir:'));
  }));
  const { entities } = collectEntities(withDocs, loaded, config.repoUrl);
  const sites = techdocsSites(entities, config.repoUrl).map(site => mkdocsFileIn(site.folder, repoFiles)).filter((f): f is string => Boolean(f));
  const siteSet = new Set(sites);
  const configs = withIncludedConfigs(config, sites, loaded.repoFiles);
  return Promise.all([...configs.keys()].sort().map(async file => {
    const included = siteSet.has(file) ? {} : { included: true, includedByStrictSite: configs.get(file) };
    // PR content like any catalog file: the same byte cap and encoding rules.
    const read = readSource(join(config.root, file), file, config.catalog.maxFileBytes);
    if ('problem' in read) return { file, documents: [], problems: [read.problem], locate: () => read.problem.range };
    const { text } = read;
    const parsed = parseYaml(text, file);
    // The files of the site's docs_dir, which the build copies (techdocs build copies docs_dir and
    // mkdocs.yml only), for the lines that would paste a file into a page (techdocs-file-include): pages of
    // any extension MkDocs builds, and any file a snippet may include, which pymdownx reads for snippets too.
    const written = parsed.documents[0];
    const docsDir = isRecord(written) && typeof written.docs_dir === 'string' ? written.docs_dir : 'docs';
    const docs = `${docsFolder(posix.dirname(file), docsDir)}/`;
    const pages = loaded.repoFiles.filter(f => f.startsWith(docs) && !docs.startsWith('../')).flatMap(page => siteFileToScan(config, page));
    // Only a site's own config goes through the sanitizer; a file the gate could not read is judged as written.
    const sanitized = siteSet.has(file) && !parsed.problems.some(p => p.ruleId === 'yaml-node-limit') ? await sanitizeAsTechdocs(text, settings) : undefined;
    return { file, text, pages, documents: parsed.documents, problems: parsed.problems, locate: parsed.locate, ...included, ...(sanitized ? { sanitized } : {}) };
  }));
}

// MkDocs' page extensions (mkdocs.utils.markdown_extensions): every one is built, so read past the catalog's byte
// cap for the include scan; a page past even this is not scanned and is reported (the gate fails closed).
const PAGE_EXTENSION = /\.(?:md|markdown|mdown|mkdn|mkd)$/i;
export const PAGE_SCAN_MAX_BYTES = 64 * 1024 * 1024;
// It drops a leading BOM, as MkDocs' utf-8-sig does for a page: a marker on the first line still counts.
const lossyUtf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * A docs_dir file as the include scan (techdocs-file-include) reads it: its text decoded as pymdownx and MkDocs
 * read it (UTF-8; invalid bytes as U+FFFD, so a marker in a file the gate would otherwise refuse still counts),
 * when it may include files. Pages are read up to PAGE_SCAN_MAX_BYTES; a larger page comes back with `tooLarge`
 * (its size in bytes) and no text. Any other file past catalog.maxFileBytes is left out: pymdownx reads it only
 * when a scanned file's snippet names it. A file that cannot be opened is left out (other gates report links).
 */
function siteFileToScan(config: GitopsConfig, file: string): { file: string; text: string; tooLarge?: number }[] {
  let read;
  try {
    read = readBytes(join(config.root, file), PAGE_EXTENSION.test(file) ? Math.max(PAGE_SCAN_MAX_BYTES, config.catalog.maxFileBytes) : config.catalog.maxFileBytes);
  } catch {
    return [];
  }
  if ('tooLarge' in read) return PAGE_EXTENSION.test(file) ? [{ file, text: '', tooLarge: read.tooLarge }] : [];
  const text = lossyUtf8.decode(read.bytes);
  return mayIncludeFiles(text) ? [{ file, text }] : [];
}

// Configs an include may pull in, all told: each is read and judged like a site's own mkdocs.yml.
const MAX_INCLUDED_CONFIGS = 200;

/**
 * The sites' mkdocs.yml files and every config their navs include through mkdocs-monorepo-plugin
 * (`!include`, `*include` globs), transitively: the plugin reads each with MkDocs' own loader, so each is
 * judged as an mkdocs.yml is. Includes that leave their site are reported by checkMkdocsSafety instead.
 * Maps each file to whether a site that includes it builds with strict (MkDocs then aborts on its nav's
 * missing pages too); a site's own entry says whether it is strict itself.
 */
function withIncludedConfigs(config: GitopsConfig, sites: readonly string[], repoFiles: readonly string[]): Map<string, boolean> {
  const files = new Map<string, boolean>(sites.map(site => [site, false]));
  const queue = [...sites];
  while (queue.length > 0 && files.size < MAX_INCLUDED_CONFIGS) {
    const file = queue.shift()!;
    const read = readSource(join(config.root, file), file, config.catalog.maxFileBytes);
    if (!('text' in read)) continue;
    const folder = posix.dirname(file) === '.' ? '' : posix.dirname(file);
    const asBuilt = mkdocsConfigAsBuilt(read.text);
    const strict = sites.includes(file) ? abortsOnMissingNavPages(asBuilt) : files.get(file) === true;
    if (sites.includes(file)) files.set(file, strict);
    // What the build copies besides mkdocs.yml: the docs_dir, where a glob may find configs.
    const docsDir = isRecord(asBuilt) && typeof asBuilt.docs_dir === 'string' ? asBuilt.docs_dir : 'docs';
    const docs = `${docsFolder(folder, docsDir)}/`;
    for (const include of monorepoIncludes(asBuilt)) {
      const target = includeTarget(include, folder, folder);
      if (target === undefined) continue;
      // A named file that is no .yml/.yaml stops the plugin before it is read (checkMkdocs reports it).
      // A glob is not matched here: Python's glob and minimatch differ in corners (`**` matching nothing, dot
      // files, classes), so every YAML file of the docs_dir (what the build copies) is judged as a config.
      const found = include.glob ? repoFiles.filter(f => f !== file && f.startsWith(docs) && /\.ya?ml$/i.test(f)) : repoFiles.includes(target) && /\.ya?ml$/.test(target) ? [target] : [];
      for (const next of found) {
        // Seen before: judged again only when a strict site reaches it after a lenient one did.
        if (files.has(next) && (sites.includes(next) || files.get(next) || !strict)) continue;
        if (!files.has(next) && files.size >= MAX_INCLUDED_CONFIGS) continue;
        files.set(next, strict);
        queue.push(next);
      }
    }
  }
  return files;
}

/**
 * Every app-config file of the managed Backstage the config names, parsed; a missing one is skipped here (the
 * config check reports it): `readable` judges URL readers by them. `providers` adds, without a config in a
 * Backstage app's repository, the app's own app-config files (appOwnConfigFiles): the org providers there
 * bring users and groups as they do with catalog.appConfig set. Its integrations are not taken for all the
 * deployment's (another config file may add one): placeholder URLs stay unjudged there, as before.
 */
async function readBackstageConfigs(config: GitopsConfig): Promise<{ providers: { file: string; config: unknown }[]; readable: { file: string; config: unknown }[] }> {
  const files = [...new Set([...(config.catalog.appConfig ? [config.catalog.appConfig] : []), ...(config.backstageConfig?.files ?? [])])];
  const own = files.length === 0 ? appOwnConfigFiles(config.root, config.found) : [];
  const read = [...files, ...own].map(file => {
    try {
      const text = readRepoFile(config.root, file, 'utf8');
      return { file, config: (plainYamlValue(text) ?? { value: (affordableYaml(text), yamlPackage().parse(text, { merge: false, logLevel: 'error' })) }).value };
    } catch {
      return undefined;
    }
  }).filter((r): r is { file: string; config: unknown } => r !== undefined);
  return { providers: read, readable: read.filter(r => files.includes(r.file)) };
}

/**
 * The managed Backstage's app-config (catalog.appConfig) as its config-loader hands it to the catalog:
 * `$include`/`$file` of files in the repo applied and `${VAR}`/`$env` as placeholders (resolveAppConfig), so
 * catalog.rules kept in an included file are the rules judged (read as written, `{ $include: … }` stopped
 * the run with an internal error). As written when config-loader refuses it (the Backstage config gate
 * says why). Undefined without catalog.appConfig (but for an app's own, see below).
 */
async function readAppConfig(config: GitopsConfig): Promise<unknown> {
  // A Backstage app's repository without a config: its own app-config, for its catalog.rules; one that
  // cannot be read gives no rules to judge by (the toolkit gates that file only when configured to).
  if (!config.catalog.appConfig && config.catalog.appLocations) {
    const path = join(config.root, APP_CONFIG);
    try {
      const written = (plainConfigValue(path, APP_CONFIG) ?? { value: readConfigDocument(path, APP_CONFIG).value }).value ?? {};
      const { resolveAppConfig } = await import('../backstageConfig/resolveAppConfig.ts');
      return (await resolveAppConfig(config.root, APP_CONFIG, written)).data ?? written;
    } catch {
      return undefined;
    }
  }
  if (!config.catalog.appConfig) return undefined;
  const path = join(config.root, config.catalog.appConfig);
  const written = (plainConfigValue(path, config.catalog.appConfig) ?? { value: readConfigDocument(path, config.catalog.appConfig).value }).value ?? {};
  const { resolveAppConfig } = await import('../backstageConfig/resolveAppConfig.ts');
  return (await resolveAppConfig(config.root, config.catalog.appConfig, written)).data ?? written;
}
