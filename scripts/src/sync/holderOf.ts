import { boundedText, redactUrl } from '../report/safeText.ts';

const ORIGIN = 'backstage.io/managed-by-origin-location';

/**
 * Who holds an entity the repo defines, from the copy Backstage has: `own` when it came through one of
 * this repo's root locations (`ownOrigins`, `<type>:<target>`), `adopt` when through a location listed
 * for adoption (gitops.config.yaml `catalog.adoptFrom`, or `sync --adopt-from`), otherwise `held`: another
 * location owns it, and Backstage keeps it there (catalog-backend ignores a second location's copy as a
 * conflict), so taking it would mean unregistering that location. `holder` is the origin as Backstage
 * wrote it (`unknown location` when the annotation is missing), credentials removed and cut to 200
 * characters: it comes from the server, so callers still escape it for their output.
 * `annotations` are the held copy's `metadata.annotations`.
 */
export function holderOf(annotations: Readonly<Record<string, string>> | undefined, ownOrigins: readonly string[], adoptFrom: readonly string[]): { kind: 'own' } | { kind: 'adopt'; origin: string } | { kind: 'held'; holder: string } {
  const origin = annotations?.[ORIGIN];
  if (origin && ownOrigins.includes(origin)) return { kind: 'own' };
  if (origin && adoptFrom.includes(origin)) return { kind: 'adopt', origin };
  return { kind: 'held', holder: origin ? boundedText(redactUrl(origin)) : 'an unknown location (no managed-by-origin-location)' };
}

/** `<type>:<target>` of each root location the repo registers, as Backstage writes managed-by-origin-location. */
export function rootOrigins(repoUrl: string, roots: readonly string[], type: string): string[] {
  return roots.map(root => `${type}:${repoUrl}${root}`);
}
