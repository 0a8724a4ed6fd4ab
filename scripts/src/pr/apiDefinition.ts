import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { placeholderTarget } from '../catalog/placeholders.ts';
import { isRecord } from '../load/loadCatalog.ts';

export type ApiFormat = 'openapi' | 'asyncapi' | 'grpc' | 'graphql' | 'other';

/** An API's definition text and where it lives (the `$text`/`$openapi`/`$asyncapi` target, or the entity file when inline). */
export interface ApiDefinition {
  text: string;
  file: string;
  /** Inline definitions: the entity whose `spec.definition` holds the text. */
  inlineIn?: CatalogEntity;
}

/** The definition of an API entity as Backstage would hold it after placeholder substitution. */
export function definitionOf(entity: CatalogEntity, repoUrl?: string): ApiDefinition | undefined {
  const spec = isRecord(entity.entity.spec) ? entity.entity.spec : {};
  const rawSpec = isRecord(entity.raw.spec) ? entity.raw.spec : {};
  const value = spec.definition;
  if (value === undefined || value === '(unavailable)') return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const raw = rawSpec.definition;
  if (isRecord(raw)) {
    const [key] = Object.keys(raw);
    const target = key ? placeholderTarget(entity.file, raw[key], repoUrl) : undefined;
    return target ? { text, file: target } : undefined;
  }
  return { text, file: entity.file, inlineIn: entity };
}

/** `spec.type` as written, or '' when it is not a string. */
export const typeOf = (entity: CatalogEntity) => (isRecord(entity.entity.spec) && typeof entity.entity.spec.type === 'string' ? entity.entity.spec.type : '');

/** The format the breaking-change gate reads a definition in: the document's own `openapi`/`asyncapi` key first, else `spec.type`. */
export function formatOf(entity: CatalogEntity, document: unknown): ApiFormat {
  const type = typeOf(entity).toLowerCase();
  if (isRecord(document) && typeof document.openapi === 'string') return 'openapi';
  if (isRecord(document) && typeof document.asyncapi === 'string') return 'asyncapi';
  if (type === 'grpc' || type === 'graphql' || type === 'openapi' || type === 'asyncapi') return type;
  return 'other';
}

