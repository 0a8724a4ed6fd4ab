import { mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { commit, edit, PAYMENTS, PAYMENTS_OPENAPI, read, startPullRequest, withoutDocument, write } from './prChange.ts';
import { runReport } from './runReport.ts';

// Red-team holes in the breaking-change gate: a pull request that breaks an API other teams consume
// must never pass because of how it changes the API's type, owner, consumers or name.

const ORDERS = 'catalog/systems/orders/entities.yaml';
const STOREFRONT = 'catalog/systems/storefront/entities.yaml';
const PROTO = 'catalog/systems/payments-core/definitions/ledger.proto';
const breakGet = (t: string) => t.replace('    get:\n      operationId: getPayment', '    delete:\n      operationId: getPayment');
const setApiField = (api: string, field: string, value: string) => (t: string) => t.replace(new RegExp(`(name: ${api}\\n[\\s\\S]*?\\n  ${field}: )\\S+`), `$1${value}`);
const breakingOf = (run: Awaited<ReturnType<typeof runReport>>) => run.json.diagnostics.filter(d => d.ruleId === 'api-breaking-change');

/** A payments API consumed only by commerce-team's orders-api (storefront and payments-sdk moved off it before the change), and orders-api also on ledger-grpc. */
async function narrowRepo(): Promise<{ root: string; base: string }> {
  const root = await dataRepoCopy();
  edit(root, STOREFRONT, t => t.replace('consumesApis: [orders-openapi, payments-openapi]', 'consumesApis: [orders-openapi]'));
  edit(root, ORDERS, t => t.replace('consumesApis: [payments-openapi]', 'consumesApis: [payments-openapi, ledger-grpc]'));
  edit(root, PAYMENTS, t => t.replace('  consumesApis: [payments-openapi]\n', ''));
  commit(root, 'storefront off payments; orders on the ledger');
  return { root, base: startPullRequest(root) };
}

describe('report: a definition the gate judged at base and cannot judge at head counts as breaking', () => {
  it('openapi to spec.type other with plain text, to graphql, or to a URL the gate cannot read', async () => {
    const { root, base } = await narrowRepo();
    edit(root, PAYMENTS, setApiField('payments-openapi', 'type', 'other'));
    write(root, PAYMENTS_OPENAPI, 'Payments API: see the wiki.\n');
    commit(root, 'payments API as plain text');
    const other = await runReport(root, base);
    expect(other.status).toBe(1);
    expect(breakingOf(other).map(d => d.message)).toEqual([expect.stringContaining('the definition moves from openapi 3.0.3 to spec.type other, which the breaking-change diff cannot compare')]);
    expect(other.json.report.apiChanges.map((a: { api: string; verdict: string }) => `${a.api}:${a.verdict}`)).toEqual(['api:default/payments-openapi:error']);

    edit(root, PAYMENTS, setApiField('payments-openapi', 'type', 'graphql'));
    write(root, PAYMENTS_OPENAPI, 'type Query { payment(id: ID!): String }\n');
    commit(root, 'payments API as GraphQL');
    const graphql = await runReport(root, base);
    expect(graphql.status).toBe(1);
    expect(breakingOf(graphql).map(d => d.message)).toEqual([expect.stringContaining('the definition moves from openapi 3.0.3 to spec.type graphql')]);

    git(root, 'checkout', '-q', base, '--', PAYMENTS, PAYMENTS_OPENAPI);
    edit(root, PAYMENTS, t => t.replace('$text: ./definitions/payments-openapi.yaml', '$text: https://example.com/payments-openapi.yaml'));
    commit(root, 'payments API read from elsewhere');
    const away = await runReport(root, base);
    expect(away.status).toBe(1);
    expect(breakingOf(away).map(d => d.message)).toEqual([expect.stringContaining('the definition moves from openapi 3.0.3 to a definition this revision does not hold')]);

    edit(root, PAYMENTS, t => t.replace('  definition:\n    $text: https://example.com/payments-openapi.yaml\n', ''));
    commit(root, 'payments API without a definition');
    const none = await runReport(root, base);
    expect(none.status).toBe(1);
    expect(breakingOf(none).map(d => d.message)).toEqual([expect.stringContaining('the definition moves from openapi 3.0.3 to no spec.definition')]);

    // A Swagger 2 text is OpenAPI by its spec.type alone: retyping it leaves the same text and no diff.
    git(root, 'checkout', '-q', base, '--', PAYMENTS);
    write(root, PAYMENTS_OPENAPI, 'swagger: "2.0"\ninfo:\n  title: Payments API\n  version: 1.0.0\npaths: {}\n');
    commit(root, 'payments API on Swagger 2');
    const swagger = git(root, 'rev-parse', 'HEAD').trim();
    edit(root, PAYMENTS, setApiField('payments-openapi', 'type', 'other'));
    commit(root, 'payments API as other');
    const retyped = await runReport(root, swagger);
    expect(retyped.status).toBe(1);
    expect(breakingOf(retyped).map(d => d.message)).toEqual([expect.stringContaining('the definition moves from swagger 2.0 as spec.type openapi to swagger 2.0 as spec.type other')]);
  }, 180_000);

  it('grpc: a proto replaced by text, or the type changed away from grpc', async () => {
    const { root, base } = await narrowRepo();
    write(root, PROTO, 'The ledger API is documented on the wiki.\n');
    commit(root, 'ledger proto as text');
    const text = await runReport(root, base);
    expect(text.status).toBe(1);
    expect(breakingOf(text).map(d => d.message)).toEqual([expect.stringContaining('the definition moves from a gRPC .proto to a text that buf cannot compile on its own')]);

    git(root, 'checkout', '-q', base, '--', PROTO);
    edit(root, PAYMENTS, setApiField('ledger-grpc', 'type', 'other'));
    commit(root, 'ledger as other');
    const retyped = await runReport(root, base);
    expect(retyped.status).toBe(1);
    expect(breakingOf(retyped).map(d => d.message)).toEqual([expect.stringContaining('the definition moves from a gRPC .proto to spec.type other')]);

    // A proto that imports others cannot be compiled alone: any change to it is one that cannot be judged, said once.
    git(root, 'checkout', '-q', base, '--', PAYMENTS);
    edit(root, PROTO, t => t.replace('package acme.ledger.v1;\n', 'package acme.ledger.v1;\n\nimport "acme/money/v1/money.proto";\n'));
    commit(root, 'ledger imports money');
    const importing = git(root, 'rev-parse', 'HEAD').trim();
    edit(root, PROTO, t => `${t}// a comment\n`);
    commit(root, 'comment');
    const alone = await runReport(root, importing);
    expect(alone.status).toBe(1);
    expect(breakingOf(alone).map(d => d.message)).toEqual([expect.stringContaining('the definition moves from a .proto that buf cannot compile (it imports acme/money/v1/money.proto, which this base revision of the repository does not hold)')]);
  }, 180_000);

  it('an inline definition moved to a $text file with a breaking change is still diffed', async () => {
    const root = await dataRepoCopy();
    const openapi = read(root, PAYMENTS_OPENAPI);
    unlinkSync(join(root, PAYMENTS_OPENAPI));
    edit(root, PAYMENTS, t => t.replace('  definition:\n    $text: ./definitions/payments-openapi.yaml\n', `  definition: |\n${openapi.trimEnd().split('\n').map(l => `    ${l}`).join('\n')}\n`));
    commit(root, 'inline payments definition');
    const base = startPullRequest(root);
    write(root, PAYMENTS_OPENAPI, breakGet(openapi));
    edit(root, PAYMENTS, t => t.replace(/  definition: \|\n(    .*\n)+/, '  definition:\n    $text: ./definitions/payments-openapi.yaml\n'));
    commit(root, 'payments definition to a file, get becomes delete');
    const run = await runReport(root, base);
    expect(run.status).toBe(1);
    expect(breakingOf(run).map(d => `${d.file}:${d.range.start.line}`)).toEqual([`${PAYMENTS_OPENAPI}:7`]);
  }, 120_000);
});

describe('report: the teams to protect are those consumers relied on before the change', () => {
  it('an API handed to its consumer\'s team and broken in the same change', async () => {
    const { root, base } = await narrowRepo();
    edit(root, PAYMENTS, setApiField('payments-openapi', 'owner', 'commerce-team'));
    edit(root, PAYMENTS_OPENAPI, breakGet);
    commit(root, 'payments API to commerce, get becomes delete');
    const run = await runReport(root, base);
    expect(run.status).toBe(1);
    const [finding] = breakingOf(run);
    expect(finding.hint).toContain('Its owner moves from group:default/payments-team to group:default/commerce-team in this change: its consumers relied on group:default/payments-team, so every other team counts');
    expect(run.json.report.apiChanges[0].otherTeams).toEqual(['group:default/commerce-team']);
    expect(run.json.markdown).toContain('- <code>group:default/commerce-team</code>: component\\:default/orders\\-api consumes api\\:default/payments\\-openapi, which has breaking changes');
  }, 120_000);

  it('a consumer that drops consumesApis, or is handed to the API\'s team, in the same change still counts', async () => {
    const { root, base } = await narrowRepo();
    edit(root, ORDERS, t => t.replace('consumesApis: [payments-openapi, ledger-grpc]', 'consumesApis: [ledger-grpc]'));
    edit(root, PAYMENTS_OPENAPI, breakGet);
    commit(root, 'orders off payments, get becomes delete');
    const dropped = await runReport(root, base);
    expect(dropped.status).toBe(1);
    expect(breakingOf(dropped)[0].message).toContain('component:default/orders-api (group:default/commerce-team; consumed it before this change)');
    expect(dropped.json.report.apiChanges[0].otherTeams).toEqual(['group:default/commerce-team']);

    git(root, 'checkout', '-q', base, '--', ORDERS);
    edit(root, ORDERS, t => t.replace(/(name: orders-api\n[\s\S]*?  owner: )commerce-team/, '$1payments-team'));
    commit(root, 'orders-api to payments');
    const handed = await runReport(root, base);
    expect(handed.status).toBe(1);
    expect(breakingOf(handed)[0].message).toContain('component:default/orders-api (group:default/payments-team; owned by group:default/commerce-team before this change)');
    expect(handed.json.report.apiChanges[0].otherTeams).toEqual(['group:default/commerce-team']);
  }, 180_000);
});

describe('report: an API removed, or renamed past recognition, is not a silent pass', () => {
  it('renamed, moved to another file and broken: still diffed against the old definition', async () => {
    const { root, base } = await narrowRepo();
    let doc = '';
    edit(root, PAYMENTS, t => {
      doc = t.split('---\n').find(d => d.includes('kind: API\nmetadata:\n  name: payments-openapi\n'))!;
      return withoutDocument(t, 'API', 'payments-openapi').replace('providesApis: [payments-openapi]', 'providesApis: [payments-rest]').replace('consumesApis: [payments-openapi]', 'consumesApis: [payments-rest]');
    });
    edit(root, ORDERS, t => `${t.replace('consumesApis: [payments-openapi, ledger-grpc]', 'consumesApis: [payments-rest, ledger-grpc]').trimEnd()}\n---\n${doc.replace('name: payments-openapi', 'name: payments-rest').replace('./definitions/payments-openapi.yaml', '../payments-core/definitions/payments-openapi.yaml')}`);
    edit(root, PAYMENTS_OPENAPI, breakGet);
    commit(root, 'payments API renamed, moved, get becomes delete');
    const run = await runReport(root, base);
    expect(run.status).toBe(1);
    expect(breakingOf(run).map(d => `${d.file}:${d.range.start.line}`)).toEqual([`${PAYMENTS_OPENAPI}:7`]);
    expect(breakingOf(run)[0].message).toContain('Breaking change to api:default/payments-rest (api:default/payments-openapi before this change)');
  }, 120_000);

  it('renamed with its definition file moved and left as it was: a rename, not a removal', async () => {
    const { root, base } = await narrowRepo();
    const moved = 'catalog/systems/payments-core/definitions/payments-rest.yaml';
    git(root, 'mv', PAYMENTS_OPENAPI, moved);
    edit(root, PAYMENTS, t => t.replace('name: payments-openapi\n', 'name: payments-rest\n').replace('./definitions/payments-openapi.yaml', './definitions/payments-rest.yaml').replace('providesApis: [payments-openapi]', 'providesApis: [payments-rest]'));
    edit(root, ORDERS, t => t.replace('consumesApis: [payments-openapi, ledger-grpc]', 'consumesApis: [payments-rest, ledger-grpc]'));
    commit(root, 'payments API renamed to payments-rest, its file with it');
    const renamed = await runReport(root, base);
    expect(breakingOf(renamed)).toEqual([]);
    expect(renamed.json.report.apiChanges).toEqual([]);

    // The same rename with the moved file broken is still caught, and as what it is: the entity is a rename
    // (its definition path carries its name), so the moved definition is diffed against the old one.
    edit(root, moved, breakGet);
    commit(root, 'get becomes delete');
    const broken = await runReport(root, base);
    expect(broken.status).toBe(1);
    expect(breakingOf(broken).map(d => d.message)).toEqual([expect.stringContaining('Breaking change to api:default/payments-rest (api:default/payments-openapi before this change): [Removed] operation GET /payments/{paymentId}.')]);
  }, 120_000);

  it('removed while its consumers are repointed or dropped in the same change', async () => {
    const { root, base } = await narrowRepo();
    edit(root, PAYMENTS, t => withoutDocument(t, 'API', 'payments-openapi').replace('    providesApis: [payments-openapi]\n', '').replace('  providesApis: [payments-openapi]\n', '').replace('  consumesApis: [payments-openapi]\n', ''));
    edit(root, ORDERS, t => t.replace('consumesApis: [payments-openapi, ledger-grpc]', 'consumesApis: [ledger-grpc]'));
    commit(root, 'remove the payments API and its uses');
    const run = await runReport(root, base);
    expect(run.status).toBe(1);
    const findings = breakingOf(run);
    expect(findings.map(d => d.message)).toEqual([expect.stringContaining('Breaking change to api:default/payments-openapi: the API is removed from the catalog')]);
    expect(findings[0].message).toContain('component:default/orders-api (group:default/commerce-team; consumed it before this change)');
  }, 120_000);
});

describe('report: a specification the diff has no rules for is not judged as nothing breaking', () => {
  it('Swagger 2.0 and AsyncAPI 3 definitions: an operation or a message field removed counts as breaking', async () => {
    const { root } = await narrowRepo();
    const EVENTS = 'catalog/systems/payments-core/definitions/payment-events.asyncapi.yaml';
    write(root, PAYMENTS_OPENAPI, 'swagger: "2.0"\ninfo:\n  title: Payments API\n  version: 1.0.0\npaths:\n  /payments/{paymentId}:\n    get:\n      operationId: getPayment\n      parameters:\n        - {name: paymentId, in: path, required: true, type: string}\n      responses:\n        "200":\n          description: OK\n');
    write(root, EVENTS, 'asyncapi: 3.0.0\ninfo:\n  title: Payment events\n  version: 1.0.0\nchannels:\n  settled:\n    address: payments/settled\n    messages:\n      settled:\n        payload:\n          type: object\n          required: [id]\n          properties:\n            id: {type: string}\noperations:\n  onSettled:\n    action: receive\n    channel: {$ref: "#/channels/settled"}\n');
    commit(root, 'payments on Swagger 2, events on AsyncAPI 3');
    const base = git(root, 'rev-parse', 'HEAD').trim();
    edit(root, PAYMENTS_OPENAPI, breakGet);
    edit(root, EVENTS, t => t.replace('          required: [id]\n          properties:\n            id: {type: string}\n', '          properties:\n            at: {type: string}\n'));
    commit(root, 'get becomes delete, the event loses its id');
    const run = await runReport(root, base);
    expect(run.status).toBe(1);
    expect(breakingOf(run).map(d => `${d.file}:${d.range.start.line} ${d.message.slice(0, d.message.indexOf(', whose'))}`)).toEqual([
      `${PAYMENTS_OPENAPI}:1 Breaking change to api:default/payments-openapi: the definition is swagger 2.0`,
      `${EVENTS}:1 Breaking change to api:default/payment-events: the definition is asyncapi 3.0.0`,
    ]);

    // A change that leaves the document as it was (reformatted) has nothing to classify.
    write(root, PAYMENTS_OPENAPI, `${JSON.stringify(parse(read(root, PAYMENTS_OPENAPI)), null, 2)}\n`);
    commit(root, 'payments definition as JSON');
    const reformatted = await runReport(root, git(root, 'rev-parse', 'HEAD~1').trim());
    expect(breakingOf(reformatted)).toEqual([]);
  }, 120_000);
});

describe('report: a change that loosens the apiChanges policy is not judged by the loosened policy', () => {
  it('breakingWithOtherConsumers set to allowed, or production made an exempt lifecycle, in the same change', async () => {
    const { root, base } = await narrowRepo();
    edit(root, PAYMENTS_OPENAPI, breakGet);
    edit(root, 'gitops.config.yaml', t => t.replace('breakingWithOtherConsumers: error', 'breakingWithOtherConsumers: allowed'));
    commit(root, 'get becomes delete, breaking changes allowed');
    const allowed = await runReport(root, base);
    expect(allowed.status).toBe(1);
    expect(breakingOf(allowed).map(d => `${d.severity} ${d.file}:${d.range.start.line}`)).toEqual([`error ${PAYMENTS_OPENAPI}:7`]);
    expect(breakingOf(allowed)[0].hint).toContain('This change also loosens apiChanges in gitops.config.yaml');

    edit(root, 'gitops.config.yaml', t => t.replace('breakingWithOtherConsumers: allowed', 'breakingWithOtherConsumers: error').replace('allowWhenLifecycle: [experimental]', 'allowWhenLifecycle: [experimental, production]'));
    commit(root, 'production APIs exempt');
    const exempt = await runReport(root, base);
    expect(exempt.status).toBe(1);
    expect(exempt.json.report.apiChanges.map((a: { api: string; verdict: string }) => `${a.api}:${a.verdict}`)).toEqual(['api:default/payments-openapi:error']);

    // The policy of the base revision still allows what it allowed: an experimental API breaks freely.
    git(root, 'checkout', '-q', base, '--', 'gitops.config.yaml');
    edit(root, PAYMENTS, setApiField('payments-openapi', 'lifecycle', 'experimental'));
    commit(root, 'payments API experimental');
    const experimental = git(root, 'rev-parse', 'HEAD').trim();
    edit(root, PAYMENTS_OPENAPI, t => t.replace('operationId: getPayment', 'operationId: readPayment').replace('    delete:', '    patch:'));
    commit(root, 'delete becomes patch');
    const free = await runReport(root, experimental);
    expect(breakingOf(free)).toEqual([]);
    expect(free.json.report.apiChanges.map((a: { verdict: string }) => a.verdict)).toEqual(['allowed']);
  }, 180_000);
});

describe('report: YAML merge keys are read as the API docs and code generators read them', () => {
  it('a property removed from a schema merged in with <<: *anchor is a breaking change', async () => {
    const { root } = await narrowRepo();
    const shared = '  payment: &payment\n    type: object\n    required: [id, amount]\n    properties:\n      id: {type: string}\n      amount: {type: number}\n';
    edit(root, PAYMENTS_OPENAPI, t => t.replace('paths:\n', `x-shapes:\n${shared}paths:\n`).replace('              schema:\n                type: object\n', '              schema:\n                <<: *payment\n                description: One payment.\n'));
    commit(root, 'payment shape shared through a merge key');
    const base = git(root, 'rev-parse', 'HEAD').trim();
    edit(root, PAYMENTS_OPENAPI, t => t.replace('      id: {type: string}\n', '').replace('required: [id, amount]', 'required: [amount]'));
    commit(root, 'the payment loses its id');
    const run = await runReport(root, base);
    expect(run.status).toBe(1);
    expect(breakingOf(run).map(d => `${d.file}:${d.range.start.line} ${d.message.slice(0, d.message.indexOf('. Consumed'))}`)).toEqual([
      `${PAYMENTS_OPENAPI}:28 Breaking change to api:default/payments-openapi: [Removed] required status from \`id\` in Response 200 content (application/json) (reading the YAML merge keys, <<, as js-yaml and Swagger UI do)`,
      `${PAYMENTS_OPENAPI}:28 Breaking change to api:default/payments-openapi: [Removed] property \`id\` in Response 200 content (application/json) (reading the YAML merge keys, <<, as js-yaml and Swagger UI do)`,
    ]);
  }, 120_000);
});

describe('report: a $ref key written with escapes is a $ref', () => {
  it('"\\x24ref" to a schema the change breaks is diffed; "$\\u0072ef" out of the repository is a finding', async () => {
    const { root } = await narrowRepo();
    const SCHEMA = 'catalog/systems/payments-core/definitions/schemas/payment.yaml';
    mkdirSync(join(root, 'catalog/systems/payments-core/definitions/schemas'));
    write(root, SCHEMA, 'type: object\nrequired: [id]\nproperties:\n  id: {type: string}\n');
    edit(root, PAYMENTS_OPENAPI, t => t.replace('              schema:\n                type: object\n', '              schema:\n                "\\x24ref": ./schemas/payment.yaml\n'));
    commit(root, 'payment schema in its own file');
    const base = git(root, 'rev-parse', 'HEAD').trim();
    write(root, SCHEMA, 'type: object\nproperties:\n  other: {type: string}\n');
    commit(root, 'the payment schema loses its id');
    const run = await runReport(root, base);
    expect(run.status).toBe(1);
    expect(breakingOf(run).map(d => `${d.file}:${d.range.start.line} ${d.message.slice(0, d.message.indexOf(' in Response'))}`)).toEqual([
      // In the schema file the change edited (followed through the escaped $ref), not on the $ref line.
      `${SCHEMA}:1 Breaking change to api:default/payments-openapi: [Removed] required status from \`id\``,
      `${SCHEMA}:2 Breaking change to api:default/payments-openapi: [Removed] property \`id\``,
    ]);

    edit(root, PAYMENTS_OPENAPI, t => t.replace('"\\x24ref": ./schemas/payment.yaml', '"$\\u0072ef": ../../../../../../etc/hostname'));
    commit(root, 'the payment schema from outside the repository');
    const outside = await runReport(root, base);
    expect(outside.json.diagnostics.filter(d => d.ruleId === 'api-ref-outside-repo').map(d => `${d.file}:${d.range.start.line}`)).toEqual([`${PAYMENTS_OPENAPI}:23`]);
  }, 120_000);
});
