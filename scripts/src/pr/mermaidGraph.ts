import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { referencesOf } from '../catalog/checkReferences.ts';

const LABEL = /[^A-Za-z0-9:/._ -]/g;

/** A Mermaid flowchart of the changed entities and their direct neighbours, capped to stay readable. */
export function mermaidGraph(changed: ReadonlySet<string>, head: readonly CatalogEntity[], maxEdges = 60): string {
  const edges: [string, string, string][] = [];
  for (const entity of head) {
    for (const ref of referencesOf(entity)) {
      if (ref.field === 'members' || ref.field === 'memberOf') continue;
      if (changed.has(entity.ref!) || changed.has(ref.target)) edges.push([entity.ref!, ref.field, ref.target]);
    }
  }
  if (edges.length === 0) return '';
  const nodes = new Map<string, string>();
  const id = (ref: string) => nodes.get(ref) ?? nodes.set(ref, `n${nodes.size}`).get(ref)!;
  const lines = edges.slice(0, maxEdges).map(([from, field, to]) => `  ${id(from)} -- ${field} --> ${id(to)}`);
  const declarations = [...nodes].map(([ref, node]) => `  ${node}["${ref.replace(LABEL, '')}"]${changed.has(ref) ? ':::changed' : ''}`);
  return ['```mermaid', 'flowchart LR', '  classDef changed fill:#fff3bf,stroke:#f08c00', ...declarations, ...lines, ...(edges.length > maxEdges ? [`  more["…and ${edges.length - maxEdges} more relations"]`] : []), '```'].join('\n');
}
