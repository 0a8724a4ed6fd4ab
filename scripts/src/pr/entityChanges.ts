import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { referencesOf } from '../catalog/checkReferences.ts';
import { isRecord } from '../load/loadCatalog.ts';

/** One entity as the report shows it: plain data, so the JSON report can carry it. */
export interface EntitySummary {
  ref: string;
  file: string;
  owner?: string;
}

/** An entity that kept its content under a new name, or kept its name in another file. */
export interface Rename {
  from: string;
  to: string;
  fromFile: string;
  toFile: string;
}

export interface EntityChanges {
  added: EntitySummary[];
  changed: EntitySummary[];
  removed: EntitySummary[];
  /** Renames (`from !== to`) and moves to another file (`from === to`). */
  renamed: Rename[];
  /** Entities whose lifecycle became deprecated. */
  deprecated: EntitySummary[];
}

export const ownerOf = (entity: CatalogEntity) => referencesOf(entity).find(r => r.field === 'owner')?.target;
// The entity as written and as the catalog stores it: a change made only in a file a placeholder reads (an
// API's `$text` definition) changes the stored entity, and teams and scorecards see it.
const stored = (e: CatalogEntity) => (e.entity === e.raw ? JSON.stringify(e.raw) : `${JSON.stringify(e.raw)}\u0000${JSON.stringify(e.entity)}`);
const summary = (e: CatalogEntity): EntitySummary => ({ ref: e.ref!, file: e.file, ...(ownerOf(e) ? { owner: ownerOf(e) } : {}) });

// What stays the same when an entity is renamed: everything but its name and title. With `ownName`, also
// the name where another value carries it as a word of its own (github.com/project-slug `org/<name>`, a
// source-location URL, `providesApis: [<name>-api]`): a rename often takes the repository's name along.
// Letters and digits around it make it another word (`svc-a` is not in `svc-ab`).
function contentKey(entity: CatalogEntity, ownName = false): string {
  const metadata = isRecord(entity.raw.metadata) ? { ...entity.raw.metadata, name: undefined, title: undefined } : undefined;
  const json = JSON.stringify({ ...entity.raw, metadata });
  const name = ownName && isRecord(entity.raw.metadata) && typeof entity.raw.metadata.name === 'string' ? entity.raw.metadata.name : '';
  const word = name ? new RegExp(`(?<![A-Za-z0-9])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`, 'g') : undefined;
  return `${entity.kind?.toLowerCase()}|${entity.namespace}|${word ? json.replace(word, '\u0000') : json}`;
}

/**
 * What a pull request does to the catalog, entity by entity, comparing base and head by ref.
 * A removed entity whose content (all but `metadata.name` and `title`, and its name where another value
 * carries it as a word: `globex/<name>`, `<name>-api`) reappears under a new ref of the same kind and
 * namespace is a rename, not a removal plus an addition; an entity whose ref moved to
 * another file is a move. Changed: the document as written or the entity as the catalog stores it
 * (placeholders filled in) differs. Takes the loaded entities of both revisions; returns plain summaries.
 */
export function entityChanges(base: readonly CatalogEntity[], head: readonly CatalogEntity[]): EntityChanges {
  const before = new Map(base.filter(e => e.ref).map(e => [e.ref!, e]));
  const after = new Map(head.filter(e => e.ref).map(e => [e.ref!, e]));
  const lifecycle = (e: CatalogEntity | undefined) => (e && isRecord(e.entity.spec) ? e.entity.spec.lifecycle : undefined);
  const gone = [...before.values()].filter(e => !after.has(e.ref!));
  const fresh = [...after.values()].filter(e => !before.has(e.ref!));
  const renamed: Rename[] = [];
  const renamedTo = new Set<string>();
  const taken = new Set<CatalogEntity>();
  // Same content first; then the same content but for the name carried in other values (project-slug).
  for (const ownName of [false, true]) {
    const candidates = new Map<string, CatalogEntity[]>();
    for (const e of gone) if (!taken.has(e)) (candidates.get(contentKey(e, ownName)) ?? candidates.set(contentKey(e, ownName), []).get(contentKey(e, ownName))!).push(e);
    for (const e of fresh) {
      if (renamedTo.has(e.ref!)) continue;
      const from = candidates.get(contentKey(e, ownName))?.shift();
      if (!from) continue;
      taken.add(from);
      renamed.push({ from: from.ref!, to: e.ref!, fromFile: from.file, toFile: e.file });
      renamedTo.add(e.ref!);
    }
  }
  const renamedFrom = new Set(renamed.map(r => r.from));
  for (const e of after.values()) {
    const was = before.get(e.ref!);
    if (was && was.file !== e.file) renamed.push({ from: e.ref!, to: e.ref!, fromFile: was.file, toFile: e.file });
  }
  return {
    added: fresh.filter(e => !renamedTo.has(e.ref!)).map(summary),
    changed: [...after.values()].filter(e => before.has(e.ref!) && stored(before.get(e.ref!)!) !== stored(e)).map(summary),
    removed: gone.filter(e => !renamedFrom.has(e.ref!)).map(summary),
    renamed,
    deprecated: [...after.values()].filter(e => lifecycle(e) === 'deprecated' && lifecycle(before.get(e.ref!)) !== 'deprecated').map(summary),
  };
}

