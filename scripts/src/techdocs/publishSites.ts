import type { TechdocsGeneratorSettings } from './techdocsSanitizer.ts';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { childEnv } from '../process/childEnv.ts';
import { removeTemporary } from '../process/temporaryCheckouts.ts';
import { buildSite, type BuiltSite } from './buildSite.ts';
import { siteStore, techdocsPublisher, type StorageTarget } from './siteStore.ts';
import { siteNameOf, type TechdocsSite } from './techdocsSites.ts';
import { UsageError } from '../config/usageError.ts';

export interface PublishInput {
  root: string;
  /** The managed Backstage's techdocs.generator.mkdocs settings (default: techdocs-node's defaults). */
  settings?: TechdocsGeneratorSettings;
  /** `generated`: no mkdocs.yml in the repo; TechDocs writes its default one. */
  sites: readonly (TechdocsSite & { mkdocsFile: string; generated?: boolean })[];
  target: StorageTarget;
  commit: string;
  /** Rebuild even when the published etag says the sources did not change. */
  force: boolean;
  dryRun: boolean;
  /**
   * A folder where `techdocs build --out` wrote the sites (`<folder>/<namespace>/<kind>/<name>/`) in a job
   * without secrets: they are published as they are, and nothing is built here, so no MkDocs runs in the
   * process that holds the storage credentials. Each must have been built from `commit`.
   */
  prebuilt?: string;
  /**
   * Triplets (`namespace/kind/name`, lower case) whose published site another source wrote and this run
   * may replace on purpose (`--adopt-site`): the entity's docs moved to this repo.
   */
  adopt?: ReadonlySet<string>;
  /**
   * Remove the sites this repository published (their etag is a commit of its mainline) whose entity it
   * no longer publishes docs for (removed, renamed, moved to another namespace or kind): `known` holds the
   * triplets of every site the repo has now (all shards), `blocked` says why not to look this time (the
   * catalog does not load cleanly, so a missing entity may only be unreadable), `allowMass` lifts the guard.
   */
  stale?: { known: ReadonlySet<string>; blocked?: string; allowMass: boolean };
  log(line: string): void;
}

export interface SiteResult {
  triplet: string;
  outcome: 'up-to-date' | 'published' | 'would-publish' | 'failed' | 'removed' | 'would-remove';
  files?: number;
  pruned?: number;
  seconds?: number;
  error?: string;
}

/**
 * Builds and publishes the sites whose sources changed since the commit they were last published
 * from (the `etag` in their techdocs_metadata.json), removes files a previous version left behind,
 * and verifies that every file and the metadata arrived.
 */
