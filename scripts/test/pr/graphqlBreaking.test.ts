import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeGitHub } from '../helpers/fakeGitHub.ts';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { startRecordingServer } from '../helpers/recordingServer.ts';
import { runNode } from '../helpers/runNode.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { harms, OWN_GITHUB_LINE } from '../security/hostilePullRequest.ts';
import { commit, edit, read, startPullRequest, write } from './prChange.ts';
import { runReport } from './runReport.ts';

// A GraphQL API is judged like OpenAPI and gRPC: GraphQL Inspector's diff of the SDL in spec.definition.

const STOREFRONT = 'catalog/systems/storefront/entities.yaml';
const SDL = 'catalog/systems/storefront/definitions/storefront.graphql';
const ORDERS = 'catalog/systems/orders/entities.yaml';
const breakingOf = (run: Awaited<ReturnType<typeof runReport>>) => run.json.diagnostics.filter(d => d.ruleId === 'api-breaking-change');
const graphqlChange = (run: Awaited<ReturnType<typeof runReport>>) => run.json.report.apiChanges.find((a: { api: string }) => a.api === 'api:default/storefront-graphql');

/** The storefront's GraphQL API, also consumed by commerce-team's orders-api (another team than web-team, its owner); `sdl` replaces its schema in the base. */
async function consumedRepo(sdl?: string): Promise<{ root: string; base: string }> {
  const root = await dataRepoCopy();
  edit(root, ORDERS, t => t.replace('consumesApis: [payments-openapi]', 'consumesApis: [payments-openapi, storefront-graphql]'));
  if (sdl !== undefined) write(root, SDL, sdl);
  commit(root, 'orders-api queries the storefront');
  return { root, base: startPullRequest(root) };
}

