import type { GitopsConfig } from '../config/gitopsConfig.ts';
import { FILE_START, type Diagnostic } from '../diagnostic.ts';
import type { LoadedCatalog, SourceFile } from '../load/loadCatalog.ts';
import { checkMkdocs } from '../techdocs/checkMkdocs.ts';
import type { TechdocsPolicy } from '../techdocs/mkdocsSafety.ts';
import { collectEntities, type CatalogEntity } from './catalogEntity.ts';
import { checkAnnotations } from './checkAnnotations.ts';
import { checkBackstageModel } from './checkBackstageModel.ts';
import { checkCatalogRules, rulesEnforcer } from './checkCatalogRules.ts';
import { checkGroups } from './checkGroups.ts';
import { checkLocations } from './checkLocations.ts';
import { checkPolicies, type CompiledPolicy } from './checkPolicies.ts';
import { checkReferences } from './checkReferences.ts';
import { checkUniqueness } from './checkUniqueness.ts';
import { indexEntities } from './entityIndex.ts';
import { externalMatcher } from './externalEntities.ts';

export interface CatalogCheckInput {
  loaded: LoadedCatalog;
  config: GitopsConfig;
  policies: readonly CompiledPolicy[];
  /** The managed Backstage's app-config, when the repo names one: enables the catalog.rules check. */
  appConfig?: unknown;
  /** Refs known to a live Backstage (`--catalog-url`). */
  liveRefs?: ReadonlySet<string>;
  /** The mkdocs.yml files of the TechDocs sites the entities point at. */
  mkdocs?: readonly (SourceFile & { text?: string })[];
  /** schemas/techdocs-policy.json of the repo (default: the toolkit's). */
  techdocsPolicy?: TechdocsPolicy;
}

export interface CatalogCheckResult {
  diagnostics: Diagnostic[];
  entities: CatalogEntity[];
}

/** The whole catalog gate over loaded data: per-entity checks, then checks across entities and files. */
export async function checkCatalog(input: CatalogCheckInput): Promise<CatalogCheckResult> {
  const { loaded, config } = input;
  const { repoUrl } = config;
  const { entities, diagnostics } = collectEntities(loaded.files, loaded, repoUrl);
  const context = collectEntities(loaded.context, loaded, repoUrl).entities;
  const repoFileSet = new Set(loaded.repoFiles);
  const reported = new Set(loaded.files.map(f => f.file));

  for (const entity of entities) {
    diagnostics.push(...(await checkBackstageModel(entity)));
    diagnostics.push(...checkAnnotations(entity, { repoUrl, repoFiles: repoFileSet }));
    diagnostics.push(...checkPolicies(entity, input.policies));
  }

  for (const link of loaded.symlinks ?? []) diagnostics.push(symlinkFinding(link));
  const index = indexEntities([...entities, ...context]);
  diagnostics.push(...checkUniqueness(index, reported));
  diagnostics.push(...checkReferences(entities, index, externalMatcher(config.catalog.external, input.liveRefs), { unconfigured: !config.found }));
  diagnostics.push(...checkGroups([...entities, ...context], index, reported));
  diagnostics.push(
    ...checkLocations(loaded.locations, loaded.files, {
      mode: loaded.mode,
      allowedTypes: config.catalog.allowedLocationTypes,
      include: config.catalog.include,
      repoFiles: loaded.repoFiles,
      placeholderTargets: new Set(loaded.placeholderSources.keys()),
    }),
  );
  for (const mkdocs of input.mkdocs ?? []) diagnostics.push(...checkMkdocs(mkdocs, repoFileSet, { text: mkdocs.text, policy: input.techdocsPolicy }));
  if (input.appConfig !== undefined && config.catalog.roots.length > 0) {
    const originOf = (file: string) => ({ type: config.catalog.rootLocationType, target: `${repoUrl ?? ''}${loaded.origins.get(file) ?? config.catalog.roots[0]}` });
    diagnostics.push(...checkCatalogRules(entities, rulesEnforcer(input.appConfig), originOf));
  }
  return { diagnostics, entities };
}

/**
 * A symbolic link anywhere the gate reads (catalog, templates, skeletons, docs). Backstage reads files
 * from the git host, where a link is a short text holding a path, while a checkout follows it, possibly
 * to a host file: so the toolkit never follows one, and says so.
 */
function symlinkFinding(file: string): Diagnostic {
  return {
    ruleId: 'repo-symlink',
    severity: 'error',
    message: 'This is a symbolic link. Backstage reads it from the git host as a one-line path, and the toolkit never follows links (one could lead to a file of the machine running the checks).',
    hint: 'Commit the file itself (a copy) instead of a link, or point at it with a relative path (Location target, $text placeholder, fetch url).',
    file,
    range: FILE_START,
  };
}
