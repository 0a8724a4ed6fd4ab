import { mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPORT_MARKER } from '../../src/pr/renderPrReport.ts';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { parseMermaidBlocks } from './mermaidParse.ts';
import { commit, edit, makeBadPullRequest, PAYMENTS, PAYMENTS_OPENAPI, read, startPullRequest, withoutDocument, write } from './prChange.ts';
import { runBin, runReport, type ReportRun } from './runReport.ts';

const HEADINGS = ['## ', '### Findings', '### Impact on other teams', '### Reviews needed', '### Scorecards', '### Entity changes', '### Graph of the change'];
const graphs: string[] = [];

/** Every section heading, in reviewer order; the graphs go to Mermaid's parser at the end. */
function expectComplete(markdown: string, limit: number) {
  const at = HEADINGS.map(h => markdown.indexOf(h));
  expect(at.every(i => i >= 0), `missing: ${HEADINGS.filter((_, i) => at[i] < 0).join(', ')}`).toBe(true);
  expect([...at].sort((a, b) => a - b)).toEqual(at);
  expect(markdown.length).toBeLessThan(limit);
  graphs.push(markdown);
}

async function report(root: string, base: string): Promise<ReportRun & { md: string }> {
  const run = await runReport(root, base);
  expectComplete(run.json.markdown, 65_536);
  expectComplete(run.json.summaryMarkdown, 1024 * 1024);
  return { ...run, md: run.json.markdown };
}

afterAll(async () => {
  // Every graph the report produced in this file is valid Mermaid, judged by Mermaid's own parser.
  if (graphs.length === 0) return; // a filtered run (-t) that rendered no report
  const parsed = await parseMermaidBlocks(graphs.join('\n'));
  expect(parsed.length).toBeGreaterThanOrEqual(graphs.filter(g => g.includes('```mermaid')).length);
  for (const result of parsed) expect(result.error, result.source).toBeUndefined();
}, 60_000);

