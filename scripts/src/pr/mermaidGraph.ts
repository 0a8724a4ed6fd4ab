import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { referencesOf } from '../catalog/checkReferences.ts';
import type { EntityChanges } from './entityChanges.ts';

export type NodeStatus = 'added' | 'changed' | 'removed' | 'renamed' | 'deprecated';

/** The relations around a change, as plain data (the JSON report carries it; the renderer caps it). */
export interface ChangeGraph {
  /** Status of each changed entity, keyed by its head ref (for a rename: the new ref). */
  status: Record<string, NodeStatus>;
  /** New ref → old ref, for labels. */
  renamedFrom: Record<string, string>;
  /** `stale`: a head entity still points at a removed entity or an old name; `was`: a relation only the base had. */
  edges: { from: string; field: string; to: string; kind?: 'stale' | 'was' }[];
}

// Group membership would draw every user of a team; it says nothing about what the change breaks.
const SKIPPED = new Set(['members', 'memberOf', 'owner']);

/**
 * The relations that touch a change: every head relation from or to a changed entity, head relations
 * that still point at a removed entity or an old name (`stale`), and the base relations of removed
 * entities (`was`), so removed nodes stay in the picture.
 */
export function changeGraph(changes: EntityChanges, base: readonly CatalogEntity[], head: readonly CatalogEntity[]): ChangeGraph {
  const status: Record<string, NodeStatus> = {};
  for (const e of changes.changed) status[e.ref] = 'changed';
  for (const e of changes.deprecated) status[e.ref] = 'deprecated';
  for (const e of changes.added) status[e.ref] = 'added';
  for (const e of changes.removed) status[e.ref] = 'removed';
  const renamedFrom: Record<string, string> = {};
  const newName = new Map<string, string>();
  for (const r of changes.renamed) {
    if (r.from === r.to) continue;
    status[r.to] = 'renamed';
    renamedFrom[r.to] = r.from;
    newName.set(r.from, r.to);
  }
  const edges: ChangeGraph['edges'] = [];
  const seen = new Set<string>();
  const add = (from: string, field: string, to: string, kind?: 'stale' | 'was') => {
    const key = `${from}|${field}|${to}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push(kind ? { from, field, to, kind } : { from, field, to });
  };
  for (const e of head) {
    if (!e.ref) continue;
    for (const r of referencesOf(e)) {
      if (SKIPPED.has(r.field)) continue;
      const renamed = newName.get(r.target);
      if (renamed) add(e.ref, r.field, renamed, 'stale');
      else if (status[r.target] === 'removed') add(e.ref, r.field, r.target, 'stale');
      else if (status[e.ref] || status[r.target]) add(e.ref, r.field, r.target);
    }
  }
  for (const e of base) {
    if (!e.ref || status[e.ref] !== 'removed') continue;
    for (const r of referencesOf(e)) if (!SKIPPED.has(r.field)) add(e.ref, r.field, newName.get(r.target) ?? r.target, 'was');
  }
  return { status, renamedFrom, edges };
}

const STYLES: Record<NodeStatus, string> = {
  added: 'fill:#d3f9d8,stroke:#2b8a3e',
  changed: 'fill:#fff3bf,stroke:#f08c00',
  removed: 'fill:#ffe3e3,stroke:#c92a2a,stroke-dasharray:4 3',
  renamed: 'fill:#d0ebff,stroke:#1971c2',
  deprecated: 'fill:#f1f3f5,stroke:#495057,stroke-dasharray:2 2',
};
const MAX_LABEL = 100;

/**
 * A ref as the text of a quoted Mermaid label: every character outside a small safe set becomes a
 * Mermaid entity code (`#35;`), so an entity name cannot close the label, add a node, a click handler
 * or a directive, or break the Markdown fence around the graph.
 */
export function mermaidLabel(text: string): string {
  const cut = text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
  return [...cut].map(ch => (/[A-Za-z0-9:/._ -]/.test(ch) ? ch : `#${ch.codePointAt(0)};`)).join('');
}

export interface RenderedGraph {
  text: string;
  omittedNodes: number;
  omittedEdges: number;
}

/**
 * A Mermaid flowchart (in a ```mermaid fence) of the change graph, with a legend, within `maxNodes`
 * nodes and `maxEdges` relations. When the graph is bigger, it keeps the neighbourhoods of the most
 * connected changes first and says how many changed entities and relations were left out.
 */
export function renderMermaid(graph: ChangeGraph, maxNodes: number, maxEdges: number): RenderedGraph {
  const changed = Object.keys(graph.status);
  if (changed.length === 0) return { text: '', omittedNodes: 0, omittedEdges: 0 };
  const neighbours = new Map<string, Set<string>>();
  const link = (a: string, b: string) => (neighbours.get(a) ?? neighbours.set(a, new Set()).get(a)!).add(b);
  for (const e of graph.edges) {
    link(e.from, e.to);
    link(e.to, e.from);
  }
  const ranked = [...changed].sort((a, b) => (neighbours.get(b)?.size ?? 0) - (neighbours.get(a)?.size ?? 0) || (a < b ? -1 : 1));
  const shown = new Set<string>();
  for (const ref of ranked) {
    if (shown.size >= maxNodes) break;
    shown.add(ref);
    for (const n of neighbours.get(ref) ?? []) if (shown.size < maxNodes) shown.add(n);
  }
  const edges = graph.edges.filter(e => shown.has(e.from) && shown.has(e.to));
  const drawn = edges.slice(0, maxEdges);
  const id = new Map([...shown].map((ref, i) => [ref, `n${i}`]));
  const label = (ref: string) => (graph.renamedFrom[ref] ? `${ref} (was ${graph.renamedFrom[ref]})` : ref);
  const used = new Set(changed.filter(r => shown.has(r)).map(r => graph.status[r]));
  const lines = [
    '```mermaid',
    'flowchart LR',
    ...Object.entries(STYLES).map(([name, style]) => `  classDef ${name} ${style}`),
    '  subgraph legend["Legend"]',
    ...Object.keys(STYLES).filter(s => used.has(s as NodeStatus)).map(s => `    legend_${s}["${s}"]:::${s}`),
    '  end',
    ...[...shown].map(ref => `  ${id.get(ref)}["${mermaidLabel(label(ref))}"]${graph.status[ref] ? `:::${graph.status[ref]}` : ''}`),
    ...drawn.map(e => `  ${id.get(e.from)} ${e.kind ? '-.->' : '-->'}|"${mermaidLabel(e.kind === 'stale' ? `${e.field} (dangling)` : e.kind === 'was' ? `${e.field} (before)` : e.field)}"| ${id.get(e.to)}`),
    '```',
  ];
  const omittedNodes = changed.filter(r => !shown.has(r)).length;
  const omittedEdges = graph.edges.length - drawn.length;
  return { text: lines.join('\n'), omittedNodes, omittedEdges };
}
