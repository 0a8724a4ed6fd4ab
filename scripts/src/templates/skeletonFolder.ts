import { posix } from 'node:path';

/**
 * The repo-relative folder a fetch step's `url` names, resolved against the template file; undefined
 * for an absolute URL or one built from expressions, which only the running scaffolder can resolve.
 */
export function skeletonFolder(templateFile: string, url: unknown): string | undefined {
  if (typeof url !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(url) || url.includes('${{')) return undefined;
  return posix.normalize(posix.join(posix.dirname(templateFile), url)).replace(/\/+$/, '');
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
