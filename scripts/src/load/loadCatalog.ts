import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { UsageError, type GitopsConfig } from '../config/gitopsConfig.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { locationTypeRefused, matchGlob, resolveTarget, type TargetContext, type TargetResolution } from '../catalog/locationTargets.ts';
import { techdocsDirFolder } from '../techdocs/techdocsDirFolder.ts';
import { findPlaceholders, placeholderTarget, substitutePlaceholders, textHasNoPlaceholders } from '../catalog/placeholders.ts';
import { loadManagedModel, type ManagedModel } from '../catalog/managedModel.ts';
import { BUNDLING_RESOLVERS, bundlePlaceholderRefs, type BundledPlaceholder } from '../catalog/bundlePlaceholderRefs.ts';
import { definitionLimits, mayHoldRef, scanApiRefs, type DefinitionRoot } from '../catalog/apiRefs.ts';
import { BACKSTAGE_KINDS, helmTemplateMatcher, isEntityDocument, textDeclaresEntity } from '../catalog/entityDocument.ts';
import type { ResultCache } from '../cache/resultCache.ts';
import { DEFAULT_YAML_LIMITS, parseYaml, positionsIn, yamlLimitsFor, type ParsedYaml } from './parseYaml.ts';
import { FileReader } from './fileReader.ts';
import { catalogText, decodeUtf8, readBytes, sourceText, textHash, type SourceBytes } from './readSource.ts';
import { readRepoFile } from './repoPath.ts';
import { unparsedRefs } from './unparsedRefs.ts';
import { stepReach } from '../templates/templateReach.ts';
import { entityModelCore } from '../backstage.ts';
import { fitsEntityEnvelope } from '../catalog/checkBackstageModel.ts';
import { gitHostView } from './gitHostView.ts';
import { isYamlFile, listRepoFiles, regularFileThroughFolders, RepoFileSet, trackedInstalledFiles } from './repoFiles.ts';
import type { PathSegment } from './yamlPath.ts';
import { leavesRoot } from './leavesRoot.ts';

export interface SourceFile {
  file: string;
  documents: unknown[];
  problems: Diagnostic[];
  locate: ParsedYaml['locate'];
  /** sha256 of the text, when the run keeps a `--cache`. */
  hash?: string;
  /** Refs the documents that do not parse would define (unparsedRefs), when any does not parse. */
  unparsedRefs?: string[];
  /** Its text cannot hold a placeholder (textHasNoPlaceholders): its documents are never walked for one. */
  placeholderFree?: boolean;
  /** Its text uses Cookiecutter's `{{ cookiecutter.… }}`: a cookiecutterCompat skeleton, never an entity file as written. */
  cookiecutter?: boolean;
}

/**
 * Whether the catalog's files are read by a second thread while this one parses: `auto` for a repo of
 * READER_MIN_FILES YAML files or more, `always` (tests: every other file, whatever the size) or `never`.
 */
export type ReaderSetting = 'auto' | 'always' | 'never';

// Measured (docs/benchmarks.md): at 1,000 files the reader thread's start-up costs what the reads it takes
// off this thread save; at 10,000 it saves about 5 % of this thread's time.
export const READER_MIN_FILES = 2000;

export interface LocationEdge {
  file: string;
  document: number;
  path: PathSegment[];
  type: string;
  /** The type of the location Backstage read this file through: a Location may always keep it. */
  readerType: string;
  /** readerType is that of the app-config location that registers the file (app repo mode), not catalog.rootLocationType. */
  readerFromApp?: true;
  target: string;
  resolution: TargetResolution;
  /** `spec.presence: optional`: Backstage's readers emit no error for a target that is not there. */
  optional?: boolean;
}

export interface LoadedCatalog {
  mode: 'roots' | 'paths' | 'discover';
  /** Files whose findings are reported. */
  files: SourceFile[];
  /** The rest of the repo's catalog: only used to resolve references when checking a subset. */
  context: SourceFile[];
  locations: LocationEdge[];
  placeholderSources: Map<string, string | null>;
  /** The catalog files Backstage reads from disk (a `file` location): their relative placeholders fail (substitutePlaceholders). */
  readFromDisk?: ReadonlySet<string>;
  /** The managed Backstage's entity model when catalog.modules extend it. */
  model?: ManagedModel;
  /** `$ref`s that catalog-backend-module-openapi cannot bundle, on the line that writes each. */
  bundleProblems: Diagnostic[];
  /** Repo files API definitions are made of: placeholder targets and every file their `$ref`s reach (scanApiRefs). */
  definitionFiles?: ReadonlySet<string>;
  /**
   * Paths mode, when a judged file holds a Location (every included file is then judged for reachability):
   * the placeholder targets of the context's entities and the files their `$ref`s reach, which the whole
   * run reads as definitions, not as files a Location must reach.
   */
  contextDefinitionFiles?: readonly string[];
  /** Placeholder resolvers beyond text, json and yaml that the managed Backstage has. */
  placeholderResolvers: ReadonlySet<string>;
  repoFiles: string[];
  /**
   * The same files as a set, which also finds a file in a node_modules folder (never listed) when asked for
   * it by name (RepoFileSet); its `namedInstalled` says which were.
   */
  repoFileSet?: RepoFileSet;
  /** Symbolic links in the repo (never followed), sorted; readSymlinks picks those in places that are read. */
  symlinks?: string[];
  /** Each link's own text (readlink: the path it holds, read without following it); absent when unreadable. */
  symlinkTargets?: ReadonlyMap<string, string>;
  /** Repo folders (no trailing slash) that templates' fetch steps copy as skeletons, placeholders substituted. */
  skeletonFolders?: string[];
  /**
   * Every path prefix a template's fetch step may read in this repository, sorted: `folder/` for a folder,
   * the literal start of a url built from `${{ … }}` (`skeletons/`), '' when one may read the whole repository.
   * Backstage reads these from the git host's archive (repo-checkout-transform judges every file in them).
   */
  fetchedPrefixes?: string[];
  /** Files and folders whose names are not valid UTF-8 (never read; listRepoFiles), sorted. */
  undecodable?: string[];
  /** The root (or given) file each loaded file was reached from: Backstage's origin location. */
  origins: Map<string, string>;
  /** Locations Backstage ignores as it reaches them (ignoredLocation): never entities, their targets never read. */
  ignoredLocations?: Diagnostic[];
  /** Paths mode with roots: the files the roots reach, as the whole run reads them (location-unreachable). */
  reachedByRoots?: SourceFile[];
  /** Paths mode with roots: the given files judged for reachability (location-unreachable) when no judged file holds a Location. */
  reachabilityOf?: string[];
  /** Paths mode: the files and folders given, repo-relative ('' for the root). */
  given?: string[];
  /**
   * Paths mode: YAML files given by name that the work tree does not hold (as given, and repo-relative):
   * a file the change deletes, which `git diff --name-only` lists. The caller decides whether the last
   * commit (or the base) held it, and otherwise refuses it as a path that does not exist.
   */
  missingGiven?: { given: string; file: string }[];
}

/**
 * Reads the catalog the way Backstage would reach it (roots, given paths, or discovery) and parses
 * every file once. With a `cache`, files whose text is unchanged take their documents from it.
 * Symbolic links are listed, never followed.
 */
