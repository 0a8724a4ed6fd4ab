import { describe, expect, it } from 'vitest';
import { connectionProblem } from '../../src/cli/backstageUrl.ts';
import { describeError } from '../../src/cli/describeError.ts';
import { UsageError } from '../../src/config/usageError.ts';
import { HttpError } from '../../src/sync/retry.ts';

const systemError = (code: string, extra: object) => Object.assign(new Error(`${code}: boom`), { code, ...extra });

describe('describeError: what a failed command prints', () => {
  it.each([
    ['a usage error, as it is', new UsageError('gitops.config.yaml:3:1: YAML syntax error: x.\nFix the file and run again.'), 'gitops.config.yaml:3:1: YAML syntax error: x.\nFix the file and run again.'],
    ['a missing file, by path', systemError('ENOENT', { path: 'templates/x/template.yaml' }), 'templates/x/template.yaml does not exist.'],
    ['an unknown host, by name', systemError('ENOTFOUND', { hostname: 'dev.azure.com' }), 'cannot reach dev.azure.com: no such host (ENOTFOUND). Check the URL and your network.'],
    ['a parseArgs error, its first sentence', Object.assign(new TypeError("Unknown option '--x'. To specify a positional argument, use '--'"), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' }), "Unknown option '--x'. Run with --help for the options."],
    ['a bug, with how to get the trace', new TypeError('x is undefined\n    at f (a.js:1:1)'), 'internal error: x is undefined\nThis is a bug in backstage-gitops: run again with --debug for the stack trace and report it.'],
    ['a password in a URL, removed', new UsageError('cannot reach https://u:secret@host/'), 'cannot reach https://***@host/'],
    ['a CI command in a message, made inert', new UsageError('::error::x ##vso[task.complete]'), ':\u200b:error::x ##vso\u200b[task.complete]'],
  ])('%s', (_case, error, text) => {
    expect(describeError(error, false)).toBe(text);
  });

  it('adds the stack trace with debug', () => {
    const error = new Error('boom');
    expect(describeError(error, true)).toBe(`internal error: boom\n${error.stack}`);
  });
});

describe('connectionProblem: whether a rerun can help', () => {
  const failed = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: { code } });
  it.each([
    [failed('ENOTFOUND'), 'cannot reach https://backstage.acme.example: no such host (ENOTFOUND). Check the URL and that Backstage is running there.', false],
    [failed('ECONNRESET'), 'cannot reach https://backstage.acme.example: ECONNRESET', true],
    [new HttpError(401, 'GET', '/api/catalog/entities', ''), 'https://backstage.acme.example answered 401 to GET /api/catalog/entities (check the token)', false],
    [new HttpError(503, 'GET', '/api/catalog/entities', ''), 'https://backstage.acme.example answered 503 to GET /api/catalog/entities', true],
    [Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'https://backstage.acme.example did not answer in time', true],
  ])('%#', (error, message, transient) => {
    expect(connectionProblem(error, 'https://backstage.acme.example/')).toEqual({ message, transient });
  });
});
