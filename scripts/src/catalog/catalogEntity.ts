import type { Diagnostic, Severity } from '../diagnostic.ts';
import { redactUrl } from '../report/safeText.ts';
import { isRecord, type LoadedCatalog, type SourceFile } from '../load/loadCatalog.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { substitutePlaceholders, type PlaceholderProblem, type PlaceholderUse } from './placeholders.ts';
import type { ManagedModel } from './managedModel.ts';
import type { RelationField } from '../backstage.ts';

export interface CatalogEntity {
  file: string;
  document: number;
  locate: SourceFile['locate'];
  /** As written in the file. */
  raw: Record<string, unknown>;
  /** As Backstage validates it: placeholders substituted. */
  entity: Record<string, unknown>;
  kind?: string;
  namespace: string;
  name?: string;
  /** Lower-cased `kind:namespace/name`, as Backstage keys entities; absent when kind or name is unusable. */
  ref?: string;
  /** The relation fields of its kind in the managed Backstage's extended model; absent: the built-in kinds'. */
  relationFields?: RelationField[];
  /** Its file's text cannot hold a placeholder (SourceFile.placeholderFree): `entity` is `raw`. */
  placeholderFree?: boolean;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  hint?: string;
}

/** Turns a finding about a path inside an entity into a Diagnostic with the line and column of that path. */
export function diagnosticAt(entity: CatalogEntity, path: readonly PathSegment[], finding: Finding, options?: { key?: boolean }): Diagnostic {
  const range = entity.locate(entity.document, path, options);
  // Field by field in the order a spread gives them: findings come in many shapes, and spreading each
  // cost a legacy catalog's thousands of them about 2 µs apiece.
  const { ruleId, severity, message, hint } = finding;
  return hint === undefined ? { ruleId, severity, message, file: entity.file, range, entityRef: entity.ref } : { ruleId, severity, message, hint, file: entity.file, range, entityRef: entity.ref };
}

// Backstage lower-cases refs with toLocaleLowerCase('en-US'); only the tr, az and lt locales have
// special casing rules, so plain toLowerCase() gives the same strings at a fiftieth of the cost.
export function refOf(kind: unknown, namespace: unknown, name: unknown): string | undefined {
  if (typeof kind !== 'string' || typeof name !== 'string' || !kind || !name) return undefined;
  const ns = typeof namespace === 'string' && namespace ? namespace : 'default';
  return `${kind}:${ns}/${name}`.toLowerCase();
}

const NO_PROBLEMS: readonly PlaceholderProblem[] = Object.freeze([]);
const NO_USES: readonly PlaceholderUse[] = Object.freeze([]);

/**
 * One info per entity for its placeholders at URLs the gate cannot read: Backstage's PlaceholderProcessor
 * reads them at ingestion, before validation; offline their value is unknown, so nothing is judged of it
 * (unreadPlaceholder marks the stand-ins the model and template checks skip).
 */
function unreadFinding(record: CatalogEntity, unread: readonly PlaceholderUse[], readersKnown: boolean): Diagnostic {
  const first = unread[0];
  const more = unread.length > 1 ? ` (and ${unread.length - 1} more placeholder${unread.length > 2 ? 's' : ''} like it in this entity)` : '';
  return diagnosticAt(record, first.path, {
    ruleId: 'placeholder-not-read',
    severity: 'info',
    message: `$${first.key}: ${shownUrl(first.value)} is read by Backstage at ingestion; the gate cannot read it offline, so what it gives is not checked${more}.`,
    hint: readersKnown
      ? 'Nothing to fix: the managed Backstage reads this host. To have it checked, keep the file in this repository and refer to it with a relative path.'
      : "Nothing to fix if the managed Backstage reads this host (an integration for it, or backend.reading.allow; name its app-config in gitops.config.yaml's backstageConfig.files and the gate checks that): otherwise it fails this entity. To have it checked, keep the file in this repository and refer to it with a relative path.",
  });
}

/**
 * A placeholder's URL as Backstage's reader takes it: parsed as a WHATWG URL (`https://evil.com\\@docs.example.com`
 * names evil.com, the backslash a path separator), user info masked, at most 300 characters; the written
 * value, masked, when it is no URL.
 */
function shownUrl(value: unknown): string {
  try {
    const url = new URL(String(value));
    if (url.username || url.password) {
      url.username = '***';
      url.password = '';
    }
    return url.href.slice(0, 300);
  } catch {
    return redactUrl(String(value).slice(0, 300));
  }
}

// A placeholder URL per finding: an entity naming hundreds is one mistake, said a few times.
const MAX_REFUSED_PER_ENTITY = 5;

