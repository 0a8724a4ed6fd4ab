import { UsageError } from '../config/gitopsConfig.ts';
import { redactUrl } from '../report/safeText.ts';
import { ownerRefOf } from '../sync/holderOf.ts';
import { boundedJson } from '../sync/boundedBody.ts';
import { DEFAULT_RETRY } from '../sync/retry.ts';

type LiveItem = { metadata?: { annotations?: Record<string, string> }; spec?: Record<string, unknown> } | null;

/**
 * Asks a live Backstage for `refs` through `POST /api/catalog/entities/by-refs`, 500 at a time, and returns
 * its items in request order (`null` where it holds none), with only `fields`. Asks once even for no refs (an
 * empty list is a valid request, answered `{ items: [] }`), so a URL that reaches no catalog, or a token it
 * refuses, is told on every run rather than only when a reference happens to be missing locally. Throws
 * UsageError for an answer other than 200 or a body that is no by-refs answer.
 */
async function byRefs(baseUrl: string, token: string | undefined, refs: readonly string[], fields: readonly string[], fetcher: typeof fetch): Promise<LiveItem[]> {
  const items: LiveItem[] = [];
  for (let i = 0; i === 0 || i < refs.length; i += 500) {
    const chunk = refs.slice(i, i + 500);
    const response = await fetcher(`${baseUrl.replace(/\/$/, '')}/api/catalog/entities/by-refs`, {
      method: 'POST',
      // One answer, its body included, within the time sync gives each call: a server that never answers does not hold check.
      signal: AbortSignal.timeout(DEFAULT_RETRY.timeoutMs),
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ entityRefs: chunk, fields }),
    });
    if (!response.ok) throw new UsageError(`The catalog at ${redactUrl(baseUrl)} answered ${response.status} to entities/by-refs${response.status === 401 || response.status === 403 ? ': check the token (--token-env)' : ''}`);
    const body = await boundedJson<{ items?: unknown }>(response, 'POST /api/catalog/entities/by-refs');
    if (body === null || typeof body !== 'object' || !Array.isArray(body.items) || body.items.length !== chunk.length) {
      throw new UsageError(`${redactUrl(baseUrl)} answered entities/by-refs without one item per ref asked: it is not a Backstage backend's catalog (give the backend's base URL, the one app-config's backend.baseUrl names).`);
    }
    items.push(...(body.items as LiveItem[]));
  }
  return items;
}

/**
 * Which of `refs` a live Backstage knows, through `POST /api/catalog/entities/by-refs`: a set of the refs
 * as given. Throws UsageError when the catalog cannot be asked (see byRefs).
 */
export async function fetchKnownRefs(baseUrl: string, token: string | undefined, refs: readonly string[], fetcher: typeof fetch): Promise<Set<string>> {
  const items = await byRefs(baseUrl, token, refs, ['kind', 'metadata.namespace', 'metadata.name'], fetcher);
  return new Set(refs.filter((_, index) => items[index]));
}

/** What the live catalog's copy of an entity says about who holds and owns it. */
export interface LiveCopy {
  annotations: Record<string, string>;
  /** Its owner as Backstage reads spec.owner (ownerRefOf), lower-case; undefined when it has none. */
  owner: string | undefined;
}

/**
 * The `metadata.annotations` and owner of each of `refs` a live Backstage holds (`POST /api/catalog/entities/by-refs`),
 * keyed by ref; a ref it does not hold is absent. For telling which registered location holds an entity
 * (`backstage.io/managed-by-origin-location`), and whose it is there. Throws UsageError for an answer other than 200.
 */
export async function fetchLiveAnnotations(baseUrl: string, token: string | undefined, refs: readonly string[], fetcher: typeof fetch): Promise<Map<string, LiveCopy>> {
  const items = await byRefs(baseUrl, token, refs, ['kind', 'metadata.namespace', 'metadata.name', 'metadata.annotations', 'spec.owner'], fetcher);
  const held = new Map<string, LiveCopy>();
  refs.forEach((ref, index) => {
    const item = items[index];
    if (item) held.set(ref, { annotations: item.metadata?.annotations ?? {}, owner: ownerRefOf(item) });
  });
  return held;
}
