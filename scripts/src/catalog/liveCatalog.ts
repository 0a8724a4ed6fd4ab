import { UsageError } from '../config/gitopsConfig.ts';
import { redactUrl } from '../report/safeText.ts';
import { ownerRefOf } from '../sync/holderOf.ts';
import { boundedJson } from '../sync/boundedBody.ts';
import { DEFAULT_RETRY } from '../sync/retry.ts';

/**
 * Which of `refs` a live Backstage knows, through `POST /api/catalog/entities/by-refs`
 * (items come back in request order, `null` where missing).
 */
export async function fetchKnownRefs(baseUrl: string, token: string | undefined, refs: readonly string[], fetcher: typeof fetch): Promise<Set<string>> {
  const known = new Set<string>();
  for (let i = 0; i < refs.length; i += 500) {
    const chunk = refs.slice(i, i + 500);
    const response = await fetcher(`${baseUrl.replace(/\/$/, '')}/api/catalog/entities/by-refs`, {
      method: 'POST',
      // One answer, its body included, within the time sync gives each call: a server that never answers does not hold check.
      signal: AbortSignal.timeout(DEFAULT_RETRY.timeoutMs),
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ entityRefs: chunk, fields: ['kind', 'metadata.namespace', 'metadata.name'] }),
    });
    if (!response.ok) throw new UsageError(`The catalog at ${redactUrl(baseUrl)} answered ${response.status} to entities/by-refs${response.status === 401 || response.status === 403 ? ': check the token (--token-env)' : ''}`);
    const body = await boundedJson<{ items: (unknown | null)[] }>(response, 'POST /api/catalog/entities/by-refs');
    body.items.forEach((item, index) => item && known.add(chunk[index]));
  }
  return known;
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
  const held = new Map<string, LiveCopy>();
  for (let i = 0; i < refs.length; i += 500) {
    const chunk = refs.slice(i, i + 500);
    const response = await fetcher(`${baseUrl.replace(/\/$/, '')}/api/catalog/entities/by-refs`, {
      method: 'POST',
      // One answer, its body included, within the time sync gives each call: a server that never answers does not hold check.
      signal: AbortSignal.timeout(DEFAULT_RETRY.timeoutMs),
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ entityRefs: chunk, fields: ['kind', 'metadata.namespace', 'metadata.name', 'metadata.annotations', 'spec.owner'] }),
    });
    if (!response.ok) throw new UsageError(`The catalog at ${redactUrl(baseUrl)} answered ${response.status} to entities/by-refs${response.status === 401 || response.status === 403 ? ': check the token (--token-env)' : ''}`);
    const body = await boundedJson<{ items: ({ metadata?: { annotations?: Record<string, string> }; spec?: Record<string, unknown> } | null)[] }>(response, 'POST /api/catalog/entities/by-refs');
    body.items.forEach((item, index) => item && held.set(chunk[index], { annotations: item.metadata?.annotations ?? {}, owner: ownerRefOf(item) }));
  }
  return held;
}