export async function publishSites(input: PublishInput): Promise<SiteResult[]> {
  const publisher = await techdocsPublisher(input.target);
  const readiness = await publisher.getReadiness();
  if (!readiness.isAvailable) throw new UsageError(`The TechDocs storage (${describe(input.target)}) is not reachable or the container/bucket does not exist: check the connection settings and the name.`);
  const store = siteStore(input.target);
  const builds = new Map<string, Promise<BuiltSite>>();
  const results: SiteResult[] = [];
  for (const [index, site] of input.sites.entries()) {
    const [namespace, kind, name] = site.triplet.split('/');
    const progress = `[${index + 1}/${input.sites.length}] ${site.triplet}`;
    const published = await publisher.fetchTechDocsMetadata({ namespace, kind, name }).catch(() => undefined);
    const adopting = input.adopt?.has(site.triplet.toLowerCase());
    // No metadata to read is not "no site": files without readable metadata (deleted, corrupt, a storage error
    // on the read) may be another source's site, which this run would overwrite and prune.
    if (published === undefined && !adopting && (await store.list(`${site.triplet}/`)).length > 0) {
      const error = `files are published at ${site.triplet} but their techdocs_metadata.json cannot be read, so whose site it is is unknown: it is not replaced. If this entity's docs belong to this repository, run techdocs publish once with --adopt-site ${site.triplet.toLowerCase()}`;
      input.log(`${progress}: FAILED: ${error}`);
      results.push({ triplet: site.triplet, outcome: 'failed', error });
      continue;
    }
    // A re-run of an earlier merge's job after a newer one published: that newer commit's site stays (an
    // older run would put older docs back; --adopt-site, which the message below suggests, even more so).
    if (published !== undefined && !publishedFromHere(input.root, published.etag, input.commit) && newerHere(input.root, published.etag, input.commit)) {
      input.log(`${progress}: left as it is: published from ${String(published.etag).slice(0, 12)}, a newer commit of this repository than this run's ${input.commit.slice(0, 12)} (a re-run of an earlier merge's job?); the newest run publishes it`);
      results.push({ triplet: site.triplet, outcome: 'up-to-date' });
      continue;
    }
    if (published !== undefined && !adopting && !publishedFromHere(input.root, published.etag, input.commit)) {
      const error = `a site is already published at ${site.triplet} from ${JSON.stringify(String(published.etag ?? 'no etag').slice(0, 64))}, which is not a commit of this repository's history: another source (another repository's pipeline, or Backstage's own builder for an entity registered elsewhere) publishes this entity's docs, so it is not replaced. If this entity's docs have moved to this repository, run techdocs publish once with --adopt-site ${site.triplet.toLowerCase()}`;
      input.log(`${progress}: FAILED: ${error}`);
      results.push({ triplet: site.triplet, outcome: 'failed', error });
      continue;
    }
    if (!input.force && typeof published?.etag === 'string' && unchangedSince(input.root, published.etag, site)) {
      input.log(`${progress}: up to date (published from ${published.etag.slice(0, 12)})`);
      results.push({ triplet: site.triplet, outcome: 'up-to-date' });
      continue;
    }
    if (input.dryRun) {
      input.log(`${progress}: would build ${site.mkdocsFile} and publish`);
      results.push({ triplet: site.triplet, outcome: 'would-publish' });
      continue;
    }
    try {
      const built = input.prebuilt !== undefined ? await prebuiltSite(input.prebuilt, site.triplet, input.commit) : await (builds.get(site.mkdocsFile) ?? builds.set(site.mkdocsFile, buildSite(input.root, site.mkdocsFile, input.commit, site.generated ? siteNameOf(site) : undefined, input.settings)).get(site.mkdocsFile)!);
      await publisher.publish({ entity: { apiVersion: site.entity.entity.apiVersion, kind: site.entity.kind, metadata: { namespace, name } }, directory: built.directory });
      const prefix = `${site.triplet}/`;
      const expected = new Set(built.files.map(f => prefix + f));
      const stale = (await store.list(prefix)).filter(key => !expected.has(key));
      await store.remove(stale);
      const landed = new Set(await store.list(prefix));
      const missing = [...expected].filter(key => !landed.has(key));
      const extra = [...landed].filter(key => !expected.has(key));
      const metadata = await publisher.fetchTechDocsMetadata({ namespace, kind, name });
      if (missing.length || extra.length || metadata.etag !== input.commit || !metadata.site_name) {
        throw new Error(`verification failed: ${missing.length} file(s) missing${missing.length ? ` (e.g. ${missing[0]})` : ''}, ${extra.length} stale file(s) left, metadata ${JSON.stringify({ site_name: metadata.site_name, etag: metadata.etag })}`);
      }
      input.log(`${progress}: ${input.prebuilt !== undefined ? `${built.files.length} files built without secrets` : `built ${built.files.length} files in ${built.seconds.toFixed(1)} s`}, published, ${stale.length} stale removed, verified`);
      results.push({ triplet: site.triplet, outcome: 'published', files: built.files.length, pruned: stale.length, seconds: built.seconds });
    } catch (error) {
      input.log(`${progress}: FAILED: ${(error as Error).message}`);
      results.push({ triplet: site.triplet, outcome: 'failed', error: (error as Error).message });
    }
  }
  await Promise.all([...builds.values()].map(b => b.then(s => removeTemporary(posix.dirname(s.directory)), () => undefined)));
  if (input.stale) results.push(...(await removeStaleSites(input, input.stale, publisher, store)));
  return results;
}