export async function loadCatalog(config: GitopsConfig, paths: readonly string[] = [], cache?: ResultCache, reading: ReaderSetting = 'auto', urlSearch?: TargetContext['urlSearch']): Promise<LoadedCatalog> {
  const symlinks: string[] = [];
  const undecodable: string[] = [];
  const installed: string[] = [];
  const repoFiles = await listRepoFiles(config.root, symlinks, undecodable, installed);
  // Started before anything is read, so that its start-up overlaps this thread's work.
  // The run already holds the files' bytes (ResultCache.texts): nothing is left for a reader to read.
  const reader = cache?.texts ? undefined : reading === 'always' || (reading === 'auto' && repoFiles.filter(isYamlFile).length >= READER_MIN_FILES) ? FileReader.start() : undefined;
  try {
    // What git tracks under node_modules is in the tree Backstage reads: globs and discovery see it.
    const tracked = trackedInstalledFiles(config.root, installed).filter(file => regularFileThroughFolders(config.root, file));
    const treeFiles = tracked.length > 0 ? [...repoFiles, ...tracked].sort() : repoFiles;
    const loaded = await loadRepoCatalog(config, paths, repoFiles, treeFiles, new RepoFileSet(config.root, repoFiles, installed, gitHostView(config.root).ignored), symlinks, cache, reader && { reader, mode: reading === 'always' ? 'alternate' : 'share' }, urlSearch);
    return { ...loaded, undecodable: undecodable.sort(), symlinkTargets: linkTexts(config.root, symlinks) };
  } finally {
    reader?.stop();
  }
}

/** The path each link holds (readlink reads the link itself, never what it points at); unreadable ones are left out. */
function linkTexts(root: string, links: readonly string[]): Map<string, string> {
  const texts = new Map<string, string>();
  for (const link of links) {
    try {
      texts.set(link, readlinkSync(join(root, link)));
    } catch {
      // Removed or replaced since it was listed: readSymlinks then judges it as a link it knows nothing about.
    }
  }
  return texts;
}

interface Reading {
  reader: FileReader;
  mode: 'share' | 'alternate';
}

async function loadRepoCatalog(config: GitopsConfig, paths: readonly string[], repoFiles: string[], treeFiles: readonly string[], repoFileSet: RepoFileSet, symlinks: string[], cache?: ResultCache, reading?: Reading, urlSearch?: TargetContext['urlSearch']): Promise<LoadedCatalog> {
  const targets: TargetContext = { repoUrl: config.repoUrl, repoFiles, repoFileSet, treeFiles, ...(urlSearch && { urlSearch }) };
  const mode = paths.length > 0 ? 'paths' : config.catalog.roots.length > 0 ? 'roots' : 'discover';
  const missingGiven: { given: string; file: string }[] = [];
  const named = new Set<string>();
  for (const given of paths) named.add(relative(config.root, resolve(given)).split(sep).join('/'));
  let start = mode === 'paths' ? expandPaths(config.root, paths, repoFiles, symlinks, missingGiven)
    : mode === 'roots' ? checkRoots(config.catalog.roots, targets.repoFileSet)
    : discoverable(treeFiles);
  // With roots, the whole run reads what they reach and, unreached, what catalog.include names; a YAML file
  // found only by walking a given folder that is neither (a test fixture, a docs example under `check .`)
  // is judged by no full run, so not by this one. A file named itself stays judged unless
  // include is set and does not name it (the filter after the crawl, meantAsEntityFile).
  const whole = mode === 'paths' && config.catalog.roots.length > 0
    ? await crawlLocations(config, checkRoots(config.catalog.roots, targets.repoFileSet), targets, cache, reading) : undefined;
  if (whole) {
    const read = new Set(whole.files.map(f => f.file));
    const walked = start.filter(f => !named.has(f) && !read.has(f));
    const included = new Set(config.catalog.include.flatMap(glob => matchGlob(walked, glob) ?? walked));
    start = start.filter(f => named.has(f) || read.has(f) || included.has(f));
  }

  // Paths mode in a Backstage app's repository: a given file is read by the type the app's own locations
  // give it, which only the whole repo's crawl knows, so that crawl (the context below) comes first.
  // So does the Location that reads it: one of its reader's own ref is ignored (location-ignored), as in the
  // whole run, not a second definition of that ref.
  const discovery = mode === 'paths' && !whole ? await discoveredContext(config, treeFiles, targets, cache, reading) : undefined;
  const crawl = await crawlLocations(config, start, targets, cache, reading, whole?.readers ?? discovery?.readers);
  let files = crawl.files;
  const skeletons = skeletonFolders(files, config, targets.repoFileSet);
  // A folder given on the command line is read with the same discovery as a plain folder: its API
  // definitions, mkdocs.yml, skeleton YAML and `$yaml` fragments are not entities. A file named
  // explicitly, or one a Location reaches, is always judged.
  const judgedAnyway = new Set<string>();
  // Paths mode: the files judged for reachability besides those judged as catalog files.
  const reachability = new Set<string>();
  if (mode === 'paths') {
    const startSet = new Set(start);
    named.forEach(file => judgedAnyway.add(file));
    for (const file of crawl.origins.keys()) if (!startSet.has(file)) judgedAnyway.add(file);
  }
  if (mode !== 'roots') {
    const discovered = discoveredFiles(files, config, skeletons, judgedAnyway, crawl.locations);
    files = discovered.files;
    // What a Location reaches Backstage reads as an entity file, even when an entity also names it by
    // `$text` (a `./*.yaml` target matching the openapi.yaml beside it): it fails that Location.
    discovered.reached.forEach(file => judgedAnyway.add(file));
  }

  // Given paths are judged against the whole catalog: the rest of it resolves their references. That is
  // what the roots reach, or without roots what discovery reads in the whole repo, as a full run would.
  let context: SourceFile[] = [];
  if (mode === 'paths') {
    if (whole) {
      context = whole.files;
      // A file the roots reach arrives in Backstage through that root's location, whose catalog.rules judge
      // it, not as a location of its own: a Template named alone is allowed where the full run allows it.
      for (const [file, origin] of whole.origins) crawl.origins.set(file, origin);
    } else {
      context = discovery!.files;
    }
    // A file named on the command line that the whole catalog reads as something else (a pre-commit hook
    // passes every changed YAML file: an API definition, an mkdocs.yml, a skeleton's catalog-info.yaml) is
    // judged as a full run judges it: through the entity files that name it, never as a broken entity.
    const otherwise = readAsNonEntity(config, context, targets.repoFileSet);
    const naming = new Set<string>();
    files = files.filter(f => {
      const namers = otherwise(f.file);
      namers?.forEach(n => naming.add(n));
      return namers === undefined;
    });
    // A given folder's files that discovery does not read (a skeleton's README, a Dockerfile) are judged
    // through what names them, as when each is given: `check skeletons/x` judged nothing ("0 files").
    for (const path of named) {
      if (targets.repoFileSet.has(path)) continue;
      for (const file of repoFiles) if (path === '' || file.startsWith(`${path}/`)) otherwise(file)?.forEach(n => naming.add(n));
    }
    // A file named on the command line that the whole catalog does not read and that declares no entity (a
    // workflow, a pipeline, a docker-compose file, a Kubernetes manifest, gitops.config.yaml: what a
    // pre-commit hook passes with every changed *.yaml) is no catalog file: Backstage never reads it, and a
    // full run judges nothing there, so neither does this one.
    // A file under catalog.include stays judged: the full run reports it (location-unreachable) when no
    // Location reaches it, whatever it holds.
    const inContext = new Set(context.map(f => f.file));
    const namedFiles = [...named];
    const included = new Set(config.catalog.roots.length > 0 ? config.catalog.include.flatMap(glob => matchGlob(namedFiles, glob) ?? namedFiles) : []);
    const apiGroups = new Set(config.catalog.apiGroups.map(g => g.toLowerCase()));
    // With roots and catalog.include, the include globs say where catalog files live: a named file outside
    // them that no root reaches is read by no full run (a docs example, a template's test snapshot), so it
    // is not judged as an entity file here either, which a pre-commit hook failed every commit touching it.
    // A Helm chart's template is never an entity file, as in discovery.
    const inHelmChart = helmTemplateMatcher(treeFiles);
    const elsewhere = whole !== undefined && config.catalog.include.length > 0;
    // A named file catalog.include names that holds no entity (an API definition renamed, a workflow under
    // catalog/) is judged for reachability only, as the whole run judges it, not as a broken entity file.
    files = files.filter(f => !named.has(f.file) || inContext.has(f.file) || ((included.has(f.file) || !elsewhere) && !inHelmChart(f.file) && meantAsEntityFile(f, config.root, apiGroups)));
    included.forEach(file => reachability.add(file));
    const kept = new Set(files.map(f => f.file));
    // A given folder's file that the whole catalog reads as a catalog file (a Location elsewhere names it:
    // `./**/*.yaml` reaching its openapi.yaml) is judged as the full run judges it, not dropped by this
    // folder's own discovery.
    const given = new Set(start);
    for (const f of context) {
      if ((!naming.has(f.file) && !given.has(f.file)) || kept.has(f.file)) continue;
      files.push(f);
      judgedAnyway.add(f.file);
    }
  }
  const placeholderSources = await readPlaceholderSources(config, files, targets.repoFileSet);
  const apiRefs = scanDefinitionRefs(config, files, placeholderSources, targets.repoFileSet, new Set(symlinks));
  const bundled = await bundleRefs(config, files, targets.repoFileSet, apiRefs.overLimit);
  for (const file of bundled.readFiles) if (!placeholderSources.has(file)) placeholderSources.set(file, readRepoFile(config.root, file, 'utf8'));
  files = files.filter(f => mode === 'roots' || judgedAnyway.has(f.file) || !placeholderSources.has(f.file));

  let contextDefinitionFiles: string[] | undefined;
  if (mode === 'paths') {
    const reported = new Set(files.map(f => f.file));
    context = context.filter(f => !reported.has(f.file));
    // A given root Location (`templates/all.yaml`) made every included file judged for reachability, and the
    // API definitions the rest of the catalog names by `$text` were said unreachable (helper-152, on this repo).
    if (whole && files.some(f => f.documents.some(d => isRecord(d) && d.kind === 'Location'))) {
      const sources = await readPlaceholderSources(config, context, targets.repoFileSet);
      contextDefinitionFiles = [...sources.keys(), ...scanDefinitionRefs(config, context, sources, targets.repoFileSet, new Set(symlinks)).reached];
    }
  }
  const reported = new Set(files.map(f => f.file));
  const ignoredLocations = crawl.ignored.filter(d => reported.has(d.file));
  const readFromDisk = new Set([...crawl.readers.typeOf].filter(([, type]) => type === 'file').map(([file]) => file));
  return { mode, files, context, locations: crawl.locations, placeholderSources, ...(readFromDisk.size > 0 && { readFromDisk }), placeholderResolvers: new Set(config.catalog.placeholderResolvers), model: await loadManagedModel(config.catalog.modules), bundleProblems: [...bundled.diagnostics, ...apiRefs.diagnostics.filter(d => !bundled.diagnostics.some(b => b.ruleId === 'placeholder-outside-repo' && b.file === d.file && b.range.start.line === d.range.start.line))], definitionFiles: apiRefs.reached, repoFiles, repoFileSet, symlinks: symlinks.sort(), skeletonFolders: skeletons.folders, fetchedPrefixes: skeletons.fetched, origins: crawl.origins, ignoredLocations, ...(mode === 'paths' && { given: [...named], missingGiven }), ...(whole && { reachedByRoots: whole.files, reachabilityOf: [...new Set([...files.map(f => f.file), ...reachability])] }), ...(contextDefinitionFiles && { contextDefinitionFiles }) };
}

