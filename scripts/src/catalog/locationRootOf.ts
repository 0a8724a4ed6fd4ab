import type { LocationEdge } from '../load/loadCatalog.ts';

/**
 * For each file a Location of the repo reads, the topmost Location file above it (one no other Location
 * reads): what Backstage would register to read that file, so what catalog.roots names. Takes the crawl's
 * Location edges; returns a lookup that gives the file itself when no Location reads it.
 */
export function locationRootOf(edges: readonly LocationEdge[]): (file: string) => string {
  const readBy = new Map<string, string>();
  for (const edge of edges) {
    if (edge.resolution.kind !== 'files') continue;
    for (const found of edge.resolution.files) if (found !== edge.file && !readBy.has(found)) readBy.set(found, edge.file);
  }
  return file => {
    const seen = new Set<string>([file]);
    let top = file;
    for (let up = readBy.get(top); up !== undefined && !seen.has(up); up = readBy.get(top)) {
      seen.add(up);
      top = up;
    }
    return top;
  };
}
