import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { diagnosticAt } from '../catalog/catalogEntity.ts';
import type { Diagnostic } from '../diagnostic.ts';

/** The finding for an entity another location holds: on the entity's own name, naming the holder. */
export function heldElsewhere({ desired, holder, owner }: { desired: CatalogEntity; holder: string; owner?: string }): Diagnostic {
  if (owner !== undefined) {
    return diagnosticAt(desired, ['metadata', 'name'], {
      ruleId: 'sync-entity-held-elsewhere',
      severity: 'error',
      message: `${desired.ref} is in Backstage from the location ${holder}, listed for adoption, owned there by ${owner}; this repo's copy names another owner, so sync did not take it (nothing of that location was changed).`,
      hint: 'Adopt the entity with the owner it has (as import writes it), then change its owner in a pull request of its own; or rename this one.',
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