/**
 * What the whole catalog (`context`: what the roots reach, or discovery's entity files) reads a file as,
 * when not as an entity file: undefined for an entity file (one a Location reaches, or one nothing else
 * names), else the context files that make it something else: the entity files whose `$text`/`$json`/
 * `$yaml`/`$openapi`/`$asyncapi` placeholders name it (an API definition) or whose
 * `backstage.io/techdocs-ref: dir:` folder holds it as mkdocs.yml, the files of the Templates that fetch the
 * folder it is under (a skeleton, which only rendering makes an entity), or none for any other mkdocs.yml
 * and any other file that is not YAML (Backstage reads neither as a catalog file). Returns a lookup
 * over repo paths.
 */
function readAsNonEntity(config: GitopsConfig, context: readonly SourceFile[], repoFileSet: ReadonlySet<string>): (file: string) => string[] | undefined {
  const entityFiles = new Set(context.map(f => f.file));
  const namers = new Map<string, Set<string>>();
  const add = (target: string, file: string) => {
    if (!namers.has(target)) namers.set(target, new Set());
    namers.get(target)!.add(file);
  };
  for (const f of context) {
    for (const doc of f.documents) {
      for (const use of findPlaceholders(doc)) {
        const target = placeholderTarget(f.file, use.value, config.repoUrl);
        if (typeof target === 'string') add(target, f.file);
      }
      const annotations = isRecord(doc) && isRecord(doc.metadata) && isRecord(doc.metadata.annotations) ? doc.metadata.annotations : undefined;
      const ref = annotations?.['backstage.io/techdocs-ref'];
      if (typeof ref !== 'string' || !ref.startsWith('dir:')) continue;
      const folder = techdocsDirFolder(f.file, ref.slice(4), annotations ?? {}, config.repoUrl);
      if (typeof folder !== 'string') continue;
      const base = folder === '.' ? '' : `${folder.replace(/\/$/, '').replace(/^\.\//, '')}/`;
      add(`${base}mkdocs.yml`, f.file);
      add(`${base}mkdocs.yaml`, f.file);
    }
  }
  const skeletons = skeletonFolders(context, config, repoFileSet);
  return file => {
    if (entityFiles.has(file)) return undefined;
    const named = namers.get(file);
    if (named) return [...named];
    if (!skeletons.templateFiles.has(file)) {
      // A skeleton's file is the templates' that fetch its folder: only rendering makes it anything.
      const fetchers = skeletons.reaching(file).flatMap(key => [...(skeletons.fetchedBy.get(key) ?? [])]);
      if (fetchers.length > 0) return [...new Set(fetchers)];
    }
    // An mkdocs.yml no entity's dir: names is read by nothing (reachability leaves it out by name too), nor
    // is a file that is not YAML (a README, a script) that no Location reaches and no placeholder names.
    return /(^|\/)mkdocs\.ya?ml$/.test(file) || !isYamlFile(file) ? [] : undefined;
  };
}

/**
 * Of the files a discovery read, what is meant for the catalog (keepCatalogDocuments), minus skeleton
 * folders' files; files in `judgedAnyway` (named on the command line) and those a kept Location's target
 * names (`locations`, the crawl's edges) are kept whole. Discovery takes every catalog file for registered,
 * so its Locations are read too: Backstage reads each file a target (a glob included) names as a catalog
 * file, whatever it holds (an openapi.yaml or docker-compose.yaml a `./**\/*.yaml` glob matches fails the
 * Location, as in roots mode). Returns the files kept and `reached`: the named ones and every file a kept
 * Location's target names, which stay judged even when an entity's placeholder also reads them.
 */