/**
 * The sites under the storage root that this repository published and no longer has (see
 * PublishInput.stale), removed file by file; listed only on a dry run. A site another source wrote
 * (its etag is not on this repository's mainline), or whose metadata cannot be read, is left alone.
 * Refuses (one failed result, nothing removed) to remove every site this repository published, or more
 * than five and more than a tenth of them, unless allowMass: a catalog that lost most of its docs more
 * likely lost them by mistake.
 */
async function removeStaleSites(input: PublishInput, stale: NonNullable<PublishInput['stale']>, publisher: Awaited<ReturnType<typeof techdocsPublisher>>, store: ReturnType<typeof siteStore>): Promise<SiteResult[]> {
  if (stale.blocked) {
    input.log(`stale sites not looked for: ${stale.blocked}`);
    return [];
  }
  const keys = await store.list('');
  const triplets = [...new Set(keys.filter(key => /^[^/]+\/[^/]+\/[^/]+\/techdocs_metadata\.json$/.test(key)).map(key => key.split('/').slice(0, 3).join('/')))];
  const ours: string[] = [];
  const gone: string[] = [];
  for (const triplet of triplets) {
    const [namespace, kind, name] = triplet.split('/');
    const metadata = await publisher.fetchTechDocsMetadata({ namespace, kind, name }).catch(() => undefined);
    if (!metadata || !publishedFromHere(input.root, metadata.etag, input.commit)) continue;
    ours.push(triplet);
    if (!stale.known.has(triplet.toLowerCase())) gone.push(triplet);
  }
  if (gone.length === 0) return [];
  const limit = Math.max(5, Math.floor(ours.length / 10));
  if (!stale.allowMass && (gone.length === ours.length || gone.length > limit)) {
    const error = `${gone.length} of the ${ours.length} sites this repository published have no entity in it any more (${gone.slice(0, 5).join(', ')}${gone.length > 5 ? ', …' : ''}); none was removed. If that is intended, run again with --allow-mass-delete`;
    input.log(`stale sites: FAILED: ${error}`);
    return [{ triplet: gone[0], outcome: 'failed', error }];
  }
  const results: SiteResult[] = [];
  for (const triplet of gone.sort()) {
    if (input.dryRun) {
      input.log(`stale site ${triplet}: would remove (no entity of this repository publishes it now)`);
      results.push({ triplet, outcome: 'would-remove' });
      continue;
    }
    try {
      const files = keys.filter(key => key.startsWith(`${triplet}/`));
      // The metadata last: a site interrupted half-way is still recognised as this repository's next time.
      await store.remove(files.filter(key => key !== `${triplet}/techdocs_metadata.json`));
      await store.remove([`${triplet}/techdocs_metadata.json`]);
      const left = await store.list(`${triplet}/`);
      if (left.length) throw new Error(`${left.length} file(s) still there after removal (e.g. ${left[0]})`);
      input.log(`stale site ${triplet}: removed ${files.length} files (no entity of this repository publishes it now)`);
      results.push({ triplet, outcome: 'removed', pruned: files.length });
    } catch (error) {
      input.log(`stale site ${triplet}: FAILED: ${(error as Error).message}`);
      results.push({ triplet, outcome: 'failed', error: (error as Error).message });
    }
  }
  return results;
}

/**
 * A site `techdocs build --out` wrote to `folder`, checked before anything is uploaded: it exists, holds
 * only plain files and folders (no link an upload would follow), and its techdocs_metadata.json says it
 * was built from `commit` (an older artifact is refused). Throws with what is wrong.
 */
async function prebuiltSite(folder: string, triplet: string, commit: string): Promise<BuiltSite> {
  const directory = join(folder, ...triplet.split('/'));
  if (!existsSync(join(directory, 'index.html'))) throw new Error(`no built site for ${triplet} in ${folder}: build it with techdocs build --out (from commit ${commit.slice(0, 12)})`);
  const files: string[] = [];
  const walk = async (dir: string, prefix: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else if (entry.isFile()) files.push(`${prefix}${entry.name}`);
      else throw new Error(`the built site ${triplet} holds ${JSON.stringify(`${prefix}${entry.name}`.slice(0, 200))}, which is not a plain file (a link or device); it is not published`);
    }
  };
  await walk(directory, '');
  const metadata = JSON.parse(await readFile(join(directory, 'techdocs_metadata.json'), 'utf8')) as { etag?: unknown; site_name?: unknown };
  if (metadata.etag !== commit) throw new Error(`the built site ${triplet} in ${folder} is from ${JSON.stringify(String(metadata.etag).slice(0, 40))}, not commit ${commit}: build it again from this commit`);
  return { directory, files: files.sort(), seconds: 0 };
}

