import { closest, distance } from 'fastest-levenshtein';
import { posix } from 'node:path';
import { isYamlFile } from '../load/repoFiles.ts';
import { isRecord } from '../load/loadCatalog.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { FILE_START } from '../diagnostic.ts';
import type { LocationEdge, SourceFile } from '../load/loadCatalog.ts';
import { GLOB_BUDGET_MS, locationTypeRefused, matchGlob, ROOT_TYPE_HINT } from './locationTargets.ts';
import { logText } from '../report/safeText.ts';
import { thisRepositoryRef, toRepoUrlForm } from '../load/toRepoUrlForm.ts';

export interface LocationContext {
  mode: 'roots' | 'paths' | 'discover';
  allowedTypes: readonly string[];
  include: readonly string[];
  repoFiles: readonly string[];
  /** Files a placeholder names or an API definition's `$ref`s reach: read as text or definitions, never as catalog files. */
  placeholderTargets: ReadonlySet<string>;
  /** gitops.config.yaml's repoUrl: an absolute target into this repository at another ref is named. */
  repoUrl?: string;
  /** Whether repoUrl was read from the git checkout (no gitops.config.yaml: origin and its default branch), not set in the config. */
  repoUrlInferred?: boolean;
  /** Folders the reached Templates' `fetch:*` steps name (repo paths, no trailing slash): skeletons, not catalog files. */
  skeletonFolders?: readonly string[];
  /** The toolkit's own configuration and data (isToolkitFile: gitops.config.yaml, scorecards/, …): never catalog files. */
  toolkitFile?: (file: string) => boolean;
  /**
   * Paths mode with roots: the files the roots reach, as the whole run reads them. The given files that
   * catalog.include names and these do not are location-unreachable, as the whole run (CI's) says.
   */
  reachedByRoots?: readonly SourceFile[];
  /** Paths mode with roots: the given files judged for reachability, when no judged file holds a Location (then every one is). */
  reachabilityOf?: readonly string[];
}

// Location types a catalog module's processor reads (readLocation), none of them in catalog-backend itself.
const PROCESSOR_TYPES: Record<string, { processor: string; module: string; provider: string }> = {
  'github-discovery': { processor: 'GithubDiscoveryProcessor', module: 'github', provider: 'github' },
  'github-org': { processor: 'GithubOrgReaderProcessor', module: 'github', provider: 'githubOrg' },
  'gitlab-discovery': { processor: 'GitLabDiscoveryProcessor', module: 'gitlab', provider: 'gitlab' },
  'azure-discovery': { processor: 'AzureDevOpsDiscoveryProcessor', module: 'azure', provider: 'azureDevOps' },
  'bitbucket-discovery': { processor: 'BitbucketDiscoveryProcessor', module: 'bitbucket', provider: 'bitbucketCloud or bitbucketServer' },
  'aws-s3-discovery': { processor: 'AwsS3DiscoveryProcessor', module: 'aws', provider: 'awsS3' },
  'ldap-org': { processor: 'LdapOrgReaderProcessor', module: 'ldap', provider: 'ldapOrg' },
  'microsoft-graph-org': { processor: 'MicrosoftGraphOrgReaderProcessor', module: 'msgraph', provider: 'microsoftGraphOrg' },
};

/**
 * The hint for a Location whose type the orchestrator refuses ("Registered locations must be of an allowed
 * type", catalog-backend's allowedLocationTypes, ['url'] unless a module sets them). A discovery or org type
 * is no mistake for 'url': only its module's processor reads it, and only once the backend allows the type.
 */
