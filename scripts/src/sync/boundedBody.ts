/** An answer of Backstage's REST API larger than any it gives: reading stopped at the cap. */
export class AnswerTooLarge extends Error {
  constructor(readonly what: string, readonly maxBytes: number) {
    super(`the answer to ${what} passed ${Math.round(maxBytes / 1024 / 1024)} MiB and was not read further (a catalog page holds 500 entities at most): check that the URL is Backstage's`);
    this.name = 'AnswerTooLarge';
  }
}

// One answer of the catalog API: a page or a by-refs batch of 500 entities, tens of KiB each at the very most.
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * A response body as UTF-8 text (as Response.text() decodes it), or undefined once it passes `maxBytes`,
 * which stops the download. The body is read as it streams and dropped at the cap (a declared
 * Content-Length over it is not read at all): a server that answers without end, or with gigabytes, costs
 * at most the cap in memory, not the whole answer until the timeout.
 */
export async function readCapped(response: Response, maxBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    return undefined;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/**
 * A catalog API answer's JSON, read up to `maxBytes` (readCapped) instead of Response.json()'s whole body.
 * `what` names the call (`GET /entities/by-query`) for the error. Throws AnswerTooLarge past the cap, and
 * SyntaxError as JSON.parse does.
 */
export async function boundedJson<T>(response: Response, what: string, maxBytes = MAX_ANSWER_BYTES): Promise<T> {
  const text = await readCapped(response, maxBytes);
  if (text === undefined) throw new AnswerTooLarge(what, maxBytes);
  return JSON.parse(text) as T;
}
