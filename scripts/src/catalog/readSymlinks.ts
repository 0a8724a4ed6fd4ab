import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import { isRecord, type LoadedCatalog } from '../load/loadCatalog.ts';
import { isYamlFile } from '../load/repoFiles.ts';
import { techdocsSites } from '../techdocs/techdocsSites.ts';
import { docsFolder } from '../techdocs/docsDirFindings.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { readSource } from '../load/readSource.ts';
import type { CatalogEntity } from './catalogEntity.ts';
import { matchGlob } from './locationTargets.ts';
import { trimTrailingSlashes } from '../load/trailingSlashes.ts';
import { linkTarget } from './linkTarget.ts';

// Where GitHub reads CODEOWNERS, and the folders of the toolkit's own data (policies, schemas, scorecards).
const CONFIG_FILES = ['gitops.config.yaml', 'CODEOWNERS', '.github/CODEOWNERS', 'docs/CODEOWNERS'];
const CONFIG_FOLDERS = ['schemas/', 'scorecards/'];
// What the toolkit's actions, tasks and workflows write into a checkout by default (the check action's
// report and SARIF before they moved to RUNNER_TEMP, the PR workflow's TechDocs build report): a link
// there sends a later write to wherever it points, so it is a finding wherever it sits, the root included.
export const TOOLKIT_OUTPUTS = ['backstage-gitops-report.md', 'backstage-gitops.sarif', 'techdocs-build.md'];

/**
 * The symbolic links (of `loaded.symlinks`) that sit where Backstage or the toolkit would read through
 * them, so the gate reports them (repo-symlink); a link anywhere else (a `CLAUDE.md -> AGENTS.md` next to
 * the code) is read by no one and is no finding. Either way the toolkit never follows a link. Read are:
 * - every YAML file: discovery reads them all as catalog files, and templates, mkdocs.yml and the
 *   toolkit's configs are YAML; but not a link to another file of this repository that is not a catalog
 *   file (`docker/x/compose.yaml -> ../../deploy/x/compose.yaml`): what Backstage reads there, the path or
 *   the file it names, is no entity either way, and that file is read (and judged) by its own name;
 * - what a Location target (pattern) names, and a placeholder's target (`$text: ./README.md`);
 * - anything under a folder a template fetches as skeleton (loaded.skeletonFolders) or under a template
 *   file's folder (its tests and snapshots), unless that folder is the repo root; but not a link inside a
 *   skeleton to a path inside the same skeleton (keptInSkeleton: Backstage copies it as a link);
 * - a TechDocs site's docs/ folder (techdocs-ref `dir:`) and its mkdocs.yml;
 * - gitops.config.yaml, CODEOWNERS, the files its settings name, and schemas/ and scorecards/;
 * - and, written rather than read, the toolkit's default output files (TOOLKIT_OUTPUTS);
 * - a link to a folder above any of these (what is under it is read through it).
 * Takes the loaded catalog, the entities (reported and context) and the config; returns sorted paths.
 * In paths mode (`given`: the paths given and the entities of the reported files) only the links the given
 * paths read: those among or under them that the whole catalog reads, and those the given files' own
 * Locations, placeholders, templates and TechDocs sites read; the repo's other links are the full run's.
 */
export function readSymlinks(loaded: Loaded, entities: readonly CatalogEntity[], config: GitopsConfig, given?: { paths: readonly string[]; entities: readonly CatalogEntity[] }): string[] {
  const all = linksRead(loaded, entities, config, true);
  if (!given) return all;
  const within = (link: string) => given.paths.some(path => path === '' || link === path || link.startsWith(`${path}/`));
  const readByGiven = new Set(linksRead(loaded, given.entities, config, false));
  return all.filter(link => within(link) || readByGiven.has(link));
}

type Loaded = Pick<LoadedCatalog, 'symlinks' | 'symlinkTargets' | 'locations' | 'placeholderSources' | 'skeletonFolders' | 'repoFiles' | 'files' | 'context'>;

/**
 * The links of `loaded` read where readSymlinks says; `repoWide` adds what every run reads whatever the
 * entities (the toolkit's config files and folders, its output files, every YAML file discovery reads).
 */
