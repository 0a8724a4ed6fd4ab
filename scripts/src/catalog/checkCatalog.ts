import { contentHash, type ResultCache } from '../cache/resultCache.ts';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import { APP_CONFIG, withBackendTargets } from '../config/appConfigLocations.ts';
import { isToolkitFile } from '../config/toolkitFiles.ts';
import { withoutShapeRefused } from './withoutShapeRefused.ts';
import { modelRefusal } from './modelRefused.ts';
import { definitionLimits } from './apiRefs.ts';
import { checkApiDefinitions } from './checkApiDefinitions.ts';
import { readRepoFile } from '../load/repoPath.ts';
import { FILE_START, type Diagnostic } from '../diagnostic.ts';
import { undecodableFinding } from '../load/repoFiles.ts';
import { logText } from '../report/safeText.ts';
import type { LoadedCatalog, SourceFile } from '../load/loadCatalog.ts';
import { checkMkdocs, duplicateIncludedSiteNames } from '../techdocs/checkMkdocs.ts';
import type { TechdocsPolicy } from '../techdocs/mkdocsSafety.ts';
import { collectEntities, type CatalogEntity } from './catalogEntity.ts';
import { checkAnnotations } from './checkAnnotations.ts';
import { checkLinkSchemes } from './checkLinkSchemes.ts';
import { checkBackstageModel } from './checkBackstageModel.ts';
import { checkCatalogRules, rulesEnforcer } from './checkCatalogRules.ts';
import { checkGroups } from './checkGroups.ts';
import { checkLocations } from './checkLocations.ts';
import { checkLocationGraph } from './locationGraph.ts';
import { checkPolicies, type CompiledPolicy } from './checkPolicies.ts';
import { checkReferences } from './checkReferences.ts';
import { checkUniqueness } from './checkUniqueness.ts';
import { filesReachedFrom, locationRootOf } from './locationRootOf.ts';
import { storedBudget, storedEntityProblems } from './storedEntity.ts';
import { unreachableDefinitions, withoutFollowingUnreachable } from './unreachableFiles.ts';
import { explainStrayDefinitions } from './strayDefinitions.ts';
import { indexEntities } from './entityIndex.ts';
import { withSkeletonReadHints } from './skeletonReads.ts';
import { withNonEntityReadHints } from './nonEntityReads.ts';
import { withKindlessRefHints } from './kindlessRefHints.ts';
import { withLocationConsequences } from './locationConsequences.ts';
import { externalMatcher } from './externalEntities.ts';
import { providedMatcher, type ProvidedScope } from './providedScopes.ts';
import { readSymlinks, TOOLKIT_OUTPUTS } from './readSymlinks.ts';
import type { CheckoutTransform } from '../load/checkoutTransforms.ts';
import { checkoutTransformFindings } from './checkoutTransformFindings.ts';
import type { SanitizedMkdocs, TechdocsGeneratorSettings } from '../techdocs/techdocsSanitizer.ts';
import { ruleSetting } from '../config/ruleSettings.ts';

export interface CatalogCheckInput {
  loaded: LoadedCatalog;
  config: GitopsConfig;
  /** `problems`: what loadPolicies said of the policies themselves (a pattern it would not run). */
  policies: readonly CompiledPolicy[] & { problems?: readonly Diagnostic[] };
  /** The managed Backstage's app-config, when the repo names one: enables the catalog.rules check. */
  appConfig?: unknown;
  /** Refs known to a live Backstage (`--catalog-url`). */
  liveRefs?: ReadonlySet<string>;
  /** Entities the managed Backstage's org providers bring from elsewhere (from its app-config files). */
  providers?: readonly ProvidedScope[];
  /** Whether the managed Backstage's UrlReader reads a URL (managedUrlReadable of its app-config files); undefined: not known. */
  readable?: (url: string) => boolean | undefined;
  /** The mkdocs.yml files of the TechDocs sites the entities point at. */
  mkdocs?: readonly (SourceFile & { text?: string; pages?: readonly { file: string; text: string; tooLarge?: number }[]; included?: boolean; includedByStrictSite?: boolean; sanitized?: SanitizedMkdocs })[];
  /** The managed Backstage's techdocs.generator.mkdocs settings (default: techdocs-node's defaults). */
  techdocsSettings?: TechdocsGeneratorSettings;
  /** schemas/techdocs-policy.json of the repo (default: the toolkit's). */
  techdocsPolicy?: TechdocsPolicy;
  /** Per-file results of an earlier run (`--cache`); the checks across entities always run. */
  cache?: ResultCache;
  /** The tracked files git writes or archives differently from their blobs (checkoutTransforms of the root). */
  checkoutTransforms: readonly CheckoutTransform[];
  /**
   * Paths mode: ref -> where the given files defined it before the change (`catalog/a.yaml on origin/main`).
   * A reference from any other file to one of them that no longer resolves is reported too: the change
   * of the given files broke it, and the whole catalog's run (CI's) fails on it.
   */
  formerlyDefined?: ReadonlyMap<string, string>;
}