function locationTypeHint(type: string, readerType: string, fromApp = false): string {
  // A Backstage app's own repository is often registered from the server's disk (app-config catalog.locations
  // with type: file): then its Locations' type: file matches, and the gate must read the root the same way.
  if (type === 'file') return `A 'file' target is read from the Backstage server's own disk; inside a catalog registered by URL use type 'url' (or omit type) with a relative target. ${ROOT_TYPE_HINT('file', readerType, fromApp)} If instead the managed Backstage allows 'file' for any Location (catalogLocationsExtensionPoint.setAllowedLocationTypes) and the path is on its disk, add 'file' to catalog.allowedLocationTypes in gitops.config.yaml.`;
  const known = Object.hasOwn(PROCESSOR_TYPES, type) ? PROCESSOR_TYPES[type] : undefined;
  if (!known) return "Use type 'url' with a relative or absolute target.";
  return `Only ${known.processor} of @backstage/plugin-catalog-backend-module-${known.module} reads '${type}', and Backstage refuses it unless the backend adds that processor and allows the type (catalogLocationsExtensionPoint.setAllowedLocationTypes). If yours does, add '${type}' to catalog.allowedLocationTypes in gitops.config.yaml; if not, configure the module's entity provider in app-config instead (catalog.providers.${known.provider}) and drop this Location.`;
}