describe('report: breaking changes to a GraphQL schema another team consumes', () => {
  it('a field removed is an error at the type in the SDL; a field added is none', async () => {
    const { root, base } = await consumedRepo();
    edit(root, SDL, t => t.replace('  price: Float!\n', ''));
    commit(root, 'drop Product.price');
    const removed = await runReport(root, base);
    expect(removed.status).toBe(1);
    expect(breakingOf(removed).map(d => `${d.severity} ${d.file}:${d.range.start.line} ${d.message.slice(0, d.message.indexOf('. Consumed'))}`)).toEqual([
      `error ${SDL}:6 Breaking change to api:default/storefront-graphql: Field 'price' was removed from object type 'Product'`,
    ]);
    // GraphQL has no info.version: the way out is its @deprecated directive, not OpenAPI's major version.
    expect(breakingOf(removed)[0].hint).toBe('Team group:default/commerce-team depends on it: keep the old shape and mark what goes @deprecated(reason: "…") first, removing it once they no longer query it, or agree the change with that team.');
    expect(removed.json.markdown).toContain('- <code>api:default/storefront-graphql</code> (graphql, <code>catalog/systems/storefront/definitions/storefront.graphql</code>, owned by <code>group:default/web-team</code>): 1 breaking, 0 non-breaking, 0 annotation-only — ❌ blocked by policy');

    write(root, SDL, `type Query {\n  product(id: ID!): Product\n  cart: Cart\n}\n\ntype Product {\n  id: ID!\n  name: String!\n  price: Float!\n  sku: String\n}\n\ntype Cart {\n  items: [Product!]!\n  total: Float!\n}\n`);
    commit(root, 'price back, Product.sku added');
    const added = await runReport(root, base);
    expect(breakingOf(added)).toEqual([]);
    expect(graphqlChange(added).diff).toEqual([{ type: 'non-breaking', action: 'FIELD_ADDED', description: "Field 'sku' was added to object type 'Product'", path: ['Product', 'sku'], operation: 'Product', field: 'sku' }]);
    expect(graphqlChange(added).verdict).toBe('none');
  }, 180_000);

  it('an inline SDL (spec.definition: |) is diffed too, its finding at spec.definition', async () => {
    const { root } = await consumedRepo();
    edit(root, STOREFRONT, t => t.replace('  definition:\n    $text: ./definitions/storefront.graphql\n', '  definition: |\n    type Query {\n      cart: Cart\n    }\n    type Cart {\n      total: Float!\n      currency: String!\n    }\n'));
    commit(root, 'inline storefront schema');
    const base = git(root, 'rev-parse', 'HEAD').trim();
    edit(root, STOREFRONT, t => t.replace('      currency: String!\n', ''));
    commit(root, 'drop Cart.currency');
    const run = await runReport(root, base);
    expect(run.status).toBe(1);
    const line = read(root, STOREFRONT).split('\n').indexOf('  definition: |') + 1;
    expect(breakingOf(run).map(d => `${d.file}:${d.range.start.line} ${d.message.slice(0, d.message.indexOf('. Consumed'))}`)).toEqual([
      `${STOREFRONT}:${line} Breaking change to api:default/storefront-graphql: Field 'currency' was removed from object type 'Cart'`,
    ]);
  }, 120_000);

  it('an argument made required is breaking; an enum value added is dangerous, shown, and not breaking', async () => {
    const { root, base } = await consumedRepo('type Query {\n  search(term: String): [Product!]!\n  product(id: ID!): Product\n}\n\nenum Currency {\n  EUR\n  USD\n}\n\ntype Product {\n  id: ID!\n  price(in: Currency = EUR): Float!\n}\n');
    edit(root, SDL, t => t.replace('search(term: String)', 'search(term: String!)').replace('  USD\n', '  USD\n  GBP\n'));
    commit(root, 'search needs a term; GBP');
    const run = await runReport(root, base);
    expect(run.status).toBe(1);
    expect(breakingOf(run).map(d => `${d.file}:${d.range.start.line} ${d.message.slice(0, d.message.indexOf('. Consumed'))}`)).toEqual([
      `${SDL}:2 Breaking change to api:default/storefront-graphql: Type for argument 'term' on field 'Query.search' changed from 'String' to 'String!'`,
    ]);
    expect(run.json.markdown).toContain('1 breaking, 1 non-breaking (1 dangerous), 0 annotation-only — ❌ blocked by policy');
    expect(run.json.markdown).toContain("  - dangerous (not breaking): <code>Currency</code> field <code>GBP</code> — Enum value &#39;GBP&#39; was added to enum &#39;Currency&#39; (Adding an enum value may break existing clients");
  }, 120_000);

  it('a head that does not build, or a move to spec.type other, is a change nobody can judge', async () => {
    const { root, base } = await consumedRepo();
    edit(root, SDL, t => t.replace('type Cart {', 'type Cart'));
    commit(root, 'a brace lost');
    const broken = await runReport(root, base);
    expect(broken.status).toBe(1);
    expect(breakingOf(broken).map(d => d.message)).toEqual([expect.stringContaining('the definition moves from a GraphQL schema to a text that does not build as a GraphQL schema on its own (Syntax Error: Unexpected Name \"items\" at line 13), which the breaking-change diff cannot compare')]);

    write(root, SDL, 'The storefront schema lives in the storefront-bff repository.\n');
    edit(root, STOREFRONT, t => t.replace(/(name: storefront-graphql[\s\S]*?\n  type: )graphql/, '$1other'));
    commit(root, 'the schema as text');
    const other = await runReport(root, base);
    expect(other.status).toBe(1);
    expect(breakingOf(other).map(d => d.message)).toEqual([expect.stringContaining('the definition moves from spec.type graphql to spec.type other, which the breaking-change diff cannot compare')]);
  }, 180_000);

  it('a base SDL that relies on a type defined elsewhere cannot be judged either, whatever the change', async () => {
    const { root, base } = await consumedRepo('type Query {\n  product(id: ID!): Product\n}\n\ntype Product {\n  id: ID!\n  price: Money!\n}\n');
    edit(root, SDL, t => t.replace('  price: Money!\n', ''));
    commit(root, 'drop Product.price');
    const run = await runReport(root, base);
    expect(run.status).toBe(1);
    expect(breakingOf(run).map(d => d.message)).toEqual([expect.stringContaining('the definition moves from GraphQL SDL that does not build as a schema on its own (Unknown type: "Money"; each side is read alone, without the files or supergraph it relies on) to a changed SDL')]);
  }, 120_000);

  it('SDL nested past the depth limit, or past graphql\'s token bound, is not read on: a change nobody can judge, in seconds', async () => {
    const { root, base } = await consumedRepo();
    // Each `[` would be one more level for graphql-js's parser to recurse into: 600,000 overflow its stack.
    write(root, SDL, `type Query {\n  product(id: ID!): ${'['.repeat(600_000)}\n}\n`);
    commit(root, 'a schema of brackets');
    let started = Date.now();
    const deep = await runReport(root, base);
    expect(deep.status).toBe(1);
    expect(breakingOf(deep).map(d => d.message)).toEqual([expect.stringContaining('a text that does not build as a GraphQL schema on its own (it nests brackets more than 128 deep, at line 2)')]);
    expect(Date.now() - started).toBeLessThan(30_000);

    // 500,001 flat tokens, under the byte cap.
    write(root, SDL, `enum Size {${' A'.repeat(500_001)} }\n`);
    commit(root, 'a schema of tokens');
    started = Date.now();
    const many = await runReport(root, base);
    expect(many.status).toBe(1);
    expect(breakingOf(many).map(d => d.message)).toEqual([expect.stringContaining('a text that does not build as a GraphQL schema on its own (Syntax Error: Document contains more that 500000 tokens. Parsing aborted at line 1)')]);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 180_000);

  it('federation SDL (extend type Query, @key with no directive definitions) is still diffed', async () => {
    const { root, base } = await consumedRepo('extend type Query {\n  product(id: ID!): Product\n  products: [Product!]!\n}\n\ntype Product @key(fields: "id") {\n  id: ID!\n  name: String! @shareable\n}\n');
    edit(root, SDL, t => t.replace('  products: [Product!]!\n', ''));
    commit(root, 'drop Query.products');
    const run = await runReport(root, base);
    expect(run.status).toBe(1);
    expect(breakingOf(run).map(d => `${d.file}:${d.range.start.line} ${d.message.slice(0, d.message.indexOf('. Consumed'))}`)).toEqual([
      `${SDL}:1 Breaking change to api:default/storefront-graphql: Field 'products' was removed from object type 'Query'`,
    ]);
  }, 120_000);

  it('descriptions, defaults and parser errors from the SDL reach the Markdown and the GitHub log escaped', async () => {
    const hostile = '\\n::error::pwned\\n<img src=x> | **bold** @web-team';
    const { root, base } = await consumedRepo(`type Query {\n  product(id: ID!, lang: String = "en"): Product\n}\n\ntype Product {\n  id: ID!\n}\n`);
    edit(root, SDL, t => t.replace('"en"', `"${hostile}"`));
    commit(root, 'a hostile default');
    const md = (await runReport(root, base)).json.markdown as string;
    expect(md).toContain('  - dangerous (not breaking): <code>Query</code> field <code>product.lang</code> — Default value for argument &#39;lang&#39; on field &#39;Query.product&#39; changed from &#39;&quot;en&quot;&#39; to &#39;&quot;\\\\n\\:\\:error\\:\\:pwned\\\\n&lt;img src\\=x&gt; &#124; \\*\\*bold\\*\\* @\u200bweb\\-team&quot;&#39;');
    expect(md).not.toMatch(/<img|\*\*bold|@web-team/);

    // A block string where a type should be: graphql-js quotes its value, line breaks and all, in its error.
    write(root, SDL, 'type Query {\n  product(id: ID!): """\n::add-mask::leak\n##vso[task.setvariable variable=PWNED]yes\n"""\n}\n');
    commit(root, 'a description as the type');
    const dir = mkdtempSync(join(tmpdir(), 'gh-'));
    const event = join(dir, 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { number: 7, base: { sha: base } } }));
    for (const f of ['summary.md', 'output.txt']) writeFileSync(join(dir, f), '');
    const github = fakeGitHub();
    const server = await startRecordingServer(github.handler);
    try {
      const run = await runNode(join(REPO_ROOT, 'actions/check/dist/index.mjs'), root, {
        GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: 'acme/control', GITHUB_API_URL: server.url,
        GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'output.txt'), RUNNER_TEMP: dir, GITHUB_WORKSPACE: root, 'INPUT_GITHUB-TOKEN': 'ghs_fake', 'INPUT_WORKING-DIRECTORY': root,
      });
      expect(run.status).toBe(1);
      // The parser's quote of the text is in the annotation (one line), and nothing of it acts on the runner.
      expect(run.stdout).toMatch(/^::error [^\n]*title=api-breaking-change,[^\n]*::[^\n]*does not build as a GraphQL schema on its own \(Syntax Error: Expected Name, found BlockString "::add-mask::leak ##vso\u200b\[task/m);
      expect(harms(run.stdout, OWN_GITHUB_LINE)).toEqual([]);
    } finally {
      await server.close();
    }
  }, 180_000);
});
