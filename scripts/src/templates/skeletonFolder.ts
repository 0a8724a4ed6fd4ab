import { posix } from 'node:path';

/**
 * The repo-relative folder a fetch step's `url` names, as Backstage resolves it against the template's
 * location (@backstage/integration's defaultScmResolveUrl): a relative url against the template file's
 * folder, and one that starts with a single `/` against the repository's root (`url: /skeletons/x` is
 * `skeletons/x`, not `templates/<name>/skeletons/x`). Undefined for an absolute URL, a protocol-relative
 * `//host/…` (another host) or one built from expressions, which only the running scaffolder can resolve.
 */
export function skeletonFolder(templateFile: string, url: unknown): string | undefined {
  if (typeof url !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(url) || url.includes('${{') || url.startsWith('//')) return undefined;
  const joined = url.startsWith('/') ? url.slice(1) || '.' : posix.join(posix.dirname(templateFile), url);
  return posix.normalize(joined).replace(/\/+$/, '');
}

/**
 * Whether the repo file `file` lies in the repo folder `folder` as skeletonFolder gives it: `.` (a template
 * at the repo root whose url is `./`) holds every repo file, since fetch:template then copies the whole
 * repository, as Backstage's dry-run does.
 */
export function inSkeletonFolder(file: string, folder: string): boolean {
  return folder === '.' || file.startsWith(`${folder}/`);
}

/** A skeleton file's repo path from its path inside `folder` (skeletonFolder's form, `.` for the root). */
export function skeletonFilePath(folder: string, relative: string): string {
  return folder === '.' ? relative : `${folder}/${relative}`;
}
