import { parseAllDocuments } from 'yaml';
import { readCapped } from '../sync/boundedBody.ts';
import { fetchWithRetry, HttpError, type RetryPolicy } from '../sync/retry.ts';
import { refOf, type SourceDocument } from './planImport.ts';
import type { LiveEntity } from './stripEntity.ts';
import { BudgetExceeded, expired, importBudget, MAX_PAGE_BYTES, outOfBytes, outOfTime, type ImportBudget } from './importBudget.ts';
import { trimTrailingSlashes } from '../load/trailingSlashes.ts';
import { fileFetchUrl } from './fileFetchUrl.ts';

/**
 * Every entity of a live catalog (optionally only `kinds`), paged through
 * `GET /api/catalog/entities/by-query` with its cursor (catalog-backend's cursor pagination: the
 * filter goes with the first page only, later pages carry just the cursor). Kinds become one
 * `filter` per kind, which Backstage ORs. Each page is read up to MAX_PAGE_BYTES, and counted against
 * `budget`'s bytes; throws BudgetExceeded past either, HttpError or RequestFailed when Backstage refuses
 * or does not answer.
 */
export async function readLiveCatalog(baseUrl: string, token: string, kinds: string[], fetcher: typeof fetch, retry: RetryPolicy, budget: ImportBudget = importBudget()): Promise<LiveEntity[]> {
  const api = `${trimTrailingSlashes(baseUrl)}/api/catalog/entities/by-query`;
  const found: LiveEntity[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const query = cursor ? `cursor=${encodeURIComponent(cursor)}` : [...kinds.map(k => `filter=${encodeURIComponent(`kind=${k}`)}`), 'limit=500', 'orderField=metadata.name,asc'].join('&');
    const response = await fetchWithRetry(fetcher, `${api}?${query}`, { headers: { authorization: `Bearer ${token}` } }, retry);
    if (!response.ok) throw new HttpError(response.status, 'GET', '/api/catalog/entities/by-query', await response.text().catch(() => ''));
    // Read as it streams and dropped at the cap (MAX_PAGE_BYTES, and what the budget has left): a server
    // that answers without end costs at most the cap, not memory until the timeout.
    const cap = Math.min(MAX_PAGE_BYTES, budget.bytesLeft);
    const text = await readCapped(response, cap);
    if (text === undefined) throw cap < MAX_PAGE_BYTES ? outOfBytes(budget) : new BudgetExceeded(`a page of /api/catalog/entities/by-query is over ${MAX_PAGE_BYTES / 1024 / 1024} MiB (500 entities at most); nothing was written`);
    budget.bytesLeft -= Buffer.byteLength(text);
    const page = JSON.parse(text) as { items: LiveEntity[]; pageInfo?: { nextCursor?: string } };
    found.push(...page.items);
    cursor = page.pageInfo?.nextCursor;
    if (++pages > 10_000) throw new Error('the catalog kept returning pages; stopped after 10,000');
  } while (cursor);
  return found;
}

const MAX_SOURCE_BYTES = 1024 * 1024;
// Redirects followed, each within the origin of the URL asked for.
const MAX_REDIRECTS = 5;

/**
 * The source files the entities were read from (`url:` locations), fetched without the Backstage
 * token (it is Backstage's, not the file host's), and the files their placeholders name. An entity
 * whose source or any placeholder target cannot be read is left out: the caller imports the
 * processed entity (placeholders resolved) instead.
 *
 * Only the host Backstage read the source file from is asked (through its integration's file URL, such as
 * GitHub's raw host for a `blob/` URL, as Backstage's UrlReader reads it), as a web page on it may redirect: a
 * placeholder target on another origin, or a redirect off the origin, leaves the entity out too.
 * Backstage reads a placeholder through its UrlReader, which reads only the hosts of its configured
 * integrations; the source file's host is one of them, any other is not known to be (a target such as
 * `http://169.254.169.254/…` was fetched from the importer's network and written into the repo).
 * Every file read counts against `budget`'s bytes, and none is read past its deadline: throws
 * BudgetExceeded then (the caller stops; importing the rest processed would be a silent half import).
 */
