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

/**
 * The files Backstage reads starting from `starts` (repo paths of files its config locations name): those
 * files and, transitively, every file a Location in a read file reaches (`edges`, the crawl's resolved
 * targets, globs included). Takes the edges and the start files; returns each file reached, mapped to
 * the start it was first reached from.
 */
export function filesReachedFrom(edges: readonly LocationEdge[], starts: readonly string[]): Map<string, string> {
  const next = new Map<string, string[]>();
  for (const edge of edges) if (edge.resolution.kind === 'files') (next.get(edge.file) ?? next.set(edge.file, []).get(edge.file)!).push(...edge.resolution.files);
  const reached = new Map(starts.map(file => [file, file]));
  const queue = [...starts];
  while (queue.length > 0) {
    const from = queue.shift()!;
    for (const file of next.get(from) ?? []) {
      if (reached.has(file)) continue;
      reached.set(file, reached.get(from)!);
      queue.push(file);
    }
  }
  return reached;
}
