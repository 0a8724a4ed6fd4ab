import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { collectEntities } from '../catalog/catalogEntity.ts';
import { checkAnnotations } from '../catalog/checkAnnotations.ts';
import { checkBackstageModel } from '../catalog/checkBackstageModel.ts';
import { checkPolicies, type CompiledPolicy } from '../catalog/checkPolicies.ts';
import { checkReferences } from '../catalog/checkReferences.ts';
import { indexEntities } from '../catalog/entityIndex.ts';
import { externalMatcher } from '../catalog/externalEntities.ts';
import { loadPolicies } from '../catalog/prepareCatalogCheck.ts';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { loadCatalog } from '../load/loadCatalog.ts';
import type { LoadedCatalog, SourceFile } from '../load/loadCatalog.ts';

/** The org catalog a new repository's catalog-info.yaml joins: its policies, and the entities it may refer to. */
export interface OrgCatalog {
  policies: readonly CompiledPolicy[];
  entities: readonly CatalogEntity[];
  isExternal(ref: string): boolean;
}

/**
 * The repo's catalog and policies, when the repo has a config with catalog roots; otherwise none.
 * `loaded`: the catalog loadCatalog(config) already gave this run, so it is not read and parsed again.
 */
export async function loadOrgCatalog(config: GitopsConfig, loaded?: LoadedCatalog): Promise<OrgCatalog | undefined> {
  if (!config.found || config.catalog.roots.length === 0) return undefined;
  const [catalog, policies] = await Promise.all([loaded ?? loadCatalog(config), loadPolicies(config)]);
  const { entities } = collectEntities([...catalog.files, ...catalog.context], catalog, config.repoUrl);
  return { policies, entities, isExternal: externalMatcher(config.catalog.external) };
}

/**
 * The catalog gate on a rendered catalog-info.yaml: Backstage's model and the annotation checks
 * always; with the org catalog, also the org's policies and every reference resolved against it.
 * `$text`/`$json`/`$yaml` placeholders resolve against the rendered tree (`rendered`: path to text),
 * which is the repository the catalog will read them from.
 */
export async function checkRenderedCatalogInfo(source: SourceFile, renderedPaths: ReadonlySet<string>, org?: OrgCatalog, rendered: Map<string, string | null> = new Map()): Promise<Diagnostic[]> {
  const { entities, diagnostics } = collectEntities([source], { placeholderSources: rendered });
  for (const entity of entities) {
    diagnostics.push(...(await checkBackstageModel(entity)));
    diagnostics.push(...checkAnnotations(entity, { repoFiles: renderedPaths }));
    if (org) diagnostics.push(...checkPolicies(entity, org.policies));
  }
  if (org) diagnostics.push(...checkReferences(entities, indexEntities([...org.entities, ...entities]), org.isExternal));
  return diagnostics;
}