function discoveredFiles(files: SourceFile[], config: GitopsConfig, skeletons: { templateFiles: ReadonlySet<string>; reaching(file: string): string[] }, judgedAnyway: ReadonlySet<string>, locations: readonly LocationEdge[] = []): { files: SourceFile[]; reached: ReadonlySet<string> } {
  const inSkeleton = (file: string) => !skeletons.templateFiles.has(file) && skeletons.reaching(file).length > 0;
  const apiGroups = new Set(config.catalog.apiGroups.map(g => g.toLowerCase()));
  const whole = new Set(judgedAnyway);
  const keep = () => files.flatMap(f => {
    if (whole.has(f.file)) return [f];
    const kept = inSkeleton(f.file) ? undefined : keepCatalogDocuments(f, config.root, apiGroups);
    return kept ? [kept] : [];
  });
  // A target that is itself a Location file reads its own targets: repeat until no kept Location adds a file.
  for (;;) {
    const kept = keep();
    const documents = new Map(kept.map(f => [f.file, f.documents]));
    const before = whole.size;
    for (const edge of locations) {
      if (edge.resolution.kind !== 'files' || !documents.get(edge.file)?.[edge.document]) continue;
      for (const target of edge.resolution.files) whole.add(target);
    }
    if (whole.size === before) return { files: kept, reached: whole };
  }
}

/** The whole repo's catalog as a discovery run (no roots, no paths) reads it: the context of a run over given paths. */
async function discoveredContext(config: GitopsConfig, treeFiles: readonly string[], targets: TargetContext, cache?: ResultCache, reading?: Reading): Promise<{ files: SourceFile[]; readers: ReaderTypes }> {
  const crawl = await crawlLocations(config, discoverable(treeFiles), targets, cache, reading);
  const { files, reached } = discoveredFiles(crawl.files, config, skeletonFolders(crawl.files, config, targets.repoFileSet), new Set(), crawl.locations);
  const placeholderSources = await readPlaceholderSources(config, files, targets.repoFileSet);
  return { files: files.filter(f => reached.has(f.file) || !placeholderSources.has(f.file)), readers: crawl.readers };
}

/**
 * The type each file a crawl read is read by, the files whose type comes from an app-config location, and
 * the Location whose target first reached each file.
 */
export interface ReaderTypes {
  typeOf: ReadonlyMap<string, string>;
  fromApp: ReadonlySet<string>;
  parents: ReadonlyMap<string, Parent>;
}

/**
 * Reads `start` and what their Locations reach. Each file is read by a type: a start's is
 * catalog.rootLocationType (or `known`'s, the types a crawl of the whole catalog gave: a given file is read
 * as the whole run reads it, its Location of its reader's own ref dropped too), a reached file's the type of
 * the Location that reached it first. In a Backstage app's repository without a config,
 * the starts its app-config registers (catalog.appLocations) are read first, each by its location's type,
 * which the Locations they reach carry on as Backstage's orchestrator does; the other starts after.
 * Without catalog.roots the starts are every catalog file found (or given), of which Backstage would register
 * only those no other one's Location reaches: a start another start's Location reaches is read through that
 * Location (its type, its origin, and a Location of its reader's own ref dropped: location-ignored), since
 * the starts no other reaches are crawled first; a start still unread then (a cycle of Locations no such
 * start reaches) is taken as registered, in the starts' order.
 */
async function crawlLocations(config: GitopsConfig, start: string[], targets: TargetContext, cache?: ResultCache, reading?: Reading, known?: ReaderTypes) {
  const files: SourceFile[] = [];
  const locations: LocationEdge[] = [];
  const typeOf = new Map<string, string>();
  const fromApp = new Set<string>();
  const origins = new Map<string, string>();
  // The Location (its ref and file) whose target first reached each file.
  const parents = new Map<string, Parent>();
  const ignored: Diagnostic[] = [];
  const allowed = config.catalog.allowedLocationTypes;
  const starts = new Set(start);
  const discovering = config.catalog.roots.length === 0;
  const registered = discovering ? (config.catalog.appLocations ?? []).filter(l => starts.has(l.file)) : [];
  // Discovery's starts, read before the crawl to find which of them another start's Location reaches.
  const preloaded = new Map<string, SourceFile>();
  const load = async (wave: string[]): Promise<SourceFile[]> => {
    const missing = wave.filter(file => !preloaded.has(file));
    const read = missing.length === 0 ? [] : reading && (reading.mode === 'alternate' || missing.length >= MIN_READER_WAVE) ? await loadWithReader(config, missing, reading, cache) : missing.map(file => loadSourceFile(config, file, cache));
    const byFile = new Map(missing.map((file, i) => [file, read[i]]));
    return wave.map(file => preloaded.get(file) ?? byFile.get(file)!);
  };
  const crawl = async (first: string[]) => {
    for (let wave = first; wave.length > 0;) {
      const next: string[] = [];
      for (const source of await load(wave)) {
        files.push(source);
        const parent = parents.get(source.file) ?? known?.parents.get(source.file);
        if (parent) {
          source.documents.forEach((doc, document) => {
            if (!hasParentRef(doc, parent)) return;
            ignored.push(ignoredLocation(source, document, parent));
            source.documents[document] = undefined;
          });
        }
        const app = fromApp.has(source.file);
        for (const edge of locationEdges(source, typeOf.get(source.file) ?? 'url', targets, allowed, app)) {
          const location = source.documents[edge.document];
          // A skeleton's Location (`name: ${{ values.name }}-entities`) is no Location Backstage accepts as
          // written (the name fails its policies), so it reaches nothing: its targets are read once rendered.
          if ((!source.placeholderFree || source.cookiecutter) && refusedAsWritten(location)) continue;
          locations.push(edge);
          if (edge.resolution.kind !== 'files') continue;
          const name = locationName(location);
          for (const found of edge.resolution.files) {
            if (typeOf.has(found)) continue;
            typeOf.set(found, edge.type);
            if (app) fromApp.add(found);
            origins.set(found, origins.get(source.file) ?? source.file);
            if (name !== undefined) parents.set(found, { location: location as Record<string, unknown>, name, file: source.file });
            next.push(found);
          }
        }
      }
      wave = next;
    }
  };
  // A start taken as registered: read by its own type, its own origin. False when something already read it.
  const register = (file: string, type: string, app: boolean) => {
    if (typeOf.has(file)) return false;
    typeOf.set(file, type);
    if (app) fromApp.add(file);
    origins.set(file, file);
    return true;
  };
  await crawl(registered.filter(l => register(l.file, l.type, true)).map(l => l.file));
  const rest = start.map(file => ({ file, type: known?.typeOf.get(file) ?? config.catalog.rootLocationType, app: known?.fromApp.has(file) ?? false }));
  const unread = rest.filter(s => !typeOf.has(s.file));
  if (discovering) {
    (await load(unread.map(s => s.file))).forEach(source => preloaded.set(source.file, source));
    const reachedElsewhere = new Set<string>();
    for (const { file, type, app } of unread) {
      for (const edge of locationEdges(preloaded.get(file)!, type, targets, allowed, app)) {
        if (edge.resolution.kind === 'files') for (const found of edge.resolution.files) if (found !== file) reachedElsewhere.add(found);
      }
    }
    await crawl(unread.filter(s => !reachedElsewhere.has(s.file) && register(s.file, s.type, s.app)).map(s => s.file));
    for (const s of unread) if (register(s.file, s.type, s.app)) await crawl([s.file]);
    // Files in the order discovery found them (then the rest as reached), as when every start was read in one
    // wave: what reads the catalog in order (a grouped finding's first place) does not move with which starts
    // are registered.
    const order = new Map(start.map((file, i) => [file, i]));
    const rank = (f: SourceFile) => order.get(f.file) ?? start.length;
    files.sort((a, b) => rank(a) - rank(b));
  } else {
    await crawl(unread.filter(s => register(s.file, s.type, s.app)).map(s => s.file));
  }
  return { files, locations, origins, ignored, readers: { typeOf, fromApp, parents } as ReaderTypes };
}

/** The Location whose target reached a file: its document, its metadata.name lower-cased, its file. */
interface Parent {
  location: Record<string, unknown>;
  name: string;
  file: string;
}

/**
 * A Location document's metadata.name, lower-cased; undefined for anything else. Only `kind: Location`,
 * exactly, reads targets: the processing orchestrator's isLocationEntity compares `entity.kind === 'Location'`.
 */
