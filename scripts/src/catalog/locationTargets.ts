import { dirname, join, posix } from 'node:path';
import { Minimatch } from 'minimatch';
import { createRequire } from 'node:module';
import { trimTrailingSlashes } from '../load/trailingSlashes.ts';
import { toRepoUrlForm } from '../load/toRepoUrlForm.ts';
import type { UrlSearch } from './urlReadable.ts';

const require = createRequire(import.meta.url);

export type TargetResolution =
  | { kind: 'files'; files: string[]; pattern: string }
  | { kind: 'external'; url: string }
  | { kind: 'invalid'; reason: string; ruleId?: string; hint?: string; /** Said once per Location, at spec.type: every relative target fails alike. */ perLocation?: boolean; /** A refused Location's target: the repo files it names, which Backstage never reads through it. */ unread?: string[] };

export interface TargetContext {
  repoUrl?: string;
  /** Sorted repo-relative paths. */
  repoFiles: readonly string[];
  repoFileSet: ReadonlySet<string>;
  /**
   * Sorted repo-relative paths of the tree Backstage reads, which globs match: `repoFiles` plus the files
   * git tracks under node_modules (trackedInstalledFiles); `repoFiles` when absent.
   */
  treeFiles?: readonly string[];
  /** How the managed Backstage's reader of a URL treats a pattern (managedUrlSearch of its app-config); absent: not known. */
  urlSearch?: (url: string) => UrlSearch | undefined;
}

/**
 * Whether Backstage refuses a Location of `type` in a file read by `readerType` before reading any of its
 * targets: DefaultCatalogProcessingOrchestrator's runSpecialLocationStep returns with "Registered locations
 * must be of an allowed type" when the type differs from the reader's and the backend does not allow it
 * (`allowed`: catalog.allowedLocationTypes, Backstage's default ['url']). Pure.
 */
export function locationTypeRefused(type: string, readerType: string, allowed: readonly string[]): boolean {
  return type !== readerType && !allowed.includes(type);
}

/**
 * Where a Location target leads, the way Backstage resolves it: relative to the Location's own file
 * (`url` targets as Backstage's resolveUrl reads them, see resolveUrlTarget; `file` targets as paths), with
 * globs matched against the repo's files. `readerType` is the type the Location's own file is read by
 * (its parent's, or the root's; `readerFromApp`: the app-config location's that registers it); when `type`
 * differs, the target is taken as written (crossTypeTarget).
 */