/** Location targets that lead nowhere, and catalog files no Location leads to. */
export function checkLocations(edges: readonly LocationEdge[], files: readonly SourceFile[], context: LocationContext): Diagnostic[] {
  // Only the files that hold a Location are looked up: a map of those, not of the whole catalog.
  const withEdges = new Set(edges.map(e => e.file));
  const byFile = new Map(files.filter(f => withEdges.has(f.file)).map(f => [f.file, f]));
  const diagnostics: Diagnostic[] = [];
  const refusedTypes = new Set<string>();
  // The files some Location already reaches: no "did you mean" for a missing target names one of those.
  const reached = new Set(edges.flatMap(e => (e.resolution.kind === 'files' ? e.resolution.files : [])));
  // The folder hint offers no file already in the Location graph: a root's or a parent's file is a cycle.
  const inGraph = new Set([...reached, ...edges.map(e => e.file)]);
  for (const edge of edges) {
    const source = byFile.get(edge.file);
    if (!source) continue;
    const at = (ruleId: string, severity: Diagnostic['severity'], message: string, hint: string, path = edge.path): Diagnostic => ({
      ruleId, severity, message, hint, file: edge.file, range: source.locate(edge.document, path),
    });
    const { resolution } = edge;
    // Backstage's orchestrator refuses only a type that differs from the reader's and is not allowed.
    if (locationTypeRefused(edge.type, edge.readerType, context.allowedTypes)) {
      // One finding per Location, not one per target it lists.
      if (refusedTypes.has(`${edge.file}#${edge.document}`)) continue;
      refusedTypes.add(`${edge.file}#${edge.document}`);
      const doc = source.documents[edge.document];
      const typePath = isRecord(doc) && isRecord(doc.spec) && typeof doc.spec.type === 'string' ? ['spec', 'type'] : edge.path;
      diagnostics.push(at('location-target-invalid', 'error', `Location type '${logText(edge.type.slice(0, 100))}' is not allowed here: Backstage refuses a Location whose type differs from the type its own file is read by (${edge.readerType}) unless the catalog backend allows that type ("Registered locations must be of an allowed type"), and reads none of its targets. Allowed: ${context.allowedTypes.map(t => logText(t.slice(0, 100))).join(', ')} (catalog.allowedLocationTypes; Backstage's default is url).`, locationTypeHint(edge.type, edge.readerType, edge.readerFromApp), typePath));
    } else if (resolution.kind === 'invalid' && resolution.perLocation) {
      if (refusedTypes.has(`${edge.file}#${edge.document}`)) continue;
      refusedTypes.add(`${edge.file}#${edge.document}`);
      const doc = source.documents[edge.document];
      const typePath = isRecord(doc) && isRecord(doc.spec) && typeof doc.spec.type === 'string' ? ['spec', 'type'] : edge.path;
      diagnostics.push(at(resolution.ruleId ?? 'location-target-invalid', 'error', resolution.reason, resolution.hint ?? 'Point the target at files inside this repository.', typePath));
    } else if (resolution.kind === 'invalid') {
      diagnostics.push(at(resolution.ruleId ?? 'location-target-invalid', 'error', resolution.reason, resolution.hint ?? 'Point the target at files inside this repository.'));
    } else if (resolution.kind === 'external') {
      // A bare repository URL (no ref, no file) is no file Backstage can read: judged as any other outside target.
      const found = thisRepositoryRef(edge.target, context.repoUrl);
      const ref = found?.written ? { branch: found.branch, sameBranch: found.written === found.branch } : undefined;
      if (ref?.sameBranch === false && found?.written === 'HEAD') {
        // HEAD is the host's default branch: the same files only while that setting names the reviewed branch.
        diagnostics.push(at('location-target-external', 'warning', `${shownPath(edge.target)} names this repository at HEAD, which the git host reads at its default branch, a setting no pull request here changes or shows; the gate checks ${ref.branch} (${context.repoUrlInferred ? "the branch git names for this checkout, as no gitops.config.yaml sets repoUrl" : 'repoUrl in gitops.config.yaml'}) and does not follow this target, so what it reads is not checked.`, `Write the target relative to this file (./…), or with ${ref.branch} in place of HEAD, so the gate checks what Backstage reads.`));
      } else if (ref?.sameBranch === false) {
        // Whoever can push a branch can then put any entity (a Template, a Group claiming a team) into the
        // catalog at every refresh, unreviewed: as template-fetch-other-revision, an error once repoUrl is the org's word.
        diagnostics.push(at('location-target-other-revision', context.repoUrlInferred ? 'warning' : 'error', `${shownPath(edge.target)} names this repository at another branch, tag or commit than ${ref.branch} (${context.repoUrlInferred ? "the branch git names for this checkout: origin's HEAD, else the one checked out, as no gitops.config.yaml sets repoUrl" : 'repoUrl in gitops.config.yaml'}): Backstage reads whatever that ref holds at every refresh, which anyone who can push a branch changes and no pull request to ${ref.branch} reviews, and the gate does not check it.`, "Write the target relative to this file (./…), so Backstage reads it from the reviewed branch and the gate checks it."));
      } else if (ref) {
        diagnostics.push(at('location-target-external', 'info', `${shownPath(edge.target)} names this repository's ${ref.branch} branch by another form of URL than repoUrl's: Backstage reads it, but the gate follows only relative targets and repoUrl's form, so it is not checked.`, "Write the target relative to this file (./…), so the gate checks it."));
      } else {
        const organisation = outsideOrganisation(edge.target, context.repoUrl);
        // Without gitops.config.yaml no one has said which organisation is this catalog's own: a warning
        // (the origin's owner is a guess, and public catalogs list other organisations' examples on purpose).
        if (organisation) diagnostics.push(at('location-target-foreign', context.repoUrlInferred ? 'warning' : 'error', `${shownPath(edge.target)} is a repository outside ${organisation}, the organisation of ${context.repoUrlInferred ? "this checkout's origin" : 'repoUrl in gitops.config.yaml'}: once merged, Backstage reads whatever that repository holds (its entities, their APIs, further Locations) into the catalog, and nobody who reviews this repository reviews it.`, `Move the entities into this repository or a repository of ${organisation}; if the platform team trusts that source, it can set rules: { location-target-foreign: info } in gitops.config.yaml.`));
        // Said alike for every such target (the finding stands on it), so a catalog of many reads as one group.
        else diagnostics.push(at('location-target-external', 'info', 'This target is outside this repository and is not checked offline.', 'Check it with --catalog-url against the managed Backstage, or move the entities into this repo.'));
      }
    } else if (resolution.files.length > 0 && context.repoUrl && spelledOtherwise(edge.target, context.repoUrl)) {
      // Followed and checked (toRepoUrlForm), but Backstage keys what it reads by the target as written.
      diagnostics.push(at('location-target-external', 'info', `${shownPath(edge.target.slice(0, 300))} names this repository spelled otherwise than ${context.repoUrlInferred ? "this checkout's origin" : 'repoUrl in gitops.config.yaml'} (${context.repoUrl}): Backstage reads the same files, and the gate checks them, but records that URL as their entities' location, so a $text, $json or $yaml in them is compared with that spelling, and a Location reaching the same file by another spelling conflicts with it (Backstage keeps the first).`, 'Write the target relative to this file (./…).'));
    } else if (resolution.files.length === 0 && edge.optional) {
      // DefaultCatalogProcessingOrchestrator passes presence === 'optional' to readLocation, and
      // UrlReaderProcessor then emits no notFoundError: the Location reads its other targets.
      diagnostics.push(at('location-target-missing', 'info', `Optional Location target ${shownPath(edge.target)} matches no file (looked for ${shownPath(resolution.pattern)}); Backstage skips it quietly (spec.presence: optional).`, targetHint(edge.file, resolution.pattern, context.repoFiles, reached, inGraph)));
    } else if (resolution.files.length === 0) {
      diagnostics.push(at('location-target-missing', 'error', `Location target ${shownPath(edge.target)} matches no file (looked for ${shownPath(resolution.pattern)}). Backstage then fails this whole Location, so it reads none of its targets: every entity they hold is lost (new ones never appear, existing ones stop updating), not just this one.`, targetHint(edge.file, resolution.pattern, context.repoFiles, reached, inGraph)));
    }
  }
  if (context.mode === 'roots') diagnostics.push(...unreachable(files, context, undefined, true, refusedReaders(edges)));
  // A judged file that holds a Location can strand any file by narrowing its targets (`./svc/*.yaml` to
  // `./svc/a.yaml`): then every file catalog.include names is judged for reachability, as the whole run does.
  else if (context.mode === 'paths' && context.reachedByRoots) diagnostics.push(...unreachable(context.reachedByRoots, context, edges.length > 0 ? undefined : new Set(context.reachabilityOf ?? files.map(f => f.file)), false));
  return diagnostics;
}

