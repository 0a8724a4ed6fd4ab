import type { Diagnostic } from '../diagnostic.ts';
import { isRecord } from '../load/loadCatalog.ts';
import type { LocationEdge, SourceFile } from '../load/loadCatalog.ts';

/** A Location document (one that lists targets) and the targets it lists. */
interface LocationNode {
  key: string;
  file: string;
  name: string;
  /** kind:namespace/name, lower-cased as catalog-model's stringifyEntityRef compares refs. */
  ref: string;
  edges: LocationEdge[];
}

/**
 * Location cycles and files a registration reads twice, from the crawl's Location edges.
 *
 * Follows catalog-backend: a Location's targets emit every entity of the files they reach, except one with
 * the Location's own ref (ProcessorOutputCollector drops it). An emitted Location keeps the Location that
 * emitted it as a parent in refresh_state_references, and an entity is deleted only once no parent is left:
 * Locations that emit each other in a circle stay parents of each other, so they and everything they read
 * stay in the catalog after the registration is deleted or the root stops listing them (`location-cycle`).
 * DefaultLocationService's dry run (POST /locations?dryRun=true, the import flow's analysis) refuses any
 * entity emitted twice in one registration ("Duplicate nested entity"), which a file read through two
 * targets does whenever it holds an entity (`location-target-duplicate`); real ingestion keeps one copy.
 *
 * Takes the edges, the loaded files (the reported ones and the context: target files are looked up in
 * both), the files findings are reported in, and the registered files (the roots; undefined: the Location
 * files no other file's target reaches). Returns the findings, each at the target that closes the cycle or
 * reads the file again.
 */
export function checkLocationGraph(edges: readonly LocationEdge[], files: readonly SourceFile[], reported: ReadonlySet<string>, starts?: readonly string[]): Diagnostic[] {
  if (edges.length === 0) return [];
  const nodes = new Map<string, LocationNode>();
  const sourceOf = new Map<string, SourceFile>();
  const wanted = new Set<string>(edges.map(e => e.file));
  for (const edge of edges) if (edge.resolution.kind === 'files') edge.resolution.files.forEach(f => wanted.add(f));
  for (const f of files) if (wanted.has(f.file) && !sourceOf.has(f.file)) sourceOf.set(f.file, f);
  for (const edge of edges) {
    const key = `${edge.file}#${edge.document}`;
    let node = nodes.get(key);
    if (!node) {
      const doc = sourceOf.get(edge.file)?.documents[edge.document];
      const ref = refOf(doc);
      if (!ref || !isRecord(doc) || !isRecord(doc.metadata)) continue;
      node = { key, file: edge.file, name: String(doc.metadata.name), ref, edges: [] };
      nodes.set(key, node);
    }
    node.edges.push(edge);
  }
  const nodesIn = new Map<string, LocationNode[]>();
  for (const node of nodes.values()) (nodesIn.get(node.file) ?? nodesIn.set(node.file, []).get(node.file)!).push(node);
  // What reading `file` through `reader` emits as Locations: all of the file's but the reader's own ref.
  const childrenVia = (file: string, reader: LocationNode) => (nodesIn.get(file) ?? []).filter(n => n.ref !== reader.ref);

  const tops = starts ?? topFiles(edges);
  const diagnostics: Diagnostic[] = [];
  const at = (edge: LocationEdge) => sourceOf.get(edge.file)!.locate(edge.document, edge.path);
  const closing = new Set<string>();
  for (const cycle of cycles(nodes, nodesIn, tops, childrenVia)) {
    const edgeKey = `${cycle.edge.file}#${cycle.edge.document}#${cycle.edge.path.join('.')}`;
    if (closing.has(edgeKey)) continue;
    closing.add(edgeKey);
    if (!reported.has(cycle.edge.file)) continue;
    const names = [...cycle.path.map(n => n.name), cycle.path[0].name].join(' → ');
    const filesShown = [...cycle.path.map(n => n.file), cycle.path[0].file].join(' → ');
    diagnostics.push({
      ruleId: 'location-cycle',
      severity: 'error',
      message: `This target closes a cycle of Locations: ${names} (${filesShown}). Each Location of the cycle emits the next, and Backstage deletes an entity only when nothing that emitted it is left, so once ingested these Locations keep each other, and every entity they read, in the catalog for good: removing them from the root's targets or deleting the registered location no longer removes them, and no change to this repository does. Registering the catalog through the import flow (its dry run) is refused ("Duplicate nested entity").`,
      hint: `Remove the target that points back (${cycle.edge.target}): a Location should only point away from the root, to files no Location above it reads.`,
      file: cycle.edge.file,
      range: at(cycle.edge),
    });
  }

  const said = new Set<string>();
  for (const start of tops) {
    // The registration's own Location reads the start file and emits all of it.
    const firstRead = new Map<string, LocationEdge | undefined>([[start, undefined]]);
    const seen = new Set<string>();
    const queue = [...(nodesIn.get(start) ?? [])];
    queue.forEach(n => seen.add(n.key));
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i];
      for (const edge of node.edges) {
        if (edge.resolution.kind !== 'files') continue;
        for (const file of edge.resolution.files) {
          const children = childrenVia(file, node);
          if (!firstRead.has(file)) {
            firstRead.set(file, edge);
            for (const child of children) if (!seen.has(child.key)) { seen.add(child.key); queue.push(child); }
            continue;
          }
          const edgeKey = `${edge.file}#${edge.document}#${edge.path.join('.')}`;
          if (closing.has(edgeKey) || said.has(edgeKey) || !reported.has(edge.file)) continue;
          const emitted = emittedRef(sourceOf.get(file), node.ref);
          if (!emitted) continue;
          said.add(edgeKey);
          const first = firstRead.get(file);
          const firstShown = first ? `the target ${first.target} at ${first.file}:${at(first).start.line}` : `the registration of ${file} itself (a root)`;
          diagnostics.push({
            ruleId: 'location-target-duplicate',
            severity: 'warning',
            message: `This target reads ${file} a second time: ${firstShown} already reads it. Backstage's ingestion keeps one copy, but the dry run of registering this catalog (POST /locations?dryRun=true: the import flow and pre-sync checks) refuses the whole registration with "Duplicate nested entity: ${emitted}".`,
            hint: `Remove this target (or narrow its pattern) so that each file is read through one target only.`,
            file: edge.file,
            range: at(edge),
          });
        }
      }
    }
  }
  return diagnostics;
}

