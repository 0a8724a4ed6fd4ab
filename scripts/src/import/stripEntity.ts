/** An entity as the catalog API returns it (processed, with Backstage's additions). */
export interface LiveEntity {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; [key: string]: unknown };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Root and metadata fields the catalog adds at ingestion (catalog-model's EntityMeta: uid, etag, generation). */
const ADDED_METADATA = ['uid', 'etag', 'generation'];
/** Annotations the catalog's processors write themselves (catalog-model's ANNOTATION_* constants and the orphan marker). */
const GENERATED_ANNOTATIONS = ['backstage.io/managed-by-location', 'backstage.io/managed-by-origin-location', 'backstage.io/orphan'];
/** Annotations the processors derive from the location (AnnotateLocationEntityProcessor), dropped when they say just that. */
const DERIVED_ANNOTATIONS = ['backstage.io/edit-url', 'backstage.io/view-url', 'backstage.io/source-location'];

/**
 * The entity as a team would write it: without relations and status (computed by the catalog), the
 * ingestion metadata and the annotations Backstage writes or derives from where it read the file.
 * `backstage.io/source-location`, `edit-url` and `view-url` stay when they point elsewhere than the
 * file the entity was read from (then a team wrote them). Returns a new object; key order kept.
 */
export function stripEntity(entity: LiveEntity): LiveEntity {
  const { relations: _relations, status: _status, ...rest } = entity;
  const annotations = { ...(entity.metadata.annotations ?? {}) };
  const location = annotations['backstage.io/managed-by-location'] ?? '';
  const sourceFile = location.replace(/^url:/, '');
  const sourceDir = sourceFile.replace(/[^/]*$/, '');
  for (const key of GENERATED_ANNOTATIONS) delete annotations[key];
  for (const key of DERIVED_ANNOTATIONS) {
    const value = annotations[key];
    if (value === undefined || !location.startsWith('url:')) continue;
    const target = value.replace(/^url:/, '');
    if (target === sourceFile || target === sourceDir || isSameFileView(target, sourceFile)) delete annotations[key];
  }
  const metadata: LiveEntity['metadata'] = { ...entity.metadata };
  for (const key of ADDED_METADATA) delete metadata[key];
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  else delete metadata.annotations;
  if (metadata.namespace === 'default') delete metadata.namespace;
  return { ...rest, metadata } as LiveEntity;
}

// GitHub's view and edit URLs differ from the location only by blob/tree/edit segments.
function isSameFileView(url: string, sourceFile: string): boolean {
  const norm = (u: string) => u.replace(/\/(blob|tree|edit)\//, '/-/');
  return norm(url) === norm(sourceFile) || norm(url) === norm(sourceFile.replace(/[^/]*$/, ''));
}

/**
 * Where an entity came from, read from `backstage.io/managed-by-location`: a file Backstage read
 * (`url`/`file`), or an entity provider (Microsoft Graph `msgraph:`, GitHub org `github-org:`, …)
 * whose entities stay with the provider.
 */
export function originOf(entity: LiveEntity): { kind: 'file'; url: string } | { kind: 'provider'; provider: string } | { kind: 'unknown' } {
  const location = entity.metadata.annotations?.['backstage.io/managed-by-location'];
  if (!location) return { kind: 'unknown' };
  const [, type, target] = /^([^:]+):(.*)$/.exec(location) ?? [];
  if (type === 'url' || type === 'file') return { kind: 'file', url: target };
  return { kind: 'provider', provider: type ?? location };
}

/**
 * `written` (the entity as import writes it) with the live entity's `backstage.io/source-location` when its
 * techdocs-ref is `dir:` and it has none of its own: TechDocs resolves dir: against source-location
 * (techdocs-node transformDirLocation), which Backstage derived from where it read the file. Without it, the
 * new file in this repo would be the base, and the docs, which stay where the file was read, would not be found.
 * Backstage writes no source-location for a url its integrations do not know (AnnotateLocationEntityProcessor
 * asks the host's integration; a host read through backend.reading.allow has none) nor for a `file` location:
 * getEntitySourceLocation then falls back to managed-by-location, so that is kept instead, as the folder of the
 * url (what Backstage writes for a known host) or the file's path (TechDocs takes its folder).
 * Returns `written` itself or a copy.
 */
export function keepDocsSource(written: LiveEntity, live: LiveEntity): LiveEntity {
  const annotations = written.metadata.annotations ?? {};
  const ref = annotations['backstage.io/techdocs-ref'];
  const source = live.metadata.annotations?.['backstage.io/source-location'] ?? docsBaseOf(live.metadata.annotations?.['backstage.io/managed-by-location']);
  if (typeof ref !== 'string' || !ref.startsWith('dir:') || annotations['backstage.io/source-location'] !== undefined || typeof source !== 'string') return written;
  return { ...written, metadata: { ...written.metadata, annotations: { ...annotations, 'backstage.io/source-location': source } } };
}

/** The source location TechDocs falls back to for a managed-by-location: a url's folder, a file as it is. */
function docsBaseOf(location: string | undefined): string | undefined {
  const [, type, target] = /^(url|file):(.+)$/.exec(location ?? '') ?? [];
  if (type === 'file') return location;
  if (type !== 'url') return undefined;
  try {
    return `url:${new URL('./', target).href}`;
  } catch {
    return undefined;
  }
}
