import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { diagnosticAt } from '../catalog/catalogEntity.ts';
import type { Diagnostic } from '../diagnostic.ts';

/**
 * The finding for an entity another location holds: on the entity's own name, naming the holder. With
 * `loadedFile` (the file of this repository the holder registers, which the repo's catalog loads though it is
 * not one of catalog.roots: a root kept as a child Location, or another team's registration), the message
 * says so and the hint names the catalog.adoptFrom entry that moves its entities.
 */
export function heldElsewhere({ desired, holder, owner }: { desired: CatalogEntity; holder: string; owner?: string }, loadedFile?: string): Diagnostic {
  if (owner !== undefined) {
    return diagnosticAt(desired, ['metadata', 'name'], {
      ruleId: 'sync-entity-held-elsewhere',
      severity: 'error',
      message: `${desired.ref} is in Backstage from the location ${holder}, listed for adoption, owned there by ${owner}; this repo's copy names another owner, so sync did not take it (nothing of that location was changed).`,
      hint: 'Adopt the entity with the owner it has (as import writes it), then change its owner in a pull request of its own; or rename this one.',
    });
  }
  if (loadedFile !== undefined) {
    return diagnosticAt(desired, ['metadata', 'name'], {
      ruleId: 'sync-entity-held-elsewhere',
      severity: 'error',
      message: `${desired.ref} is already in Backstage from the location ${holder}, which registers ${loadedFile}: a file of this repository that its catalog loads but that is not one of catalog.roots (a former root kept as a child Location, or another team's registration of that file). Sync does not take such a location over by itself, since a pull request adding a target would then hand another team's registration to this repo; it left it there and did not add this copy.`,
      hint: `If ${loadedFile} was one of this repo's roots, list the location under catalog.adoptFrom in gitops.config.yaml (- ${holder}) or pass it to sync --adopt-from: sync then unregisters it and moves its entities to the current roots. If another team registered it, that team hands it over the same way.`,
    });
  }
  return diagnosticAt(desired, ['metadata', 'name'], {
    ruleId: 'sync-entity-held-elsewhere',
    severity: 'error',
    message: `${desired.ref} is already in Backstage from the location ${holder}, which this repo does not own or cannot take over; sync left it there and did not add this copy (nothing of that location was changed).`,
    hint: 'Rename the entity, or have the team that owns that location hand it over: the platform team lists the location under catalog.adoptFrom in gitops.config.yaml (or runs sync --adopt-from), and sync then replaces it.',
  });
}

/** A finding about the whole sync (no entity of its own), at the top of gitops.config.yaml. */
export function refusal(message: string, hint = 'Fix the repo and run sync again.'): Diagnostic {
  return { ruleId: 'sync-refused', severity: 'error', message, hint, file: 'gitops.config.yaml', range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } };
}
