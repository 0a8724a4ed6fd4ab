import { secretScrubber } from '../report/secretScrubber.ts';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  sleep(ms: number): Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  timeoutMs: 30_000,
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
};

/**
 * A non-success answer. The body is scrubbed of `secrets` (in every encoding, see secretScrubber)
 * before it is cut to 300 characters: a cut through an echoed token would leave a prefix no scrubber
 * recognises later.
 */
export class HttpError extends Error {
  readonly body: string;
  constructor(readonly status: number, readonly method: string, readonly path: string, body: string, secrets: readonly (string | undefined)[] = []) {
    const scrubbed = secretScrubber(secrets)(body);
    super(`${method} ${path} answered ${status}${scrubbed ? `: ${scrubbed.slice(0, 300)}` : ''}`);
    this.body = scrubbed;
  }
}

/** The credential in a request's Authorization header (`Bearer x`, `token x`, `Basic x`). */
function credentialOf(init: RequestInit): string | undefined {
  const headers = new Headers(init.headers);
  return headers.get('authorization')?.replace(/^\S+\s+/, '') || undefined;
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * fetch with retries for what a busy Backstage answers: 429 (honouring Retry-After), 5xx, timeouts
 * and dropped connections. Only for idempotent calls; the caller decides which those are.
 */
export async function fetchWithRetry(fetcher: typeof fetch, url: string, init: RequestInit, policy: RetryPolicy): Promise<Response> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    let response: Response | undefined;
    try {
      response = await fetcher(url, { ...init, signal: AbortSignal.timeout(policy.timeoutMs) });
    } catch (error) {
      lastError = error;
    }
    if (response && !RETRYABLE.has(response.status)) return response;
    if (response) {
      lastError = new HttpError(response.status, init.method ?? 'GET', new URL(url).pathname, await response.text().catch(() => ''), [credentialOf(init)]);
    }
    if (attempt === policy.attempts) break;
    const retryAfter = Number(response?.headers.get('retry-after'));
    const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    await policy.sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(policy.maxDelayMs, retryAfter * 1000) : backoff * (0.5 + Math.random() / 2));
  }
  throw lastError;
}