/** A Location document's ref (lower-cased), or undefined for anything else. Only `kind: Location` exactly reads targets. */
function refOf(doc: unknown): string | undefined {
  if (!isRecord(doc) || doc.kind !== 'Location' || !isRecord(doc.metadata) || typeof doc.metadata.name !== 'string') return undefined;
  const namespace = typeof doc.metadata.namespace === 'string' ? doc.metadata.namespace : 'default';
  return `location:${namespace}/${doc.metadata.name}`.toLowerCase();
}

/** The ref of the first entity `source` emits when read by the Location of ref `readerRef` (its own ref is dropped), or undefined when it emits none. */
function emittedRef(source: SourceFile | undefined, readerRef: string): string | undefined {
  for (const doc of source?.documents ?? []) {
    if (!isRecord(doc) || typeof doc.kind !== 'string' || !isRecord(doc.metadata) || typeof doc.metadata.name !== 'string') continue;
    const namespace = typeof doc.metadata.namespace === 'string' ? doc.metadata.namespace : 'default';
    const ref = `${doc.kind}:${namespace}/${doc.metadata.name}`.toLowerCase();
    if (ref !== readerRef) return ref;
  }
  return undefined;
}

/** The files holding a Location that no other file's target reaches, in crawl order. */
function topFiles(edges: readonly LocationEdge[]): string[] {
  const reachedFromElsewhere = new Set<string>();
  for (const edge of edges) if (edge.resolution.kind === 'files') edge.resolution.files.forEach(f => f !== edge.file && reachedFromElsewhere.add(f));
  return [...new Set(edges.map(e => e.file))].filter(f => !reachedFromElsewhere.has(f));
}

/**
 * The cycles of the Location graph, each as the Locations from where it is entered to the one whose target
 * (`edge`) leads back. Depth-first from the start files' Locations, then from any Location left (a cycle no
 * start reaches), iteratively: a chain of thousands of Locations must not exhaust the stack.
 */
function cycles(nodes: ReadonlyMap<string, LocationNode>, nodesIn: ReadonlyMap<string, LocationNode[]>, starts: readonly string[], childrenVia: (file: string, reader: LocationNode) => LocationNode[]): { path: LocationNode[]; edge: LocationEdge }[] {
  const found: { path: LocationNode[]; edge: LocationEdge }[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const roots = [...starts.flatMap(f => nodesIn.get(f) ?? []), ...nodes.values()];
  for (const root of roots) {
    if (state.has(root.key)) continue;
    const path: LocationNode[] = [];
    const stack: { node: LocationNode; steps: Iterator<{ edge: LocationEdge; child: LocationNode }> }[] = [];
    const enter = (node: LocationNode) => {
      state.set(node.key, 'open');
      path.push(node);
      stack.push({ node, steps: steps(node, childrenVia) });
    };
    enter(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const next = top.steps.next();
      if (next.done) {
        state.set(top.node.key, 'done');
        stack.pop();
        path.pop();
        continue;
      }
      const { edge, child } = next.value;
      const seen = state.get(child.key);
      if (seen === 'open') found.push({ path: path.slice(path.indexOf(child)), edge });
      else if (seen === undefined) enter(child);
    }
  }
  return found;
}

function* steps(node: LocationNode, childrenVia: (file: string, reader: LocationNode) => LocationNode[]): Generator<{ edge: LocationEdge; child: LocationNode }> {
  for (const edge of node.edges) {
    if (edge.resolution.kind !== 'files') continue;
    for (const file of edge.resolution.files) for (const child of childrenVia(file, node)) yield { edge, child };
  }
}