describe('backstage-gitops report: the readings, through the shipped CLI', () => {
  it('removed: dependents are the head\'s; the broken entity, the reviewers and the score drop are shown', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    // The bad PR of the CI issue, and storefront-bff stops consuming the API in the same change.
    edit(root, 'catalog/systems/storefront/entities.yaml', t => t.replace('consumesApis: [orders-openapi, payments-openapi]', 'consumesApis: [orders-openapi]'));
    commit(root, 'storefront moves off payments');
    const { status, md } = await report(root, makeBadPullRequestOn(root, base));
    expect(status).toBe(1);
    expect(md.startsWith(`${REPORT_MARKER}\n## ❌ Backstage catalog: changes needed`)).toBe(true);
    expect(md).toContain('0 added · 3 changed · 1 removed · 0 renamed · 0 moved');
    expect(md).toMatch(/\| ❌ \| <code>ref-unresolved<\/code> \| spec.owner refers to group\\:default\/payments\\-teem.* \| 1 \| <code>catalog\/systems\/payments-core\/entities.yaml:\d+:\d+<\/code> \|/);
    expect(md).toContain('- <code>api:default/payments-openapi</code> is removed; still used by:');
    expect(md).toContain('  - <code>component:default/orders-api</code> (consumesApis), owned by <code>group:default/commerce-team</code>');
    expect(md).not.toContain('<code>component:default/storefront-bff</code> (consumesApis)');
    expect(md).toContain('- <code>group:default/commerce-team</code>: component\\:default/orders\\-api still uses removed api\\:default/payments\\-openapi');
    expect(md).toMatch(/\| <code>@acme\/payments-team<\/code> <code>@acme\/platform-team<\/code> \| .*<code>catalog\/systems\/payments-core\/entities\.yaml<\/code>/);
    expect(md).toContain('- <code>group:default/payments-team</code>: Silver \\(99%\\) → Bronze \\(97%\\) ⬇️');
    expect(md).toContain('  - ❌ now failing On call in PagerDuty (silver): 1 entity (<code>component:default/payments-api-prod</code>). Fix: Add the <code>pagerduty.com/service-id</code> annotation');
    // A team whose level and shown score stay put is not listed.
    expect(md).not.toMatch(/: (\S+ \\\(\d+%\\\)) → \1\n/);
    expect(md).toContain(':::removed');
  }, 120_000);

  it('removed group: the entities it still owns are listed (owner)', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, 'catalog/org/groups.yaml', t => withoutDocument(t, 'Group', 'web-team'));
    commit(root, 'remove the web team');
    const { status, md } = await report(root, base);
    expect(status).toBe(1);
    expect(md).toContain('- <code>group:default/web-team</code> is removed; still used by:');
    expect(md).toContain('  - <code>component:default/storefront-bff</code> (owner), owned by <code>group:default/web-team</code>');
  }, 120_000);

  it('renamed: reads as a rename; dependents on the new name are fine, the old name\'s are listed', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, PAYMENTS, t => t.replace('name: payments-openapi\n', 'name: payments-rest\n').replace('providesApis: [payments-openapi]', 'providesApis: [payments-rest]').replace('consumesApis: [payments-openapi]', 'consumesApis: [payments-rest]'));
    edit(root, 'catalog/systems/orders/entities.yaml', t => t.replace('consumesApis: [payments-openapi]', 'consumesApis: [payments-rest]'));
    commit(root, 'rename the payments API');
    const { md, json } = await report(root, base);
    expect(md).toContain('0 added · 3 changed · 0 removed · 1 renamed · 0 moved');
    expect(md).toContain('- <code>api:default/payments-openapi</code> → <code>api:default/payments-rest</code>');
    expect(md).toContain('- <code>api:default/payments-openapi</code> is renamed to <code>api:default/payments-rest</code>; still pointing at the old name:\n  - <code>component:default/storefront-bff</code> (consumesApis), owned by <code>group:default/web-team</code>');
    expect(md).not.toContain('<code>component:default/orders-api</code> (consumesApis)');
    expect(md).not.toContain('loses its consumer');
    expect(md).not.toContain('**Removed**');
    expect(json.report.changes.renamed).toEqual([{ from: 'api:default/payments-openapi', to: 'api:default/payments-rest', fromFile: PAYMENTS, toFile: PAYMENTS }]);
    expect(md).toContain(':::renamed');
  }, 120_000);

  it('moved: an entity that changes file reads as a move, not a removal and an addition', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    const db = 'apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: payments-db\n';
    let doc = '';
    edit(root, PAYMENTS, t => {
      doc = t.split('---\n').find(d => d.startsWith(db))!;
      return withoutDocument(t, 'Resource', 'payments-db');
    });
    edit(root, 'catalog/systems/orders/entities.yaml', t => `${t.trimEnd()}\n---\n${doc}`);
    commit(root, 'move the payments database');
    const { md, json } = await report(root, base);
    expect(md).toContain('0 added · 0 changed · 0 removed · 0 renamed · 1 moved');
    expect(md).toContain('- <code>resource:default/payments-db</code>: <code>catalog/systems/payments-core/entities.yaml</code> → <code>catalog/systems/orders/entities.yaml</code>');
    expect(json.report.impacts).toEqual([]);
  }, 120_000);

  it('deprecated: who still uses an API that becomes deprecated', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, PAYMENTS, t => t.replace(/(name: payments-openapi\n[\s\S]*?lifecycle: )production/, '$1deprecated'));
    commit(root, 'deprecate the payments API');
    const { md } = await report(root, base);
    expect(md).toContain('· 1 deprecated ·');
    expect(md).toContain('- <code>api:default/payments-openapi</code> is deprecated; still used by:\n');
    expect(md).toContain('  - <code>component:default/storefront-bff</code> (consumesApis), owned by <code>group:default/web-team</code>');
    expect(md).toContain(':::deprecated');
  }, 120_000);
});

