import { cp, mkdir, rm } from 'node:fs/promises';
import { removeTemporary } from '../process/temporaryCheckouts.ts';
import { posix, resolve, sep } from 'node:path';
import { FILE_START, type Diagnostic } from '../diagnostic.ts';
import { buildSite, SiteBuildError, SitePathsOutsideError, SiteRefusedError } from './buildSite.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { buildFindings, pagesNamed } from './buildFindings.ts';
import { siteNameOf, type BuildableSite } from './techdocsSites.ts';
import { readRepoFile } from '../load/repoPath.ts';
import type { TechdocsGeneratorSettings } from './techdocsSanitizer.ts';

export interface BuildInput {
  root: string;
  sites: readonly BuildableSite[];
  /** Written as the etag in techdocs_metadata.json, as publish writes it. */
  commit: string;
  /** Keep each built site under `<outDir>/<namespace>/<kind>/<name>/`, the layout Backstage reads; else discard it. */
  outDir?: string;
  log(line: string): void;
  /** The managed Backstage's techdocs.generator.mkdocs settings (default: techdocs-node's defaults). */
  settings?: TechdocsGeneratorSettings;
}

export interface BuildResult {
  mkdocsFile: string;
  triplets: string[];
  outcome: 'built' | 'failed';
  files?: number;
  seconds?: number;
}

/**
 * Builds every site exactly as `techdocs publish` does (the same `buildSite`: temporary copy, the same
 * @techdocs/cli generate, the same checks of index.html and techdocs_metadata.json), once per mkdocs.yml
 * however many entities share it, and publishes nothing. A site that fails becomes Diagnostics on its
 * mkdocs.yml or the page MkDocs names, with MkDocs' message (see buildFindings); so does a site whose
 * entity ref would name a folder outside `outDir`. Never throws for one site's failure.
 */
export async function buildSites(input: BuildInput): Promise<{ results: BuildResult[]; diagnostics: Diagnostic[] }> {
  const bySource = new Map<string, BuildableSite[]>();
  for (const site of input.sites) bySource.set(site.mkdocsFile, [...(bySource.get(site.mkdocsFile) ?? []), site]);
  const results: BuildResult[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const [index, [mkdocsFile, sites]] of [...bySource].entries()) {
    const progress = `[${index + 1}/${bySource.size}] ${mkdocsFile}`;
    const triplets = sites.map(s => s.triplet);
    try {
      const built = await buildSite(input.root, mkdocsFile, input.commit, sites[0].generated ? siteNameOf(sites[0]) : undefined, input.settings);
      try {
        if (input.outDir) for (const triplet of triplets) await copySite(built.directory, input.outDir, triplet);
      } finally {
        await removeTemporary(posix.dirname(built.directory));
      }
      input.log(`${progress}: built ${built.files.length} files in ${built.seconds.toFixed(1)} s${input.outDir ? ` into ${triplets.join(', ')}` : ''}`);
      results.push({ mkdocsFile, triplets, outcome: 'built', files: built.files.length, seconds: built.seconds });
    } catch (error) {
      const log = error instanceof SiteBuildError ? error.log : '';
      const mkdocsText = sites[0].generated ? undefined : readInside(input.root, mkdocsFile);
      const found = error instanceof SitePathsOutsideError ? outsideFindings(error, mkdocsText) : error instanceof SiteRefusedError ? refusedFindings(error, mkdocsText) : buildFindings({ mkdocsFile, generated: sites[0].generated, mkdocsText, pages: await readPages(input.root, pagesNamed(log, mkdocsFile, mkdocsText)), log, reason: (error as Error).message });
      input.log(`${progress}: FAILED (${found.length} problem${found.length === 1 ? '' : 's'})`);
      diagnostics.push(...found.map(d => ({ ...d, entityRef: d.entityRef ?? sites[0].entity.ref })));
      results.push({ mkdocsFile, triplets, outcome: 'failed' });
    }
  }
  return { results, diagnostics };
}

/** Copies a built site to `<outDir>/<triplet>`; a triplet from a PR that would leave outDir is refused. */
async function copySite(from: string, outDir: string, triplet: string): Promise<void> {
  const parts = triplet.split('/');
  const to = resolve(outDir, ...parts);
  if (parts.length !== 3 || parts.some(p => !p || p === '.' || p === '..' || p.includes('\\')) || !to.startsWith(`${resolve(outDir)}${sep}`)) {
    throw new Error(`The entity ref ${triplet} cannot name a folder under the output folder.`);
  }
  await rm(to, { recursive: true, force: true });
  await mkdir(to, { recursive: true });
  await cp(from, to, { recursive: true });
}

// The same finding the gate reports (checkMkdocsSafety), on the line of each path that leads outside.
function outsideFindings(error: SitePathsOutsideError, mkdocsText: string | undefined): Diagnostic[] {
  const parsed = mkdocsText === undefined ? undefined : parseYaml(mkdocsText, error.mkdocsFile);
  return error.outside.map(o => ({
    ruleId: 'mkdocs-path-outside', severity: 'error' as const, file: error.mkdocsFile,
    range: parsed ? parsed.locate(0, o.path) : FILE_START,
    message: `${o.key} is ${JSON.stringify(o.value.slice(0, 200))}, which leads outside this site's folder: building the site would read or write files elsewhere on the machine. The site is not built.`,
    hint: 'Keep every path in mkdocs.yml inside the folder that holds it (docs_dir: docs).',
  }));
}

// What check reports in that mkdocs.yml (docsDirFindings), at the same place.
function refusedFindings(error: SiteRefusedError, mkdocsText: string | undefined): Diagnostic[] {
  const parsed = mkdocsText === undefined ? undefined : parseYaml(mkdocsText, error.mkdocsFile);
  return error.findings.map(f => ({ ruleId: f.ruleId, severity: 'error' as const, file: error.mkdocsFile, range: parsed ? parsed.locate(0, f.path) : FILE_START, message: f.message, hint: f.hint }));
}

async function readPages(root: string, files: readonly string[]): Promise<Map<string, string>> {
  const pages = new Map<string, string>();
  for (const file of files) {
    const path = resolve(root, file);
    if (!path.startsWith(`${resolve(root)}${sep}`)) continue;
    const text = readInside(root, file);
    if (text !== undefined) pages.set(file, text);
  }
  return pages;
}

// A page or config that is a link to a host file must not be quoted in a finding: unreadable, then.
function readInside(root: string, file: string): string | undefined {
  try {
    return readRepoFile(root, file, 'utf8');
  } catch {
    return undefined;
  }
}
