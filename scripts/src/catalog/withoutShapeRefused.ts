import type { Diagnostic } from '../diagnostic.ts';

/**
 * Reference findings (`references`: ref-unresolved, entity-ref-format, …) without those on a value Backstage's
 * kind schema refuses by shape: an `entity-kind-schema` error among `model` at the same file and start (a
 * string where the kind wants a list, `members: x`). Backstage rejects such an entity before its relation
 * emitter runs, so the value makes no relation to resolve; the schema error is the one finding there, and
 * its fix (write a list) is the one to make. Pure; returns `references` itself when nothing is dropped.
 */
export function withoutShapeRefused(references: Diagnostic[], model: readonly Diagnostic[]): Diagnostic[] {
  if (references.length === 0) return references;
  let refused: Set<string> | undefined;
  for (const d of model) if (d.ruleId === 'entity-kind-schema') (refused ??= new Set()).add(placeOf(d));
  if (!refused) return references;
  return references.filter(d => !refused!.has(placeOf(d)));
}

function placeOf(d: Diagnostic): string {
  return `${d.file}\0${d.range.start.line}:${d.range.start.column}`;
}
