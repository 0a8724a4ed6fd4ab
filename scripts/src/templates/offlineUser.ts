import { createRequire } from 'node:module';
import type { KnownEntity } from './catalogFetch.ts';

const require = createRequire(import.meta.url);

/** The user a render runs as when none is given: a signed-in user the catalog does not hold. */
export const DEFAULT_USER_REF = 'user:default/template-tester';

/**
 * The task's `user` as the scaffolder's router builds it: the initiator's ref and `entity`, the catalog's
 * entity for that ref (`catalog.getEntityByRef`), which `${{ user.entity.metadata.name }}` reads. Offline the
 * catalog is the repository's own (`entities`): a ref it holds gets that entity (namespace defaulted), one it
 * lacks none, as Backstage gives none for a user the catalog lacks. An entity given with the ref is kept.
 * Takes the given user (or none: DEFAULT_USER_REF) and the repository's entities; returns { ref, entity? }.
 */
export function offlineUser(given: { ref: string; entity?: object } | undefined, entities: readonly KnownEntity[] = []): { ref: string; entity?: object } {
  const ref = given?.ref ?? DEFAULT_USER_REF;
  if (given?.entity) return { ref, entity: given.entity };
  const { parseEntityRef, stringifyEntityRef } = require('@backstage/catalog-model') as typeof import('@backstage/catalog-model');
  let wanted: string;
  try {
    // getEntityByRef parses a string ref without defaults: the ref must name kind and name.
    wanted = stringifyEntityRef(parseEntityRef(ref)).toLocaleLowerCase('en-US');
  } catch {
    return { ref };
  }
  for (const entity of entities) {
    const meta = entity.metadata as { name?: unknown; namespace?: unknown } | undefined;
    if (typeof entity.kind !== 'string' || typeof meta?.name !== 'string') continue;
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : 'default';
    if (stringifyEntityRef({ kind: entity.kind, namespace, name: meta.name }).toLocaleLowerCase('en-US') === wanted) {
      return { ref, entity: structuredClone({ ...entity, metadata: { ...(entity.metadata as object), namespace } }) };
    }
  }
  return { ref };
}
