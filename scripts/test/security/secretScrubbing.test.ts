import { describe, expect, it } from 'vitest';
import { secretForms, secretScrubber, urlCredentials } from '../../src/report/secretScrubber.ts';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { startRecordingServer } from '../helpers/recordingServer.ts';
import { runBin } from '../helpers/runBin.ts';
import { makeBadPullRequest } from '../pr/prChange.ts';

const TOKEN = 'bkst_9f8/e7+d6=c5 "b4\\a3!';
const b64 = (text: string) => Buffer.from(text).toString('base64');
const b64url = (text: string) => Buffer.from(text).toString('base64url');
const unicodeEscapes = (text: string) => [...text].map(ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

/** Every way a server or a library may hand the token back. */
const ECHOES: [string, string][] = [
  ['plain', TOKEN],
  ['encodeURIComponent', encodeURIComponent(TOKEN)],
  ['percent-encoding in lower case', encodeURIComponent(TOKEN).replace(/%[0-9A-F]{2}/g, h => h.toLowerCase())],
  ['form encoding (+ for space)', new URLSearchParams({ t: TOKEN }).toString().slice(2)],
  ['JSON string', JSON.stringify(TOKEN)],
  ['JSON string with \\/', JSON.stringify(TOKEN).replace(/\//g, '\\/')],
  ['JSON string inside a JSON string', JSON.stringify(JSON.stringify(TOKEN))],
  ['base64', b64(TOKEN)],
  ['base64url', b64url(TOKEN)],
  ['basic auth, 1-byte user', b64(`a:${TOKEN}`)],
  ['basic auth, 2-byte user', b64(`ab:${TOKEN}`)],
  ['basic auth, 3-byte user', b64(`abc:${TOKEN}`)],
  ['basic auth, base64url', b64url(`robot:${TOKEN}`)],
  ['hex', Buffer.from(TOKEN).toString('hex')],
  ['hex in upper case', Buffer.from(TOKEN).toString('hex').toUpperCase()],
  ['every byte percent-encoded', [...Buffer.from(TOKEN)].map(b => `%${b.toString(16).toUpperCase()}`).join('')],
  ['every byte percent-encoded, lower case', [...Buffer.from(TOKEN)].map(b => `%${b.toString(16)}`).join('')],
  ['every character a JSON \\u escape', unicodeEscapes(TOKEN)],
  ['every character a JSON \\u escape, upper-case hex', unicodeEscapes(TOKEN).toUpperCase().replace(/\\U/g, '\\u')],
];

/** Whether any recognisable piece of the token (or its encodings) survived: 8 characters in a row of any form. */
function leaks(text: string): string[] {
  return ECHOES.flatMap(([kind, echo]) => {
    const core = kind.startsWith('basic') ? echo.slice(4, -4) : echo;
    for (let i = 0; i + 8 <= core.length; i++) if (text.includes(core.slice(i, i + 8))) return [`${kind}: ${core.slice(i, i + 8)}`];
    return [];
  });
}

describe('secretScrubber: every encoding of a secret', () => {
  const scrub = secretScrubber([TOKEN]);
  it.each(ECHOES)('%s', (_, echo) => {
    const out = scrub(`before ${echo} after`);
    expect(out).toContain('***');
    expect(out).toMatch(/^before .*after$/);
    expect(leaks(out)).toEqual([]);
  });

  it('the key and SAS of a storage connection string are secrets of their own', () => {
    const key = 'S2V5S2V5S2V5S2V5S2V5S2V5S2V5S2V5==';
    const scrubConnection = secretScrubber([`DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${key};EndpointSuffix=core.windows.net`]);
    expect(scrubConnection(`signature with ${key} failed`)).toBe('signature with *** failed');
  });

  it('leaves text without secrets alone, and ignores empty secrets and ones too short to protect', () => {
    expect(secretScrubber([undefined, ''])('plain text')).toBe('plain text');
    expect(secretScrubber(['x', 'p', '1234567'])('backstage-gitops sync: https://x.example 1234567')).toBe('backstage-gitops sync: https://x.example 1234567');
    expect(secretScrubber(['12345678'])('a 12345678 b')).toBe('a *** b');
    expect(secretScrubber([TOKEN])('a log line with no token')).toBe('a log line with no token');
    expect(secretForms('abc').filter(form => form !== 'abc' && form.length < 6)).toEqual([]);
  });

  it('urlCredentials finds the password or a lone token user', () => {
    expect(urlCredentials('https://user:p%40ss@host/x')).toEqual(['p@ss']);
    expect(urlCredentials('https://tok123@host/')).toEqual(['tok123']);
    expect(urlCredentials('https://host/')).toEqual([]);
    expect(urlCredentials('not a url')).toEqual([]);
  });
});

describe('credentials never reach the output of the shipped bin', () => {
  it('sync: a Backstage that echoes the token in every encoding (even past the error cut) shows none of them', async () => {
    const repo = await dataRepoCopy();
    const body = `${'x'.repeat(240)} ${ECHOES.map(([, e]) => e).join(' | ')}`;
    const server = await startRecordingServer(() => ({ status: 400, body: { error: { message: body } } }));
    try {
      const run = await runBin(['sync', '--url', server.url, '--wait', '1', '--format', 'json'], repo, { BACKSTAGE_TOKEN: TOKEN });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('answered 400');
      expect(server.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(leaks(run.stdout + run.stderr)).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('sync --dry-run: a 400 body echoing the token as hex, every-byte percent-encoding and \\u escapes shows none of them', async () => {
    const repo = await dataRepoCopy();
    const forms = ECHOES.slice(-6).map(([, echo]) => echo);
    const server = await startRecordingServer(() => ({ status: 400, body: { error: { message: `denied ${forms.join(' ')}` } } }));
    try {
      const run = await runBin(['sync', '--url', server.url, '--dry-run', '--wait', '1'], repo, { BACKSTAGE_TOKEN: TOKEN });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('denied ***');
      expect(leaks(run.stdout + run.stderr)).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('sync --url with user info is refused; the URL is printed without it, the password nowhere', async () => {
    const repo = await dataRepoCopy();
    const run = await runBin(['sync', '--url', 'http://robot:Pa55-w0rd-xyz@127.0.0.1:9/', '--wait', '1'], repo, { BACKSTAGE_TOKEN: 'tok-abcdefgh' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('http://***@127.0.0.1:9/');
    expect(run.stdout + run.stderr).not.toMatch(/Pa55-w0rd-xyz|UGE1NS13MHJkLXh5e|robot:/);
  }, 60_000);

  it('sync --url with a short password: the refusal is printed whole, not starred; a 1-character token stars nothing', async () => {
    const repo = await dataRepoCopy();
    const run = await runBin(['sync', '--url', 'https://u:p@x.example', '--dry-run'], repo, { BACKSTAGE_TOKEN: 'x' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('backstage-gitops sync: --url https://***@x.example holds credentials: give the URL without them and the token through --token-env\n');
  }, 60_000);

  it('check --catalog-url with user info is refused by name, without the password', async () => {
    const repo = await dataRepoCopy();
    // An owner typo leaves a reference only a live catalog could resolve, so the check asks it.
    makeBadPullRequest(repo);
    const run = await runBin(['check', '--catalog-url', 'http://robot:Pa55-w0rd-xyz@127.0.0.1:9'], repo, { BACKSTAGE_TOKEN: 'tok-abcdefgh' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('backstage-gitops check: --catalog-url http://***@127.0.0.1:9 holds credentials: give the URL without them and the token through --token-env\n');
  }, 60_000);
});
