import { posix } from 'node:path';
import { Minimatch } from 'minimatch';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type TargetResolution =
  | { kind: 'files'; files: string[]; pattern: string }
  | { kind: 'external'; url: string }
  | { kind: 'invalid'; reason: string };

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
  const path = type === 'url' ? urlTargetToPath(fromFile, target, context.repoUrl) : fileTargetToPath(fromFile, target);
  if (path === undefined) return { kind: 'external', url: target };
  if (path === null) return { kind: 'invalid', reason: `'${target}' is outside this repository` };
  const files = /[*?[{]/.test(path)
    ? matchGlob(context.repoFiles, path)
    : context.repoFileSet.has(path) ? [path] : [];
  return { kind: 'files', files, pattern: path };
}

/** Repo-relative path for a target; `undefined` when it belongs to another repo, `null` when it escapes this one. */
function urlTargetToPath(fromFile: string, target: string, repoUrl?: string): string | null | undefined {
  if (repoUrl?.includes('?')) return queryRepoTargetToPath(fromFile, target, repoUrl);
  const base = repoUrl ?? LOCAL_BASE;
  let resolved: URL;
  try {
    resolved = new URL(target, base + fromFile);
  } catch {
    return undefined;
  }
  const href = decodeURI(resolved.href);
  if (href.startsWith(base)) return href.slice(base.length);
  if (resolved.protocol === 'file:' && !repoUrl) return null;
  return undefined;
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
  if (resolved.origin + resolved.pathname !== repo.origin + repo.pathname || path === null) return undefined;
  if ((resolved.searchParams.get('version') ?? '') !== (repo.searchParams.get('version') ?? '')) return undefined;
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
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return urlTargetToPath(fromFile, target, repoUrl);
  return fileTargetToPath(fromFile, target);
}

export function matchGlob(files: readonly string[], pattern: string): string[] {
  const matcher = new Minimatch(pattern, { dot: true });
  return files.filter(file => matcher.match(file));
}
