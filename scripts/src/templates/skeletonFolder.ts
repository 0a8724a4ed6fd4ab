import { posix } from 'node:path';

/**
 * The repo-relative folder a fetch step's `url` names, resolved against the template file; undefined
 * for an absolute URL or one built from expressions, which only the running scaffolder can resolve.
 */
export function skeletonFolder(templateFile: string, url: unknown): string | undefined {
  if (typeof url !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(url) || url.includes('${{')) return undefined;
  return posix.normalize(posix.join(posix.dirname(templateFile), url)).replace(/\/+$/, '');
}
