import { ORDERS, ORG } from './fixtureOrg.ts';

export type Tree = Record<string, string>;
export const edit = (file: string, from: string, to: string) => (tree: Tree) => {
  if (!tree[file].includes(from)) throw new Error(`fixture ${file} has no '${from}'`);
  tree[file] = tree[file].replace(from, to);
};
export const add = (file: string, text: string) => (tree: Tree) => void (tree[file] = text);
const O = 'catalog/orders.yaml';
const G = 'catalog/org.yaml';

// One mutation of the valid fixture organisation per case, and exactly the findings it must give.
export const cases: [string, (tree: Tree) => void, string[]][] = [
  ['yaml syntax error', edit(O, 'name: orders-db', 'name: [orders-db'), [`yaml-syntax@${O}:49:3`, `ref-unresolved@${O}:31:15`]],
  // The broken document's name is still readable: the reference to it is an info naming the file that does not parse (unparsedRefs).
  ['yaml syntax error in a document others reference', edit(O, 'name: orders-db', 'name: orders-db\n  title: [broken'), [`yaml-syntax@${O}:50:3`, `ref-unresolved@${O}:31:15`]],
  ['duplicate key', edit(O, '  name: orders-api\n', '  name: orders-api\n  name: orders-api\n'), [`yaml-duplicate-key@${O}:20:3`]],
  ['document is a list', add(O, `${ORDERS}---\n- a\n- b\n`), [`yaml-not-a-mapping@${O}:56:1`]],
  ['merge key', edit(O, '  type: database\n', '  type: database\n  <<: {x: 1}\n'), [`yaml-merge-key@${O}:53:3`]],
  // An entity Backstage refuses is no target: a reference to it is an info that names the refusal (checkReferences).
  ['missing envelope field', edit(O, 'apiVersion: backstage.io/v1alpha1\nkind: Resource', 'kind: Resource'), [`entity-envelope@${O}:45:1`, `ref-unresolved@${O}:31:15`]],
  ['bad name format', edit(O, 'name: orders-db', 'name: orders db!'), [`entity-field-format@${O}:48:9`, `ref-unresolved@${O}:31:15`]],
  ['uppercase tag', edit(O, '  name: orders-api\n', '  name: orders-api\n  tags: [Java]\n'), [`entity-field-format@${O}:20:10`, `policy/tag-format@${O}:20:10`]],
  ['foreign root field', edit(O, 'kind: Domain\n', 'kind: Domain\nstatus: {}\n'), [`entity-foreign-root-field@${O}:3:1`, `ref-unresolved@${O}:15:11`]],
  ['lowercase kind', edit(O, 'kind: Resource', 'kind: resource'), [`entity-kind-unknown@${O}:46:7`, `ref-unresolved@${O}:31:15`]],
  ['missing owner', edit(O, '  type: database\n  owner: team-a\n', '  type: database\n'), [`entity-kind-schema@${O}:51:1`, `ref-unresolved@${O}:31:15`]],
  ['dependsOn without kind', edit(O, 'dependsOn: [resource:orders-db]', 'dependsOn: [orders-db]'), [`entity-ref-format@${O}:31:15`]],
  ['definition via $yaml', edit(O, '$text: ./openapi.yaml', '$yaml: ./openapi.yaml'), [`entity-kind-schema@${O}:43:5`, `ref-unresolved@${O}:30:18`]],
  ['placeholder file missing', edit(O, '$text: ./openapi.yaml', '$text: ./openapi.yml'), [`placeholder-target-missing@${O}:43:5`, 'location-unreachable@catalog/openapi.yaml:1:1']],
  ['placeholder escapes repo', edit(O, '$text: ./openapi.yaml', '$text: ../../etc/passwd'), [`placeholder-outside-repo@${O}:43:5`, 'location-unreachable@catalog/openapi.yaml:1:1']],
  ['placeholder in another GitHub repository', edit(O, '$text: ./openapi.yaml', '$text: https://github.com/other-org/apis/blob/main/orders.yaml'), [`placeholder-outside-repo@${O}:43:5`, 'location-unreachable@catalog/openapi.yaml:1:1']],
  // A web host that is no git repository: Backstage's UrlReader refuses it unless backend.reading.allow lists it
  // (the fixture's app-config has no integration for it), and reads it at ingestion when it does.
  ['placeholder on a plain web host', edit(O, '$text: ./openapi.yaml', '$text: https://api.example.com/v1/openapi.yaml'), [`placeholder-url-not-allowed@${O}:43:5`, 'location-unreachable@catalog/openapi.yaml:1:1']],
  ['placeholder on a web host backend.reading.allow lists', tree => { edit(O, '$text: ./openapi.yaml', '$text: https://api.example.com/v1/openapi.yaml')(tree); edit('backstage-config/app-config.yaml', 'catalog:\n', 'backend:\n  reading:\n    allow: [{host: api.example.com}]\ncatalog:\n')(tree); }, [`placeholder-not-read@${O}:43:5`, 'location-unreachable@catalog/openapi.yaml:1:1']],
  // A second Location of the root's file, refused: it reads nothing (orders.yaml is the root's own target).
  ['location type the org does not allow', edit('catalog/all.yaml', '    - ./orders.yaml\n', '    - ./orders.yaml\n---\napiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: more\nspec:\n  type: github\n  targets:\n    - ./orders.yaml\n'), ['location-target-invalid@catalog/all.yaml:15:9']],
  // A Location may keep the type it was read through, whatever the allowed list says (Backstage's orchestrator).
  // Read from disk, the API's relative $text is what fails: PlaceholderProcessor cannot form a URL from a path.
  ['child Locations inherit a file root', edit('gitops.config.yaml', 'catalog:\n', 'catalog:\n  rootLocationType: file\n'), [`placeholder-invalid@${O}:43:5`]],
  // catalog-backend-module-openapi's resolvers: known only when the config says the managed Backstage has them.
  // The definition file is still the API's (no location-unreachable cascade): the one error says what to do.
  ['$openapi without the module', edit(O, '$text: ./openapi.yaml', '$openapi: ./openapi.yaml'), [`entity-kind-schema@${O}:43:5`, `ref-unresolved@${O}:30:18`]],
  ['$openapi with the module declared', tree => { edit(O, '$text: ./openapi.yaml', '$openapi: ./openapi.yaml')(tree); edit('gitops.config.yaml', 'catalog:\n', 'catalog:\n  placeholderResolvers: [openapi, asyncapi]\n')(tree); }, []],
  ['$openapi with the module, file missing', tree => { edit(O, '$text: ./openapi.yaml', '$openapi: ./openapi.yml')(tree); edit('gitops.config.yaml', 'catalog:\n', 'catalog:\n  placeholderResolvers: [openapi]\n')(tree); }, [`placeholder-target-missing@${O}:43:5`, 'location-unreachable@catalog/openapi.yaml:1:1']],
  ['unresolved owner', edit(O, 'owner: team-a\n  domain', 'owner: team-aa\n  domain'), [`ref-unresolved@${O}:13:10`]],
  ['owner of the wrong kind', edit(O, 'owner: team-a\n  domain', 'owner: component:orders-api\n  domain'), [`ref-kind-not-allowed@${O}:13:10`]],
  ['duplicate entity, other case', add(O, `${ORDERS}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: Orders-API\n  annotations: {github.com/project-slug: acme/x}\nspec: {type: library, lifecycle: production, owner: team-a, system: orders}\n`), [`entity-duplicate@${O}:19:9`, `entity-duplicate@${O}:59:9`]],
  ['group cycle', edit(G, '  type: department\n', '  type: department\n  parent: team-a\n'), [`group-cycle@${G}:7:11`]],
  ['two parents', add(G, `${ORG}---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: other\nspec:\n  type: team\n  children: [team-a]\n`), [`group-multiple-parents@${G}:32:14`, `group-multiple-parents@${G}:7:14`]],
  // Backstage merges memberOf and members (and parent and children) from both sides: one side alone is whole.
  ['member named on one side only', edit(G, 'members: [jane]', 'members: [john]'), [`ref-unresolved@${G}:17:13`]],
  // openapi.yaml is read once orders.yaml is: only the stranded entity file is unreachable.
  ['location target missing', edit('catalog/all.yaml', './orders.yaml', './order.yaml'), ['location-target-missing@catalog/all.yaml:8:7', `location-unreachable@${O}:1:1`]],
  ['unreachable file', add('catalog/stray.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: stray}\n'), ['location-unreachable@catalog/stray.yaml:1:1']],
  ['techdocs dir without mkdocs.yml', edit(O, 'dir:./docs', 'dir:./doc'), [`techdocs-ref-missing@${O}:24:32`]],
  // techdocs-node writes a default mkdocs.yml for a folder with docs/ in it.
  ['techdocs dir with only docs/', tree => { edit(O, 'dir:./docs', 'dir:./guide')(tree); add('catalog/guide/docs/index.md', '# Guide\n')(tree); }, []],
  ['techdocs ref without type', edit(O, 'dir:./docs', './docs'), [`annotation-location-ref@${O}:24:32`]],
  ['bad project slug', edit(O, 'acme/orders-api', 'https://github.com/acme/orders-api'), [`annotation-project-slug@${O}:22:30`]],
  ['lifecycle outside policy', edit(O, 'lifecycle: production\n  owner: team-a\n  system: orders\n  providesApis', 'lifecycle: beta\n  owner: team-a\n  system: orders\n  providesApis'), [`policy/allowed-lifecycles@${O}:27:14`]],
  ['user as owner', edit(O, '  type: database\n  owner: team-a', '  type: database\n  owner: user:jane'), [`policy/owner-is-group@${O}:53:10`]],
  ['production service without pagerduty', edit(O, '    pagerduty.com/service-id: PABC123\n', ''), [`policy/production-component@${O}:22:5`]],
  ['mkdocs.yml without index.md', tree => {
    tree['catalog/docs/docs/guide.md'] = '# Guide\n';
    delete tree['catalog/docs/docs/index.md'];
  }, ['mkdocs-index-missing@catalog/docs/mkdocs.yml:1:1']],
  ['mkdocs nav to a missing page', add('catalog/docs/mkdocs.yml', 'site_name: orders\nnav:\n  - Home: index.md\n  - Setup: setup.md\n'), ['mkdocs-nav-missing@catalog/docs/mkdocs.yml:4:12']],
  ['mkdocs docs_dir outside the site', add('catalog/docs/mkdocs.yml', 'site_name: orders\ndocs_dir: ../../elsewhere\n'), ['mkdocs-path-outside@catalog/docs/mkdocs.yml:2:11']],
  ['mkdocs without site_name, with keys TechDocs drops', add('catalog/docs/mkdocs.yml', 'nav:\n  - Home: index.md\nhooks: [hooks.py]\nplugins:\n  - techdocs-core\n  - mermaid2\n'), ['mkdocs-invalid@catalog/docs/mkdocs.yml:1:1', 'mkdocs-dropped-key@catalog/docs/mkdocs.yml:3:1', 'mkdocs-dropped-key@catalog/docs/mkdocs.yml:6:5']],
  ['kind denied by catalog.rules', edit('backstage-config/app-config.yaml', 'Group, User]', 'Group]'), [`catalog-rule-denied@${G}:20:7`]],
];