/**
 * placeholder-url-not-allowed at each placeholder URL the managed Backstage's readers refuse (`readable`
 * says false): PlaceholderProcessor reads it with the UrlReader, which throws NotAllowedError for a host no
 * integration and no `backend.reading.allow` entry takes, so the entity fails processing.
 */
function refusedFindings(record: CatalogEntity, refused: readonly PlaceholderUse[]): Diagnostic[] {
  return refused.slice(0, MAX_REFUSED_PER_ENTITY).map(use => {
    const url = shownUrl(use.value);
    let host = '';
    try {
      host = new URL(String(use.value)).host.slice(0, 200);
    } catch {
      // readable() said false only of a URL it parsed.
    }
    return diagnosticAt(record, use.path, {
      ruleId: 'placeholder-url-not-allowed',
      severity: 'error',
      message: `$${use.key}: ${url} cannot be read by the managed Backstage: no integration in its app-config takes ${host}, and backend.reading.allow does not list it, so its UrlReader refuses the URL ("Reading from … is not allowed") and the catalog fails this entity (a new one never appears, an existing one stops updating).`,
      hint: 'Copy the file into this repository and refer to it with a relative path (reviewed with the pull request); or, if the platform team trusts that host, add it under backend.reading.allow in the managed Backstage\'s app-config.',
    });
  });
}

/** Every document of every reported file as a CatalogEntity, plus the documents that cannot be one. */
export function collectEntities(sources: readonly SourceFile[], catalog: Pick<LoadedCatalog, 'placeholderSources'> & Partial<Pick<LoadedCatalog, 'placeholderResolvers' | 'model' | 'readFromDisk'>>, repoUrl?: string, options: { unconfigured?: boolean; readable?: (url: string) => boolean | undefined } = {}) {
  const entities: CatalogEntity[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const source of sources) {
    diagnostics.push(...source.problems);
    source.documents.forEach((doc, document) => {
      if (doc === undefined || doc === null) return;
      if (!isRecord(doc)) {
        diagnostics.push({
          ruleId: 'yaml-not-a-mapping',
          severity: 'error',
          message: `Expected object at root, got ${Array.isArray(doc) ? 'an array' : typeof doc}`,
          hint: 'Each YAML document must be one entity: a mapping with apiVersion, kind, metadata and spec. Separate entities with ---.',
          file: source.file,
          range: source.locate(document, []),
        });
        return;
      }
      const { entity, problems, unread } = source.placeholderFree ? { entity: doc, problems: NO_PROBLEMS, unread: NO_USES } : substitutePlaceholders(doc, source.file, catalog.placeholderSources, repoUrl, catalog.placeholderResolvers, catalog.readFromDisk?.has(source.file));
      const metadata = isRecord(entity.metadata) ? entity.metadata : {};
      const record: CatalogEntity = {
        file: source.file,
        document,
        locate: source.locate,
        raw: doc,
        entity,
        kind: typeof entity.kind === 'string' ? entity.kind : undefined,
        namespace: typeof metadata.namespace === 'string' && metadata.namespace ? metadata.namespace : 'default',
        name: typeof metadata.name === 'string' ? metadata.name : undefined,
        ref: refOf(entity.kind, metadata.namespace, metadata.name),
        relationFields: catalog.model ? modelRelationFields(catalog.model, entity) : undefined,
        placeholderFree: source.placeholderFree,
      };
      entities.push(record);
      for (const problem of problems) {
        // Without gitops.config.yaml no policy says another repository may not be read: Backstage reads it, so a warning.
        const severity = problem.readByModule && options.unconfigured ? 'warning' : 'error';
        const { readByModule: _, ...written } = problem;
        const d = diagnosticAt(record, problem.path, { ...written, severity });
        diagnostics.push(problem.missingTarget ? { ...d, missingTarget: problem.missingTarget } : d);
      }
      if (unread.length > 0) {
        // What the managed Backstage's readers refuse fails the entity there; the rest it reads, unseen here.
        const verdicts = unread.map(use => options.readable?.(String(use.value)));
        const rest = unread.filter((_, i) => verdicts[i] !== false);
        diagnostics.push(...refusedFindings(record, unread.filter((_, i) => verdicts[i] === false)));
        if (rest.length > 0) diagnostics.push(unreadFinding(record, rest, verdicts.every(v => v !== undefined)));
      }
    });
  }
  return { entities, diagnostics };
}

function modelRelationFields(model: ManagedModel, entity: Record<string, unknown>): RelationField[] | undefined {
  try {
    return model.getKind(entity as never)?.relationFields;
  } catch {
    return undefined;
  }
}
