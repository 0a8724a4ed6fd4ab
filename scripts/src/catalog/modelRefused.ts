import type { Diagnostic } from '../diagnostic.ts';

// The findings of checkBackstageModel that stand for Backstage's own refusal of the entity: the catalog's
// processing validates the envelope, enforces its default entity policies (SchemaValidEntityPolicy,
// NoForeignRootFieldsEntityPolicy, FieldFormatEntityPolicy) and asks the kind processors, and an entity
// failing any of them never leaves its refresh state for the catalog (DefaultCatalogProcessingOrchestrator).
const REFUSALS = new Set(['entity-envelope', 'entity-schema', 'entity-foreign-root-field', 'entity-field-format', 'entity-kind-schema', 'entity-kind-unknown']);

/**
 * The first of one entity's model findings (checkBackstageModel's, whatever severity the config gives
 * them: Backstage refuses the entity all the same) by which Backstage refuses it, or undefined when it
 * accepts it. Pure.
 */
export function modelRefusal(model: readonly Diagnostic[]): Diagnostic | undefined {
  return model.find(d => REFUSALS.has(d.ruleId));
}
