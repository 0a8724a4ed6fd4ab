import { entityModelCore } from '../backstage.ts';
import { boundedText, redactUrl } from '../report/safeText.ts';

const ORIGIN = 'backstage.io/managed-by-origin-location';

/** The owner of the copy Backstage holds and of the repo's copy, as lower-case refs (undefined: none, or unparsable). */
export interface Owners {
  live: string | undefined;
  repo: string | undefined;
}

/**
 * Who holds an entity the repo defines, from the copy Backstage has: `own` when it came through one of
 * this repo's root locations (`ownOrigins`, `<type>:<target>`), `adopt` when through a location listed
 * for adoption (gitops.config.yaml `catalog.adoptFrom`, or `sync --adopt-from`), otherwise `held`: another
 * location owns it, and Backstage keeps it there (catalog-backend ignores a second location's copy as a
 * conflict), so taking it would mean unregistering that location. `holder` is the origin as Backstage
 * wrote it (`unknown location` when the annotation is missing), credentials removed and cut to 200
 * characters: it comes from the server, so callers still escape it for their output.
 * `annotations` are the held copy's `metadata.annotations`.
 *
 * With `owners`, a location listed for adoption hands an entity over only under the owner it has there:
 * adoptFrom names whole locations (import lists every location an imported entity came through, also
 * when it imported one team's entities with --owner), so without this any team's pull request could name
 * another team's entity that such a location still holds, with itself as owner, and sync would take it
 * (the location unregistered, the team's copy deleted) with no review by the team that owns it. Another
 * owner is `held`, with `owner` the live copy's.
 */
export function holderOf(annotations: Readonly<Record<string, string>> | undefined, ownOrigins: readonly string[], adoptFrom: readonly string[], owners?: Owners): { kind: 'own' } | { kind: 'adopt'; origin: string } | { kind: 'held'; holder: string; owner?: string } {
  const origin = annotations?.[ORIGIN];
  if (origin && ownOrigins.includes(origin)) return { kind: 'own' };
  if (origin && adoptFrom.includes(origin)) {
    if (!owners || owners.live === owners.repo) return { kind: 'adopt', origin };
    return { kind: 'held', holder: boundedText(redactUrl(origin)), owner: owners.live ?? 'no owner' };
  }
  return { kind: 'held', holder: origin ? boundedText(redactUrl(origin)) : 'an unknown location (no managed-by-origin-location)' };
}

/**
 * An entity's `spec.owner` as Backstage reads it (catalog-model's parseEntityRef with the field's default
 * kind, group, in the entity's namespace), lower-cased `kind:namespace/name`; undefined when it has no
 * string owner or the owner does not parse. Takes an entity as the catalog API returns it or as written.
 */
export function ownerRefOf(entity: { metadata?: unknown; spec?: unknown }): string | undefined {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string') return undefined;
  const namespace = (entity.metadata as { namespace?: unknown } | undefined)?.namespace;
  try {
    const ref = entityModelCore().parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: typeof namespace === 'string' && namespace ? namespace : 'default' });
    return `${ref.kind}:${ref.namespace}/${ref.name}`.toLowerCase();
  } catch {
    return undefined;
  }
}

/** `<type>:<target>` of each root location the repo registers, as Backstage writes managed-by-origin-location. */
export function rootOrigins(repoUrl: string, roots: readonly string[], type: string): string[] {
  return roots.map(root => `${type}:${repoUrl}${root}`);
}
