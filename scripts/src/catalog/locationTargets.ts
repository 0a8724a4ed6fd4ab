import { posix } from 'node:path';
import { Minimatch } from 'minimatch';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type TargetResolution =
  | { kind: 'files'; files: string[]; pattern: string }
  | { kind: 'external'; url: string }
  | { kind: 'invalid'; reason: string; ruleId?: string; hint?: string };

export interface TargetContext {
  repoUrl?: string;
  /** Sorted repo-relative paths. */
  repoFiles: readonly string[];
  repoFileSet: ReadonlySet<string>;
}

const LOCAL_BASE = 'file:///__repo__/';

/**
 * Where a Location target leads, the way Backstage resolves it: relative to the Location's own file
 * (`url` targets as URLs, `file` targets as paths), with globs matched against the repo's files.
 */
export function resolveTarget(fromFile: string, type: string, target: string, context: TargetContext): TargetResolution {
  if (type === 'file' && target.endsWith('/')) {
    return { kind: 'invalid', reason: `A file location target must name files, not a folder ending in '/': ${target}` };
  }
  let path: string | null | undefined;
  try {
    path = type === 'url' ? urlTargetToPath(fromFile, target, context.repoUrl) : fileTargetToPath(fromFile, target);
  } catch (error) {
    if (!(error instanceof URIError)) throw error;
    return { kind: 'invalid', reason: `${JSON.stringify(target.slice(0, 200))} is not a valid URL: it holds a malformed %-escape, so Backstage cannot read it.`, hint: 'Write each % as %25, or the character itself.' };
  }
  if (path === undefined) return { kind: 'external', url: target };
  if (path === null) return { kind: 'invalid', reason: `${JSON.stringify(target.slice(0, 200))} leads outside this repository: a relative target resolves against the repository's URL, so it can reach another branch or repository, whose content nobody reviews here` };
  if (!/[*?[{]/.test(path)) return { kind: 'files', files: context.repoFileSet.has(path) ? [path] : [], pattern: path };
  const refused = globTooComplex(path);
  if (refused) return { kind: 'invalid', ruleId: 'location-glob-too-complex', reason: `The target pattern '${target}' ${refused}; Backstage's reader (minimatch) would take minutes on a long file name, and so would this check.`, hint: 'Use a plain pattern such as ./services/*.yaml or ./**/catalog-info.yaml.' };
  const files = matchGlob(context.repoFiles, path);
  if (files === undefined) return { kind: 'invalid', ruleId: 'location-glob-too-complex', reason: `Matching the target pattern '${target}' against the repository's files took longer than ${GLOB_BUDGET_MS / 1000} s.`, hint: 'Use a plainer pattern, or list the files.' };
  return { kind: 'files', files, pattern: path };
}

/** Repo-relative path for a target; `undefined` when it belongs to another repo, `null` when it escapes this one. */
function urlTargetToPath(fromFile: string, target: string, repoUrl?: string): string | null | undefined {
  if (repoUrl?.includes('?')) return queryRepoTargetToPath(fromFile, target, repoUrl);
  const base = repoUrl ?? LOCAL_BASE;
  // Backstage's resolveUrl (defaultScmResolveUrl, behind every git host's integration) reads a target that
  // starts with one `/` from the root of the Location's own repository and branch, not from the host's root.
  const fromRoot = target.startsWith('/') && !target.startsWith('//');
  let resolved: URL;
  try {
    resolved = fromRoot ? new URL(target.slice(1), base) : new URL(target, base + fromFile);
  } catch {
    return undefined;
  }
  const href = decodeURI(resolved.href);
  if (href.startsWith(base)) return href.slice(base.length);
  if (resolved.protocol === 'file:' && !repoUrl) return null;
  // A relative target that climbs out of the repo URL leads to another branch or repository (Backstage's
  // resolveUrl keeps going up the URL): content nobody reviews here, so never a mere external target.
  if (isRelativeTarget(target)) return null;
  return undefined;
}

/** Whether a Location target is written relative to its file (no scheme, not `//host`): `./x.yaml`, `../y`, `z/*.yaml`. */
function isRelativeTarget(target: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('//');
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
    resolved = new URL(integrations().resolveUrl({ url: target, base: repoUrl + fromFile }));
    repo = new URL(repoUrl);
  } catch {
    return undefined;
  }
  const path = resolved.searchParams.get('path');
  const elsewhere = resolved.origin + resolved.pathname !== repo.origin + repo.pathname || path === null || (resolved.searchParams.get('version') ?? '') !== (repo.searchParams.get('version') ?? '');
  if (elsewhere) return isRelativeTarget(target) ? null : undefined;
  const normalized = posix.normalize(path).replace(/^\/+/, '');
  return normalized.startsWith('../') || normalized === '..' ? null : normalized;
}

let scm: { resolveUrl(options: { url: string; base: string }): string } | undefined;
function integrations() {
  if (!scm) {
    const { ScmIntegrations } = require('@backstage/integration') as typeof import('@backstage/integration');
    const { ConfigReader } = require('@backstage/config') as typeof import('@backstage/config');
    scm = ScmIntegrations.fromConfig(new ConfigReader({}));
  }
  return scm;
}

function fileTargetToPath(fromFile: string, target: string): string | null | undefined {
  if (posix.isAbsolute(target)) return undefined;
  const joined = posix.normalize(posix.join(posix.dirname(fromFile), target));
  return joined.startsWith('../') || joined === '..' ? null : joined;
}

/** Resolves a path written inside `fromFile` (placeholders, techdocs `dir:`) to a repo-relative path. */
export function resolveRelative(fromFile: string, target: string, repoUrl?: string): string | null | undefined {
  try {
    // A scheme, or a path from the repository's root (`/catalog/x.yaml`): resolved as Backstage resolves URLs.
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || (target.startsWith('/') && !target.startsWith('//'))) return urlTargetToPath(fromFile, target, repoUrl);
    return fileTargetToPath(fromFile, target);
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
  const segments = pattern.split('/');
  if (segments.filter(s => s === '**').length > MAX_GLOBSTARS) return `has more than ${MAX_GLOBSTARS} ** segments`;
  if (segments.some(s => s !== '**' && (s.match(/\*/g) ?? []).length > MAX_STARS_PER_SEGMENT)) return `has more than ${MAX_STARS_PER_SEGMENT} * wildcards in one path segment`;
  return undefined;
}

// One answer per list of files and pattern: a Location's target is often catalog.include's pattern too,
// and both are matched against every file of the repo (10,000 minimatch calls each).
const matches = new WeakMap<readonly string[], Map<string, string[] | undefined>>();

/**
 * The files `pattern` matches (minimatch, dotfiles included), in input order; `undefined` when matching
 * takes longer than `budgetMs` (checked between files, so one file's match is bounded by globTooComplex).
 * Asked again with the same `files` array and pattern, gives the same answer (the same array: not to be
 * changed) without matching again, so a run never answers one question two ways.
 */
export function matchGlob(files: readonly string[], pattern: string, budgetMs = GLOB_BUDGET_MS): string[] | undefined {
  const known = matches.get(files) ?? matches.set(files, new Map()).get(files)!;
  const question = `${budgetMs}\0${pattern}`;
  if (known.has(question)) return known.get(question);
  const answer = matchEach(files, pattern, budgetMs);
  known.set(question, answer);
  return answer;
}

function matchEach(files: readonly string[], pattern: string, budgetMs: number): string[] | undefined {
  const matcher = new Minimatch(pattern, { dot: true });
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
