import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { APP_CONFIG, baseTree, ORDERS, ORG } from './fixtureOrg.ts';
import { add, cases, edit, type Tree } from './gateCases.ts';
import { checkTree, summarise, tempRepo } from '../helpers/tempRepo.ts';
import { positionMismatches } from '../helpers/positions.ts';
import { ResultCache } from '../../src/cache/resultCache.ts';
import { runInputsKey, type RunTexts } from '../../src/cache/runInputs.ts';

const O = 'catalog/orders.yaml';
const G = 'catalog/org.yaml';
const AI_RESOURCE = 'apiVersion: backstage.io/v1alpha1\nkind: AiResource\nmetadata:\n  name: review-skill\nspec:\n  type: skill\n  lifecycle: production\n  owner: team-a\n  system: orders\n';
const MCP_API = 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: orders-mcp\nspec:\n  type: mcp-server\n  lifecycle: production\n  owner: team-a\n  system: orders\n  remotes:\n    - {type: streamable-http, url: https://orders.acme.example/mcp}\n';
const withAiModule = (change: (tree: Tree) => void) => (tree: Tree) => {
  change(tree);
  edit('gitops.config.yaml', 'catalog:\n', 'catalog:\n  modules: [catalog-backend-module-ai-model]\n')(tree);
  edit('backstage-config/app-config.yaml', 'Group, User]', 'Group, User, AiResource]')(tree);
};

// Cases that depend on what the managed Backstage runs (catalog modules, org providers, the openapi
// module's bundling) or on files beside the entities: the editor schema cannot know these, so they stay
// out of the shared table in gateCases.ts.
const managedCases: [string, (tree: Tree) => void, string[]][] = [
  // catalog-backend-module-openapi bundles the definition's relative $refs: each must be a file of this repo.
  ...(['./schemas/order.yaml', '../../../etc/passwd#/x'] as const).map((ref, i): [string, (tree: Tree) => void, string[]] => [
    i === 0 ? '$openapi with a $ref to a missing file' : '$openapi with a $ref above the repo',
    tree => {
      edit(O, '$text: ./openapi.yaml', '$openapi: ./openapi.yaml')(tree);
      edit('gitops.config.yaml', 'catalog:\n', 'catalog:\n  placeholderResolvers: [openapi]\n')(tree);
      edit('catalog/openapi.yaml', 'paths: {}\n', `paths: {}\ncomponents:\n  schemas:\n    Order:\n      $ref: '${ref}'\n`)(tree);
    },
    [`${i === 0 ? 'placeholder-target-missing' : 'placeholder-outside-repo'}@catalog/openapi.yaml:7:13`],
  ]),
  ['$openapi with $refs the module bundles', tree => {
    edit(O, '$text: ./openapi.yaml', '$openapi: ./openapi.yaml')(tree);
    edit('gitops.config.yaml', 'catalog:\n', 'catalog:\n  placeholderResolvers: [openapi]\n')(tree);
    edit('catalog/openapi.yaml', 'paths: {}\n', 'paths: {}\ncomponents:\n  schemas:\n    Order:\n      $ref: ./schemas/order.yaml#/Order\n')(tree);
    add('catalog/schemas/order.yaml', 'Order:\n  type: object\n  properties:\n    item: {$ref: "./item.yaml"}\n')(tree);
    add('catalog/schemas/item.yaml', 'type: string\n')(tree);
  }, []],
  ['$openapi with a missing $ref two files down', tree => {
    edit(O, '$text: ./openapi.yaml', '$openapi: ./openapi.yaml')(tree);
    edit('gitops.config.yaml', 'catalog:\n', 'catalog:\n  placeholderResolvers: [openapi]\n')(tree);
    edit('catalog/openapi.yaml', 'paths: {}\n', 'paths: {}\ncomponents:\n  schemas:\n    Order:\n      $ref: ./schemas/order.yaml#/Order\n')(tree);
    add('catalog/schemas/order.yaml', 'Order:\n  type: object\n  properties:\n    item: {$ref: "./items.yaml"}\n')(tree);
    add('catalog/schemas/item.yaml', 'type: string\n')(tree);
  }, ['placeholder-target-missing@catalog/schemas/order.yaml:4:18', 'location-unreachable@catalog/schemas/item.yaml:1:1']],
  // The managed Backstage's model follows the catalog modules it runs (catalog.modules), loaded from the published module.
  ['AiResource without the ai-model module', add(O, `${ORDERS}---\n${AI_RESOURCE}`), [`catalog-rule-denied@${O}:57:7`, `entity-kind-unknown@${O}:57:7`]],
  ['AiResource with the ai-model module', withAiModule(add(O, `${ORDERS}---\n${AI_RESOURCE}`)), []],
  ['AiResource with the module, owner missing', withAiModule(add(O, `${ORDERS}---\n${AI_RESOURCE.replace('  owner: team-a\n', '')}`)), [`entity-kind-schema@${O}:60:1`]],
  ['AiResource with the module, owner unresolved (its model relation fields)', withAiModule(add(O, `${ORDERS}---\n${AI_RESOURCE.replace('owner: team-a', 'owner: team-b')}`)), [`ref-unresolved@${O}:63:10`]],
  ['mcp-server API without definition, no module', add(O, `${ORDERS}---\n${MCP_API}`), [`entity-kind-schema@${O}:60:1`]],
  ['mcp-server API without definition, with the ai-model module', withAiModule(add(O, `${ORDERS}---\n${MCP_API}`)), []],
  // Org providers of the managed Backstage bring users and groups from elsewhere: said (info), not an error.
  ['group from the Entra ID provider', tree => { edit(O, 'owner: team-a\n  domain', 'owner: platform-sre\n  domain')(tree); add('backstage-config/app-config.yaml', `${APP_CONFIG}  providers:\n    microsoftGraphOrg:\n      default:\n        tenantId: t\n        schedule: {frequency: {hours: 1}, timeout: {minutes: 50}}\n`)(tree); }, [`ref-provided-elsewhere@${O}:13:10`]],
  ['near-miss of a repo group despite the provider', tree => { edit(O, 'owner: team-a\n  domain', 'owner: team-aa\n  domain')(tree); add('backstage-config/app-config.yaml', `${APP_CONFIG}  providers:\n    githubOrg:\n      - id: acme\n        githubUrl: https://github.com\n        orgs: [acme]\n`)(tree); }, [`ref-unresolved@${O}:13:10`]],
  ['gitlab without orgEnabled brings no groups', tree => { edit(O, 'owner: team-a\n  domain', 'owner: platform-sre\n  domain')(tree); add('backstage-config/app-config.yaml', `${APP_CONFIG}  providers:\n    gitlab:\n      main:\n        host: gitlab.com\n`)(tree); }, [`ref-unresolved@${O}:13:10`]],
  ['bare owner naming a user', edit(O, 'owner: team-a\n  domain', 'owner: jane\n  domain'), [`ref-unresolved@${O}:13:10`]],
  // MkDocs builds docs/README.md to index.html when there is no index.md.
  ['mkdocs site whose index is README.md', tree => {
    tree['catalog/docs/docs/README.md'] = '# Orders\n';
    delete tree['catalog/docs/docs/index.md'];
  }, []],
];

describe('catalog gate', () => {
  it('passes the valid fixture organisation', async () => {
    const root = await tempRepo(baseTree(), { policies: true });
    expect(summarise(await checkTree(root))).toEqual([]);
  });

  it.each([...cases, ...managedCases])('%s', async (_name, change, expected) => {
    const tree = baseTree();
    change(tree);
    const root = await tempRepo(tree, { policies: true });
    const actual = summarise(await checkTree(root));
    if (process.env.SHOW_ACTUAL) console.log(`CASE ${_name} => ${JSON.stringify(actual)}`);
    expect(actual).toEqual([...expected].sort());
  });

  it('explains duplicates as Backstage resolves them: later document in one file, first location across files', async () => {
    const copy = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: Orders-API\n  annotations: {github.com/project-slug: acme/x}\nspec: {type: library, lifecycle: production, owner: team-a, system: orders}\n';
    const tree = baseTree();
    tree[O] = `${ORDERS}---\n${copy}`;
    const sameFile = (await checkTree(await tempRepo(tree, { policies: true }))).filter(d => d.ruleId === 'entity-duplicate');
    expect(sameFile.map(d => `${d.range.start.line}: ${d.message}`)).toEqual([
      '19: component:default/orders-api is defined again later in this file (line 59); Backstage keeps only the last document and drops this one without any message. The copies are written Component:default/orders-api, Component:default/Orders-API: Backstage compares refs in lower case, so these are one entity.',
      '59: component:default/orders-api is also defined earlier in this file (line 19); Backstage keeps this later document and drops the earlier one without any message. The copies are written Component:default/Orders-API, Component:default/orders-api: Backstage compares refs in lower case, so these are one entity.',
    ]);
    const apart = baseTree();
    apart[G] = `${ORG}---\n${copy}`;
    const otherFile = (await checkTree(await tempRepo(apart, { policies: true }))).filter(d => d.ruleId === 'entity-duplicate');
    expect(otherFile.map(d => `${d.file}: ${d.message}`)).toContain(
      `${G}: component:default/orders-api is also defined at ${O}:19: each file is its own location, so whichever Backstage processes first keeps the entity and the other is refused as a conflict that shows only in the backend's log. The copies are written Component:default/Orders-API, Component:default/orders-api: Backstage compares refs in lower case, so these are one entity.`,
    );
  });
});

// The fast paths (positions without a second parse, --cache) must not change a single finding.
describe('catalog gate, the same on every path', () => {
  it.each([...cases, ...managedCases])('%s: positions equal a full parse, findings equal with a cold and a warm cache', async (_name, change) => {
    const tree = baseTree();
    change(tree);
    const root = await tempRepo(tree, { policies: true });
    for (const file of Object.keys(tree).filter(f => /\.ya?ml$/.test(f))) {
      expect(positionMismatches(await readFile(`${root}/${file}`, 'utf8'), file)).toEqual([]);
    }
    const plain = JSON.stringify(await checkTree(root));
    const cold = ResultCache.read(undefined, 'key');
    expect(JSON.stringify(await checkTree(root, [], cold))).toBe(plain);
    const warm = ResultCache.read(cold.serialize(), 'key');
    expect(warm.notice).toBeUndefined();
    expect(JSON.stringify(await checkTree(root, [], warm))).toBe(plain);
    expect(warm.hits.files).toBeGreaterThan(1);
    expect(warm.hits.entities).toBeGreaterThan(3);
    expect(warm.serialize()).toBe(cold.serialize());
    expect([cold.needsWrite(), warm.needsWrite()]).toEqual([true, false]);
    // As the bin runs it: the cache read from its bytes, each YAML file's bytes from the walk that keyed the
    // run (a cached file is then never decoded unless a finding needs a position in it).
    const kept: RunTexts = new Map();
    runInputsKey(root, [], new Set(), kept);
    const fromBytes = ResultCache.read(Buffer.from(cold.serialize()), 'key');
    fromBytes.texts = kept;
    expect(JSON.stringify(await checkTree(root, [], fromBytes))).toBe(plain);
    expect(fromBytes.hits.files).toBe(warm.hits.files);
    expect(fromBytes.serialize()).toBe(cold.serialize());
  });
});