export interface CatalogCheckResult {
  diagnostics: Diagnostic[];
  entities: CatalogEntity[];
}

/** The whole catalog gate over loaded data: per-entity checks, then checks across entities and files. */
export async function checkCatalog(input: CatalogCheckInput): Promise<CatalogCheckResult> {
  const { loaded, config } = input;
  const { repoUrl } = config;
  const { entities, diagnostics } = collectEntities(loaded.files, loaded, repoUrl, { unconfigured: !config.found, readable: input.readable });
  diagnostics.push(...loaded.bundleProblems, ...(loaded.ignoredLocations ?? []), ...(input.policies.problems ?? []));
  const context = collectEntities(loaded.context, loaded, repoUrl).entities;
  const repoFileSet = loaded.repoFileSet ?? new Set(loaded.repoFiles);
  const reported = new Set(loaded.files.map(f => f.file));

  const apiGroups = new Set(config.catalog.apiGroups.map(g => g.toLowerCase()));
  const hashes = input.cache ? new Map(loaded.files.map(f => [f.file, f.hash])) : undefined;
  const budget = storedBudget(config.catalog.maxFileBytes, definitionLimits(config.catalog.maxFileBytes).maxNodes);
  // Started before the model checks: a .proto's compile runs in buf's own process meanwhile.
  const files = { repoFileSet, read: (path: string) => readDefinitionFile(config.root, repoFileSet, path) };
  const definitionFindings = checkApiDefinitions(entities, { repoUrl, limits: definitionLimits(config.catalog.maxFileBytes), files });
  // Awaited below; a handler now keeps a failure from counting as unhandled while the model checks await.
  definitionFindings.catch(() => undefined);
  // Entities Backstage's own model refuses, with the finding that says so: they never reach the catalog.
  const refused = new Map<CatalogEntity, Diagnostic>();
  for (const entity of entities) {
    // Model and policy findings depend on the file's text and, where placeholders were substituted, on
    // the entity they produced: both are the cache's key for them (the config, with its catalog.modules
    // and apiGroups, is part of the cache's own key).
    const hash = hashes?.get(entity.file);
    const substituted = hash && entity.entity !== entity.raw ? contentHash(JSON.stringify(entity.entity)) : undefined;
    const cached = hash ? input.cache?.findings(entity.file, hash, entity.document, substituted) : undefined;
    const model = cached?.model ?? [...(await checkBackstageModel(entity, loaded.model, { apiGroups })), ...storedEntityProblems(entity, budget)];
    const policies = cached?.policies ?? checkPolicies(entity, input.policies);
    diagnostics.push(...model);
    const refusal = modelRefusal(model);
    if (refusal) refused.set(entity, refusal);
    diagnostics.push(...checkAnnotations(entity, { repoUrl, repoFiles: repoFileSet, techdocsSettings: input.techdocsSettings }));
    diagnostics.push(...checkLinkSchemes(entity));
    diagnostics.push(...policies);
    if (hash) input.cache?.putFindings(entity.file, hash, entity.document, model, policies, substituted);
  }
  // A definition over the limits is already said by the $ref scan (bundleProblems) when it reads that text.
  const said = new Set(diagnostics.map(sameAt));
  diagnostics.push(...(await definitionFindings).filter(d => !said.has(sameAt(d))));

  const skeletons = (loaded.skeletonFolders ?? []).filter(folder => folder !== '' && folder !== '.');
  for (const link of readSymlinks(loaded, context.length > 0 ? [...entities, ...context] : entities, config, loaded.given && { paths: loaded.given, entities })) diagnostics.push(symlinkFinding(link, skeletons.find(folder => link.startsWith(`${folder}/`))));
  for (const name of loaded.undecodable ?? []) diagnostics.push(undecodableFinding(name));
  diagnostics.push(...checkoutTransformFindings(input.checkoutTransforms, loaded.fetchedPrefixes ?? skeletons.map(folder => `${folder}/`)));
  const all = context.length > 0 ? [...entities, ...context] : entities;
  const index = indexEntities(all);
  const appRegistered = config.catalog.roots.length === 0 && config.catalog.appLocations ? filesReachedFrom(loaded.locations, config.catalog.appLocations.map(l => l.file)) : undefined;
  diagnostics.push(...checkUniqueness(index, reported, config.catalog.roots.length === 0, locationRootOf(loaded.locations), appRegistered, entity => refused.has(entity)));
  const unparsed = new Map<string, string>();
  for (const sources of [loaded.files, loaded.context]) for (const f of sources) for (const ref of f.unparsedRefs ?? []) unparsed.set(ref, f.file);
  // An entity whose kind the model does not know (entity-kind-unknown on its kind, usually a typo): hints
  // about it name the kind as the likely mistake instead of telling to refer to it or allow it.
  const kindAt = (file: string, line: number, column: number) => `${file}\0${line}:${column}`;
  const unknownKinds = new Set(diagnostics.filter(d => d.ruleId === 'entity-kind-unknown').map(d => kindAt(d.file, d.range.start.line, d.range.start.column)));
  const unknownKind = (e: CatalogEntity) => unknownKinds.size > 0 && unknownKinds.has(kindAt(e.file, e.locate(e.document, ['kind']).start.line, e.locate(e.document, ['kind']).start.column));
  const locationFindings = checkLocations(loaded.locations, loaded.files, {
    mode: loaded.mode,
    allowedTypes: config.catalog.allowedLocationTypes,
    include: config.catalog.include,
    repoFiles: loaded.repoFiles,
    placeholderTargets: new Set([...loaded.placeholderSources.keys(), ...(loaded.definitionFiles ?? []), ...(loaded.contextDefinitionFiles ?? [])]),
    repoUrl,
    repoUrlInferred: !config.found,
    skeletonFolders: loaded.skeletonFolders,
    toolkitFile: isToolkitFile(config, loaded.repoFiles),
    reachedByRoots: loaded.reachedByRoots,
    reachabilityOf: loaded.reachabilityOf,
  });
  // A file no Location reaches (a typo in a target) strands what it defines: references to those entities
  // and the definition files it names follow from that one finding, and say so instead of piling up.
  // Only while that finding stays an error: with location-unreachable lowered or off in the config, the
  // references are the errors that fail the run.
  const unreachableIsError = (ruleSetting(config, 'location-unreachable') ?? 'error') === 'error';
  const stranded = unreachableIsError ? unreachableDefinitions(locationFindings, config.root, config.catalog.maxFileBytes, repoUrl) : undefined;
  diagnostics.push(...(stranded ? withoutFollowingUnreachable(locationFindings, stranded) : locationFindings));
  // Roots mode: each root is registered on its own, so each is one dry run; otherwise the topmost Location files.
  diagnostics.push(...checkLocationGraph(loaded.locations, loaded.context.length > 0 ? [...loaded.files, ...loaded.context] : loaded.files, reported, loaded.mode === 'roots' ? [...new Set(loaded.origins.values())] : undefined));
  diagnostics.push(...withoutShapeRefused(checkReferences(entities, index, externalMatcher(config.catalog.external, input.liveRefs), { unconfigured: !config.found, formerlyDefined: input.formerlyDefined, providedBy: providedMatcher(input.providers ?? []), unparsed, unknownKind, unreachable: stranded?.refs, refused: entity => refused.get(entity) }), diagnostics));
  if (input.formerlyDefined?.size && context.length > 0) diagnostics.push(...brokenElsewhere(context, index, input));
  diagnostics.push(...checkGroups(all, index, reported));
  for (const mkdocs of input.mkdocs ?? []) diagnostics.push(...checkMkdocs(mkdocs, repoFileSet, { text: mkdocs.text, policy: input.techdocsPolicy, pages: mkdocs.pages, included: mkdocs.included, includedByStrictSite: mkdocs.includedByStrictSite, sanitized: mkdocs.sanitized, settings: input.techdocsSettings }));
  diagnostics.push(...duplicateIncludedSiteNames(input.mkdocs ?? []));
  if (input.appConfig !== undefined && config.catalog.roots.length > 0) {
    const originOf = (file: string) => ({ type: config.catalog.rootLocationType, target: `${repoUrl ?? ''}${loaded.origins.get(file) ?? config.catalog.roots[0]}` });
    let enforcer;
    try {
      enforcer = rulesEnforcer(input.appConfig);
    } catch (error) {
      // Backstage's catalog does not start on catalog.rules it cannot read (a value from the environment or a
      // file outside the repo, a wrong type): said once, and the entities are judged by Backstage's default
      // rules instead of not at all.
      diagnostics.push({ ruleId: 'catalog-rule-denied', severity: 'error', message: `catalog.rules cannot be read as Backstage's catalog reads them (${logText(String((error as Error).message ?? error)).slice(0, 300)}), so which kinds each location may hold is not known; the entities are judged by Backstage's default rules (Component, API, Location).`, hint: 'Write catalog.rules (and each location\'s rules) as a list of { allow: [kinds] } in the app-config or a file it $includes from the repository.', file: config.catalog.appConfig!, range: FILE_START });
      enforcer = rulesEnforcer({});
    }
    diagnostics.push(...checkCatalogRules(entities, enforcer, originOf, config.catalog.appConfig, unknownKind));
  }
  if (appRegistered && input.appConfig !== undefined) diagnostics.push(...appRulesFindings(entities, appRegistered, input.appConfig, config, unknownKind));
  // A misspelt definition path leaves a placeholder reading nothing and the meant file stranded: say both as one slip.
  const claimed = new Set([...loaded.placeholderSources].filter(([, text]) => text !== null).map(([file]) => file));
  const explained = explainStrayDefinitions(diagnostics, stranded?.dataFiles ?? new Map<string, string>(), loaded.repoFiles, claimed);
  return { diagnostics: withKindlessRefHints(entities, index, withSkeletonReadHints(withNonEntityReadHints(withLocationConsequences(explained, loaded), loaded), loaded)), entities };
}

