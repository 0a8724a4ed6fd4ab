import { createRequire } from 'node:module';
import { builtinActionFactory } from './offlineScaffolder.ts';

const require = createRequire(import.meta.url);

/** An entity of the repository's own catalog, as the catalog gate loaded it (placeholders substituted). */
export type KnownEntity = Record<string, unknown>;

type Ctx = { input: Record<string, unknown>; output(name: string, value: unknown): void; getInitiatorCredentials?: () => Promise<unknown> };

/**
 * Answers catalog:fetch from the repository's own catalog with scaffolder-backend's own catalog:fetch
 * handler (its ref parsing with defaultKind/defaultNamespace, its outputs), when every ref the step asks
 * for is an entity of that catalog. The dry-run asks the live catalog, which holds these entities (the repo
 * is what the managed Backstage ingests); an example entity would leave every field a template reads empty.
 * With `optional: true` a ref this catalog lacks is answered as the handler answers for an entity the live
 * catalog lacks (entity null, a null in entities): such a step mostly asks whether the entity the template
 * is about to create exists yet, and the dry-run's example ("<unknown>") would take the "it exists" branch
 * of every `if:` that reads it. Those refs are returned (as written) so the caller can say so.
 * Returns false, having done nothing, when a ref is unparsable, or missing without `optional: true`: the
 * caller then answers as a dry-run answers for a skipped step. Otherwise returns the refs answered as absent
 * (none when every ref is in the catalog). Entities are the catalog as written (namespace defaulted), not as
 * processed (no uid, etag, relations or managed-by annotations).
 */
export async function fetchFromRepoCatalog(ctx: Ctx, entities: readonly KnownEntity[]): Promise<false | { absent: string[] }> {
  const { parseEntityRef, stringifyEntityRef } = require('@backstage/catalog-model') as typeof import('@backstage/catalog-model');
  const byRef = new Map<string, KnownEntity>();
  for (const entity of entities) {
    const meta = entity.metadata as { name?: unknown; namespace?: unknown } | undefined;
    if (typeof entity.kind !== 'string' || typeof meta?.name !== 'string') continue;
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : 'default';
    const ref = stringifyEntityRef({ kind: entity.kind, namespace, name: meta.name }).toLocaleLowerCase('en-US');
    if (!byRef.has(ref)) byRef.set(ref, { ...entity, metadata: { ...(entity.metadata as object), namespace } });
  }
  const { entityRef, entityRefs, defaultKind, defaultNamespace, optional } = ctx.input;
  const asked = [entityRef, ...(Array.isArray(entityRefs) ? entityRefs : [])].filter(r => r !== undefined);
  if (!asked.length) return false;
  const lookup = (ref: string) => byRef.get(ref.toLocaleLowerCase('en-US'));
  const absent: string[] = [];
  for (const ref of asked) {
    if (typeof ref !== 'string') return false;
    try {
      if (!lookup(stringifyEntityRef(parseEntityRef(ref, { defaultKind: defaultKind as string | undefined, defaultNamespace: defaultNamespace as string | undefined })))) {
        // The handler's own test (`!entity && !optional` throws): any truthy optional lets it be absent.
        if (!optional) return false;
        absent.push(ref);
      }
    } catch {
      return false;
    }
  }
  const catalog = {
    getEntityByRef: async (ref: string) => structuredClone(lookup(ref)),
    getEntitiesByRefs: async ({ entityRefs: refs }: { entityRefs: string[] }) => ({ items: refs.map(ref => structuredClone(lookup(ref))) }),
  };
  const action = builtinActionFactory('createFetchCatalogEntityAction')({ catalog });
  await action.handler({ ...ctx, getInitiatorCredentials: ctx.getInitiatorCredentials ?? (async () => ({})) });
  return { absent };
}