function linksRead(loaded: Loaded, entities: readonly CatalogEntity[], config: GitopsConfig, repoWide: boolean): string[] {
  const links = loaded.symlinks ?? [];
  if (links.length === 0) return [];
  const read = new Set<string>();
  const named = repoWide ? configFiles(config) : [];
  const files = new Set(repoWide ? [...CONFIG_FILES, ...TOOLKIT_OUTPUTS, ...named] : []);
  const folders = [...(repoWide ? CONFIG_FOLDERS : []), ...named.map(path => `${path}/`), ...(loaded.skeletonFolders ?? []).map(f => `${f}/`)];
  const templateFolders: string[] = [];
  for (const entity of entities) {
    if (entity.kind !== 'Template') continue;
    const folder = entity.file.includes('/') ? entity.file.slice(0, entity.file.lastIndexOf('/') + 1) : '';
    templateFolders.push(folder);
    if (folder) folders.push(folder);
  }
  for (const site of techdocsSites(entities, config.repoUrl)) {
    const base = site.folder ? `${site.folder}/` : '';
    folders.push(`${base}docs/`);
    files.add(`${base}mkdocs.yml`).add(`${base}mkdocs.yaml`);
    // The build copies mkdocs.yml's own docs_dir (not only docs/), and legacyCopyReadmeMdToIndexMd the site
    // folder's README.md: a link there fails main's publish (copyDocs, copyReadmes refuse it) after the gate passed.
    files.add(`${base}README.md`).add(`${base}readme.md`);
    for (const name of ['mkdocs.yml', 'mkdocs.yaml']) {
      const docs = links.includes(`${base}${name}`) ? undefined : docsDirOf(config, `${base}${name}`);
      if (docs === undefined) continue;
      const folder = docsFolder(site.folder, docs);
      // A docs_dir outside the site or its own folder is mkdocs-path-outside / mkdocs-invalid already.
      if (folder !== '.' && folder !== '..' && !folder.startsWith('../') && folder !== site.folder) folders.push(`${folder}/`);
    }
  }
  for (const target of loaded.placeholderSources.keys()) files.add(target);
  // A link to a folder above a read path is read through too (`schemas -> catalog/team/schemas`: the policies
  // under it would be the team's files, and the toolkit resolves links inside the repository when it reads them).
  const above = (link: string) => [...files, ...folders].some(path => path.startsWith(`${link}/`));
  const catalogFiles = new Set([...entities.map(entity => entity.file), ...(loaded.files ?? []).map(f => f.file), ...(loaded.context ?? []).map(f => f.file)]);
  const repoFiles = new Set(loaded.repoFiles ?? []);
  const skeletons = (loaded.skeletonFolders ?? []).filter(folder => folder !== '' && folder !== '.').map(folder => `${folder}/`);
  const tests = templateFolders.map(folder => `${folder}tests/`);
  for (const link of links) {
    if (!files.has(link) && !above(link) && keptInSkeleton(link, loaded.symlinkTargets, skeletons, tests)) continue;
    if (files.has(link) || folders.some(folder => link.startsWith(folder)) || above(link)) read.add(link);
    else if (repoWide && isYamlFile(link) && !linksToDataFile(link, loaded.symlinkTargets, repoFiles, catalogFiles)) read.add(link);
  }
  const rest = links.filter(link => !read.has(link));
  for (const edge of loaded.locations) {
    if (rest.length === 0) break;
    if (edge.resolution.kind !== 'files') continue;
    for (const link of matchGlob(rest, edge.resolution.pattern, undefined, { dot: false }) ?? rest) read.add(link);
  }
  return links.filter(link => read.has(link));
}

/**
 * Whether `link` is part of a skeleton as Backstage fetches it, and nothing else reads it: it sits under a
 * skeleton folder (`skeletons`, each ending in `/`), outside a template's tests/ folder (`tests`), and the
 * relative path it holds (`text`, its readlink) stays inside that folder. Backstage's tree readers extract
 * such a link from the git host's archive as a link, fetch:template copies it as one (never rendering what
 * it points at), and the toolkit's offline render does the same; the gate's skeleton checks list regular
 * files only. A link whose target leaves the folder (left out of the archive by Backstage, refused by the
 * toolkit when it leaves the repository) stays a finding.
 */
function keptInSkeleton(link: string, texts: ReadonlyMap<string, string> | undefined, skeletons: readonly string[], tests: readonly string[]): boolean {
  if (!texts || tests.some(folder => link.startsWith(folder))) return false;
  // Resolved through the repository's other links, as the archive's extraction (isChildPath, realpath) does.
  const target = linkTarget(link, texts);
  return target !== undefined && skeletons.some(folder => link.startsWith(folder) && target.startsWith(folder));
}

/**
 * Whether the link names, from its folder and through the repository's other links (linkTarget), a regular
 * file of this repository that is no catalog file: a link to a host file, out of the repository, to a folder,
 * a missing file or a catalog file is not one.
 */
function linksToDataFile(link: string, texts: ReadonlyMap<string, string> | undefined, repoFiles: ReadonlySet<string>, catalogFiles: ReadonlySet<string>): boolean {
  const target = texts ? linkTarget(link, texts) : undefined;
  return target !== undefined && repoFiles.has(target) && !catalogFiles.has(target);
}

/** The repo paths gitops.config.yaml's settings name (a folder setting such as catalog.policies as a prefix too). */
function configFiles(config: GitopsConfig): string[] {
  const named = [config.codeowners?.file, config.editorSchema?.file, ...(config.backstageConfig?.files ?? []), config.catalog.policies, config.catalog.appConfig, config.apiChanges.ruleset];
  return named.filter((path): path is string => typeof path === 'string').map(path => trimTrailingSlashes(path.replace(/^\.\//, '')));
}

/** The docs_dir mkdocs.yml `file` writes (a string), read as the catalog's YAML is (byte cap, node budget); undefined when there is none or it does not read. */
function docsDirOf(config: GitopsConfig, file: string): string | undefined {
  if (!existsSync(join(config.root, file))) return undefined;
  let read;
  try {
    read = readSource(join(config.root, file), file, config.catalog.maxFileBytes);
  } catch {
    // Not a readable file (a folder of that name): the catalog gate says so where it reads the site.
    return undefined;
  }
  if (!('text' in read)) return undefined;
  const written = parseYaml(read.text, file).documents[0];
  return isRecord(written) && typeof written.docs_dir === 'string' ? written.docs_dir : undefined;
}
