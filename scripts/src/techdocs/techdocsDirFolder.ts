import { entityModelCore } from '../backstage.ts';
import { integrationResolveUrl, resolveRelative } from '../catalog/locationTargets.ts';

/** The annotation TechDocs resolves a `dir:` techdocs-ref against before the entity's own file. */
export const SOURCE_LOCATION = 'backstage.io/source-location';

/**
 * The folder of this repository TechDocs builds a `dir:` techdocs-ref from (`dirTarget`: what follows `dir:`),
 * as techdocs-node's transformDirLocation finds it: resolved against getEntitySourceLocation, which takes the
 * entity's own backstage.io/source-location before the file it was read from (a central catalog lists each
 * service with `source-location: url:<its repository>` and `techdocs-ref: dir:.`; the docs live there).
 * Returns the repo-relative folder ('.' or '' for the root), `null` for a relative target that climbs out of
 * the repository from the file, and `undefined` when the folder is not in this repository (another repository
 * or host, a `file:` path on the Backstage host, a source-location that is no location ref, which
 * annotation-location-ref reports): nothing here to read or build.
 */
export function techdocsDirFolder(file: string, dirTarget: string, annotations: Readonly<Record<string, unknown>>, repoUrl?: string): string | null | undefined {
  const target = dirTarget || '.';
  const written = annotations[SOURCE_LOCATION];
  if (typeof written !== 'string') return resolveRelative(file, target, repoUrl);
  let ref: { type: string; target: string };
  try {
    ref = entityModelCore().parseLocationRef(written);
  } catch {
    return undefined;
  }
  if (ref.type !== 'url') return undefined;
  let absolute: string;
  try {
    absolute = integrationResolveUrl({ url: target, base: ref.target });
  } catch {
    return undefined;
  }
  // GitHub's and GitLab's resolveUrl name a folder with tree/, repoUrl a file with blob/: one repository and ref.
  for (const url of [absolute, absolute.replace(/\/(-\/)?tree\//, '/$1blob/')]) {
    const folder = resolveRelative(file, url, repoUrl);
    if (typeof folder === 'string') return folder;
  }
  return undefined;
}