/** Whether absolute target `target` reads under repoUrl only once respelled (toRepoUrlForm): other capitals, another form, %-escapes. */
function spelledOtherwise(target: string, repoUrl: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith(repoUrl) && toRepoUrlForm(target, repoUrl).startsWith(repoUrl);
}

/**
 * The organisation of `repoUrl` (its origin and, but on a `*.visualstudio.com` host, the first path segment: a
 * GitHub owner, an Azure DevOps organisation, a GitLab group) when `target`, an absolute URL, lies outside it;
 * undefined when it lies inside, when repoUrl is not an http(s) URL, when the target names no host (no reader
 * takes it), or without repoUrl. The target is read as Backstage's reader reads it, through WHATWG URL: `..`
 * and `%2e%2e` segments are resolved first, so `…/acme/repo/blob/main/../../../other-org/x` is other-org's;
 * owners compare case-insensitively, decoded. Hosts are compared, not origins: UrlReaderPredicateMux picks the
 * reader by `url.host` alone and the readers parse owner and repository with git-url-parse whatever the
 * scheme, so `git+https:`, `ssh:`, `file:` or `foo:` with github.com's host reads github.com as https does.
 */
export function outsideOrganisation(target: string, repoUrl: string | undefined): string | undefined {
  const urls = urlPair(target, repoUrl);
  if (!urls) return undefined;
  const { url, repo } = urls;
  if (!/^https?:$/.test(repo.protocol) || !url.host) return undefined;
  const owner = (u: URL) => {
    if (u.hostname.toLowerCase().endsWith('.visualstudio.com')) return '';
    const segment = u.pathname.split('/')[1] ?? '';
    try {
      return decodeURIComponent(segment).toLowerCase();
    } catch {
      return segment.toLowerCase();
    }
  };
  const organisation = `${repo.origin}/${owner(repo) ? `${repo.pathname.split('/')[1]}/` : ''}`;
  return url.host.toLowerCase() === repo.host.toLowerCase() && owner(url) === owner(repo) ? undefined : organisation;
}

