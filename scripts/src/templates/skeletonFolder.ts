import { resolveRelative } from '../catalog/locationTargets.ts';

/**
 * The repo-relative folder (or file) a fetch step's `url` names, as Backstage resolves it against the
 * template's location: fetchContents resolves a relative url with the integration's resolveUrl
 * (@backstage/integration's defaultScmResolveUrl), as a URL, so `%2e%2e` is `..`, a backslash is a slash,
 * one that starts with `/` (`//x` and `/\x` too) is put under the repository's root, and a relative one
 * against the template file's folder. resolveRelative does exactly that (Backstage's own function for
 * anything but a plain relative path). `.` for the repository's root; `..` for a url that leaves this
 * repository (a climb past its root, `\\host\x`, `\owner\repo`) or that Backstage cannot read, so the
 * checks say no such skeleton exists here. Undefined for an absolute URL or one built from expressions,
 * which only the running scaffolder can resolve.
 */
export function skeletonFolder(templateFile: string, url: unknown): string | undefined {
  if (typeof url !== 'string' || url.includes('${{')) return undefined;
  const path = resolveRelative(templateFile, url);
  if (path === undefined) return undefined;
  if (path === null) return '..';
  return path.replace(/\/+$/, '') || '.';
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