describe('backstage-gitops report: API definition changes', () => {
  it('breaking: an endpoint another team consumes is removed; the endpoint, the consumers and their teams are shown, and they are asked to review', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, PAYMENTS_OPENAPI, t => t.replace('    get:\n      operationId: getPayment', '    delete:\n      operationId: getPayment'));
    commit(root, 'payments API: get becomes delete');
    const { status, md, json } = await report(root, base);
    expect(status).toBe(1);
    expect(md).toContain('- <code>api:default/payments-openapi</code> (openapi, <code>catalog/systems/payments-core/definitions/payments-openapi.yaml</code>, owned by <code>group:default/payments-team</code>): 1 breaking, 1 non-breaking, 0 annotation-only — ❌ blocked by policy');
    expect(md).toContain('  - breaking: <code>GET /payments/{paymentId}</code> — ');
    expect(md).toMatch(/  - consumed by: .*<code>component:default\/orders-api<\/code> \(<code>group:default\/commerce-team<\/code>\)/);
    expect(md).toContain('- <code>group:default/commerce-team</code>: component\\:default/orders\\-api consumes api\\:default/payments\\-openapi, which has breaking changes');
    expect(md).toContain('- <code>group:default/web-team</code>:');
    const breaking = json.diagnostics.filter(d => d.ruleId === 'api-breaking-change');
    expect(breaking.map(d => `${d.severity}@${d.file}:${d.range.start.line}`)).toEqual([`error@${PAYMENTS_OPENAPI}:7`]);
    // Spectral's OpenAPI ruleset runs on the changed definition, at its own lines; servers are off by policy.
    const lint = json.diagnostics.filter(d => d.ruleId === 'api-lint');
    expect(lint.map(d => d.message.split(':')[0])).toContain('info-contact');
    expect(lint.map(d => d.message.split(':')[0])).not.toContain('oas3-api-servers');
    expect(lint.find(d => d.message.startsWith('info-contact'))!.range.start.line).toBe(2);
    expect(lint.every(d => d.file === PAYMENTS_OPENAPI)).toBe(true);
  }, 120_000);

  it('non-breaking: a new endpoint is reported and blocks nothing', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, PAYMENTS_OPENAPI, t => `${t.trimEnd()}\n  /refunds:\n    get:\n      operationId: listRefunds\n      summary: List refunds.\n      responses:\n        "200":\n          description: OK\n`);
    commit(root, 'payments API: list refunds');
    const { status, md, json } = await report(root, base);
    expect(status).toBe(0);
    expect(md).toContain('): 0 breaking, 1 non-breaking, 0 annotation-only\n');
    expect(json.diagnostics.filter(d => d.ruleId === 'api-breaking-change')).toEqual([]);
    expect(json.report.teamReviews).toEqual([]);
  }, 120_000);

  it('breaking but allowed: a new major info.version says the consumers were told', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, PAYMENTS_OPENAPI, t => t.replace('version: 1.0.0', 'version: 2.0.0').replace('    get:\n      operationId: getPayment', '    delete:\n      operationId: getPayment'));
    commit(root, 'payments API v2');
    const { md, json } = await report(root, base);
    expect(md).toContain('— allowed: info.version moves from 1.0.0 to 2.0.0');
    expect(json.diagnostics.filter(d => d.ruleId === 'api-breaking-change')).toEqual([]);
    expect(json.report.teamReviews.map((t: { team: string }) => t.team)).toContain('group:default/commerce-team');
  }, 120_000);

  it('the Spectral ruleset is policy data: one that asks to load code stops the report with one clear message', async () => {
    const root = await dataRepoCopy();
    write(root, 'schemas/api-lint/ruleset.yaml', 'extends: [./evil.js]\nrules: {}\n');
    commit(root, 'a ruleset that loads code');
    const base = startPullRequest(root);
    edit(root, PAYMENTS_OPENAPI, t => t.replace('Read one payment.', 'Read a payment.'));
    commit(root, 'reword');
    const run = await runBin(root, base);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('schemas/api-lint/ruleset.yaml: extends may name spectral:oas or spectral:asyncapi');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('AsyncAPI through $asyncapi: a channel other teams subscribe to is renamed away', async () => {
    const root = await dataRepoCopy();
    edit(root, 'gitops.config.yaml', t => t.replace('  external: []\n', '  external: []\n  placeholderResolvers: [asyncapi]\n'));
    edit(root, PAYMENTS, t => t.replace('$text: ./definitions/payment-events.asyncapi.yaml', '$asyncapi: ./definitions/payment-events.asyncapi.yaml'));
    commit(root, 'payment events through the asyncapi resolver');
    const base = startPullRequest(root);
    edit(root, 'catalog/systems/payments-core/definitions/payment-events.asyncapi.yaml', t => t.replace('  payments/settled:', '  payments/captured:'));
    commit(root, 'rename the channel');
    const { status, md, json } = await report(root, base);
    expect(status).toBe(1);
    expect(md).toContain('- <code>api:default/payment-events</code> (asyncapi, <code>catalog/systems/payments-core/definitions/payment-events.asyncapi.yaml</code>, owned by <code>group:default/payments-team</code>): 1 breaking, 1 non-breaking, 0 annotation-only — ❌ blocked by policy');
    expect(md).toContain('  - breaking: <code>channel payments/settled</code> — removed channels.payments/settled');
    const breaking = json.diagnostics.filter(d => d.ruleId === 'api-breaking-change');
    expect(breaking.map(d => `${d.file}:${d.range.start.line}`)).toEqual(['catalog/systems/payments-core/definitions/payment-events.asyncapi.yaml:6']);
    expect(json.report.teamReviews.length).toBeGreaterThan(0);
  }, 120_000);

  it('AsyncAPI 2 moving to 3, which the diff cannot compare, counts as breaking instead of crashing the report', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    const file = 'catalog/systems/payments-core/definitions/payment-events.asyncapi.yaml';
    write(root, file, ['asyncapi: 3.0.0', 'info:', '  title: Payment events', '  version: 1.0.0', 'channels:', '  settled:', '    address: payments/settled', 'operations:', '  onSettled:', '    action: send', '    channel:', "      $ref: '#/channels/settled'", ''].join('\n'));
    commit(root, 'payment events on AsyncAPI 3');
    const { status, md, json } = await report(root, base);
    expect(status).toBe(1);
    const breaking = json.diagnostics.filter(d => d.ruleId === 'api-breaking-change');
    expect(breaking.length).toBe(1);
    expect(breaking[0].message).toContain('the definition moves from asyncapi 2.6.0 to asyncapi 3.0.0, which the breaking-change diff cannot compare');
    expect(md).toContain('— ❌ blocked by policy');
    // A new major info.version is the way through, as for any breaking change.
    edit(root, file, t => t.replace('  version: 1.0.0', '  version: 2.0.0'));
    commit(root, 'payment events v2');
    const major = await report(root, base);
    expect(major.md).toContain('— allowed: info.version moves from 1.0.0 to 2.0.0');
  }, 120_000);

  it('a definition switched to another specification, or to text that does not parse, counts as breaking (red team: OpenAPI to AsyncAPI read as unclassified)', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    write(root, PAYMENTS_OPENAPI, ['asyncapi: 3.0.0', 'info:', '  title: Payments API', '  version: 1.0.0', 'channels: {}', 'operations: {}', ''].join('\n'));
    commit(root, 'payments API as AsyncAPI');
    const switched = await report(root, base);
    expect(switched.status).toBe(1);
    expect(switched.json.diagnostics.filter(d => d.ruleId === 'api-breaking-change').map(d => d.message)).toEqual([expect.stringContaining('the definition moves from openapi 3.0.3 to asyncapi 3.0.0, which the breaking-change diff cannot compare')]);
    write(root, PAYMENTS_OPENAPI, 'openapi: 3.0.3\ninfo: [unclosed\n');
    commit(root, 'payments API does not parse');
    const broken = await report(root, base);
    expect(broken.status).toBe(1);
    expect(broken.json.diagnostics.filter(d => d.ruleId === 'api-breaking-change').map(d => d.message)).toEqual([expect.stringContaining('the definition moves from openapi 3.0.3 to a text that does not parse')]);
  }, 120_000);

  it('a pattern that backtracks for hours on its example is stopped at --lint-timeout: an api-lint-timeout error, the other definition still linted', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    // Spectral's oas3-valid-schema-example runs the definition's own pattern on its own example: hours for 40 a's.
    const redos = ['                properties:', '                  slug:', '                    type: string', "                    pattern: '^(a|a)*$'", `                    example: ${'a'.repeat(40)}!`].join('\n');
    edit(root, PAYMENTS_OPENAPI, t => t.replace('              schema:\n                type: object\n', () => `              schema:\n                type: object\n${redos}\n`));
    expect(read(root, PAYMENTS_OPENAPI)).toContain("pattern: '^(a|a)*$'");
    edit(root, 'catalog/systems/payments-core/definitions/payment-events.asyncapi.yaml', t => t.replace('  version: 1.0.0', '  version: 1.0.1'));
    commit(root, 'a slug with a pattern');
    const started = Date.now();
    const run = await runReport(root, base, ['--lint-timeout', '1']);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(run.status).toBe(1);
    const stopped = run.json.diagnostics.filter(d => d.ruleId === 'api-lint-timeout');
    expect(stopped.map(d => [d.file, d.severity])).toEqual([[PAYMENTS_OPENAPI, 'error']]);
    expect(stopped[0].message).toBe('Spectral did not finish linting this definition within 1 s and was stopped: it is not linted.');
    // The AsyncAPI definition changed too, and a fresh thread still lints it.
    expect(run.json.diagnostics.some(d => d.ruleId === 'api-lint' && d.file.endsWith('payment-events.asyncapi.yaml'))).toBe(true);
    const usage = await runBin(root, base, ['--lint-timeout', '0']);
    expect([usage.status, usage.stderr.trim()]).toEqual([2, 'backstage-gitops report: --lint-timeout takes whole seconds from 1 to 3600']);
  }, 120_000);

  it('inline definition: a breaking change is found at the entity\'s spec.definition', async () => {
    const root = await dataRepoCopy();
    const openapi = read(root, PAYMENTS_OPENAPI);
    unlinkSync(join(root, PAYMENTS_OPENAPI));
    edit(root, PAYMENTS, t => t.replace('  definition:\n    $text: ./definitions/payments-openapi.yaml\n', `  definition: |\n${openapi.trimEnd().split('\n').map(l => `    ${l}`).join('\n')}\n`));
    commit(root, 'inline payments definition');
    const base = startPullRequest(root);
    edit(root, PAYMENTS, t => t.replace('        get:\n          operationId: getPayment', '        delete:\n          operationId: getPayment'));
    commit(root, 'payments API: get becomes delete');
    const { status, json } = await report(root, base);
    expect(status).toBe(1);
    const definitionLine = read(root, PAYMENTS).split('\n').findIndex(l => l === '  definition: |') + 1;
    const breaking = json.diagnostics.filter(d => d.ruleId === 'api-breaking-change');
    expect(breaking.map(d => `${d.file}:${d.range.start.line}`)).toEqual([`${PAYMENTS}:${definitionLine}`]);
    const contact = json.diagnostics.find(d => d.ruleId === 'api-lint' && d.message.startsWith('info-contact'))!;
    expect(contact.file).toBe(PAYMENTS);
    expect(read(root, PAYMENTS).split('\n')[contact.range.start.line - 1]).toBe('    info:');
  }, 120_000);

  it('policy: breaking changes as warnings, and allowed for an experimental API', async () => {
    const root = await dataRepoCopy();
    edit(root, 'gitops.config.yaml', t => t.replace('breakingWithOtherConsumers: error', 'breakingWithOtherConsumers: warning'));
    commit(root, 'breaking API changes warn');
    const base = startPullRequest(root);
    edit(root, PAYMENTS_OPENAPI, t => t.replace('    get:\n      operationId: getPayment', '    delete:\n      operationId: getPayment'));
    commit(root, 'payments API: get becomes delete');
    const warned = await report(root, base);
    expect(warned.status).toBe(0);
    expect(warned.md).toContain("— ⚠️ needs the consumers' agreement");
    expect(warned.json.diagnostics.filter(d => d.ruleId === 'api-breaking-change').map(d => d.severity)).toEqual(['warning']);
    // Lowering the lifecycle in the same change excuses nothing: the consumers rely on the production API.
    const experimental = (t: string) => t.replace(/(name: payments-openapi\n[\s\S]*?lifecycle: )production/, '$1experimental');
    edit(root, PAYMENTS, experimental);
    commit(root, 'the payments API is experimental');
    const lowered = await report(root, base);
    expect(lowered.md).toContain("— ⚠️ needs the consumers' agreement");
    expect(lowered.md).not.toContain('— allowed');
    const hints = lowered.json.diagnostics.filter(d => d.ruleId === 'api-breaking-change').map(d => d.hint);
    expect(hints.length).toBe(1);
    expect(hints[0]).toContain('Its lifecycle moves from production to experimental in this change');
    // An API that was experimental before the change may break.
    git(root, 'checkout', '-q', base);
    edit(root, PAYMENTS, experimental);
    commit(root, 'the payments API is experimental (merged)');
    const experimentalBase = git(root, 'rev-parse', 'HEAD').trim();
    edit(root, PAYMENTS_OPENAPI, t => t.replace('    get:\n      operationId: getPayment', '    delete:\n      operationId: getPayment'));
    commit(root, 'payments API: get becomes delete');
    const allowed = await report(root, experimentalBase);
    expect(allowed.md).toContain('— allowed: its lifecycle is experimental');
    expect(allowed.json.diagnostics.filter(d => d.ruleId === 'api-breaking-change')).toEqual([]);
  }, 120_000);

  it('a new major only in name (01.0.0, 1,0.0, a full-width digit, a date, a pre-release without minor and patch) excuses no breaking change', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    for (const version of ['01.0.0', '1,0.0', '\uFF11.0.0', '0.9.0', '2026-12-01', '2-beta']) {
      edit(root, PAYMENTS_OPENAPI, t => t.replace(/version: .*/, `version: "${version}"`).replace('    get:\n      operationId: getPayment', '    delete:\n      operationId: getPayment'));
      commit(root, `payments API ${version}`);
      const { status, md, json } = await report(root, base);
      expect(status, version).toBe(1);
      expect(md, version).not.toContain('— allowed');
      expect(json.diagnostics.filter(d => d.ruleId === 'api-breaking-change').length, version).toBe(1);
    }
  }, 240_000);

  it('a definition over the alias budget is a finding, not a crash and not a silent skip of the diff', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    // 150 aliases of one anchor, as an OpenAPI extension at the root: valid YAML and OpenAPI, 1 KB.
    const many = `x-common: &c {type: string}\nx-many:\n${'  - *c\n'.repeat(150)}`;
    edit(root, PAYMENTS_OPENAPI, t => `${t.replace('    get:\n      operationId: getPayment', '    delete:\n      operationId: getPayment').trimEnd()}\n${many}`);
    commit(root, 'payments API with many aliases');
    const { status, json } = await report(root, base);
    expect(status).toBe(1);
    const found = json.diagnostics.filter(d => d.ruleId === 'yaml-alias-limit');
    expect(found.map(d => [d.file, d.severity])).toEqual([[PAYMENTS_OPENAPI, 'error']]);
    expect(found[0].message).toContain('it is not diffed');
  }, 120_000);

  it('gRPC: a deleted rpc is a breaking change (buf breaking); a comment-only change is reported with its consumers', async () => {
    const root = await dataRepoCopy();
    edit(root, 'catalog/systems/orders/entities.yaml', t => t.replace('consumesApis: [payments-openapi]', 'consumesApis: [payments-openapi, ledger-grpc]'));
    commit(root, 'orders appends to the ledger');
    const base = startPullRequest(root);
    const proto = 'catalog/systems/payments-core/definitions/ledger.proto';
    edit(root, proto, t => t.replace(/  rpc AppendEntry.*\n/, ''));
    commit(root, 'ledger proto drops AppendEntry');
    const { md, json } = await report(root, base);
    expect(md).toContain('- <code>api:default/ledger-grpc</code> (grpc, <code>catalog/systems/payments-core/definitions/ledger.proto</code>, owned by <code>group:default/payments-team</code>): 1 breaking, 0 non-breaking, 0 annotation-only');
    expect(md).toContain('  - breaking: — Previously present RPC &quot;AppendEntry&quot; on service &quot;Ledger&quot; was deleted. \\(buf rule RPC\\_NO\\_DELETE\\)');
    expect(json.diagnostics.filter(d => d.ruleId === 'api-breaking-change').map(d => `${d.file}:${d.range.start.line}`)).toEqual(['catalog/systems/payments-core/definitions/ledger.proto:5']);
    // A .proto has no info.version: the hint names protobuf's own ways out.
    expect(json.diagnostics.find(d => d.ruleId === 'api-breaking-change')?.hint).toBe("Team group:default/commerce-team depends on it: keep the old shape and mark what goes deprecated first (`[deprecated = true]` on a field, `option deprecated = true;` in an rpc; reserve a removed field's number and name), or publish the change in a new versioned package (….v2), or agree the change with that team.");
    expect(md).toContain('  - consumed by: <code>component:default/orders-api</code> (<code>group:default/commerce-team</code>)');
    expect(json.report.apiChanges[0].diff).toHaveLength(1);
    edit(root, proto, t => `${t}\n// a comment\n`);
    commit(root, 'comment');
    const next = await report(root, git(root, 'rev-parse', 'HEAD~1').trim());
    expect(next.md).toContain('(grpc, <code>catalog/systems/payments-core/definitions/ledger.proto</code>, owned by <code>group:default/payments-team</code>): 0 breaking, 0 non-breaking, 0 annotation-only');
    expect(next.status).toBe(0);
  }, 120_000);
});