export async function readSources(entities: readonly LiveEntity[], fetcher: typeof fetch, budget: ImportBudget = importBudget()): Promise<Map<string, SourceDocument>> {
  const texts = new Map<string, Promise<string | undefined>>();
  // Read where Backstage's UrlReader reads the file (GitHub's raw host for a blob URL), not its web page.
  const read = (url: string) => {
    if (!texts.has(url)) texts.set(url, fetchText(fileFetchUrl(url), fetcher, budget));
    return texts.get(url)!;
  };
  const sources = new Map<string, SourceDocument>();
  for (const entity of entities) {
    const location = entity.metadata.annotations?.['backstage.io/managed-by-location'] ?? '';
    if (!location.startsWith('url:')) continue;
    const url = location.slice(4);
    const text = await read(url);
    if (text === undefined) continue;
    let raw: LiveEntity | undefined;
    try {
      // The last document of the entity's ref: Backstage keeps the last of a file's copies (the
      // earlier ones are dropped without a word), so that is the one the live catalog holds.
      raw = parseAllDocuments(text, { merge: false, logLevel: 'error' })
        .map(d => d.toJS() as LiveEntity)
        .findLast(d => d && typeof d === 'object' && typeof d.kind === 'string' && d.metadata && refOf(d) === refOf(entity));
    } catch {
      continue;
    }
    if (!raw) continue;
    const files = new Map<string, string>();
    let complete = true;
    for (const target of placeholderTargets(raw)) {
      let resolved: string;
      try {
        const at = new URL(target, url);
        if (at.origin !== new URL(url).origin) throw new Error('another origin');
        resolved = at.href;
      } catch {
        complete = false;
        break;
      }
      const content = await read(resolved);
      if (content === undefined) {
        complete = false;
        break;
      }
      files.set(target, content);
    }
    if (complete) sources.set(refOf(entity), { raw, files });
  }
  return sources;
}

function placeholderTargets(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach(v => placeholderTargets(v, out));
  else if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0][0].startsWith('$') && typeof entries[0][1] === 'string') out.push(entries[0][1]);
    else entries.forEach(([, v]) => placeholderTargets(v, out));
  }
  return out;
}

/**
 * The text at `url` (http or https), following redirects only within its origin; undefined when it cannot
 * be read or is over MAX_SOURCE_BYTES. The body is read as it streams and dropped at the cap (a declared
 * Content-Length over it is not read at all): a host that answers without end, or with gigabytes, costs
 * at most the cap in memory, not the whole answer until the timeout.
 */
async function fetchText(url: string, fetcher: typeof fetch, budget: ImportBudget): Promise<string | undefined> {
  if (expired(budget)) throw outOfTime(budget);
  try {
    if (!/^https?:/.test(url)) return undefined;
    const origin = new URL(url).origin;
    const signal = AbortSignal.timeout(15_000);
    let at = url;
    let response = await fetcher(at, { signal, redirect: 'manual' });
    for (let hops = 0; response.status >= 300 && response.status < 400 && hops < MAX_REDIRECTS; hops++) {
      await response.body?.cancel().catch(() => {});
      const next = response.headers.get('location');
      if (!next || new URL(next, at).origin !== origin) return undefined;
      at = new URL(next, at).href;
      response = await fetcher(at, { signal, redirect: 'manual' });
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      return undefined;
    }
    const cap = Math.min(MAX_SOURCE_BYTES, budget.bytesLeft);
    const text = await readCapped(response, cap);
    if (text === undefined && cap < MAX_SOURCE_BYTES) throw outOfBytes(budget);
    if (text !== undefined) budget.bytesLeft -= Buffer.byteLength(text);
    return text;
  } catch (error) {
    if (error instanceof BudgetExceeded) throw error;
    // A read the deadline cut (budgetedFetch aborts it) is the budget's end, not this file's.
    if (expired(budget)) throw outOfTime(budget);
    return undefined;
  }
}
