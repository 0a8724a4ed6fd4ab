import { secretScrubber } from '../report/secretScrubber.ts';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  sleep(ms: number): Promise<void>;
  /** Told before each retry what failed and when the next attempt is, for the log (a stall otherwise shows nothing for minutes). */
  onRetry?(note: string): void;
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

/**
 * A call that got no answer (timed out, connection dropped or refused) on every attempt: which call,
 * how many attempts, each waited how long; `cause` is the last attempt's error.
 */
export class RequestFailed extends Error {
  constructor(readonly method: string, readonly path: string, readonly attempts: number, readonly timeoutMs: number, cause: unknown) {
    super(`${method} ${path} failed ${attempts} times: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'RequestFailed';
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
    const delay = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(policy.maxDelayMs, retryAfter * 1000) : backoff * (0.5 + Math.random() / 2);
    const failure = failureOf(lastError, policy);
    if (failure) policy.onRetry?.(`${init.method ?? 'GET'} ${new URL(url).pathname}: ${failure}; attempt ${attempt + 1} of ${policy.attempts} in ${(delay / 1000).toFixed(1)} s`);
    await policy.sleep(delay);
  }
  if (lastError instanceof HttpError) throw lastError;
  throw new RequestFailed(init.method ?? 'GET', new URL(url).pathname, policy.attempts, policy.timeoutMs, lastError);
}

// Failures that end the same way on every attempt (no such host, nothing listening, a bad certificate):
// retried quietly, so the one tool error at the end is all the user reads.
const QUIET = /^(ENOTFOUND|EAI_FAIL|ECONNREFUSED)$|CERT|SELF_SIGNED|UNABLE_TO_VERIFY/;

/** One attempt's failure in a few words (the status answered, no answer in time, the network error code), or undefined when it is not worth a log line. */
function failureOf(error: unknown, policy: RetryPolicy): string | undefined {
  if (error instanceof HttpError) return `answered ${error.status}`;
  const name = (error as { name?: string })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${Math.round(policy.timeoutMs / 1000)} s`;
  const cause = (error as { cause?: { code?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code;
  if (code && QUIET.test(code)) return undefined;
  return code ?? 'connection failed';
}