describe('backstage-gitops report at size', () => {
  it('300 added, 100 renamed, 100 owner typos and a consumed API removed: every section, under the comment limit', async () => {
    const root = await dataRepoCopy();
    const component = (name: string, owner: string, extra = '') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  description: Bulk component ${name}.\nspec:\n  type: library\n  lifecycle: experimental\n  owner: ${owner}\n  system: payments-core\n${extra}`;
    mkdirSync(join(root, 'catalog/systems/bulk'), { recursive: true });
    const legacy = Array.from({ length: 100 }, (_, i) => component(`legacy-${i}`, 'payments-team', `  dependsOn: [resource:payments-db]\n`));
    write(root, 'catalog/systems/bulk/legacy.yaml', legacy.join('---\n'));
    edit(root, 'catalog/systems/locations.yaml', t => t.replace('    - ./orders/entities.yaml\n', '    - ./orders/entities.yaml\n    - ./bulk/legacy.yaml\n    - ./bulk/added.yaml\n'));
    write(root, 'catalog/systems/bulk/added.yaml', component('placeholder', 'payments-team'));
    commit(root, 'legacy bulk');
    const base = startPullRequest(root);
    write(root, 'catalog/systems/bulk/legacy.yaml', legacy.map(d => d.replace(/name: legacy-(\d+)/, 'name: renewed-$1')).join('---\n'));
    const added = Array.from({ length: 300 }, (_, i) => component(`bulk-${i}`, i < 100 ? `team-typo-${i}` : 'commerce-team', `  consumesApis: [orders-openapi]\n`));
    write(root, 'catalog/systems/bulk/added.yaml', [component('placeholder', 'payments-team'), ...added].join('---\n'));
    edit(root, PAYMENTS, t => withoutDocument(t, 'API', 'payments-openapi'));
    commit(root, 'big change');
    const { status, json } = await report(root, base);
    expect(status).toBe(1);
    const { markdown, summaryMarkdown: summary } = json;
    expect(markdown.length).toBeLessThan(65_536);
    expect(markdown).toContain('300 added · 0 changed · 1 removed · 100 renamed · 0 moved');
    expect(markdown).toContain('- <code>api:default/payments-openapi</code> is removed; still used by:');
    const shownAdded = markdown.match(/^- <code>component:default\/bulk-\d+<\/code>/gm)!.length;
    expect(markdown).toContain(`- …and ${300 - shownAdded} more added`);
    const shownRenamed = markdown.match(/^- <code>component:default\/legacy-\d+<\/code> → /gm)!.length;
    expect(markdown).toContain(`- …and ${100 - shownRenamed} more renamed`);
    // A renamed entity failing the same check as before is neither newly failing nor fixed.
    expect(markdown).not.toMatch(/now failing [^\n]*<code>component:default\/renewed-|fixed [^\n]*<code>component:default\/legacy-/);
    expect(markdown).toMatch(/_Showing the neighbourhoods of the most connected changes; \d+ changed entities and \d+ relations left out._/);
    expect(markdown).toContain('_Lists are shortened to fit a comment');
    // The summary carries the full lists, within GitHub's 1 MiB job summary.
    expect(summary.length).toBeLessThan(1024 * 1024);
    for (let i = 0; i < 300; i++) expect(summary).toContain(`<code>component:default/bulk-${i}</code>`);
    for (let i = 0; i < 100; i++) expect(summary).toContain(`<code>component:default/legacy-${i}</code> → <code>component:default/renewed-${i}</code>`);
    // The JSON report carries everything.
    expect(json.report.changes.added).toHaveLength(300);
    expect(json.report.changes.renamed).toHaveLength(100);
    expect(json.diagnostics.filter(d => d.message.includes('team-typo-'))).toHaveLength(100);
  }, 240_000);
});

/** makeBadPullRequest on a branch that already exists: commits the bad change on top and keeps `base`. */
function makeBadPullRequestOn(root: string, base: string): string {
  makeBadPullRequest(root, { branch: false });
  return base;
}