function locationName(doc: unknown): string | undefined {
  if (!isRecord(doc) || doc.kind !== 'Location' || !isRecord(doc.metadata) || typeof doc.metadata.name !== 'string') return undefined;
  return doc.metadata.name.toLowerCase();
}

/**
 * Whether a document a Location emits is dropped as that Location itself: ProcessorOutputCollector checks
 * the envelope (validateEntityEnvelope), then compares catalog-model's stringifyEntityRef of both, which
 * lower-cases kind, namespace and name, so `kind: location` or `LOCATION` of the same name is dropped as
 * `Location` is. A Location that fails the envelope is never processed, so it reads nothing either.
 */
function hasParentRef(doc: unknown, parent: Parent): boolean {
  // Only a kind that lower-cases to `location`, of the same name, can share the ref: the rest of a big
  // catalog never loads the real checks.
  if (!isRecord(doc) || typeof doc.kind !== 'string' || doc.kind.toLowerCase() !== 'location' || !isRecord(doc.metadata) || typeof doc.metadata.name !== 'string' || doc.metadata.name.toLowerCase() !== parent.name) return false;
  const { stringifyEntityRef } = entityModelCore();
  return fitsEntityEnvelope(parent.location) && fitsEntityEnvelope(doc) && stringifyEntityRef(doc as never) === stringifyEntityRef(parent.location as never);
}

/**
 * A Location in a file that the Location of the same ref reads. Backstage's ProcessorOutputCollector drops
 * an emitted entity whose ref is that of the entity being processed ("Ignored emitted entity … whose ref
 * was identical to the one being processed"): it is never ingested, and nothing it targets is read.
 */
function ignoredLocation(source: SourceFile, document: number, parent: Parent): Diagnostic {
  const ref = entityModelCore().stringifyEntityRef(parent.location as never);
  return {
    ruleId: 'location-ignored',
    severity: 'error',
    message: `This Location is ${ref.length > 200 ? `${ref.slice(0, 199)}…` : ref}, the same ref as the Location in ${parent.file} that reads this file: Backstage ignores an entity emitted with the ref of the Location being processed ("Ignored emitted entity … whose ref was identical to the one being processed", in its log only), so this Location is never ingested and nothing it targets is read.`,
    hint: 'Give this Location a name of its own (metadata.name).',
    file: source.file,
    range: source.locate(document, ['metadata', 'name']),
  };
}

/**
 * The targets of each Location in `source`, a file read by `inheritedType`, resolved as Backstage reads them.
 * A Location whose type Backstage refuses (locationTypeRefused against `allowed`, catalog.allowedLocationTypes)
 * never reaches its targets: runSpecialLocationStep returns before reading any, so each of its targets resolves
 * to no file (checkLocations reports the refusal itself). `fromApp`: the file's type is that of the app-config
 * location that registers it (app repo mode).
 */
function locationEdges(source: SourceFile, inheritedType: string, targets: TargetContext, allowed: readonly string[], fromApp = false): LocationEdge[] {
  const edges: LocationEdge[] = [];
  source.documents.forEach((doc, document) => {
    if (!isRecord(doc) || doc.kind !== 'Location' || !isRecord(doc.spec) || !isEntityDocument(doc)) return;
    const type = typeof doc.spec.type === 'string' ? doc.spec.type : inheritedType;
    const optional = doc.spec.presence === 'optional' ? { optional: true } : {};
    const refused = locationTypeRefused(type, inheritedType, allowed);
    const listed: [PathSegment[], unknown][] = [[['spec', 'target'], doc.spec.target]];
    if (Array.isArray(doc.spec.targets)) doc.spec.targets.forEach((t, i) => listed.push([['spec', 'targets', i], t]));
    for (const [path, target] of listed) {
      if (typeof target !== 'string') continue;
      let resolution = resolveTarget(source.file, type, target, targets, inheritedType, fromApp);
      if (refused) resolution = { kind: 'invalid', reason: `Backstage refuses this Location's type '${type.slice(0, 100)}' and reads none of its targets.`, perLocation: true, ...(resolution.kind === 'files' && resolution.files.length > 0 && { unread: resolution.files }) };
      edges.push({ file: source.file, document, path, type, readerType: inheritedType, target, resolution, ...optional, ...(fromApp && { readerFromApp: true as const }) });
    }
  });
  return edges;
}

// A wave of a few files is read before the reader thread would have taken any.
const MIN_READER_WAVE = 256;

// Measured (docs/benchmarks-log.md, 2026-12-05): the reader also parsing what it reads when ahead makes a wave
// of 100,000 files 8 % faster and one of 30,000 2 % faster, and one of 10,000 2 % slower (its parsing takes
// the second core from V8's compiler and collector threads for less than it saves the main thread).
export const MIN_PARSING_WAVE = 20_000;

/** loadSourceFile for each file of a wave, with the reader thread reading ahead. */
async function loadWithReader(config: GitopsConfig, wave: string[], reading: Reading, cache?: ResultCache): Promise<SourceFile[]> {
  // The reader takes the paths NUL-separated; a Location target written with a NUL escape is read here (and refused).
  if (wave.some(file => file.includes('\0'))) return wave.map(file => loadSourceFile(config, file, cache));
  const loaded: SourceFile[] = [];
  // A run with a cache parses only the files it does not hold: the reader parses nothing then. Tests (`always`): every other file.
  const parse = cache === undefined && (reading.mode === 'alternate' || wave.length >= MIN_PARSING_WAVE) ? { maxNodes: DEFAULT_YAML_LIMITS.maxNodes } : undefined;
  for await (const chunk of reading.reader.read(config.root, wave, config.catalog.maxFileBytes, reading.mode, cache !== undefined, parse)) {
    for (const bytes of chunk) loaded.push(loadSourceFile(config, wave[loaded.length], cache, bytes));
  }
  return loaded;
}

/** One file read (or given as `bytes`, read by the reader thread), parsed, or taken from the cache. */
function loadSourceFile(config: GitopsConfig, file: string, cache?: ResultCache, given: SourceBytes | undefined = keptBytes(config, file, cache)): SourceFile {
  // Read as bytes here too: the --cache keys a file by its bytes (textHash), the one key that also names
  // what yaml-encoding says of bytes that are not UTF-8 (their text holds only U+FFFD where they were).
  const bytes = given ?? readBytes(join(config.root, file), config.catalog.maxFileBytes);
  if ('tooLarge' in bytes) {
    const { problem } = sourceText(bytes, file, config.catalog.maxFileBytes) as { problem: Diagnostic };
    return { file, documents: [], problems: [problem], locate: () => problem.range };
  }
  if (cache) {
    const hit = cachedSourceFile(file, bytes.bytes, bytes.hash ?? textHash(bytes.bytes), cache);
    if (hit) return hit;
  }
  // Bytes that are not UTF-8 are judged as the text Backstage reads from them, after the finding that says so.
  const read = decodeUtf8(bytes.bytes, file);
  const text = catalogText(read);
  const encoding = 'problem' in read ? [read.problem] : [];
  // What a broken document would define, so references to it name the real cause.
  const unparsed = (problems: Diagnostic[]) => (problems.some(p => p.ruleId === 'yaml-syntax') ? { unparsedRefs: unparsedRefs(text) } : {});
  // Most files have no `$` at all: their documents are never walked for placeholders.
  const placeholderFree = textHasNoPlaceholders(text);
  const cookiecutter = text.includes('{{') && COOKIECUTTER.test(text) ? { cookiecutter: true } : {};
  // The reader thread's verdict on which parser reads the text, when it read the file.
  const options = bytes.jsYamlReads !== undefined ? { jsYamlReads: bytes.jsYamlReads, documents: bytes.documents } : undefined;
  const parse = () => {
    const parsed = parseYaml(text, file, yamlLimitsFor(config.catalog.maxFileBytes), options);
    return encoding.length ? { ...parsed, problems: [...encoding, ...parsed.problems] } : parsed;
  };
  if (!cache) {
    const parsed = parse();
    return { file, documents: parsed.documents, problems: parsed.problems, locate: parsed.locate, placeholderFree, ...cookiecutter, ...unparsed(parsed.problems) };
  }
  const hash = bytes.hash ?? textHash(bytes.bytes);
  const cached = cache.parsed(file, hash);
  const parsed = cached ? { ...cached, locate: positionsIn(text) } : parse();
  cache.putParsed(file, hash, parsed.documents, parsed.problems);
  return { file, documents: parsed.documents, problems: parsed.problems, locate: parsed.locate, hash, placeholderFree, ...cookiecutter, ...unparsed(parsed.problems) };
}

