import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { techdocsDirFolder } from './techdocsDirFolder.ts';
import { isRecord } from '../load/loadCatalog.ts';
import type { TechdocsGeneratorSettings } from './techdocsSanitizer.ts';

export interface TechdocsSite {
  entity: CatalogEntity;
  /** Repo-relative folder holding mkdocs.yml ('' for the repo root). */
  folder: string;
  /** Where Backstage reads the site: namespace/kind/name, lower-cased as the publisher stores it. */
  triplet: string;
}

/** Every entity whose `backstage.io/techdocs-ref` is `dir:` inside this repo (resolved as TechDocs does: techdocsDirFolder), with its docs folder. */
export function techdocsSites(entities: readonly CatalogEntity[], repoUrl?: string): TechdocsSite[] {
  const sites: TechdocsSite[] = [];
  for (const entity of entities) {
    const metadata = isRecord(entity.entity.metadata) ? entity.entity.metadata : {};
    const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
    const ref = annotations['backstage.io/techdocs-ref'];
    if (typeof ref !== 'string' || !ref.startsWith('dir:') || !entity.kind || !entity.name) continue;
    const folder = techdocsDirFolder(entity.file, ref.slice(4), annotations, repoUrl);
    if (typeof folder !== 'string') continue;
    const normalised = folder === '.' ? '' : folder.replace(/\/$/, '').replace(/^\.\//, '');
    sites.push({ entity, folder: normalised, triplet: `${entity.namespace}/${entity.kind}/${entity.name}`.toLowerCase() });
  }
  return sites.sort((a, b) => a.triplet.localeCompare(b.triplet));
}

export function mkdocsFileIn(folder: string, repoFiles: ReadonlySet<string>): string | undefined {
  const base = folder ? `${folder}/` : '';
  return [`${base}mkdocs.yaml`, `${base}mkdocs.yml`].find(f => repoFiles.has(f));
}

/**
 * What TechDocs builds a site from: the folder's mkdocs.yml, or, as techdocs-node does when there is
 * none, a default one (`docs_dir: docs`) it writes itself, which needs a docs/ folder with files, or,
 * with the managed Backstage's legacyCopyReadmeMdToIndexMd, a README.md or readme.md in the folder
 * (patchIndexPreBuild copies it to docs/index.md).
 */
export function siteConfigIn(folder: string, repoFiles: ReadonlySet<string>, settings?: TechdocsGeneratorSettings): { mkdocsFile: string; generated: boolean } | undefined {
  const found = mkdocsFileIn(folder, repoFiles);
  if (found) return { mkdocsFile: found, generated: false };
  const base = folder ? `${folder}/` : '';
  for (const file of repoFiles) if (file.startsWith(`${base}docs/`)) return { mkdocsFile: `${base}mkdocs.yml`, generated: true };
  if (settings?.legacyCopyReadmeMdToIndexMd && (repoFiles.has(`${base}README.md`) || repoFiles.has(`${base}readme.md`))) return { mkdocsFile: `${base}mkdocs.yml`, generated: true };
  return undefined;
}

export type BuildableSite = TechdocsSite & { mkdocsFile: string; generated: boolean };

/** The sites TechDocs can build: each `dir:` site with its mkdocs.yml, or the default one TechDocs writes (siteConfigIn, with the managed Backstage's `settings`). */
export function buildableSites(entities: readonly CatalogEntity[], repoFiles: ReadonlySet<string>, repoUrl?: string, settings?: TechdocsGeneratorSettings): BuildableSite[] {
  return techdocsSites(entities, repoUrl).flatMap(site => {
    const config = siteConfigIn(site.folder, repoFiles, settings);
    return config ? [{ ...site, ...config }] : [];
  });
}

/**
 * The sites a change touches: its mkdocs.yml, anything in its folder (the docs, snippets, the config
 * inherits), or the file of the entity that points at it (a new or moved techdocs-ref).
 * `changedFiles` are repo-relative paths with forward slashes.
 */
export function changedSites(sites: readonly BuildableSite[], changedFiles: ReadonlySet<string>): BuildableSite[] {
  const changed = [...changedFiles];
  return sites.filter(site => {
    const base = site.folder ? `${site.folder}/` : '';
    return changedFiles.has(site.mkdocsFile) || changedFiles.has(site.entity.file) || changed.some(file => file.startsWith(base));
  });
}

/** The name techdocs-node gives a default mkdocs.yml: the entity's title, else its name. */
export function siteNameOf(site: TechdocsSite): string {
  const metadata = site.entity.entity.metadata as { title?: unknown; name?: unknown };
  return typeof metadata.title === 'string' ? metadata.title : String(metadata.name);
}
