import { camelCase } from './camelCase.ts';
import { isRecord } from '../load/loadCatalog.ts';
import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { asServedByCatalog, matchesFilter } from './matchFilter.ts';
import type { FactRetriever } from './model.ts';

export interface RepoFacts {
  /** Whether a CODEOWNERS rule covers a repo-relative file. */
  isCovered(file: string): boolean;
  repoFiles: ReadonlySet<string>;
}

export type EntityFacts = Map<string, Record<string, unknown>>;

const truthy = (value: unknown) => Boolean(value);

/**
 * Facts per retriever for one entity, as the retrievers compute them in Backstage: the built-in ones
 * ported exactly, this repo's own from its files. `live` retrievers have no facts here, so checks on
 * them are not applicable in the gate rather than guessed.
 */
export function computeFacts(entity: CatalogEntity, retrievers: readonly FactRetriever[], repo: RepoFacts): EntityFacts {
  const facts: EntityFacts = new Map();
  const e = entity.entity;
  const metadata = isRecord(e.metadata) ? e.metadata : {};
  const spec = isRecord(e.spec) ? e.spec : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  for (const retriever of retrievers) {
    if (retriever.provider === 'live' || !matchesFilter(asServedByCatalog(e), retriever.entityFilter)) continue;
    if (retriever.provider === 'entityOwnership' && !matchesFilter(e, { kind: ['component', 'domain', 'system', 'api', 'resource', 'template'] })) continue;
    facts.set(retriever.id, pick(retriever, providers[retriever.provider]({ metadata, spec, annotations, entity, repo })));
  }
  return facts;
}

interface Inputs {
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
  annotations: Record<string, unknown>;
  entity: CatalogEntity;
  repo: RepoFacts;
}

const providers: Record<Exclude<FactRetriever['provider'], 'live'>, (inputs: Inputs) => Record<string, unknown>> = {
  // tech-insights-backend's entityMetadataFactRetriever: truthiness, lodash isEmpty for tags.
  entityMetadata: ({ metadata }) => ({
    hasTitle: truthy(metadata.title),
    hasDescription: truthy(metadata.description),
    hasTags: Array.isArray(metadata.tags) ? metadata.tags.length > 0 : isRecord(metadata.tags) ? Object.keys(metadata.tags).length > 0 : false,
  }),
  // entityOwnershipFactRetriever: a bare `team-a` counts as a group; only a `user:` prefix does not.
  entityOwnership: ({ spec }) => ({
    hasOwner: truthy(spec.owner),
    hasGroupOwner: truthy(spec.owner) && !String(spec.owner).startsWith('user:'),
  }),
  // techdocsFactRetriever: lodash camelCase('hasAnnotation-' + annotation).
  techdocs: ({ annotations }) =>
    Object.fromEntries(['backstage.io/techdocs-ref', 'backstage.io/techdocs-entity'].map(a => [camelCase(`hasAnnotation-${a}`), truthy(annotations[a])])),
  catalogQuality: ({ metadata, spec, annotations, entity, repo }) => {
    const facts: Record<string, unknown> = {
      hasLifecycle: truthy(spec.lifecycle),
      hasSystem: truthy(spec.system),
      hasPagerDutyServiceId: truthy(annotations['pagerduty.com/service-id']),
      hasRunbookLink: Array.isArray(metadata.links) && metadata.links.some(l => isRecord(l) && l.type === 'runbook'),
      hasApiDefinition: typeof spec.definition === 'string' && spec.definition.trim().length > 0,
      hasCodeownersCoverage: repo.isCovered(entity.file),
      hasDocsSite: hasDocsSite(annotations['backstage.io/techdocs-ref'], entity.file, repo.repoFiles) || truthy(annotations['backstage.io/techdocs-entity']),
    };
    if (typeof spec.lifecycle === 'string') facts.lifecycle = spec.lifecycle;
    if (typeof annotations['acme.com/runtime'] === 'string') facts.runtimeName = annotations['acme.com/runtime'];
    const major = /(\d+)/.exec(String(annotations['acme.com/runtime-version'] ?? ''));
    if (major) facts.runtimeMajorVersion = Number(major[1]);
    return facts;
  },
};

/**
 * The facts catalogQuality gives only when a field is there (a string lifecycle, the runtime annotations), with
 * that field's path: an entity whose change drops one leaves every check reading it (not applicable, since
 * Tech Insights skips a check whose facts are missing), and scorecard-scope-left points at the field.
 */
export const OPTIONAL_FACT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  lifecycle: ['spec', 'lifecycle'],
  runtimeName: ['metadata', 'annotations', 'acme.com/runtime'],
  runtimeMajorVersion: ['metadata', 'annotations', 'acme.com/runtime-version'],
};

function pick(retriever: FactRetriever, values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(retriever.schema).filter(name => name in values).map(name => [name, values[name]]));
}

/** Whether the docs site an entity's `dir:` techdocs-ref names exists in `repoFiles` (the fact hasDocsSite reads). */
export function docsSiteFacts(entity: CatalogEntity, repoFiles: ReadonlySet<string>): boolean {
  const metadata = isRecord(entity.entity.metadata) ? entity.entity.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  return hasDocsSite(annotations['backstage.io/techdocs-ref'], entity.file, repoFiles);
}

function hasDocsSite(ref: unknown, file: string, repoFiles: ReadonlySet<string>): boolean {
  if (typeof ref !== 'string' || !ref) return false;
  if (!ref.startsWith('dir:')) return true;
  const parts = `${file.split('/').slice(0, -1).join('/')}/${ref.slice(4)}`.split('/');
  const folder: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') folder.pop();
    else folder.push(part);
  }
  const base = folder.length ? `${folder.join('/')}/` : '';
  return repoFiles.has(`${base}mkdocs.yml`) || repoFiles.has(`${base}mkdocs.yaml`);
}
