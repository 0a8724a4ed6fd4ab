import type { Diagnostic } from '../diagnostic.ts';
import type { LoadedCatalog } from '../load/loadCatalog.ts';
import { NOT_AN_ENTITY_HINT } from './checkBackstageModel.ts';

/**
 * Findings on a document that is no entity at all (no apiVersion, no kind: an openapi.yaml, a
 * docker-compose.yaml) in a file a Location target reads (`./*.yaml` matching it): Backstage reads every file
 * a target names as a catalog file, so the fix is that target, not the file. Takes the findings and the
 * loaded catalog; returns the findings with the Location and its target named in the hint, the rest
 * unchanged. Skeleton files keep withSkeletonReadHints' hint, which this one would otherwise replace.
 */
export function withNonEntityReadHints(diagnostics: readonly Diagnostic[], loaded: Pick<LoadedCatalog, 'locations'>): Diagnostic[] {
  if (!diagnostics.some(d => d.hint === NOT_AN_ENTITY_HINT)) return [...diagnostics];
  const readers = new Map<string, { file: string; target: string }>();
  for (const edge of loaded.locations) {
    if (edge.resolution.kind !== 'files') continue;
    for (const file of edge.resolution.files) if (!readers.has(file)) readers.set(file, { file: edge.file, target: edge.target });
  }
  return diagnostics.map(d => {
    const reader = d.hint === NOT_AN_ENTITY_HINT ? readers.get(d.file) : undefined;
    if (!reader) return d;
    const target = reader.target.length > 120 ? `${reader.target.slice(0, 119)}…` : reader.target;
    return { ...d, hint: `This document has no apiVersion or kind, so it is not a catalog entity, but the Location in ${reader.file} reads the file as a catalog file through its target ${target}. Leave it out of that target (list the entity files, or a pattern that does not reach it); if it is meant as an entity, give it apiVersion, kind and metadata.name.` };
  });
}