/**
 * Whether a published site's etag (the commit techdocs publish recorded in techdocs_metadata.json) is this
 * repository's: the commit being published or one on its first-parent chain, the commits main itself was at
 * (publish runs on main, so every etag it wrote is one of them). Backstage's own builder and other
 * repositories' pipelines record their own source's etag, so a site they publish is not this repo's to
 * replace: an entity a pull request adds under a name that lives elsewhere (the gate cannot know offline;
 * sync refuses it only after publish ran) would otherwise overwrite and prune that entity's docs. Any
 * ancestor is not enough: a pull request can merge the other repository's history into its branch
 * (`merge --allow-unrelated-histories -s ours`, no file changed), which makes that source's commit an
 * ancestor of the merge without main ever having published from it.
 */
function publishedFromHere(root: string, etag: unknown, commit: string): boolean {
  if (typeof etag !== 'string') return false;
  if (etag === commit) return true;
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(etag)) return false;
  return mainlineOf(root, commit).has(etag);
}

/**
 * Whether a published site's etag is a commit of this repository that comes after `commit` (`commit` is its
 * ancestor): a newer merge published it, and this run is older. False when git does not know the etag.
 */
function newerHere(root: string, etag: unknown, commit: string): boolean {
  if (typeof etag !== 'string' || !/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(etag) || etag === commit) return false;
  return spawnSync('git', ['-C', root, 'merge-base', '--is-ancestor', '--end-of-options', commit, etag], { stdio: 'ignore', env: childEnv() }).status === 0;
}

const mainlines = new Map<string, Set<string>>();

/** The commits on the first-parent chain of `commit` in the repository at `root` (empty when git cannot list them); read once per run. */
function mainlineOf(root: string, commit: string): Set<string> {
  const key = `${root}\0${commit}`;
  let found = mainlines.get(key);
  if (!found) {
    const listed = spawnSync('git', ['-C', root, 'rev-list', '--first-parent', '--end-of-options', commit], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, env: childEnv() });
    found = new Set(listed.status === 0 ? listed.stdout.split('\n').filter(Boolean) : []);
    mainlines.set(key, found);
  }
  return found;
}

/**
 * True when nothing a site's build reads changed between `commit` (the one it was published from) and the
 * working tree: the site's folder, as `techdocs build --changed-since` counts it (changedSites), not only
 * mkdocs.yml and docs_dir: the build also reads the config mkdocs.yml INHERITs and those its nav
 * `!include`s (with their docs), plantuml_markdown's `source=` files (base_dir is mkdocs.yml's folder) and
 * the README.md that legacyCopyReadmeMdToIndexMd makes the index. For a generated mkdocs.yml also the
 * entity's file: its title is the site_name. A site at the repository root reads all of it. Paths are
 * literal (a folder named `[x]` is no glob). Takes the repo root, the commit and the site; returns false
 * when git cannot tell.
 */
function unchangedSince(root: string, commit: string, site: TechdocsSite & { generated?: boolean }): boolean {
  const paths = [...new Set([site.folder || '.', ...(site.generated ? [site.entity.file] : [])])];
  const diff = spawnSync('git', ['--literal-pathspecs', '-C', root, 'diff', '--quiet', '--end-of-options', commit, '--', ...paths], { stdio: 'ignore', env: childEnv() });
  const untracked = spawnSync('git', ['--literal-pathspecs', '-C', root, 'ls-files', '-z', '--others', '--exclude-standard', '--', ...paths], { encoding: 'utf8', env: childEnv() });
  return diff.status === 0 && untracked.status === 0 && untracked.stdout.trim() === '';
}

function describe(target: StorageTarget): string {
  return target.type === 'azureBlobStorage' ? `Azure container ${target.containerName}` : `S3 bucket ${target.bucketName}`;
}
