import { UsageError } from '../config/gitopsConfig.ts';
import { logText, redactUrl } from '../report/safeText.ts';
import { AnswerTooLarge } from '../sync/boundedBody.ts';
import { HttpError, RequestFailed } from '../sync/retry.ts';
import { trimTrailingSlashes } from '../load/trailingSlashes.ts';

/**
 * Checks a base URL given on the command line (`--url`, `--catalog-url`) before anything is sent:
 * returns it without a trailing slash, or throws a UsageError naming the flag. Only http and https,
 * since Backstage's backend serves nothing else. The value is printed without user:password (a URL that
 * holds one is refused before this by io.ts's refuseUrlCredentials).
 */
export function baseUrlFlag(flag: string, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`${flag} '${logText(redactUrl(value))}' is not an http(s) URL: give Backstage's base URL, e.g. https://backstage.acme.example`);
  }
  return trimTrailingSlashes(value);
}

const PERMANENT: Record<string, string> = {
  ENOTFOUND: 'no such host',
  EAI_FAIL: 'no such host',
  ECONNREFUSED: 'connection refused',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is self-signed (set NODE_EXTRA_CA_CERTS)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified (set NODE_EXTRA_CA_CERTS)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name',
};

const TRANSIENT = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * What to tell the user when a call to Backstage failed: `{ message, transient }`. A host that does not
 * resolve, a refused connection, a bad certificate or a 400/401/403/404 answer will fail the same way
 * next time (check the URL or the token); timeouts, dropped connections, 429 and 5xx may pass on a retry; anything else is not promised to.
 * The URL is shown as its origin without user:password.
 */
export function connectionProblem(error: unknown, baseUrl: string): { message: string; transient: boolean } {
  const where = redactUrl(new URL(baseUrl).origin);
  if (error instanceof RequestFailed) {
    // Which call, and that it was retried: a stall of minutes otherwise ends in a bare "did not answer".
    const inner = connectionProblem(error.cause, baseUrl);
    const times = `${error.attempts} attempt${error.attempts === 1 ? '' : 's'}`;
    if (/did not answer in time$/.test(inner.message)) return { message: `${where} did not answer ${error.method} ${error.path} within ${Math.round(error.timeoutMs / 1000)} s (${times}).`, transient: true };
    if (inner.transient) return { message: `${inner.message} on ${error.method} ${error.path} (${times}).`, transient: true };
    return inner;
  }
  if (error instanceof AnswerTooLarge) return { message: `${where}: ${error.message}`, transient: false };
  if (error instanceof HttpError) {
    const transient = error.status === 408 || error.status === 429 || error.status >= 500;
    const what = error.status === 401 || error.status === 403 ? ' (check the token)' : error.status === 404 ? ' (check the URL: is the catalog plugin there?)' : '';
    // The server's own words help (a 400 says which filter it refused); the caller makes them inert.
    const body = error.body.trim().slice(0, 300);
    return { message: `${where} answered ${error.status} to ${error.method} ${error.path}${what}${body ? `: ${body}` : ''}`, transient };
  }
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code;
  const name = (error as { name?: string })?.name;
  if (code && PERMANENT[code]) return { message: `cannot reach ${where}: ${PERMANENT[code]} (${code}). Check the URL and that Backstage is running there.`, transient: false };
  if (name === 'TimeoutError' || name === 'AbortError') return { message: `${where} did not answer in time`, transient: true };
  const transient = Boolean(code && TRANSIENT.has(code));
  const what = code ?? cause?.message ?? (error as Error)?.message ?? String(error);
  return { message: redactUrl(`cannot reach ${where}: ${what}${transient ? '' : '. Check the URL and that Backstage is running there.'}`), transient };
}
