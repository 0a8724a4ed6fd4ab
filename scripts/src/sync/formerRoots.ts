import { readsAsPattern, resolveRelative } from '../catalog/locationTargets.ts';
import type { CatalogApi, RemoteEntity, RemoteLocation } from './catalogApi.ts';
import { HttpError } from './retry.ts';

const ORIGIN = 'backstage.io/managed-by-origin-location';

/** Where Backstage still holds entities through a location of this repo that is no longer one of its roots. */
export interface FormerRoots {
  /** `<type>:<target>` of each such location, sorted. */
  origins: string[];
  /** The registered ones (GET /locations), to unregister; an origin without one was unregistered already (its entities are orphans). */
  locations: RemoteLocation[];
  /** Every entity Backstage holds through them, the `generated-…` Location entities of registered locations aside. */
  entities: RemoteEntity[];
}

/**
 * The repo file a `url:` origin names (resolved against `repoUrl` as Backstage's reader resolves it), or
 * undefined when it names no file of this repo.
 */
export function repoFileOf(origin: string, repoUrl: string): string | undefined {
  if (!origin.startsWith('url:')) return undefined;
  return resolveRelative('', origin.slice(4), repoUrl) ?? undefined;
}

/**
 * This repo's former roots: locations Backstage reads from a file of this repo that is not one of
 * `catalog.roots` any more (a root renamed, moved, split or dropped in a merge), registered (GET
 * /locations) or already unregistered with their entities left as orphans (a run interrupted after
 * the hand-over). Sync owned only its current roots, so such a location kept its entities forever:
 * after a root was renamed every entity was refused as "held by a location this repo does not own"
 * (the new root's copies are conflicts Backstage ignores), and after a root was dropped its entities
 * stayed in Backstage while sync said it matched the repo. A location counts as a former root only when
 * the repo no longer holds its file. One whose file the repo still holds is another registration of it
 * (another team's in a monorepo), whether the catalog loads that file or not: loading it is one more
 * target in a pull request's own Location, which made sync unregister the team's location and take its
 * entities over, owner unchecked. Its entities are held elsewhere like any other registration's, taken over
 * only through adoptFrom (a root kept as a child Location too). A location Backstage reads as a pattern of
 * files is left alone: no root ever is one.
 */
export async function formerRoots(api: CatalogApi, repoUrl: string, currentOrigins: readonly string[], isRepoFile: (path: string) => boolean, log: (line: string) => void): Promise<FormerRoots> {
  const former = (origin: string) => {
    if (currentOrigins.includes(origin)) return false;
    const file = repoFileOf(origin, repoUrl);
    // A root is one file. A location Backstage reads as a pattern (another team's services/*/catalog-info.yaml
    // in a monorepo) was never a root, and names no file the repo could hold: taken for a removed root, its
    // location was unregistered and its entities deleted on every sync.
    if (file === undefined || readsAsPattern('url', file, repoUrl)) return false;
    return !isRepoFile(file);
  };
  // A token the permission framework does not let list locations (or a catalog without the endpoint)
  // still syncs the current roots; the log says what it could not see.
  const listed = await api.locations().catch(error => {
    if (!(error instanceof HttpError) || ![401, 403, 404].includes(error.status)) throw error;
    log(`GET /api/catalog/locations answered ${error.status}: a root renamed or dropped since the last sync is not seen; give the sync token catalog.location.read`);
    return [];
  });
  const locations = listed.filter(l => former(`${l.type}:${l.target}`));
  const orphans = (await api.entitiesWhere('metadata.annotations.backstage.io/orphan=true')).filter(e => former(e.metadata.annotations?.[ORIGIN] ?? ''));
  const registered = locations.map(l => `${l.type}:${l.target}`);
  const fromRegistered = (await api.entitiesFromOrigins(registered)).filter(e => !(e.kind === 'Location' && e.metadata.name.startsWith('generated-')));
  const seen = new Set(fromRegistered.map(e => e.metadata.uid));
  const entities = [...fromRegistered, ...orphans.filter(e => !seen.has(e.metadata.uid))];
  const origins = [...new Set([...registered, ...entities.map(e => e.metadata.annotations![ORIGIN])])].sort();
  return { origins, locations, entities };
}