export function resolveTarget(fromFile: string, type: string, target: string, context: TargetContext, readerType: string = type, readerFromApp = false): TargetResolution {
  if (type !== readerType && (type === 'file' || type === 'url')) {
    const crossed = crossTypeTarget(type, readerType, target, readerFromApp);
    if (crossed) return crossed;
  }
  // Any other type (github-discovery, azure-discovery, …) is read by its module's processor from the target
  // as written (toAbsoluteUrl resolves only between equal types): a URL there names repositories or an org
  // the gate cannot read offline, never a file of this repository.
  if (type !== 'file' && type !== 'url' && /^[a-z][a-z0-9+.-]*:/i.test(target)) return { kind: 'external', url: target };
  if (type === 'file' && target.endsWith('/')) {
    return { kind: 'invalid', reason: `A file location target must name files, not a folder ending in '/': ${target}` };
  }
  // toAbsoluteUrl (plugin-catalog-backend processing/util) joins a file target to its Location's folder only
  // when it starts with '.'; any other relative path goes to FileReaderProcessor as written, relative to the
  // backend's working directory ("file org.yaml does not exist"), and the Location fails.
  if (type === 'file' && !target.startsWith('.') && !posix.isAbsolute(target)) {
    const shown = JSON.stringify(target.length > 200 ? `${target.slice(0, 199)}…` : target);
    return {
      kind: 'invalid',
      reason: `Backstage joins a file target to its Location's folder only when it starts with '.': ${shown} is read as written, from the Backstage server's working directory, not from this repository. It is not found there ("file ${target.slice(0, 200)} does not exist") and the Location fails, reading none of its targets.`,
      hint: `Write ./${target.slice(0, 200)}.`,
    };
  }
  let resolved: Resolved;
  try {
    // FileReaderProcessor globs with windowsPathsNoEscape: a `\` of a file target is a path separator there.
    resolved = type === 'url' ? resolveUrlTarget(fromFile, target, context.repoUrl) : filePath(fileTargetToPath(fromFile, target.replaceAll('\\', '/')));
  } catch (error) {
    if (!(error instanceof URIError)) throw error;
    return { kind: 'invalid', reason: `${JSON.stringify(target.slice(0, 200))} is not a valid URL: it holds a malformed %-escape, so Backstage cannot read it.`, hint: 'Write each % as %25, or the character itself.' };
  }
  if ('invalid' in resolved) return { kind: 'invalid', reason: resolved.invalid, ...(resolved.hint ? { hint: resolved.hint } : {}) };
  if ('external' in resolved) return { kind: 'external', url: target };
  if ('outside' in resolved) return { kind: 'invalid', reason: `${JSON.stringify(target.slice(0, 200))} leads outside this repository: a relative target resolves against the repository's URL, so it can reach another branch or repository, whose content nobody reviews here` };
  const { path } = resolved;
  // Only a target that may be a pattern asks which reader reads it: building the app-config's readers loads
  // every reader's client (@azure/identity among them), which a catalog of plain targets never needs.
  const search = type === 'url' && context.repoUrl && /[*?[{(]/.test(path) ? context.urlSearch?.(context.repoUrl) : undefined;
  if (search === 'none' && /[*?]/.test(path)) {
    const unread = matchGlob(context.treeFiles ?? context.repoFiles, path, GLOB_BUDGET_MS, { dot: false }) ?? [];
    return {
      kind: 'invalid',
      reason: `The target pattern '${target.length > 200 ? `${target.slice(0, 199)}…` : target}' cannot be searched: the managed Backstage reads ${new URL(context.repoUrl!).host} with a reader that does not search (no SCM integration in its app-config takes the host, or one whose reader lists no files), and fails the whole Location with "Unable to read url, Unsupported search pattern URL", so it reads none of its targets.`,
      hint: 'List the files one by one, or give the host an integration in the app-config (integrations: github, gitlab, azure, bitbucket…) whose reader searches.',
      ...(unread.length > 0 && { unread }),
    };
  }
  if (!readAsPattern(type, path, context.repoUrl, search)) return { kind: 'files', files: context.repoFileSet.has(path) ? [path] : [], pattern: path };
  const refused = globTooComplex(path);
  if (refused) return { kind: 'invalid', ruleId: 'location-glob-too-complex', reason: `The target pattern '${target}' ${refused}; Backstage's reader (minimatch) would take minutes on a long file name, and so would this check.`, hint: 'Use a plain pattern such as ./services/*.yaml or ./**/catalog-info.yaml.' };
  // Every reader that globs matches as minimatch does by default: `*` and `**` skip dot-named files and
  // folders. GithubUrlReader.cjs.js:179, GitlabUrlReader.cjs.js:191, AzureUrlReader.cjs.js:152,
  // BitbucketCloud/ServerUrlReader, GerritUrlReader: `new Minimatch(path)`; FileReaderProcessor: `glob()`
  // without `dot`.
  const files = matchGlob(context.treeFiles ?? context.repoFiles, path, GLOB_BUDGET_MS, { dot: false });
  if (files === undefined) return { kind: 'invalid', ruleId: 'location-glob-too-complex', reason: `Matching the target pattern '${target}' against the repository's files took longer than ${GLOB_BUDGET_MS / 1000} s.`, hint: 'Use a plainer pattern, or list the files.' };
  return { kind: 'files', files, pattern: path };
}

/**
 * A target of a Location whose `spec.type` differs from the type its own file is read by. Backstage's
 * toAbsoluteUrl (plugin-catalog-backend processing/util) resolves a target against the Location's file only
 * when both types are the same; otherwise it hands the target on as written. So a relative `file` target in
 * a file read by URL is a path on the Backstage server's disk, relative to the backend's working directory
 * (FileReaderProcessor: "file ./x.yaml does not exist"), and a relative `url` target in a file read from
 * disk is no URL at all. Takes the two types and the target; returns the resolution of such a target, or
 * undefined for one Backstage reads the same either way (an absolute URL), left to the usual resolution.
 * Pure.
 */
// The gate takes a root catalog file (every catalog file, without gitops.config.yaml) as read by
// catalog.rootLocationType, `url` unless the config says otherwise; a Backstage that registers the files from
// its own disk (app-config catalog.locations with type: file, as a Backstage app's own repository often does)
// reads them as `file`, and then the Location's type matches. In a Backstage app's repository without a config
// (`fromApp`), the gate already reads a file its app-config.yaml registers by that location's type.
export const ROOT_TYPE_HINT = (type: string, readerType: string, fromApp = false) => fromApp
  ? `The gate reads this file as ${readerType}, the type of the location in app-config.yaml (catalog.locations) that registers it, carried on by the Locations that lead here, as Backstage reads it: if the app should read it with type: ${type}, register it so in app-config.yaml.`
  : `The gate reads this file as ${readerType} (catalog.rootLocationType, url unless gitops.config.yaml says otherwise, or the type of the Location that reads it): if your Backstage registers this repository's catalog with type: ${type} (catalog.locations in its app-config), set catalog.rootLocationType: ${type} in gitops.config.yaml instead.`;

function crossTypeTarget(type: string, readerType: string, target: string, fromApp: boolean): TargetResolution | undefined {
  const shown = JSON.stringify(target.length > 200 ? `${target.slice(0, 199)}…` : target);
  if (type === 'file') {
    if (posix.isAbsolute(target)) return { kind: 'external', url: target };
    return {
      kind: 'invalid',
      reason: `This Location says type: file while its own file is read by ${readerType}: Backstage resolves a relative target against the Location's file only when both types are the same, so it reads each relative target (here ${shown}) from the Backstage server's disk (relative to the backend's working directory), not from this repository. The target is not found there and the Location fails, reading none of its targets.`,
      perLocation: true,
      hint: `Remove spec.type (a Location takes the type its file is read by) or write type: ${readerType}, keeping the relative target. ${ROOT_TYPE_HINT('file', readerType, fromApp)}`,
    };
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  return {
    kind: 'invalid',
    reason: `This Location says type: url while its own file is read by ${readerType}: Backstage resolves a relative target against the Location's file only when both types are the same, so it hands each relative target (here ${shown}) to the URL reader as written, which is no URL. The Location fails, reading none of its targets.`,
    perLocation: true,
    hint: `Remove spec.type (a Location takes the type its file is read by) or write an absolute URL. ${ROOT_TYPE_HINT('url', readerType, fromApp)}`,
  };
}

/**
 * Whether the reader of a `type` target treats `path` as a pattern (and matches it against the tree) or
 * reads that one file. FileReaderProcessor hands every target to node-glob, which expands braces and
 * matches `*`, `?` and `[…]`. Of the URL readers, GithubUrlReader searches when is-glob says the path is a
 * glob (braces and classes count); the GitLab, Bitbucket, Azure and Gerrit readers only when it holds `*` or
 * `?`, and read `{a,b}.yaml` as that very name. `search`: the managed Backstage's own reader of the repo's URL,
 * when its app-config says (a self-hosted GitLab is then read as GitLab reads it). Otherwise the repo's host
 * picks the reader, as Backstage's default ScmIntegrations does; an unknown host is taken as GitHub's (the
 * default layout of the gate's own base URL).
 */
function readAsPattern(type: string, path: string, repoUrl: string | undefined, search?: UrlSearch): boolean {
  if (!/[*?[{(]/.test(path)) return false;
  if (type !== 'url' || /[*?]/.test(path)) return true;
  if (search) return search === 'is-glob' && githubIsGlob()(path);
  const host = repoUrl ? integrations().byUrl(repoUrl)?.type : undefined;
  return host === undefined || host === 'github' ? githubIsGlob()(path) : false;
}

/**
 * Whether Backstage reads the repo path of a `type` location (`url` for every registered one) in the repository at
 * `repoUrl` as a pattern of files (a glob its reader searches) rather than as one file. Without the app-config's
 * integrations: the repo's host picks the reader, as readAsPattern does.
 */
export function readsAsPattern(type: string, path: string, repoUrl: string | undefined): boolean {
  return readAsPattern(type, path, repoUrl);
}

let isGlob: ((path: string) => boolean) | undefined;
/**
 * The is-glob that GithubUrlReader itself requires, resolved from @backstage/backend-defaults (a
 * devDependency: without it, the is-glob npm placed at the top of node_modules).
 */
function githubIsGlob(): (path: string) => boolean {
  if (!isGlob) {
    let from = require;
    try {
      from = createRequire(require.resolve('@backstage/backend-defaults'));
    } catch {
      // Not installed: the hoisted copy.
    }
    isGlob = from('is-glob') as (path: string) => boolean;
  }
  return isGlob;
}

// The repository's URL when the gate is not told it (no repoUrl, no origin): a host that cannot exist
// (.invalid), with the owner/repo/blob/branch layout git-url-parse reads, so that Backstage's resolver finds
// the repository's root in it as it does in a real one.
const LOCAL_BASE = 'https://repository.invalid/local/repo/blob/HEAD/';

/**
 * A relative target made only of characters that URL parsing leaves as they are (no scheme, no leading `/`,
 * no `\\`, `%`, `?`, `#`, whitespace or other characters WHATWG URL parsing trims or encodes differently):
 * for those, defaultScmResolveUrl is exactly `new URL(target, base)` (the base's own query, none here, put
 * back), so the gate resolves them without loading @backstage/integration. Every other target is resolved
 * by Backstage's own function (backstageResolveUrl); a test holds both ways equal on many inputs.
 */
const PLAIN_RELATIVE = /^(?!\/)[\w.\-/*{}[\],@+=~!$&()']+$/;

type Resolved = { path: string } | { outside: true } | { external: true } | { invalid: string; hint?: string };

/** Repo-relative path for a target; `undefined` when it belongs to another repo, `null` when it escapes this one. */
function urlTargetToPath(fromFile: string, target: string, repoUrl?: string): string | null | undefined {
  const resolved = resolveUrlTarget(fromFile, target, repoUrl);
  return 'path' in resolved ? resolved.path : 'external' in resolved ? undefined : null;
}

/**
 * Where Backstage reads a `url` target written in `fromFile`: the catalog's LocationEntityProcessor step
 * (toAbsoluteUrl) resolves it with ScmIntegrations.resolveUrl against the file's URL, which for every git
 * host but Azure and Gerrit is @backstage/integration's defaultScmResolveUrl: an absolute URL as it is, a
 * target starting with `/` put in place of the file's path in the repository through the URL pathname setter
 * (so `/ a.yaml` keeps its space as `%20`, `//x` and `/\x` stay in the repository), anything else resolved as
 * a relative URL, the query replaced by the base's. The reader then fetches the file named by the URL's path
 * inside the repository, percent-decoded, one leading `/` dropped (getGithubFileFetchUrl), no trailing `/`,
 * and refuses a path whose decoded segments hold `.` or `..` (parseGitUrlSafe). Returns that path, or
 * `outside` for a relative target that leaves this repository and branch, `external` for an absolute URL
 * elsewhere, `invalid` when Backstage cannot resolve or read it. Throws URIError on a malformed %-escape.
 */
function resolveUrlTarget(fromFile: string, target: string, repoUrl?: string): Resolved {
  if (repoUrl?.includes('?')) {
    return filePath(queryRepoTargetToPath(fromFile, target, repoUrl));
  }
  const base = repoUrl ?? LOCAL_BASE;
  // Whether Backstage takes `target` as an absolute URL (defaultScmResolveUrl's first test: `new URL(target)`
  // parses); a plain relative target has no `:` and never is.
  // defaultScmResolveUrl gives an absolute URL back as written.
  const plain = PLAIN_RELATIVE.test(target);
  const asWritten = plain ? null : URL.parse(target);
  const absolute = asWritten !== null;
  let resolved: URL;
  try {
    resolved = asWritten ?? (plain ? new URL(target, base + fromFile) : new URL(backstageResolveUrl({ url: target, base: base + fromFile })));
  } catch {
    // toAbsoluteUrl then hands the target on as written, which no URL reader takes.
    return { invalid: `Backstage cannot resolve ${JSON.stringify(target.slice(0, 200))} against this file's URL, so it reads nothing there.` };
  }
  const root = rootOf(base);
  // An absolute URL on another scheme, host or port is another repository's whatever its spelling
  // (toRepoUrlForm respells only on repoUrl's host): told before any respelling, as most url: techdocs-refs are.
  if (absolute && resolved.origin !== root.origin && root.origin !== 'null') {
    return resolved.protocol === 'file:' && !repoUrl ? { outside: true } : { external: true };
  }
  // This repository in other capitals, GitHub's tree form or at HEAD: its reader reads the same file.
  if (repoUrl) {
    const respelled = toRepoUrlForm(resolved.href, repoUrl, { parsed: resolved });
    if (respelled !== resolved.href) resolved = new URL(respelled);
  }
  if (resolved.origin !== root.origin || !resolved.pathname.startsWith(root.pathname)) {
    if (!absolute) return { outside: true };
    return resolved.protocol === 'file:' && !repoUrl ? { outside: true } : { external: true };
  }
  // Query and fragment name no file: the reader fetches the path, as git-url-parse gives it (trailing `/` dropped).
  const path = trimTrailingSlashes(decodeURIComponent(resolved.pathname.slice(root.pathname.length)).replace(/^\//, ''));
  // Only a path that still holds a `%` after one decoding can decode further into a `.` or `..` folder.
  if (path.includes('%') && !backstageParsesGitUrl(resolved.href)) {
    return { invalid: `${JSON.stringify(target.slice(0, 200))} holds a %-encoded . or .. folder; Backstage's readers refuse such a path ("path traversal is not allowed in the URL"), so it reads nothing.`, hint: 'Write the path without . or .. folders.' };
  }
  return { path };
}

// A run has one repoUrl: its parse is kept (every url target and url: techdocs-ref is set against it).
let lastRoot: { base: string; url: URL } | undefined;

/** `new URL(base)`, kept for the last base asked; callers only read it. */
function rootOf(base: string): URL {
  if (lastRoot?.base !== base) lastRoot = { base, url: new URL(base) };
  return lastRoot.url;
}

interface ScmHelpers {
  defaultScmResolveUrl(options: { url: string; base: string }): string;
  parseGitUrlSafe?(url: string): unknown;
}
let scmHelpers: ScmHelpers | undefined;

/**
 * @backstage/integration's helpers module (defaultScmResolveUrl, parseGitUrlSafe) rather than its index:
 * requiring the index builds every integration (about 150 ms of CPU), the helpers module about 13 ms. They
 * are the very functions the index exports (a test holds them identical); when the module is not where this
 * version keeps it, the index's defaultScmResolveUrl (the index does not export parseGitUrlSafe).
 */
function helpers(): ScmHelpers {
  if (scmHelpers) return scmHelpers;
  try {
    scmHelpers = require(join(dirname(require.resolve('@backstage/integration')), 'helpers.cjs.js')) as ScmHelpers;
  } catch {
    scmHelpers = undefined;
  }
  if (typeof scmHelpers?.defaultScmResolveUrl !== 'function') scmHelpers = { defaultScmResolveUrl: (require('@backstage/integration') as typeof import('@backstage/integration')).defaultScmResolveUrl };
  return scmHelpers;
}

/** @backstage/integration's defaultScmResolveUrl: `url` resolved against `base`, as every git integration but Azure's and Gerrit's resolves it. Throws as it does. */
export function backstageResolveUrl(options: { url: string; base: string }): string {
  return helpers().defaultScmResolveUrl(options);
}

/**
 * Whether the readers' parseGitUrlSafe accepts `url`: it decodes the file path again and again and refuses
 * one with a `.` or `..` folder ("path traversal is not allowed in the URL"). True when the helper is not there.
 */
function backstageParsesGitUrl(url: string): boolean {
  const parse = helpers().parseGitUrlSafe;
  if (!parse) return true;
  try {
    parse(url);
    return true;
  } catch {
    return false;
  }
}

/**
 * Azure Repos addresses a file by a `path` query parameter (`…/_git/repo?version=GBmain&path=/x.yaml`),
 * which plain URL resolution drops: Backstage resolves such targets with its Azure integration's
 * `resolveUrl`, so the gate does the same.
 */
function queryRepoTargetToPath(fromFile: string, target: string, repoUrl: string): string | null | undefined {
  let resolved: URL;
  let repo: URL;
  try {
    resolved = new URL(toRepoUrlForm(integrations().resolveUrl({ url: target, base: repoUrl + fromFile }), repoUrl));
    repo = new URL(repoUrl);
  } catch {
    return undefined;
  }
  const path = resolved.searchParams.get('path');
  const elsewhere = resolved.origin + resolved.pathname !== repo.origin + repo.pathname || path === null || (resolved.searchParams.get('version') ?? '') !== (repo.searchParams.get('version') ?? '');
  if (elsewhere) return URL.canParse(target) ? undefined : null;
  const normalized = posix.normalize(path).replace(/^\/+/, '');
  return normalized.startsWith('../') || normalized === '..' ? null : normalized;
}

/**
 * `url` resolved against `base` as catalog-backend's toAbsoluteUrl resolves a Location target: through
 * @backstage/integration's ScmIntegrations.resolveUrl (default integrations, as locationTargets reads them),
 * so the host's own integration decides: Azure Repos puts the file in the `path` query parameter, GitHub
 * writes `tree`, an unknown host gets defaultScmResolveUrl. Takes the url and base; returns the absolute
 * URL; throws as Backstage's does.
 */
export function integrationResolveUrl(options: { url: string; base: string }): string {
  return integrations().resolveUrl(options);
}

let scm: { resolveUrl(options: { url: string; base: string }): string; byUrl(url: string): { type: string } | undefined } | undefined;
function integrations() {
  if (!scm) {
    const { ScmIntegrations } = require('@backstage/integration') as typeof import('@backstage/integration');
    const { ConfigReader } = require('@backstage/config') as typeof import('@backstage/config');
    scm = ScmIntegrations.fromConfig(new ConfigReader({}));
  }
  return scm;
}

function filePath(path: string | null | undefined): Resolved {
  return typeof path === 'string' ? { path } : path === null ? { outside: true } : { external: true };
}

function fileTargetToPath(fromFile: string, target: string): string | null | undefined {
  if (posix.isAbsolute(target)) return undefined;
  // The same path the URL resolution below gives: the reader drops a trailing `/`, so `dir:./` at the root,
  // or `dir:../../` two folders down, is the root itself (`.`), never `./`, which names no file.
  const joined = trimTrailingSlashes(posix.normalize(posix.join(posix.dirname(fromFile), target))) || '.';
  return joined.startsWith('../') || joined === '..' ? null : joined;
}

/** Resolves a path written inside `fromFile` (placeholders, techdocs `dir:`) to a repo-relative path. */
export function resolveRelative(fromFile: string, target: string, repoUrl?: string): string | null | undefined {
  try {
    // A plain relative path (`./openapi.yaml`, `docs`) that stays in the repository is joined to the file's
    // folder, as URL resolution would; anything else (a scheme, a path from the repository's root, characters
    // URL parsing trims or encodes, a climb past the root that may come back in) is resolved as Backstage
    // resolves URLs.
    const joined = PLAIN_RELATIVE.test(target) && !target.includes('//') ? fileTargetToPath(fromFile, target) : null;
    return typeof joined === 'string' ? joined : urlTargetToPath(fromFile, target, repoUrl);
  } catch (error) {
    // A malformed %-escape names nothing that can be read: no file of this repository.
    if (error instanceof URIError) return null;
    throw error;
  }
}

/** Wall-clock budget for matching one Location pattern against every file of the repo. */
export const GLOB_BUDGET_MS = 2000;
const MAX_STARS_PER_SEGMENT = 3;
const MAX_GLOBSTARS = 3;
// minimatch expands braces before matching: {a,b} sixteen times is 65,536 patterns, each tried on every file.
const MAX_BRACE_EXPANSIONS = 64;

function braceExpansions(pattern: string): number {
  let total = 1;
  for (const [, body] of pattern.matchAll(/\{([^{}]*)\}/g)) {
    const range = /^(-?\d+|[a-zA-Z])\.\.(-?\d+|[a-zA-Z])(?:\.\.-?\d+)?$/.exec(body);
    const count = range ? Math.abs((/\d/.test(range[2]) ? Number(range[2]) : range[2].charCodeAt(0)) - (/\d/.test(range[1]) ? Number(range[1]) : range[1].charCodeAt(0))) + 1 : body.split(',').length;
    total *= Math.max(count, 1);
    if (total > MAX_BRACE_EXPANSIONS) return total;
  }
  // Nested groups multiply further than this count shows: refuse them outright.
  return /\{[^}]*\{/.test(pattern) ? MAX_BRACE_EXPANSIONS + 1 : total;
}

/**
 * Why minimatch (the matcher Backstage's URL readers use for Location globs) would backtrack
 * catastrophically on `pattern`, or `undefined` when it is safe: a repeated extglob group (`+(a|aa)`,
 * `*(…)`) is exponential in the file name's length, and each `*` in one path segment multiplies the
 * work by the length (`*a*a*a*a*b` against 200 characters took 63 s), as do many `**` segments and
 * brace groups that expand to thousands of patterns.
 */
export function globTooComplex(pattern: string): string | undefined {
  if (/[+*]\(/.test(pattern)) return 'repeats an extended-glob group (+(…) or *(…))';
  if (braceExpansions(pattern) > MAX_BRACE_EXPANSIONS) return `expands its {…} groups to more than ${MAX_BRACE_EXPANSIONS} patterns`;
  return globBacktracks(pattern);
}

/**
 * Why a glob matcher that compiles a pattern to a regular expression (minimatch, picomatch) would backtrack
 * catastrophically on `pattern`, or `undefined`: a repeated extglob group, many `**` segments, many `*` in
 * one segment (globTooComplex's reasons but the count of its {…} expansions, which each matcher counts its
 * own way). Pure.
 */
export function globBacktracks(pattern: string): string | undefined {
  if (/[+*]\(/.test(pattern)) return 'repeats an extended-glob group (+(…) or *(…))';
  const segments = pattern.split('/');
  if (segments.filter(s => s === '**').length > MAX_GLOBSTARS) return `has more than ${MAX_GLOBSTARS} ** segments`;
  if (segments.some(s => s !== '**' && (s.match(/\*/g) ?? []).length > MAX_STARS_PER_SEGMENT)) return `has more than ${MAX_STARS_PER_SEGMENT} * wildcards in one path segment`;
  return undefined;
}

// One answer per list of files and pattern: a Location's target is often catalog.include's pattern too,
// and both are matched against every file of the repo (10,000 minimatch calls each).
const matches = new WeakMap<readonly string[], Map<string, string[] | undefined>>();

/**
 * The files `pattern` matches (minimatch; dot-named files and folders only with `dot: true`, the default,
 * as the gate's own catalog.include reads; Backstage's readers match Location targets with `dot: false`), in
 * input order; `undefined` when matching takes longer than `budgetMs` (checked between files, so one file's
 * match is bounded by globTooComplex). Asked again with the same `files` array, pattern and options, gives
 * the same answer (the same array: not to be changed) without matching again, so a run never answers one
 * question two ways.
 */
export function matchGlob(files: readonly string[], pattern: string, budgetMs = GLOB_BUDGET_MS, options: { dot: boolean } = { dot: true }): string[] | undefined {
  const known = matches.get(files) ?? matches.set(files, new Map()).get(files)!;
  const question = `${budgetMs}\0${options.dot}\0${pattern}`;
  if (known.has(question)) return known.get(question);
  const answer = matchEach(files, pattern, budgetMs, options.dot);
  known.set(question, answer);
  return answer;
}

function matchEach(files: readonly string[], pattern: string, budgetMs: number, dot: boolean): string[] | undefined {
  const matcher = new Minimatch(pattern, { dot });
  const prefix = literalPrefix(pattern);
  const deadline = Date.now() + budgetMs;
  const matched: string[] = [];
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    // A file outside the pattern's literal folders cannot match: most of a big repo is never handed to minimatch.
    if ((prefix === '' || file.startsWith(prefix)) && matcher.match(file)) matched.push(file);
    if (i % 64 === 63 && Date.now() > deadline) return undefined;
  }
  return matched;
}

// A segment minimatch compares as plain text: none of its glob, brace, extglob, negation or escape characters.
const PLAIN_SEGMENT = /^[^*?[\]{}()!+@\\]+$/;

/**
 * The folders at the start of `pattern` that hold no glob syntax, with a trailing `/` ("catalog/entities/"
 * for "catalog/entities/*.yaml"; "" when the first segment is a glob): minimatch compares such segments
 * exactly, so every path it matches starts with them.
 */
function literalPrefix(pattern: string): string {
  const segments = pattern.split('/');
  let prefix = '';
  for (let i = 0; i < segments.length - 1 && PLAIN_SEGMENT.test(segments[i]) && segments[i] !== '.' && segments[i] !== '..'; i++) prefix += `${segments[i]}/`;
  return prefix;
}
