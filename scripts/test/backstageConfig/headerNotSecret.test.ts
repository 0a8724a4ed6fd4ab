import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; severity: string; file: string; message: string; range: { start: { line: number } } }

const CONFIG = "backstageConfig:\n  files: [app-config.yaml]\n  plugins: ['@backstage/backend-defaults']\n";
const findings = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics;

// A proxy endpoint to Jira as Atlassian documents it: X-Atlassian-Token: no-check turns off its XSRF check.
const appConfig = (extra: string) => [
  'app:',
  '  baseUrl: http://localhost:3000',
  'proxy:',
  '  endpoints:',
  "    '/jira/api':",
  '      target: https://example.atlassian.net',
  '      headers:',
  '        Authorization: ${JIRA_TOKEN}',
  "        X-Atlassian-Token: 'no-check'",
  extra,
].join('\n');

describe('config-plain-secret on a header whose name ends in Token (through the bin)', () => {
  it("does not take Atlassian's fixed X-Atlassian-Token: no-check for a credential", async () => {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'app-config.yaml': appConfig('') });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(findings(run.stdout).filter(d => d.ruleId === 'config-plain-secret')).toEqual([]);
    expect(run.status).toBe(0);
  });

  it('still reports a token header whose value is written out', async () => {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'app-config.yaml': appConfig('        X-Auth-Token: 3f9a1c7e5b2d8f4a\n') });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(findings(run.stdout).filter(d => d.ruleId === 'config-plain-secret').map(d => `${d.message}@${d.range.start.line}`))
      .toEqual(['proxy.endpoints./jira/api.headers.X-Auth-Token holds a secret written out in the repo.@10']);
    expect(run.status).toBe(1);
  });

  // SAP's CSRF handshake: a proxy to an SAP OData service sends X-CSRF-Token: Fetch to be given the token.
  it.each([
    ["SAP's X-CSRF-Token: Fetch", '        X-CSRF-Token: Fetch\n'],
    ["SAP's answer X-CSRF-Token: Required", "        X-CSRF-Token: 'Required'\n"],
    ['a switch written as a string', "        X-Use-Token: 'true'\n"],
  ])('does not take a fixed protocol word for a credential: %s', async (_name, header) => {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'app-config.yaml': appConfig(header) });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(findings(run.stdout).filter(d => d.ruleId === 'config-plain-secret')).toEqual([]);
    expect(run.status).toBe(0);
  });

  it('still reports a CSRF token written out', async () => {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'app-config.yaml': appConfig('        X-CSRF-Token: 9c2e7b41a0d35f68\n') });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(findings(run.stdout).filter(d => d.ruleId === 'config-plain-secret').map(d => `${d.message}@${d.range.start.line}`))
      .toEqual(['proxy.endpoints./jira/api.headers.X-CSRF-Token holds a secret written out in the repo.@10']);
    expect(run.status).toBe(1);
  });
});

// A credential header written out, with no proxy plugin installed to say its schema marks headers secret.
const credentialConfig = (headers: string[]) => [
  'app:',
  '  baseUrl: http://localhost:3000',
  'proxy:',
  '  endpoints:',
  "    '/sap/api':",
  '      target: https://sap.example.com',
  '      headers:',
  ...headers.map(h => `        ${h}`),
  '',
].join('\n');

describe('config-plain-secret on a credential header (through the bin)', () => {
  it.each([
    ['Basic credentials', 'Authorization: Basic dXNlcjpwYXNz', 'Authorization'],
    ['a Bearer token', "Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc'", 'Authorization'],
    ['a proxy credential', 'Proxy-Authorization: Basic cHJveHk6cHc=', 'Proxy-Authorization'],
    ['a subscription key', 'Ocp-Apim-Subscription-Key: 0f6b2c9d8e7a41b3', 'Ocp-Apim-Subscription-Key'],
    ["JFrog's API key header", 'X-JFrog-Art-Api: AKCp8jQ7s2xR4mTb9vLw', 'X-JFrog-Art-Api'],
    ["Datadog's application key", 'DD-APPLICATION-KEY: 5c0e1d9b8a7f6e4d3c2b1a09f8e7d6c5', 'DD-APPLICATION-KEY'],
    ["New Relic's query key", 'X-Query-Key: NRIQ-4b8c2e6f1a3d5b7c', 'X-Query-Key'],
    ["New Relic's license key", 'X-License-Key: eu01xx7f3c1a9e0b2d4c6e8f0a1b2c3d4e5fNRAL', 'X-License-Key'],
  ])('reports %s written out', async (_name, header, key) => {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'app-config.yaml': credentialConfig(['X-CSRF-Token: Fetch', header]) });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(findings(run.stdout).filter(d => d.ruleId === 'config-plain-secret').map(d => `${d.message}@${d.range.start.line}`))
      .toEqual([`proxy.endpoints./sap/api.headers.${key} holds a secret written out in the repo.@9`]);
    expect(run.status).toBe(1);
  });

  // As Backstage's proxy documents it: the credential comes from the environment.
  it('does not report credentials substituted from the environment or included with $env', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': CONFIG,
      'app-config.yaml': credentialConfig(['Authorization: Bearer ${SAP_TOKEN}', 'Proxy-Authorization:', '          $env: PROXY_AUTH', 'Accept: application/json']),
    });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(findings(run.stdout).filter(d => d.ruleId === 'config-plain-secret')).toEqual([]);
    expect(run.status).toBe(0);
  });

  // A placeholder left empty (to be filled per deployment) writes no secret out.
  it('does not report an empty credential or secret value', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': CONFIG,
      'app-config.yaml': `${credentialConfig(["Authorization: ''", "Cookie: ' '", 'Accept: application/json'])}integrations:\n  github:\n    - host: github.com\n      token: ''\n`,
    });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(findings(run.stdout).filter(d => d.ruleId === 'config-plain-secret')).toEqual([]);
    expect(run.status).toBe(0);
  });

  it('does not take ordinary headers, a cookie, an Auth mode or a public client key for credentials', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': CONFIG,
      'app-config.yaml': credentialConfig(['Idempotency-Key: fixed-7', 'X-Cache-Key: catalog', 'Accept: application/json', 'X-Author: platform-team', "Cookie: 'cookie_consent=accepted; lang=en'", 'X-Skip-Auth: skip', 'X-Remote-Auth: kerberos', 'X-Client-Key: backstage-portal', "X-Sentry-Auth: 'Sentry sentry_version=7, sentry_key=0d1c2b3a'"]),
    });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(findings(run.stdout).filter(d => d.ruleId === 'config-plain-secret')).toEqual([]);
    expect(run.status).toBe(0);
  });
});