/**
 * `file` as an earlier run parsed it, when the `--cache` holds a parse of its bytes (`hash`, textHash):
 * the text is not decoded, only scanned as bytes for what SourceFile says of it ('$', '\\' and '{{' are
 * single bytes in UTF-8 that no other character's bytes contain, and toString('utf8') keeps every ASCII byte
 * of bytes that are not UTF-8), and decoded if a finding needs a position in it or a document did not parse.
 * Bytes that are not UTF-8 are cached with their yaml-encoding finding among the problems, and decode to the
 * same catalogText.
 */
function cachedSourceFile(file: string, raw: Buffer, hash: string, cache: ResultCache): SourceFile | undefined {
  const cached = cache.parsed(file, hash);
  if (!cached) return undefined;
  let decoded: string | undefined;
  const text = () => (decoded ??= catalogText(decodeUtf8(raw, file)));
  const placeholderFree = !raw.includes(0x24) && !raw.includes(0x5c);
  const cookiecutter = raw.includes('{{') && COOKIECUTTER.test(text()) ? { cookiecutter: true } : {};
  const unparsed = cached.problems.some(p => p.ruleId === 'yaml-syntax') ? { unparsedRefs: unparsedRefs(text()) } : {};
  cache.putParsed(file, hash, cached.documents, cached.problems);
  return { file, documents: cached.documents, problems: cached.problems, locate: positionsIn(text), hash, placeholderFree, ...cookiecutter, ...unparsed };
}

/** The bytes of `file` the run's key was computed from (ResultCache.texts), if it kept them. */
function keptBytes(config: GitopsConfig, file: string, cache?: ResultCache): SourceBytes | undefined {
  const kept = cache?.texts?.get(file);
  if (!kept) return undefined;
  return kept.bytes.length > config.catalog.maxFileBytes ? { tooLarge: kept.bytes.length } : kept;
}

async function readPlaceholderSources(config: GitopsConfig, files: SourceFile[], repoFileSet: ReadonlySet<string>) {
  const wanted = new Set<string>();
  const resolvers = new Set(config.catalog.placeholderResolvers);
  for (const source of files) {
    if (source.placeholderFree) continue;
    for (const doc of source.documents) {
      for (const use of findPlaceholders(doc, resolvers)) {
        const target = placeholderTarget(source.file, use.value, config.repoUrl);
        if (typeof target === 'string') wanted.add(target);
      }
    }
  }
  const list = [...wanted];
  const contents = list.map(target => (repoFileSet.has(target) ? readRepoFile(config.root, target, 'utf8') : null));
  return new Map(list.map((target, i) => [target, contents[i]]));
}

/** API spec.types whose definition is not a YAML or JSON document. */
const NOT_YAML_TYPES: ReadonlySet<string> = new Set(['graphql', 'grpc']);

/**
 * The `$ref`s of every API entity's definition (a placeholder's target, or the inline text), followed
 * through the repo files they reach without resolving any: refs that leave the repository and files over
 * the parsers' limits are findings, and the over-limit files are handed to no parser.
 */
function scanDefinitionRefs(config: GitopsConfig, files: SourceFile[], sources: ReadonlyMap<string, string | null>, repoFileSet: ReadonlySet<string>, links: ReadonlySet<string>) {
  const roots: DefinitionRoot[] = [];
  for (const source of files) {
    source.documents.forEach((doc, index) => {
      if (!isRecord(doc) || doc.kind !== 'API' || !isRecord(doc.spec)) return;
      // GraphQL SDL and .proto text hold no $refs and are read by no YAML parser: the YAML budgets would
      // count their lines as YAML values (an 800 KB schema was a yaml-node-limit error). The report's
      // GraphQL and buf diffs bound them with their own limits.
      if (typeof doc.spec.type === 'string' && NOT_YAML_TYPES.has(doc.spec.type.toLowerCase())) return;
      const definition = doc.spec.definition;
      if (typeof definition === 'string') {
        if (mayHoldRef(definition)) roots.push({ file: source.file, text: definition, inlineAt: source.locate(index, ['spec', 'definition']), unbundled: 'an inline definition' });
        return;
      }
      if (!isRecord(definition)) return;
      const [key, ...more] = Object.keys(definition);
      if (!key?.startsWith('$') || more.length) return;
      const target = placeholderTarget(source.file, definition[key], config.repoUrl);
      if (typeof target !== 'string') return;
      const resolver = key.slice(1);
      const bundling = BUNDLING_RESOLVERS.has(resolver);
      // `$openapi` without its module configured is its own finding (entity-kind-schema); its files are
      // still the API's definition, not catalog files a Location should reach.
      const text = sources.get(target) ?? (bundling && repoFileSet.has(target) ? readDefinition(config, target) : undefined);
      if (typeof text === 'string') roots.push({ file: target, text, ...(bundling ? {} : { unbundled: key }) });
    });
  }
  if (roots.length === 0) return { diagnostics: [], overLimit: new Set<string>(), reached: new Set<string>() };
  return scanApiRefs(roots, { repoFileSet, links }, path => readDefinition(config, path) ?? null, definitionLimits(config.catalog.maxFileBytes));
}

/** A repo file's text for the `$ref` scan, or undefined when it cannot be read (the placeholder checks say why). */
function readDefinition(config: GitopsConfig, path: string): string | undefined {
  try {
    return readRepoFile(config.root, path, 'utf8');
  } catch {
    return undefined;
  }
}

/** `$openapi`/`$asyncapi` placeholders bundled as the module does, when the managed Backstage has it; never a definition over the parsers' limits. */
async function bundleRefs(config: GitopsConfig, files: SourceFile[], repoFileSet: ReadonlySet<string>, overLimit: ReadonlySet<string>) {
  const resolvers = new Set(config.catalog.placeholderResolvers.filter(r => BUNDLING_RESOLVERS.has(r)));
  const uses: BundledPlaceholder[] = [];
  if (resolvers.size > 0) {
    for (const source of files) {
      if (source.placeholderFree) continue;
      for (const doc of source.documents) {
        for (const use of findPlaceholders(doc, resolvers)) {
          const target = placeholderTarget(source.file, use.value, config.repoUrl);
          if (resolvers.has(use.key) && typeof use.value === 'string' && typeof target === 'string' && repoFileSet.has(target) && !overLimit.has(target)) uses.push({ file: source.file, key: use.key, value: use.value });
        }
      }
    }
  }
  if (uses.length === 0) return { diagnostics: [], readFiles: new Set<string>() };
  return bundlePlaceholderRefs(uses, path => (repoFileSet.has(path) ? readRepoFile(config.root, path, 'utf8') : null), config.repoUrl);
}

