import type { Diagnostic } from '../diagnostic.ts';
import type { LiveCopy } from './liveCatalog.ts';
import { holderOf, ownerRefOf } from '../sync/holderOf.ts';
import { type CatalogEntity, diagnosticAt } from './catalogEntity.ts';

/**
 * `entity-held-elsewhere`: the repo's entities that the live catalog already holds from a registered
 * location this repo neither owns (`ownOrigins`: its root locations, `<type>:<target>`) nor lists for
 * adoption (`adoptFrom`, gitops.config.yaml catalog.adoptFrom). Backstage keeps an entity with the
 * location that emitted it first and ignores another location's copy (catalog-backend's location key
 * conflict), and `sync` refuses to take it; so before merge it is an error on the entity's name, naming
 * the holding location (bounded, credentials removed). `live` maps a ref to the held copy's
 * `metadata.annotations` (fetchLiveAnnotations); refs it lacks are not in Backstage yet.
 */
export function checkHeldElsewhere(entities: readonly CatalogEntity[], live: ReadonlyMap<string, LiveCopy>, ownOrigins: readonly string[], adoptFrom: readonly string[]): Diagnostic[] {
  const findings: Diagnostic[] = [];
  for (const entity of entities) {
    const copy = entity.ref ? live.get(entity.ref) : undefined;
    if (!copy) continue;
    // A location listed for adoption hands an entity over only under the owner it has there (holderOf).
    const holder = holderOf(copy.annotations, ownOrigins, adoptFrom, { live: copy.owner, repo: ownerRefOf(entity.entity) });
    if (holder.kind !== 'held') continue;
    if (holder.owner !== undefined) {
      findings.push(diagnosticAt(entity, ['metadata', 'name'], {
        ruleId: 'entity-held-elsewhere',
        severity: 'error',
        message: `${entity.ref} is in the live catalog from the location ${holder.holder}, listed for adoption, owned there by ${holder.owner}; this copy names another owner, so sync will not take it over.`,
        hint: 'Adopt the entity with the owner it has (as import writes it), then change its owner in a pull request of its own; or pick another name.',
      }));
      continue;
    }
    findings.push(diagnosticAt(entity, ['metadata', 'name'], {
      ruleId: 'entity-held-elsewhere',
      severity: 'error',
      message: `${entity.ref} is already in the live catalog from the location ${holder.holder}, which this repo does not own. Backstage keeps it there and ignores this copy, and sync refuses to take it over.`,
      hint: 'Pick another name, or have the team that owns that location hand the entity over: the platform team then lists the location under catalog.adoptFrom in gitops.config.yaml, and sync replaces it.',
    }));
  }
  return findings;
}
