import { posix } from 'node:path';
import { stringify } from 'yaml';
import { GENERATED_MARK, type PlannedFile } from '../init/planInit.ts';
import { keepDocsSource, type LiveEntity, originOf, stripEntity } from './stripEntity.ts';

export interface ImportFilters {
  kinds: string[];
  /** Owner refs, normalised (`group:default/x`). */
  owners: string[];
  /** Prefixes of the managed-by-origin-location or managed-by-location annotation (`url:https://…`). */
  locations: string[];
}

/** The original text of a source file and the files its placeholders name, when they could be read. */
export interface SourceDocument {
  /** The entity as written in its source file (placeholders unresolved), matched by kind, namespace and name. */
  raw: LiveEntity;
  /** Placeholder targets the raw entity names, relative path → file text (only those read). */
  files: Map<string, string>;
}

export interface ImportPlan {
  files: PlannedFile[];
  /** `./…` targets the root Location must list, relative to catalog/. */
  rootTargets: string[];
  /** asWritten: taken from its source file (placeholders kept), not as Backstage processed it. */
  imported: { ref: string; file: string; from?: string; asWritten: boolean }[];
  /** What stays in Backstage, and why. */
  notBrought: { ref: string; reason: string }[];
  /** Kinds/refs that stay with an entity provider: declared under catalog.external. */
  external: { kind: string; namespace: string; refs?: string[]; reason: string }[];
  /** The registered locations (managed-by-origin-location) the imported entities came through: sync may adopt from these (catalog.adoptFrom). */
  adoptFrom: string[];
}

export const refOf = (e: { kind: string; metadata: { name: string; namespace?: string } }) => `${e.kind}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`.toLowerCase();

/** Normalises a reference as Backstage's parser does for the field's default kind (owner → group). */
export function normaliseRef(ref: string, defaultKind: string, namespace = 'default'): string {
  const match = /^(?:([^:/]+):)?(?:([^:/]+)\/)?([^:/]+)$/.exec(ref.trim());
  if (!match) return ref.toLowerCase();
  return `${match[1] ?? defaultKind}:${match[2] ?? namespace}/${match[3]}`.toLowerCase();
}

export function selectEntity(entity: LiveEntity, filters: ImportFilters): boolean {
  if (filters.kinds.length && !filters.kinds.some(k => k.toLowerCase() === entity.kind.toLowerCase())) return false;
  const owner = typeof entity.spec?.owner === 'string' ? normaliseRef(entity.spec.owner, 'group', entity.metadata.namespace) : undefined;
  if (filters.owners.length && (!owner || !filters.owners.includes(owner))) return false;
  const annotations = entity.metadata.annotations ?? {};
  const where = [annotations['backstage.io/managed-by-origin-location'], annotations['backstage.io/managed-by-location']].filter(Boolean) as string[];
  if (filters.locations.length && !filters.locations.some(prefix => where.some(w => w.startsWith(prefix) || w.replace(/^[a-z-]+:/, '').startsWith(prefix)))) return false;
  return true;
}

const safeSegment = (value: string) => value.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'unnamed';

/**
 * Where an imported entity lives: by system (with its domain's systems side by side), else by owning
 * team, org data under org/, domains together. Paths are relative to catalog/.
 */
