import { createRequire } from 'node:module';
import { boundedJson } from './boundedBody.ts';
import { fetchWithRetry, HttpError, type RetryPolicy } from './retry.ts';

const require = createRequire(import.meta.url);

/** The ref the catalog stores an unprocessed entity under (refresh_state.entity_ref), or undefined when it has no kind or name. */
function unprocessedRef(entity: { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | undefined): string | undefined {
  const { kind, metadata } = entity ?? {};
  if (typeof kind !== 'string' || typeof metadata?.name !== 'string') return undefined;
  const { stringifyEntityRef } = require('@backstage/catalog-model') as typeof import('@backstage/catalog-model');
  return stringifyEntityRef({ kind, namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined, name: metadata.name }).toLocaleLowerCase('en-US');
}

export interface RemoteEntity {
  apiVersion: string;
  kind: string;
  metadata: { uid?: string; name: string; namespace?: string; annotations?: Record<string, string>; [key: string]: unknown };
  spec?: Record<string, unknown>;
  status?: { items?: { type: string; level: string; message: string }[] };
  [key: string]: unknown;
}

export interface RemoteLocation {
  id: string;
  type: string;
  target: string;
}

/**
 * The catalog REST API (`/api/catalog`), every call authenticated and retried, every answer read up to
 * MAX_ANSWER_BYTES (boundedJson: AnswerTooLarge past it). The token lives only in the Authorization
 * header; nothing here prints it.
 */
export class CatalogApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly fetcher: typeof fetch,
    private readonly retry: RetryPolicy,
  ) {}

  private async call(method: string, path: string, body?: unknown, ok: number[] = [200]): Promise<Response> {
    const response = await fetchWithRetry(
      this.fetcher,
      `${this.baseUrl.replace(/\/$/, '')}/api/catalog${path}`,
      { method, headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) },
      this.retry,
    );
    if (!ok.includes(response.status)) throw new HttpError(response.status, method, path, await response.text().catch(() => ''), [this.token]);
    return response;
  }

  /** Every entity whose origin is one of `origins` (`url:<target>`), paged with the query cursor. */
  async entitiesFromOrigins(origins: readonly string[]): Promise<RemoteEntity[]> {
    const found: RemoteEntity[] = [];
    for (const origin of origins) found.push(...(await this.entitiesWhere(`metadata.annotations.backstage.io/managed-by-origin-location=${origin}`)));
    return found;
  }

  /** Every entity matching one catalog filter (`key=value`), paged with the query cursor. */
  async entitiesWhere(filter: string): Promise<RemoteEntity[]> {
    const found: RemoteEntity[] = [];
    let cursor: string | undefined;
    do {
      const query = cursor ? `cursor=${encodeURIComponent(cursor)}` : `filter=${encodeURIComponent(filter)}&limit=500`;
      const page = await boundedJson<{ items: RemoteEntity[]; pageInfo: { nextCursor?: string } }>(await this.call('GET', `/entities/by-query?${query}`), 'GET /api/catalog/entities/by-query');
      found.push(...page.items);
      cursor = page.pageInfo?.nextCursor;
    } while (cursor);
    return found;
  }

  async byRefs(refs: readonly string[]): Promise<(RemoteEntity | null)[]> {
    const items: (RemoteEntity | null)[] = [];
    for (let i = 0; i < refs.length; i += 500) {
      const chunk = refs.slice(i, i + 500);
      const body = await boundedJson<{ items: (RemoteEntity | null)[] }>(await this.call('POST', '/entities/by-refs', { entityRefs: chunk }), 'POST /api/catalog/entities/by-refs');
      items.push(...body.items);
    }
    return items;
  }

  async locations(): Promise<RemoteLocation[]> {
    const body = await boundedJson<{ data: RemoteLocation }[]>(await this.call('GET', '/locations'), 'GET /api/catalog/locations');
    return body.map(b => b.data);
  }

  /** Registers a location; registering it again is a no-op refresh, so retries are safe. */
  async addLocation(type: string, target: string): Promise<RemoteLocation> {
    const response = await this.call('POST', '/locations?onConflict=refresh', { type, target }, [200, 201]);
    return (await boundedJson<{ location: RemoteLocation }>(response, 'POST /api/catalog/locations')).location;
  }

  /** Unregisters a location; its entities become orphans. A 404 means it is already gone. */
  async deleteLocation(id: string): Promise<void> {
    await this.call('DELETE', `/locations/${encodeURIComponent(id)}`, undefined, [200, 204, 404]);
  }

  async refresh(entityRef: string): Promise<void> {
    await this.call('POST', '/refresh', { entityRef }, [200, 204]);
  }

  /**
   * Refreshes an entity as Backstage does, through the Locations that emit it; false when none does
   * (catalog-backend answers 404: no parent references it, so it is an orphan or gone).
   */
  async refreshThroughParents(entityRef: string): Promise<boolean> {
    return (await this.call('POST', '/refresh', { entityRef }, [200, 204, 404])).status !== 404;
  }

  /** Deleting twice is fine: a 404 means it is already gone. */
  async deleteEntity(uid: string): Promise<void> {
    await this.call('DELETE', `/entities/by-uid/${encodeURIComponent(uid)}`, undefined, [200, 204, 404]);
  }

  /**
   * Backstage's own verdict on an entity as a location would emit it (`POST /validate-entity`, catalog-backend:
   * the envelope, then the real processing orchestrator: placeholders read against `location`, processors,
   * policies, catalog rules). For a new entity that does not appear, this is where its processing error shows
   * without the unprocessed-entities module (it is never stored, so it has no `status.items`). Takes the entity
   * as written and `url:<its file>`; returns the error messages (empty when it is valid), or undefined when the
   * endpoint gives no verdict (missing, another status, a body without errors). Validation writes nothing, so
   * it is retried like a read.
   */
  async validateEntity(entity: unknown, location: string): Promise<string[] | undefined> {
    const response = await fetchWithRetry(this.fetcher, `${this.baseUrl.replace(/\/$/, '')}/api/catalog/validate-entity`, { method: 'POST', headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ entity, location }) }, this.retry);
    if (response.ok) return (await response.body?.cancel().catch(() => undefined), []);
    if (response.status !== 400) return (await response.body?.cancel().catch(() => undefined), undefined);
    const body = await boundedJson<{ errors?: { message?: unknown }[] }>(response, 'POST /api/catalog/validate-entity').catch(() => undefined);
    const messages = (body?.errors ?? []).map(e => String(e?.message ?? '')).filter(Boolean);
    return messages.length ? messages : undefined;
  }

  /**
   * The processing errors of entities Backstage has read but never stored (a new entity that fails
   * processing never appears anywhere else), by lower-case entity ref, from the unprocessed-entities
   * module's `/entities/unprocessed/pending`; empty when that module is not installed.
   * The module selects `refresh_state.*` joined with `final_entities`, whose null `entity_ref` and
   * `entity_id` overwrite refresh_state's for exactly these rows (module 0.6.x, SQLite and Postgres
   * alike), so the ref is taken from the unprocessed entity itself, as the catalog writes
   * refresh_state.entity_ref: stringifyEntityRef, lower-cased.
   */
  async unprocessedErrors(): Promise<Map<string, string[]>> {
    const response = await fetchWithRetry(this.fetcher, `${this.baseUrl.replace(/\/$/, '')}/api/catalog/entities/unprocessed/pending`, { headers: { authorization: `Bearer ${this.token}` } }, this.retry);
    if (!response.ok) return new Map();
    const body = await boundedJson<{ entities?: { entity_ref?: string | null; unprocessed_entity?: { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } }; errors?: { message: string }[] }[] }>(response, 'GET /api/catalog/entities/unprocessed/pending');
    const found = new Map<string, string[]>();
    for (const row of body.entities ?? []) {
      const ref = row.entity_ref ?? unprocessedRef(row.unprocessed_entity);
      if (ref && row.errors?.length) found.set(ref, row.errors.map(x => String(x?.message)));
    }
    return found;
  }
}
