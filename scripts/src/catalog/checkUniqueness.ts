import type { Diagnostic } from '../diagnostic.ts';
import { diagnosticAt } from './catalogEntity.ts';
import { place, type EntityIndex } from './entityIndex.ts';

/** Backstage keeps the first of two same-ref entities and only logs a conflict; here it is an error. */
export function checkUniqueness(index: EntityIndex, reported: ReadonlySet<string>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const [ref, entities] of index) {
    if (entities.length < 2) continue;
    for (const entity of entities) {
      if (!reported.has(entity.file)) continue;
      const others = entities.filter(e => e !== entity).map(place).join(', ');
      diagnostics.push(
        diagnosticAt(entity, ['metadata', 'name'], {
          ruleId: 'entity-duplicate',
          severity: 'error',
          message: `${ref} is also defined at ${others}; Backstage keeps whichever it reads first and refuses the other with a conflict, so which one is live depends on processing order.`,
          hint: 'Entity refs are case-insensitive: rename one entity or remove the copy.',
        }),
      );
    }
  }
  return diagnostics;
}