export interface Dependent {
  ref: string;
  /** The relation field that points at the subject (`consumesApis`, `dependsOn`, …). */
  field: string;
  owner?: string;
  /** An API's consumer only: its owner in the base revision, when the change hands it to another team. */
  ownerBefore?: string;
  /** An API's consumer only: it consumed the API in the base revision and no longer does in the head. */
  onlyBefore?: true;
}

export interface Impact {
  /** A removed, renamed or deprecated entity and who, in the head revision, still points at it. */
  subject: string;
  why: 'removed' | 'renamed' | 'deprecated';
  /** For a rename: the new ref the dependents should use. */
  renamedTo?: string;
  owner?: string;
  dependents: Dependent[];
}

/**
 * Who is hurt by this change: for every entity it removes, renames or deprecates, the entities of the
 * head revision that still point at it (for a rename: at the old name). Dependents are read from the
 * head because that is what Backstage will hold after the merge; an entity removed in the same change
 * no longer depends on anything. Returns only subjects that still have dependents.
 */
export function impact(changes: EntityChanges, head: readonly CatalogEntity[]): Impact[] {
  const pointingAt = new Map<string, Dependent[]>();
  for (const e of head) {
    if (!e.ref) continue;
    for (const r of referencesOf(e)) {
      if (r.target === e.ref) continue;
      (pointingAt.get(r.target) ?? pointingAt.set(r.target, []).get(r.target)!).push({ ref: e.ref, field: r.field, ...(ownerOf(e) ? { owner: ownerOf(e) } : {}) });
    }
  }
  const headOwner = new Map(head.filter(e => e.ref).map(e => [e.ref!, ownerOf(e)]));
  const of = (ref: string) => pointingAt.get(ref) ?? [];
  const entry = (subject: string, why: Impact['why'], owner: string | undefined, renamedTo?: string): Impact => ({ subject, why, ...(renamedTo ? { renamedTo } : {}), ...(owner ? { owner } : {}), dependents: of(subject) });
  return [
    ...changes.removed.map(e => entry(e.ref, 'removed', e.owner)),
    ...changes.renamed.filter(r => r.from !== r.to).map(r => entry(r.from, 'renamed', headOwner.get(r.to), r.to)),
    ...changes.deprecated.map(e => entry(e.ref, 'deprecated', e.owner)),
  ]
    .filter(i => i.dependents.length > 0);
}

/**
 * APIs that stay in the catalog but lose a consumer that also stays (its `consumesApis` entry was
 * dropped), with renames followed on both sides so a renamed API or consumer loses nothing.
 */
export function lostConsumers(base: readonly CatalogEntity[], head: readonly CatalogEntity[], renamed: readonly Rename[]): { api: string; consumer: string; owner?: string }[] {
  const newName = new Map(renamed.map(r => [r.from, r.to]));
  const map = (ref: string) => newName.get(ref) ?? ref;
  const inHead = new Map(head.filter(e => e.ref).map(e => [e.ref!, e]));
  // A consumer still naming the API's old name is reported by impact(), not as a loss.
  const now = new Set(head.flatMap(e => referencesOf(e).filter(r => r.field === 'consumesApis').map(r => `${map(r.target)}|${e.ref}`)));
  const lost = new Map<string, { api: string; consumer: string; owner?: string }>();
  for (const e of base) {
    for (const r of referencesOf(e)) {
      if (r.field !== 'consumesApis' || !e.ref) continue;
      const api = map(r.target);
      const consumer = map(e.ref);
      const stays = inHead.get(consumer);
      if (!inHead.has(api) || !stays || now.has(`${api}|${consumer}`)) continue;
      const owner = ownerOf(stays);
      lost.set(`${api}|${consumer}`, { api, consumer, ...(owner ? { owner } : {}) });
    }
  }
  return [...lost.values()];
}