/** A Location target and repoUrl read as WHATWG URLs (as Backstage's readers read them), or undefined without repoUrl or when either is no URL. */
function urlPair(target: string, repoUrl: string | undefined): { url: URL; repo: URL } | undefined {
  if (!repoUrl) return undefined;
  try {
    return { url: new URL(target), repo: new URL(repoUrl) };
  } catch {
    return undefined;
  }
}

/**
 * A path as the message shows it: quoted (JSON) when it holds spaces or characters that do not show, so that
 * `/ catalog/a.yaml`, which Backstage reads as " catalog/a.yaml", is seen for what it names.
 */
function shownPath(path: string): string {
  return /[^\x21-\x7e]/.test(path) ? JSON.stringify(path) : path;
}

/**
 * The hint for a target that matches nothing: the nearest YAML file by name, other than the Location's own
 * file (a Location never means itself) and the files a Location already reaches (`reached`: a sibling target
 * of the same list is never the one meant), written as a target relative to that file. A target naming a
 * folder gets folderHint, which offers no file of `inGraph` (reached, or holding a Location of the graph).
 */
function targetHint(locationFile: string, pattern: string, repoFiles: readonly string[], reached: ReadonlySet<string> = new Set(), inGraph: ReadonlySet<string> = reached): string {
  const hidden = /[*?[{]/.test(pattern) ? matchGlob(repoFiles, pattern, GLOB_BUDGET_MS, { dot: true }) : undefined;
  if (hidden?.length) {
    const relative = posix.relative(posix.dirname(locationFile), hidden[0]);
    return `Backstage's readers match a pattern without dot-named files and folders (minimatch's default), so it skips ${hidden[0]}; write the dot-named part out (e.g. ${relative.startsWith('../') ? relative : `./${relative}`}) or rename it.`;
  }
  if (hidden) return globHint(pattern, repoFiles);
  const folder = pattern.replace(/\/+$/, '');
  if (folder && folder !== '.' && repoFiles.some(f => f.startsWith(`${folder}/`))) return folderHint(locationFile, folder, repoFiles, inGraph);
  const candidates = repoFiles.filter(f => f !== locationFile && isYamlFile(f) && !reached.has(f));
  // A target written from the repository's root (catalogs/x/template.yaml in catalogs/y/all.yaml) is the usual slip.
  const rooted = candidates.find(c => pattern.endsWith(`/${c}`));
  const guess = rooted ?? (candidates.length ? closest(pattern, candidates) : undefined);
  // Any file is "closest" to something: a guess this far off (app-config.yaml for orgs/teams.yaml) misleads.
  if (!guess || (!rooted && distance(pattern, guess) > Math.max(3, Math.floor(pattern.length / 3)))) return "Targets are relative to the Location's file.";
  const relative = posix.relative(posix.dirname(locationFile), guess);
  return `Did you mean ${relative.startsWith('../') ? relative : `./${relative}`}? Targets are relative to the Location's file.`;
}

/**
 * The hint for a target naming a folder (`./services/` or `./services`): Backstage's readers fetch a target
 * as one file (a folder's URL is not found), so it names the folder's catalog file, or a pattern over it.
 */
function folderHint(locationFile: string, folder: string, repoFiles: readonly string[], inGraph: ReadonlySet<string>): string {
  const written = (file: string): string => {
    const relative = posix.relative(posix.dirname(locationFile), file);
    return relative === '' ? '.' : relative === '..' || relative.startsWith('../') ? relative : `./${relative}`;
  };
  // A Location never means itself, nor a file already in the Location graph (the root or parent that reached it).
  const inside = repoFiles.filter(f => posix.dirname(f) === folder && isYamlFile(f) && f !== locationFile && !inGraph.has(f));
  const file = inside.find(f => /(^|\/)catalog-info\.ya?ml$/.test(f)) ?? inside[0];
  const options = [...(file ? [written(file)] : []), `${written(folder)}/*.yaml`, `${written(folder)}/**/catalog-info.yaml`];
  return `${folder}/ is a folder: Backstage reads a target as one file (or the files a pattern matches), not a folder's contents. Name a file or a pattern instead: ${options.join(', ')}.`;
}

/**
 * The hint for a pattern that matches nothing: a file name is no guess for a pattern, so it says whether
 * the folder before the first wildcard holds anything at all.
 */
function globHint(pattern: string, repoFiles: readonly string[]): string {
  const segments = pattern.split('/');
  const literal = segments.slice(0, segments.findIndex(s => /[*?[{]/.test(s))).join('/');
  if (!literal) return "No file of this repository matches the pattern. Targets are relative to the Location's file.";
  const prefix = `${literal}/`;
  const inside = repoFiles.some(f => f.startsWith(prefix));
  return inside
    ? `${literal}/ holds files, but none matches the rest of the pattern. Targets are relative to the Location's file.`
    : `There is no folder ${literal}/ in this repository (or it holds no file). Targets are relative to the Location's file.`;
}

/**
 * How to reach an unreachable file: the line to add to the Location nearest it (the reached Location file
 * whose folder holds the file most closely, the root's at worst), written as that Location's targets are
 * (relative to its file, `./` first). Takes the file and the reached files that hold a Location; returns the hint.
 */
function listIn(file: string, locationFiles: ReadonlyMap<string, boolean>): string {
  let nearest: string | undefined;
  for (const candidate of locationFiles.keys()) {
    const folder = posix.dirname(candidate);
    const inside = folder === '.' || file.startsWith(`${folder}/`);
    if (inside && (nearest === undefined || folder.length > posix.dirname(nearest).length)) nearest = candidate;
  }
  if (!nearest) return 'List it (or a glob that matches it) in the targets of a Location that the root reaches.';
  const relative = posix.relative(posix.dirname(nearest), file);
  const line = `\`- ./${relative}\``;
  return locationFiles.get(nearest)
    ? `Replace \`targets: []\` in ${nearest} with \`targets:\` and, indented below it, ${line} (or list it, or a glob that matches it, in another Location the root reaches).`
    : `Add ${line} to spec.targets in ${nearest} (or list it, or a glob that matches it, in another Location the root reaches).`;
}

/** The reached files that hold a Location, each with whether its only Location lists no targets (`targets: []`). */
function locationsIn(files: readonly SourceFile[]): Map<string, boolean> {
  const found = new Map<string, boolean>();
  for (const f of files) {
    const locations = f.documents.filter(d => isRecord(d) && typeof d.kind === 'string' && d.kind.toLowerCase() === 'location');
    if (locations.length === 0) continue;
    found.set(f.file, locations.length === 1 && isRecord(locations[0]) && isRecord(locations[0].spec) && Array.isArray(locations[0].spec.targets) && locations[0].spec.targets.length === 0 && locations[0].spec.target === undefined);
  }
  return found;
}

/**
 * The skeleton folders that hold no file the roots reach. The scaffolder renders what a `fetch:*` step
 * names into a new repository; Backstage's catalog never reads it here (a skeleton's `catalog-info.yaml`
 * holds `\${{ values.name }}`, no valid name), so listing it in a Location, as the unreachable hint would
 * say, registers a broken entity. A folder that also holds a reached file (a Location lists one, or a
 * step's url names a folder of the catalog itself) is no skeleton-only folder: its files stay judged.
 */
function skeletonOnlyFolders(folders: readonly string[], reached: ReadonlySet<string>): string[] {
  if (folders.length === 0) return [];
  const reachedFiles = [...reached];
  return folders.filter(folder => !reachedFiles.some(file => file.startsWith(`${folder}/`)));
}

/** The tests/ folders (with a trailing `/`) beside the reached files that hold a scaffolder Template: `templates test` reads its cases there. */
function templateCaseFolders(files: readonly SourceFile[]): string[] {
  const folders = new Set<string>();
  for (const f of files) {
    if (!f.documents.some(doc => isRecord(doc) && doc.kind === 'Template' && typeof doc.apiVersion === 'string' && doc.apiVersion.startsWith('scaffolder.backstage.io/'))) continue;
    const folder = posix.dirname(f.file);
    folders.add(folder === '.' ? 'tests/' : `${folder}/tests/`);
  }
  return [...folders];
}

/**
 * The files catalog.include names that the root reaches through no Location (`files`: the reached ones).
 * `given` (paths mode): only those files are judged. `sayTimedOut`: whether a pattern that ran out of time
 * is said (paths mode leaves it to the whole run, whose file, gitops.config.yaml, it was not given).
 */
function unreachable(files: readonly SourceFile[], context: LocationContext, given?: ReadonlySet<string>, sayTimedOut = true, refusedBy: ReadonlyMap<string, string> = new Map()): Diagnostic[] {
  const reached = new Set(files.map(f => f.file));
  const included = new Set<string>();
  // A pattern that ran out of time is a finding, never a silent gap: the result must not depend on timing unseen.
  const timedOut: Diagnostic[] = [];
  for (const glob of context.include) {
    const matched = matchGlob(context.repoFiles, glob);
    if (matched) matched.forEach(file => (given === undefined || given.has(file)) && included.add(file));
    else if (sayTimedOut) timedOut.push({ ruleId: 'location-glob-too-complex', severity: 'error', message: `Matching the catalog.include pattern '${glob}' against the repository's files took longer than ${GLOB_BUDGET_MS / 1000} s; the files it names were not checked for reachability.`, hint: 'Use a plainer pattern in catalog.include, or list the folders.', file: 'gitops.config.yaml', range: FILE_START });
  }
  let locationFiles: Map<string, boolean> | undefined;
  const skeletons = skeletonOnlyFolders(context.skeletonFolders ?? [], reached);
  const inSkeleton = (file: string) => skeletons.some(folder => file.startsWith(`${folder}/`));
  // A reached Template's tests/ folder holds `templates test`'s cases and snapshots, never catalog files.
  const caseFolders = templateCaseFolders(files);
  const isCase = (file: string) => caseFolders.some(folder => file.startsWith(folder));
  // Sorted after filtering: only the unreachable files are reported, and in a healthy catalog there are none.
  return [...timedOut, ...[...included]
    .filter(file => !reached.has(file) && !context.placeholderTargets.has(file) && !/(^|\/)mkdocs\.ya?ml$/.test(file) && !inSkeleton(file) && !isCase(file) && !context.toolkitFile?.(file))
    .sort()
    .map(file => {
      const refused = refusedBy.get(file);
      // Its target is already written: adding it again would change nothing, the refused type is what to fix.
      if (refused) return { ruleId: 'location-unreachable', severity: 'error' as const, message: `${file} is named only by the Location in ${refused}, whose type Backstage refuses before reading any target, so Backstage never reads it.`, hint: `Fix that Location's spec.type (its location-target-invalid finding says how), or list this file in another Location the root reaches.`, file, range: FILE_START };
      return {
        ruleId: 'location-unreachable',
        severity: 'error' as const,
        message: `${file} is not reachable from the root Location, so Backstage never reads it.`,
        hint: listIn(file, locationFiles ??= locationsIn(files)),
        file,
        range: FILE_START,
      };
    })];
}

/** Each file a refused Location names (its targets' `unread` files), with the file of the first such Location. */
function refusedReaders(edges: readonly LocationEdge[]): Map<string, string> {
  const by = new Map<string, string>();
  for (const edge of edges) if (edge.resolution.kind === 'invalid') for (const file of edge.resolution.unread ?? []) if (!by.has(file)) by.set(file, edge.file);
  return by;
}