export function fileFor(entity: LiveEntity): string {
  const ns = entity.metadata.namespace && entity.metadata.namespace !== 'default' ? `${safeSegment(entity.metadata.namespace)}/` : '';
  const nameOf = (ref: unknown, kind: string) => (typeof ref === 'string' ? normaliseRef(ref, kind, entity.metadata.namespace).replace(/^.*\//, '') : undefined);
  switch (entity.kind) {
    case 'Domain':
      return `${ns}domains/domains.yaml`;
    case 'System':
      return `${ns}systems/${safeSegment(entity.metadata.name)}/entities.yaml`;
    case 'Group':
      return `${ns}org/groups.yaml`;
    case 'User':
      return `${ns}org/users.yaml`;
    default: {
      const system = nameOf(entity.spec?.system, 'system');
      if (system) return `${ns}systems/${safeSegment(system)}/entities.yaml`;
      const owner = nameOf(entity.spec?.owner, 'group');
      return `${ns}teams/${safeSegment(owner ?? 'unowned')}/entities.yaml`;
    }
  }
}

/**
 * Turns the selected live entities into catalog files (paths under catalog/), each marked as
 * written by import, documents sorted by kind and name so re-runs write the same bytes. Entities
 * from entity providers and Backstage's own generated Locations stay in Backstage; Location and
 * Template entities are not carried over (the new repo has its own Locations, and templates/).
 * `sources` gives the raw document (placeholders intact) where the source file could be read.
 */
export function planImport(entities: readonly LiveEntity[], sources: ReadonlyMap<string, SourceDocument>, sourceUrl: string): ImportPlan {
  const plan: ImportPlan = { files: [], rootTargets: [], imported: [], notBrought: [], external: [], adoptFrom: [] };
  const adoptFrom = new Set<string>();
  const byFile = new Map<string, { ref: string; entity: LiveEntity }[]>();
  const providers = new Map<string, { kind: string; namespace: string; refs: string[]; provider: string }>();
  const definitions = new Map<string, string>();
  for (const entity of entities) {
    const ref = refOf(entity);
    const origin = originOf(entity);
    if (origin.kind === 'provider') {
      const key = `${entity.kind}|${entity.metadata.namespace ?? 'default'}|${origin.provider}`;
      const entry = providers.get(key) ?? { kind: entity.kind, namespace: entity.metadata.namespace ?? 'default', refs: [], provider: origin.provider };
      entry.refs.push(ref);
      providers.set(key, entry);
      plan.notBrought.push({ ref, reason: `ingested by the ${origin.provider} entity provider; stays there, declared external` });
      continue;
    }
    if (entity.kind === 'Location') {
      plan.notBrought.push({ ref, reason: 'a Location of the old layout; the new repo lists its files from catalog/all.yaml' });
      continue;
    }
    if (entity.kind === 'Template') {
      plan.notBrought.push({ ref, reason: 'a Template: its skeleton lives beside its old location; move it into templates/ and skeletons/ by hand' });
      continue;
    }
    const file = fileFor(entity);
    const source = sources.get(ref);
    let written = keepDocsSource(stripEntity(source?.raw ?? entity), entity);
    if (source) written = relocatePlaceholders(written, source.files, posix.dirname(file), entity.metadata.name, definitions);
    const list = byFile.get(file) ?? [];
    list.push({ ref, entity: written });
    byFile.set(file, list);
    plan.imported.push({ ref, file: `catalog/${file}`, from: origin.kind === 'file' ? origin.url : undefined, asWritten: source !== undefined });
    const registered = entity.metadata.annotations?.['backstage.io/managed-by-origin-location'];
    if (registered) adoptFrom.add(registered);
  }
  for (const [file, list] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    list.sort((a, b) => KIND_ORDER(a.entity.kind) - KIND_ORDER(b.entity.kind) || a.ref.localeCompare(b.ref));
    const docs = list.map(({ entity }) => stringify(entity, { lineWidth: 0 }));
    plan.files.push({ path: `catalog/${file}`, text: `${GENERATED_MARK} import from ${sourceUrl}; edit freely, import then leaves it alone unless --force.\n${docs.join('---\n')}` });
    plan.rootTargets.push(`./${file}`);
  }
  for (const [path, text] of [...definitions].sort(([a], [b]) => a.localeCompare(b))) plan.files.push({ path: `catalog/${path}`, text });
  plan.adoptFrom = [...adoptFrom].sort();
  for (const entry of providers.values()) plan.external.push({ kind: entry.kind, namespace: entry.namespace, refs: entry.refs.sort(), reason: entry.provider });
  return plan;
}

const KIND_ORDER = (kind: string) => ['Domain', 'System', 'Group', 'User', 'Component', 'API', 'Resource'].indexOf(kind) >>> 0;

/**
 * `$text`/`$json`/`$yaml` placeholders of the raw entity, whose targets were read, point at a copy
 * beside the new file (`definitions/<entity>-<file>`); a placeholder whose target could not be read
 * is left as the processed entity had it resolved (the caller passes the live entity then).
 */
function relocatePlaceholders(entity: LiveEntity, files: ReadonlyMap<string, string>, dir: string, name: string, out: Map<string, string>): LiveEntity {
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && /^\$(text|json|yaml|openapi|asyncapi)$/.test(entries[0][0]) && typeof entries[0][1] === 'string' && files.has(entries[0][1])) {
      const copy = `definitions/${safeSegment(name)}-${safeSegment(posix.basename(entries[0][1]))}`;
      out.set(posix.join(dir, copy), files.get(entries[0][1])!);
      return { [entries[0][0]]: `./${copy}` };
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, visit(v)]));
  };
  return visit(entity) as LiveEntity;
}