const sameAt = (d: Diagnostic) => `${d.ruleId}|${d.file}|${d.range.start.line}|${d.range.start.column}`;

/** A listed repo file's text for the .proto import walk, or null (a link, a file that cannot be read). */
function readDefinitionFile(root: string, repoFileSet: ReadonlySet<string>, path: string): string | null {
  if (!repoFileSet.has(path)) return null;
  try {
    return readRepoFile(root, path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Without a config, in a Backstage app's repository: the entities of the files its app-config registers
 * (`registered`: file → the app-config location it is read through) that the app's own catalog.rules
 * refuse, judged by Backstage's DefaultCatalogRulesEnforcer with each entity's location as that backend
 * keys it (a `file` target absolute from packages/backend). Files the app does not register may be
 * registered elsewhere, under other rules: not judged. Rules the enforcer cannot read give nothing here
 * (the app's config is not this toolkit's to gate without a config).
 */
function appRulesFindings(entities: readonly CatalogEntity[], registered: ReadonlyMap<string, string>, appConfig: unknown, config: GitopsConfig, unknownKind: (e: CatalogEntity) => boolean): Diagnostic[] {
  let enforcer;
  try {
    enforcer = rulesEnforcer(withBackendTargets(appConfig, config.root));
  } catch {
    return [];
  }
  const starts = new Map((config.catalog.appLocations ?? []).map(l => [l.file, l]));
  // DefaultCatalogProcessingOrchestrator checks each emitted entity against context.originLocation: the
  // location app-config registered, which managed-by-origin-location carries down every Location it reads,
  // so a file a Location reaches is judged by the rules of the registered location it came through.
  const originOf = (file: string) => {
    const start = starts.get(registered.get(file)!)!;
    return { type: start.type, target: start.target };
  };
  return checkCatalogRules(entities.filter(e => registered.has(e.file)), enforcer, originOf, APP_CONFIG, unknownKind, file => file);
}

/**
 * Paths mode: the references of the files not given (`context`) that name an entity the given files defined
 * before the change (input.formerlyDefined) and no longer resolve, as checkReferences words them, with a hint
 * that says which change broke them. Other findings of those files stay unreported, as paths mode promises.
 */
function brokenElsewhere(context: readonly CatalogEntity[], index: ReturnType<typeof indexEntities>, input: CatalogCheckInput): Diagnostic[] {
  const former = input.formerlyDefined!;
  const { config } = input;
  return checkReferences(context, index, externalMatcher(config.catalog.external, input.liveRefs), { unconfigured: !config.found, formerlyDefined: former, providedBy: providedMatcher(input.providers ?? []) })
    .filter(d => d.unresolvedRef !== undefined && former.has(d.unresolvedRef))
    .map(d => ({ ...d, hint: `${d.unresolvedRef} was defined in ${logText(former.get(d.unresolvedRef!)!).slice(0, 300)}, and the change to the files given removes or renames it: keep it, or change this reference to what replaces it in the same change (${config.found ? "the whole catalog's check, which CI runs, fails on it" : 'a pull request\'s `report --base` fails on it'}).` }));
}

/**
 * A symbolic link where the gate or Backstage reads (readSymlinks: catalog, templates, skeletons, docs). Backstage reads files
 * from the git host, where a link is a short text holding a path, while a checkout follows it, possibly
 * to a host file: so the toolkit never follows one, and says so.
 */
function symlinkFinding(file: string, skeleton?: string): Diagnostic {
  if (skeleton !== undefined && !file.slice(skeleton.length + 1).split('/').includes('tests')) {
    // Inside a skeleton only a link leaving it is read (readSymlinks' keptInSkeleton): the archive drops it.
    return {
      ruleId: 'repo-symlink',
      severity: 'error',
      message: `This symbolic link in the skeleton ${logText(skeleton).slice(0, 300)} points outside that folder: Backstage leaves it out when it fetches the skeleton (the git host's archive keeps only links that stay inside the folder read), so the new repository would not have it, and the toolkit never follows it (it could lead to a file of the machine running the checks).`,
      hint: 'Commit the file itself (a copy) inside the skeleton, or a link to a path inside the skeleton folder.',
      file,
      range: FILE_START,
    };
  }
  if (TOOLKIT_OUTPUTS.includes(file)) {
    return {
      ruleId: 'repo-symlink',
      severity: 'error',
      message: 'This is a symbolic link where the toolkit\'s CI steps write an output file (report, SARIF, TechDocs build report): a write there would go wherever the link points, outside the checkout.',
      hint: 'Delete the link; the file is generated by CI and need not be committed.',
      file,
      range: FILE_START,
    };
  }
  return {
    ruleId: 'repo-symlink',
    severity: 'error',
    message: 'This is a symbolic link. Backstage reads it from the git host as a one-line path, and the toolkit never follows links (one could lead to a file of the machine running the checks).',
    hint: 'Commit the file itself (a copy) instead of a link, or point at it with a relative path (Location target, $text placeholder, fetch url).',
    file,
    range: FILE_START,
  };
}

