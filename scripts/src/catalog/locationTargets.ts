import { posix } from 'node:path';
import { Minimatch } from 'minimatch';

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
