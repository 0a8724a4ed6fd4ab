import type { RemoteEntity } from './catalogApi.ts';

// Annotations Backstage writes over whatever the file says (ProcessorOutputCollector sets both on every
// entity it emits): never part of the repo's truth, on either side.
const OVERWRITTEN_ANNOTATIONS = new Set(['backstage.io/managed-by-location', 'backstage.io/managed-by-origin-location']);
// Annotations Backstage fills in only where the file has none: AnnotateLocationEntityProcessor merges its
// view-url, edit-url and source-location UNDER the entity (lodash.merge(defaults, entity)), and the orphan
// mark is kept when written. Written ones are the repo's truth like any other annotation.
const FILLED_IN_ANNOTATIONS = new Set(['backstage.io/view-url', 'backstage.io/edit-url', 'backstage.io/source-location', 'backstage.io/orphan']);
// BuiltinKindsEntityProcessor sorts these string lists before storing them.
const SORTED_SPEC_FIELDS = ['providesApis', 'consumesApis', 'dependsOn', 'dependencyOf', 'memberOf', 'children', 'members'];

/**
 * An entity reduced to what the repo controls, in the shape Backstage stores it: default namespace,
 * sorted relation lists, no server-side fields or annotations, keys in a stable order. Takes the entity,
 * whether it comes from Backstage, and (for one from Backstage) the repo's own copy: an annotation Backstage
 * fills in is left out of the live entity only where the repo's copy does not write it. Returns the
 * canonical text both sides are compared by.
 */
export function canonicalEntity(entity: Record<string, unknown>, fromBackstage: boolean, written?: Record<string, unknown>): string {
  const metadata = { ...(entity.metadata as Record<string, unknown>) };
  delete metadata.uid;
  delete metadata.etag;
  delete metadata.generation;
  metadata.namespace ??= 'default';
  if (metadata.annotations) {
    const writtenMetadata = written?.metadata as Record<string, unknown> | undefined;
    const writtenAnnotations = (typeof writtenMetadata?.annotations === 'object' && writtenMetadata.annotations !== null ? writtenMetadata.annotations : {}) as Record<string, unknown>;
    const backstages = (key: string) => OVERWRITTEN_ANNOTATIONS.has(key) || (fromBackstage && FILLED_IN_ANNOTATIONS.has(key) && !Object.hasOwn(writtenAnnotations, key));
    const kept = Object.entries(metadata.annotations as Record<string, string>).filter(([key]) => !backstages(key));
    if (kept.length) metadata.annotations = Object.fromEntries(kept);
    else delete metadata.annotations;
  }
  const spec = { ...((entity.spec as Record<string, unknown>) ?? {}) };
  for (const field of SORTED_SPEC_FIELDS) {
    const value = spec[field];
    if (Array.isArray(value) && value.every(v => typeof v === 'string')) spec[field] = [...value].sort();
  }
  return stableStringify({ apiVersion: entity.apiVersion, kind: entity.kind, metadata, spec });
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).filter(k => (value as Record<string, unknown>)[k] !== undefined).sort().map(k => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function processingErrors(entity: RemoteEntity): string[] {
  return (entity.status?.items ?? []).filter(i => i.level === 'error').map(i => i.message);
}