function expandPaths(root: string, paths: readonly string[], repoFiles: readonly string[], symlinks: readonly string[], missing: { given: string; file: string }[]): string[] {
  const selected = new Set<string>();
  for (const given of paths) {
    const rel = relative(root, resolve(given)).split(sep).join('/');
    if (leavesRoot(rel)) throw new UsageError(`${given} is outside the repository root ${root}`);
    if (repoFiles.includes(rel)) {
      selected.add(rel);
      continue;
    }
    // A link (a pre-commit hook passes a changed one like any file) is never read: the run judges it as the
    // whole catalog's does (repo-symlink where Backstage or the toolkit would read through it, else nothing).
    if (symlinks.includes(rel)) continue;
    const inside = repoFiles.filter(f => (rel === '' || f.startsWith(`${rel}/`)) && isYamlFile(f));
    // A YAML file the work tree no longer holds: most often one the change deletes, which a hook or
    // `git diff --name-only` passes like any changed file (the caller asks git whether it was there).
    if (inside.length === 0 && !existsSync(resolve(given))) {
      missing.push({ given, file: rel });
      continue;
    }
    if (inside.length === 0) {
      // A folder of other files (.vscode, .github with only renovate.json, docs/assets) is no catalog file,
      // as a given JSON file is not: the run's other gates (the credentials scan of every given file) still
      // read it. `check $(ls -A)` gives every top-level folder.
      if (rel === '' || repoFiles.some(f => f.startsWith(`${rel}/`))) continue;
      // It exists, so "does not exist" misled: say why the run does not read it.
      throw new UsageError(`${given} is not a file the repository holds: git ignores it, it belongs to another repository below this one (a submodule or a nested clone), or it is reached through a link; the gate reads what the git host would hold`);
    }
    inside.forEach(f => selected.add(f));
  }
  return [...selected];
}

/** The YAML files discovery reads: all of them but Helm charts' Go templates and built TechDocs sites' copies. */
function discoverable(treeFiles: readonly string[]): string[] {
  const inHelmChart = helmTemplateMatcher(treeFiles);
  return treeFiles.filter(f => isYamlFile(f) && !inHelmChart(f));
}

function checkRoots(roots: readonly string[], repoFileSet: ReadonlySet<string>): string[] {
  for (const root of roots) {
    if (!repoFileSet.has(root)) {
      const folder = [...repoFileSet].some(f => f.startsWith(`${root.replace(/\/$/, '')}/`));
      throw new UsageError(folder ? `The root location ${root} named in gitops.config.yaml is a folder: catalog.roots take the root Location's file (such as ${root.replace(/\/$/, '')}/all.yaml)` : `The root location ${root} named in gitops.config.yaml does not exist`);
    }
  }
  return [...roots];
}

/**
 * Folders that templates fetch as skeletons: their YAML is rendered by the scaffolder, never read by the
 * catalog, so discovery leaves it alone (the templates' own files stay in). Steps are read as the
 * scaffolder gets them from the catalog, after Backstage's PlaceholderProcessor: a `fetch:template` step
 * written as `- $yaml: ./steps/fetch.yaml` names its skeleton in that file. A step's url is read as report
 * reads it (stepReach): relative, into this repository, or built from `${{ … }}` expressions (a path
 * prefix: `../../skeletons/${{ parameters.language }}` makes every file under skeletons/ a skeleton's).
 * Returns the folders (repo paths, no trailing slash, none outside the repo nor the root), the prefixes
 * (none that is the whole repository), the files holding the templates, for each folder or prefix the
 * template files whose steps fetch it, and `reaching`: the folders and prefixes that hold a repo file.
 */
function skeletonFolders(files: readonly SourceFile[], config: GitopsConfig, repoFileSet: ReadonlySet<string>) {
  const folders = new Set<string>();
  const prefixes = new Set<string>();
  const templateFiles = new Set<string>();
  const fetchedBy = new Map<string, Set<string>>();
  const fetched = new Set<string>();
  for (const source of files) {
    for (const doc of source.documents) {
      if (!isRecord(doc) || doc.kind !== 'Template' || !isRecord(doc.spec)) continue;
      const spec = source.placeholderFree ? doc.spec : withPlaceholders(doc, source.file, config, repoFileSet).spec;
      if (!isRecord(spec) || !Array.isArray(spec.steps)) continue;
      templateFiles.add(source.file);
      for (const step of spec.steps) {
        const reach = isRecord(step) && typeof step.action === 'string' && step.action.startsWith('fetch:') && isRecord(step.input) ? stepReach(source.file, step.input.url, config.repoUrl) : undefined;
        // What the step may read in the repository, the whole of it included (the git host's archive serves it).
        if (reach !== undefined && !('folder' in reach && leavesRoot(reach.folder))) fetched.add('folder' in reach ? (reach.folder === '.' ? '' : `${reach.folder}/`) : reach.prefix);
        // A url out of the repository, or one that may read all of it, makes no folder a skeleton's.
        if (reach === undefined || ('folder' in reach ? leavesRoot(reach.folder) || reach.folder === '.' : reach.prefix === '')) continue;
        const key = 'folder' in reach ? reach.folder : reach.prefix;
        ('folder' in reach ? folders : prefixes).add(key);
        (fetchedBy.get(key) ?? fetchedBy.set(key, new Set()).get(key)!).add(source.file);
      }
    }
  }
  const sortedFolders = [...folders].sort();
  const sortedPrefixes = [...prefixes].sort();
  // The folders and prefixes (as keys of fetchedBy) whose reach holds a repo file.
  const reaching = (file: string) => [...sortedFolders.filter(folder => file.startsWith(`${folder}/`)), ...sortedPrefixes.filter(prefix => file.startsWith(prefix))];
  return { folders: sortedFolders, prefixes: sortedPrefixes, templateFiles, fetchedBy, reaching, fetched: [...fetched].sort() };
}

/** A document with its placeholders replaced by the repo files they name (unreadable ones by stand-ins). */
function withPlaceholders(doc: Record<string, unknown>, file: string, config: GitopsConfig, repoFileSet: ReadonlySet<string>): Record<string, unknown> {
  const uses = findPlaceholders(doc);
  if (uses.length === 0) return doc;
  const sources = new Map<string, string | null>();
  for (const use of uses) {
    const target = placeholderTarget(file, use.value, config.repoUrl);
    if (typeof target !== 'string' || sources.has(target)) continue;
    sources.set(target, repoFileSet.has(target) ? readInside(config.root, target) : null);
  }
  return substitutePlaceholders(doc, file, sources, config.repoUrl).entity;
}

