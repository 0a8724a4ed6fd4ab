// A secret comes back in more shapes than the one the toolkit holds: servers echo it URL-encoded in a
// query, base64-encoded in a basic-auth header (`user:token`), JSON-escaped in an error body. The
// scrubber knows every one of them and replaces each with `***`.

/** Shorter fragments would blank ordinary words of the log; the plain secret is always scrubbed. */
const MIN_FRAGMENT = 6;

/**
 * Values shorter than this are not scrubbed at all: starring every `x` or `p` in a log mangles it and
 * protects nothing (a 1-character secret is told by its length). Azure's agent has the same guard
 * (LoggedSecretMasker.MinSecretLength, microsoft/azure-pipelines-agent); real tokens are far longer.
 */
export const MIN_SECRET_LENGTH = 8;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** `%2F` and `%2f` are the same byte; servers differ in which they echo. */
const percentInsensitive = (encoded: string) => escapeRegExp(encoded).replace(/%([0-9A-F]{2})/g, (_, hex: string) => `%(?:${hex}|${hex.toLowerCase()})`);

/**
 * The base64 text that encodes `secret` wherever it stands in a longer byte string: one fragment per
 * alignment (0, 1 or 2 bytes before it), without the characters that also depend on the unknown
 * neighbouring bytes. This catches `base64("user:" + token)` for any user name.
 */
function base64Fragments(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const fragments: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64').replace(/=+$/, '');
    // Leading characters mix in the filler bytes; trailing ones the bytes after the secret.
    const start = Math.ceil((shift * 8) / 6);
    const end = Math.floor(((shift + bytes.length) * 8) / 6);
    fragments.push(encoded.slice(start, end));
  }
  return fragments;
}

/**
 * Every form in which `secret` can come back in text: plain, URL-, form-, JSON-escaped (once or twice),
 * base64(url), hex of its UTF-8 bytes (lower and upper case), every byte percent-encoded (`%74%6F…`),
 * and every character as a JSON `\uXXXX` escape (lower and upper case hex).
 */
export function secretForms(secret: string): string[] {
  const escapeJson = (text: string) => JSON.stringify(text).slice(1, -1);
  const json = escapeJson(secret);
  const bytes = Buffer.from(secret, 'utf8');
  const unicodeEscaped = [...secret].map(ch => [...ch].map(unit => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')).join('');
  const forms = [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    json,
    json.replace(/\//g, '\\/'),
    json.replace(/[\u0080-\uffff]/g, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`),
    ...base64Fragments(secret).flatMap(b => [b, b.replace(/\+/g, '-').replace(/\//g, '_')]),
    // A JSON error body quoting a JSON request body escapes twice.
    escapeJson(json),
    ...[bytes.toString('hex'), bytes.toString('hex').toUpperCase()],
    [...bytes].map(byte => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
    ...[unicodeEscaped, unicodeEscaped.toUpperCase().replace(/\\U/g, '\\u')],
  ];
  return [...new Set(forms)].filter(form => form === secret || form.length >= MIN_FRAGMENT);
}

/**
 * The parts of a credential that are secrets of their own: the key and SAS of an Azure Storage
 * connection string (`AccountKey=…;SharedAccessSignature=…`). Returns the value itself plus those parts.
 */
export function secretParts(value: string): string[] {
  const parts = [value];
  for (const match of value.matchAll(/(?:^|;)\s*(?:AccountKey|SharedAccessSignature|SharedAccessKey)=([^;]+)/gi)) parts.push(match[1].trim());
  return parts.filter(p => p.length > 0);
}

/**
 * The credentials in a URL's user info (`https://user:token@host`): the password, or the user name
 * when it stands alone (a token used as user name). Returns `[]` for a URL without user info or text
 * that is no URL.
 */
export function urlCredentials(value: string): string[] {
  try {
    const url = new URL(value);
    const decode = (part: string) => { try { return decodeURIComponent(part); } catch { return part; } };
    if (url.password) return [decode(url.password)];
    return url.username ? [decode(url.username)] : [];
  } catch {
    return [];
  }
}

/**
 * A function that replaces every form (see {@link secretForms}) of every secret with `***`.
 * Secrets (and parts) shorter than {@link MIN_SECRET_LENGTH} are ignored; with none, text passes
 * unchanged. Never throws.
 */
export function secretScrubber(secrets: Iterable<string | undefined>): (text: string) => string {
  const patterns = [...new Set([...secrets].filter((s): s is string => Boolean(s)).flatMap(secretParts).filter(s => s.length >= MIN_SECRET_LENGTH).flatMap(secretForms))]
    // Longest first, so a form that contains another is replaced whole.
    .sort((a, b) => b.length - a.length)
    .map(form => (/%[0-9A-F]{2}/.test(form) ? percentInsensitive(form) : escapeRegExp(form)));
  if (patterns.length === 0) return text => text;
  const pattern = new RegExp(patterns.join('|'), 'g');
  return text => text.replace(pattern, '***');
}
