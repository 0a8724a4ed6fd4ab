import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { commit, edit, PAYMENTS, PAYMENTS_OPENAPI, startPullRequest, write } from './prChange.ts';
import { runReport } from './runReport.ts';

// A large GraphQL schema or .proto is ordinary, not a YAML bomb: the YAML budgets (values, nesting) are
// not theirs. Before, an 800 KB SDL was a yaml-node-limit error in `check`, and a .proto over that budget
// was never given to buf, so its breaking changes passed unjudged.

const ORDERS = 'catalog/systems/orders/entities.yaml';
const STOREFRONT = 'catalog/systems/storefront/entities.yaml';
const PROTO = 'catalog/systems/payments-core/definitions/ledger.proto';
const breakingOf = (run: Awaited<ReturnType<typeof runReport>>) => run.json.diagnostics.filter(d => d.ruleId === 'api-breaking-change');

/** ledger.proto with `count` more messages of 12 documented fields each (≈ 650 bytes a message; comments such as `// Format: …` read as YAML values to a YAML budget). */
function bigProto(count: number): string {
  const messages = Array.from({ length: count }, (_, m) => `message Extra${m} {\n${Array.from({ length: 12 }, (_, f) => `  // Format: text, e.g. id: ${f}\n  string field_${f}_of_${m} = ${f + 1};`).join('\n')}\n}\n`);
  return `syntax = "proto3";\n\npackage acme.ledger.v1;\n\nservice Ledger {\n  rpc AppendEntry(AppendEntryRequest) returns (AppendEntryResponse);\n}\n\nmessage AppendEntryRequest {\n  string account_id = 1;\n  int64 amount_minor = 2;\n  string currency = 3;\n}\n\nmessage AppendEntryResponse {\n  string entry_id = 1;\n}\n\n${messages.join('\n')}`;
}

describe('large GraphQL and gRPC definitions', () => {
  it('check: an 800 KB GraphQL schema and a .proto of 1,400 documented messages are no YAML-budget findings', async () => {
    const root = await dataRepoCopy();
    const sdl = `type Query {\n${Array.from({ length: 22_000 }, (_, i) => `  f${i}(a: Int, b: String): [Payment!]!`).join('\n')}\n}\ntype Payment { id: ID!, amount: Int }\n`;
    write(root, 'catalog/systems/payments-core/definitions/payments.graphql', sdl);
    edit(root, PAYMENTS, t => `${t}---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: payments-graphql\n  description: 'Payments over GraphQL.'\n  tags: [graphql]\nspec:\n  type: graphql\n  lifecycle: production\n  owner: payments-team\n  system: payments-core\n  definition:\n    $text: ./definitions/payments.graphql\n`);
    write(root, PROTO, bigProto(1400));
    expect(Buffer.byteLength(sdl)).toBeGreaterThan(750_000);
    const run = await runBin(['check', '--format', 'json'], root);
    const findings = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; file: string }[] }).diagnostics;
    expect(findings.filter(d => d.ruleId.startsWith('yaml-'))).toEqual([]);
  }, 120_000);

  it('report: a breaking change in a large .proto is judged by buf; one over the byte cap is a change nobody can judge, never a silent pass', async () => {
    const root = await dataRepoCopy();
    edit(root, STOREFRONT, t => t.replace('consumesApis: [orders-openapi, payments-openapi]', 'consumesApis: [orders-openapi]'));
    edit(root, ORDERS, t => t.replace('consumesApis: [payments-openapi]', 'consumesApis: [payments-openapi, ledger-grpc]'));
    commit(root, 'orders consumes the ledger');
    const base = startPullRequest(root);
    write(root, PROTO, bigProto(1300).replace('  string currency = 3;\n', ''));
    commit(root, 'drop currency, document the rest');
    const large = await runReport(root, base);
    expect(large.status).toBe(1);
    expect(breakingOf(large).map(d => d.message)).toEqual([expect.stringMatching(/Breaking change to api:default\/ledger-grpc: .*currency/i)]);

    // Over catalog.maxFileBytes (1 MB) buf is not given the file: before, that passed with no finding.
    write(root, PROTO, bigProto(1600).replace('  string currency = 3;\n', ''));
    commit(root, 'more messages');
    const over = await runReport(root, base);
    expect(over.status).toBe(1);
    expect(breakingOf(over).map(d => d.message)).toEqual([expect.stringMatching(/moves from a gRPC \.proto to a \.proto of \d+ bytes, over the 1048576-byte cap/)]);
    expect(breakingOf(over)[0].hint).toContain("keeping the old shape does not pass it): split it into files it imports, each under 1048576 bytes; until then, ");
  }, 180_000);

  it('report: a change that breaks 150 operations gives 100 findings and one that counts the other 50', async () => {
    const root = await dataRepoCopy();
    const paths = (n: number) => Array.from({ length: n }, (_, i) => `  /items${i}:\n    get:\n      operationId: getItem${i}\n      responses:\n        "200":\n          description: OK\n`).join('');
    write(root, PAYMENTS_OPENAPI, `openapi: 3.0.3\ninfo:\n  title: Payments API\n  version: 1.0.0\npaths:\n${paths(150)}`);
    commit(root, '150 operations');
    const base = startPullRequest(root);
    write(root, PAYMENTS_OPENAPI, 'openapi: 3.0.3\ninfo:\n  title: Payments API\n  version: 1.0.0\npaths: {}\n');
    commit(root, 'drop them all');
    const run = await runReport(root, base);
    const found = breakingOf(run).filter(d => d.message.includes('payments-openapi'));
    expect(found).toHaveLength(101);
    expect(found[100].message).toMatch(/^…and 50 more breaking changes to api:default\/payments-openapi/);
    const change = run.json.report.apiChanges.find((a: { api: string }) => a.api === 'api:default/payments-openapi');
    expect(change.diff.filter((d: { type: string }) => d.type === 'breaking')).toHaveLength(150);
  }, 180_000);
});