/** A repo file's text; null for a link or a file that cannot be read (the gate reports those elsewhere). */
function readInside(root: string, file: string): string | null {
  try {
    return readRepoFile(root, file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * A document of a skeleton that no step fetches (or fetches only in part): its text uses the scaffolder's
 * `${{ … }}` expressions, which only rendering fills in. Backstage never registers such a document as it
 * stands (`metadata.name: ${{ values.name }}` is no valid name), so discovery leaves it out. A Template
 * itself holds expressions in its spec (steps, output) and may in its free-text metadata: it counts only
 * when a field Backstage validates does (skeletonJudged).
 */
function isSkeletonDocument(doc: unknown): boolean {
  return skeletonJudged(doc)?.includes('${{') ?? false;
}

/**
 * Whether a document holds template syntax (`${{ }}`, or Cookiecutter's `{{ cookiecutter. }}`) in a field
 * Backstage validates as written (apiVersion, kind, and metadata's name, namespace, labels and tags, which
 * FieldFormatEntityPolicy refuses with an expression in them), whatever its kind: Backstage refuses it. One in
 * free text (a description, an annotation, a link) is stored as written and refuses nothing.
 */
function refusedAsWritten(doc: unknown): boolean {
  if (!isRecord(doc)) return false;
  const metadata = isRecord(doc.metadata) ? { name: doc.metadata.name, namespace: doc.metadata.namespace, labels: doc.metadata.labels, tags: doc.metadata.tags } : doc.metadata;
  const judged = JSON.stringify({ apiVersion: doc.apiVersion, kind: doc.kind, metadata }) ?? '';
  return judged.includes('${{') || /\{-?\s*cookiecutter\./.test(judged);
}

/**
 * A document of a skeleton in Cookiecutter's syntax (`{{ cookiecutter.name }}`, a cookiecutterCompat or
 * fetch:cookiecutter skeleton fetched by a URL the gate cannot place). Judged like isSkeletonDocument: a
 * Template passes such values to its fetch step (`values: { name: '{{ cookiecutter.name }}' }`) or names
 * them in a parameter's description, and Backstage registers (or refuses) it as written, so only the
 * fields it validates count (skeletonJudged). Unquoted `name: {{ cookiecutter.name }}` parses as a flow mapping whose
 * key is `{ cookiecutter.name }`, hence the one brace.
 */
function isCookiecutterDocument(doc: unknown): boolean {
  const judged = skeletonJudged(doc);
  return judged !== undefined && /\{-?\s*cookiecutter\./.test(judged);
}

/**
 * What of a document tells a skeleton from an entity file, as JSON: all of it, or of a Template the fields
 * Backstage validates as written (apiVersion, kind, and metadata's name, namespace, labels and tags, which
 * FieldFormatEntityPolicy refuses with an expression in them). A Template's title, description, annotations
 * and links are free text the catalog stores as they are ("Creates ${{ parameters.name }}-svc"), and its spec
 * holds the expressions the scaffolder renders.
 */
function skeletonJudged(doc: unknown): string | undefined {
  if (!isRecord(doc)) return undefined;
  if (doc.kind !== 'Template') return JSON.stringify(doc);
  const metadata = isRecord(doc.metadata) ? { name: doc.metadata.name, namespace: doc.metadata.namespace, labels: doc.metadata.labels, tags: doc.metadata.tags } : doc.metadata;
  return JSON.stringify({ apiVersion: doc.apiVersion, kind: doc.kind, metadata });
}

// Cookiecutter's expressions, as a cookiecutterCompat skeleton writes them (`{{ cookiecutter.name }}`).
const COOKIECUTTER = /\{\{-?\s*cookiecutter\./;

// A file that does not parse, with skeleton syntax and no Template in it: Nunjucks tags or expressions,
// or Cookiecutter's `{{ }}` (a cookiecutterCompat skeleton, fetched by a URL the gate cannot place).
const SKELETON_SYNTAX = /\$\{\{|\{%|\{\{/;
const TEMPLATE_KIND = /^kind:\s*Template\s*$/m;

/**
 * Discovery reads every YAML file of a folder; only what is meant for the catalog is judged: documents
 * whose apiVersion is Backstage's (isEntityDocument), not Kubernetes, Dapr or Crossplane manifests, Helm
 * templates or CI files, nor skeleton documents (isSkeletonDocument, isCookiecutterDocument: a Template
 * counts unless a field Backstage validates holds an expression). Other documents of a kept file are
 * blanked so document indexes stay. A file that does not parse counts when an `apiVersion:` line of it
 * names Backstage's group, unless it has skeleton syntax (`${{`, `{%`) and no Template. Roots mode never
 * comes here: a Location that lists a skeleton file makes Backstage read it, so it is judged.
 */
function keepCatalogDocuments(source: SourceFile, root: string, apiGroups: ReadonlySet<string>): SourceFile | undefined {
  // Files without a `$` cannot hold an expression, nor files without `{{ cookiecutter.`: only the others are looked at for one.
  const kept = (d: unknown) => isEntityDocument(d, apiGroups) && (source.placeholderFree || !isSkeletonDocument(d)) && !(source.cookiecutter && isCookiecutterDocument(d));
  if (source.documents.some(kept)) {
    return { ...source, documents: source.documents.map(d => (kept(d) || breaksCatalogFile(d) ? d : null)) };
  }
  if (source.problems.length > 0) {
    const text = readFileSync(join(root, source.file), 'utf8');
    if (textDeclaresEntity(text, apiGroups) && (!SKELETON_SYNTAX.test(text) || TEMPLATE_KIND.test(text))) return source;
  }
  return undefined;
}

/**
 * Whether a file named on the command line that no Location reaches and discovery would not take is still
 * meant for the catalog, and so judged as an entity file: a document with Backstage's apiVersion
 * (isEntityDocument), or a mapping without an apiVersion that envelopeLeftOut takes for an entity (which
 * Backstage's envelope check would refuse once a Location reads it). A file with a load problem
 * (a syntax error, a merge key, a limit) is judged by its text: with an `apiVersion:` line, as discovery takes
 * it (Backstage's group, no skeleton syntax unless a Template), so a Kubernetes or Crossplane manifest with
 * `{% if %}` lines or `<<: *anchor` is not; without one, when a `kind:` or `metadata:` line says it is an
 * entity (a docker-compose file with a merge key is not). A file over the size cap counts. Skeleton documents
 * (isSkeletonDocument, isCookiecutterDocument) never count, as in discovery. Takes the loaded file, the
 * repository root and the org's extra API groups.
 */
function meantAsEntityFile(source: SourceFile, root: string, apiGroups: ReadonlySet<string>): boolean {
  // A skeleton document discovery leaves out (`name: ${{ values.name }}` in a folder no fetch step names) is
  // no entity file either when named: the whole run judges nothing there.
  const skeleton = (d: unknown) => (!source.placeholderFree && isSkeletonDocument(d)) || (source.cookiecutter === true && isCookiecutterDocument(d));
  const meant = (d: unknown) => !skeleton(d) && (isEntityDocument(d, apiGroups) || (isRecord(d) && d.apiVersion === undefined && envelopeLeftOut(d)));
  if (source.documents.some(meant)) return true;
  if (source.problems.length === 0) return false;
  if (source.problems.some(p => p.ruleId === 'yaml-file-too-large')) return true;
  const text = readFileSync(join(root, source.file), 'utf8');
  if (/^[ \t-]*apiVersion[ \t]*:/m.test(text)) return textDeclaresEntity(text, apiGroups) && (!SKELETON_SYNTAX.test(text) || TEMPLATE_KIND.test(text));
  return /^[ \t-]*(?:kind|metadata)[ \t]*:/m.test(text);
}

/**
 * Whether a mapping without an apiVersion is an entity whose author left the envelope out: its kind is one
 * of Backstage's in any case (`kind: component`), or its metadata names it (`metadata.name`) beside a kind or
 * a spec mapping. Other files with a `kind` or `metadata` key are someone else's: an Azure Developer CLI
 * azure.yaml (`metadata: {template: …}`), an app manifest's `kind: app`; the whole run does not judge them.
 */
function envelopeLeftOut(doc: Record<string, unknown>): boolean {
  if (typeof doc.kind === 'string' && [...BACKSTAGE_KINDS].some(kind => kind.toLowerCase() === (doc.kind as string).toLowerCase())) return true;
  return isRecord(doc.metadata) && doc.metadata.name !== undefined && (doc.kind !== undefined || isRecord(doc.spec));
}

/**
 * A document that, in a file holding entities, makes Backstage fail the whole file: parseEntityYaml
 * (plugin-catalog-node) refuses a document that is not a mapping ("Expected object at root"), and
 * ProcessorOutputCollector refuses a mapping without an envelope (no apiVersion, no kind). Either error
 * fails the Location's processing, so none of the file's entities is stored. A foreign manifest (a
 * Kubernetes ConfigMap) passes the envelope and fails only itself; discovery leaves it out.
 */
function breaksCatalogFile(doc: unknown): boolean {
  if (doc === null || doc === undefined) return false;
  return !isRecord(doc) || (doc.apiVersion === undefined && doc.kind === undefined);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
