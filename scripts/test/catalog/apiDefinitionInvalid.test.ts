import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { REPO_ROOT, tempRepo } from '../helpers/tempRepo.ts';
import { commit, startPullRequest, write } from '../pr/prChange.ts';
import { runReport } from '../pr/runReport.ts';

// Red team: an API whose definition no longer parses passed check and report --base ("ready to merge"),
// while Backstage's API docs page cannot render it (Swagger UI, the AsyncAPI component and GraphiQL throw)
// and the breaking-change diff cannot compare it. Each definition is judged by its spec.type.

interface Finding { ruleId: string; severity: string; file: string; message: string; hint?: string; entityRef?: string; range: { start: { line: number; column: number } } }

const STOREFRONT_SDL = 'catalog/systems/storefront/definitions/storefront.graphql';

const api = (name: string, type: string, definition: string) => `---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: ${name}
spec:
  type: ${type}
  lifecycle: production
  owner: group:default/team-a
  definition:${definition}
`;
const text = (path: string) => `\n    $text: ${path}`;
const inline = (body: string) => ` |\n${body.trimEnd().split('\n').map(l => `    ${l}`).join('\n')}`;
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';

const OPENAPI = 'openapi: 3.0.3\ninfo: {title: Pets, version: 1.0.0}\npaths: {}\n';
const OPENAPI_JSON = '{"openapi": "3.0.3", "info": {"title": "Pets", "version": "1.0.0"}, "paths": {}}\n';
const ASYNCAPI = 'asyncapi: 2.6.0\ninfo: {title: Events, version: 1.0.0}\nchannels: {}\n';
const SDL = 'type Query {\n  product(id: ID!): Product\n}\n\ntype Product {\n  id: ID!\n}\n';
// Apollo Federation 1: @key is never defined, Query only extended; both build as the diff builds them.
const FEDERATED = 'extend type Query {\n  me: User\n}\n\ntype User @key(fields: "id") {\n  id: ID!\n}\n';
const PROTO = 'syntax = "proto3";\n\npackage acme.pets.v1;\n\nimport "acme/money.proto";\n\nservice Pets {\n  rpc Get(GetRequest) returns (GetResponse);\n}\n\nmessage GetRequest { string id = 1; }\nmessage GetResponse { acme.Money price = 1; }\n';
const MONEY = 'syntax = "proto3";\n\npackage acme;\n\nmessage Money { int64 units = 1; }\n';
// googleapis' annotations kept as a buf dependency, not in the repository: Backstage never compiles it.
const PROTO_GOOGLEAPIS = 'syntax = "proto3";\n\npackage acme.web.v1;\n\nimport "google/api/annotations.proto";\n\nservice Web {\n  rpc Get(Req) returns (Req) {\n    option (google.api.http) = { get: "/v1/web" };\n  }\n}\n\nmessage Req { string id = 1; }\n';

async function check(apis: string, files: Record<string, string> = {}) {
  const root = await tempRepo({ 'gitops.config.yaml': 'catalog:\n  roots: [catalog-info.yaml]\n', 'catalog-info.yaml': `${GROUP}${apis}`, ...files });
  const run = await runBin(['check', '--format', 'json'], root);
  expect(run.stderr).not.toMatch(/Maximum call stack|heap out of memory|\n\s+at .+:\d+:\d+\)?\n/);
  return { status: run.status, stderr: run.stderr, findings: (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics };
}
const where = (findings: Finding[]) => findings.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column}`).sort();

describe('check: an API definition that does not parse as its spec.type says', () => {
  it('passes valid definitions of every type, inline and by $text (JSON, federation SDL, imports in the repo and kept as buf dependencies)', async () => {
    const apis = [
      api('pets-openapi', 'openapi', text('./defs/pets.yaml')),
      api('pets-openapi-json', 'openapi', text('./defs/pets.json')),
      api('pets-openapi-inline', 'openapi', inline(OPENAPI)),
      api('pets-events', 'asyncapi', text('./defs/events.yaml')),
      api('pets-events-inline', 'asyncapi', inline(ASYNCAPI)),
      api('pets-graphql', 'graphql', text('./defs/pets.graphql')),
      api('pets-federated', 'graphql', inline(FEDERATED)),
      api('pets-grpc', 'grpc', text('./protos/acme/pets/v1/pets.proto')),
      api('web-grpc', 'grpc', text('./protos/acme/web/v1/web.proto')),
      // Types the gate has no parser for are left alone, whatever their text.
      api('pets-other', 'trpc', inline('type Query {\n  [[[')),
    ].join('');
    const { status, findings } = await check(apis, {
      'defs/pets.yaml': OPENAPI,
      'defs/pets.json': OPENAPI_JSON,
      'defs/events.yaml': ASYNCAPI,
      'defs/pets.graphql': SDL,
      'protos/acme/pets/v1/pets.proto': PROTO,
      'protos/acme/money.proto': MONEY,
      'protos/acme/web/v1/web.proto': PROTO_GOOGLEAPIS,
    });
    expect(where(findings)).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);

  it('reports each broken definition at the parse error: in the $text target file, or on spec.definition when inline', async () => {
    const apis = [
      api('pets-openapi', 'openapi', text('./defs/pets.yaml')),
      api('pets-openapi-json', 'openapi', text('./defs/pets.json')),
      api('pets-openapi-list', 'openapi', inline('- openapi: 3.0.3\n- paths: {}')),
      api('pets-events', 'asyncapi', text('./defs/events.yaml')),
      api('pets-graphql', 'graphql', text('./defs/pets.graphql')),
      api('pets-graphql-inline', 'graphql', inline('type Query {\n  product(id: ID!): Product\n}\n\ntype Product {\n  id ID!\n}')),
      api('pets-grpc', 'grpc', text('./protos/pets.proto')),
    ].join('');
    const { status, findings } = await check(apis, {
      'defs/pets.yaml': 'openapi: 3.0.3\ninfo:\n  title: Pets\n  version: [1.0.0\npaths: {}\n',
      'defs/pets.json': '{"openapi": "3.0.3",\n "info": {"title": "Pets", "version": "1.0.0"},\n "paths": {}\n',
      'defs/events.yaml': 'asyncapi: 2.6.0\ninfo:\n  title: "Events\n',
      'defs/pets.graphql': 'type Query {\n  product(id: ID!): Product\n',
      'protos/pets.proto': 'syntax = "proto3";\n\npackage acme.pets.v1;\n\nmessage Pet {\n  string id = 1\n}\n',
    });
    const invalid = findings.filter(d => d.ruleId === 'api-definition-invalid');
    expect(where(invalid)).toEqual([
      // Inline: the block of spec.definition in the entity file.
      'api-definition-invalid@catalog-info.yaml:39:15',
      'api-definition-invalid@catalog-info.yaml:73:15',
      // An unclosed quote or bracket: where yaml reaches the end of the text without its close.
      'api-definition-invalid@defs/events.yaml:4:1',
      'api-definition-invalid@defs/pets.graphql:3:1',
      'api-definition-invalid@defs/pets.json:4:1',
      'api-definition-invalid@defs/pets.yaml:5:1',
      'api-definition-invalid@protos/pets.proto:7:1',
    ]);
    expect(invalid.every(d => d.severity === 'error')).toBe(true);
    const sdl = invalid.find(d => d.file === 'defs/pets.graphql')!;
    expect(sdl.entityRef).toBe('api:default/pets-graphql');
    expect(sdl.message).toContain('does not build into a schema: Syntax Error: Expected Name, found <EOF>');
    expect(sdl.message).toContain('GraphiQL');
    expect(sdl.message).toContain('fails to render');
    expect(sdl.hint).toContain('Fix the SDL');
    expect(invalid.find(d => d.entityRef === 'api:default/pets-graphql-inline')!.message).toContain('(line 6 of the definition)');
    expect(invalid.find(d => d.entityRef === 'api:default/pets-openapi-list')!.message).toContain('it is a list, not a mapping');
    expect(invalid.find(d => d.file === 'defs/pets.yaml')!.message).toContain('Swagger UI');
    expect(invalid.find(d => d.file === 'defs/events.yaml')!.message).toContain('AsyncAPI React component');
    expect(invalid.find(d => d.file === 'protos/pets.proto')!.message).toMatch(/does not compile: .+plain text/);
    expect(where(findings.filter(d => d.ruleId !== 'api-definition-invalid'))).toEqual([]);
    expect(status).toBe(1);
  }, 60_000);

  it('a hostile definition gets a clear finding, never a crash or a hang', async () => {
    const deep = `type Query {\n  a(x: ${'['.repeat(20_000)}Int${']'.repeat(20_000)}): Int\n}\n`;
    const apis = [
      api('deep-graphql', 'graphql', text('./defs/deep.graphql')),
      api('deep-openapi', 'openapi', inline(`x: ${'['.repeat(3_000)}`)),
      api('deep-asyncapi', 'asyncapi', text('./defs/deep.yaml')),
    ].join('');
    const started = Date.now();
    const { status, findings } = await check(apis, { 'defs/deep.graphql': deep, 'defs/deep.yaml': `asyncapi: ${'{a: '.repeat(5_000)}` });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(where(findings)).toEqual(['api-definition-invalid@defs/deep.graphql:2:1', 'yaml-depth-limit@catalog-info.yaml:28:15', 'yaml-depth-limit@defs/deep.yaml:1:516']);
    const sdl = findings.find(d => d.file === 'defs/deep.graphql')!;
    expect(sdl.severity).toBe('warning');
    expect(sdl.message).toContain('is not checked: it nests brackets more than 128 deep');
    expect(status).toBe(1);
  }, 60_000);
  it('remembers buf\'s verdict per content: a second run starts no buf and says the same, a changed proto is compiled again, a corrupt entry is ignored; texts js-yaml accepts and yaml refuses are still reported', async () => {
    // A name no other run uses, so that this run's remembered entry can be told apart in the shared folder.
    const name = `pets_${randomBytes(6).toString('hex')}`;
    const broken = 'syntax = "proto3";\n\npackage acme.pets.v1;\n\nmessage Pet {\n  string id = 1\n}\n';
    const apis = [
      api('pets-grpc', 'grpc', text(`./protos/${name}.proto`)),
      api('pets-graphql', 'graphql', text('./defs/pets.graphql')),
      // js-yaml reads both, yaml refuses both: parserAgreement keeps them off the fast path.
      api('pets-comment', 'openapi', inline('openapi: 3.0.3\ninfo: "x"# c\npaths: {}')),
      api('pets-flow', 'openapi', text('./defs/flow.yaml')),
    ].join('');
    const root = await tempRepo({ 'gitops.config.yaml': 'catalog:\n  roots: [catalog-info.yaml]\n', 'catalog-info.yaml': `${GROUP}${apis}`, [`protos/${name}.proto`]: broken, 'defs/pets.graphql': 'type Query {\n  product(id: ID!): Product\n', 'defs/flow.yaml': 'openapi: 3.0.3\npaths: [a,\nb]\n' });
    const run = async () => {
      const bin = await runBin(['check', '--format', 'json'], root);
      expect(bin.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
      return (JSON.parse(bin.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'api-definition-invalid');
    };
    const proto = (findings: Finding[]) => findings.find(d => d.file === `protos/${name}.proto`);
    const first = await run();
    expect(where(first)).toEqual([
      'api-definition-invalid@catalog-info.yaml:39:15',
      'api-definition-invalid@defs/flow.yaml:3:1',
      'api-definition-invalid@defs/pets.graphql:3:1',
      `api-definition-invalid@protos/${name}.proto:7:1`,
    ]);
    expect(first.find(d => d.file === 'defs/flow.yaml')!.message).toContain('Flow sequence in block collection');
    expect(first.find(d => d.file === 'catalog-info.yaml')!.message).toContain('Comments must be separated');
    const folder = join(REPO_ROOT, 'node_modules/.cache/backstage-gitops');
    const entries = readdirSync(folder).filter(f => f.startsWith('proto-compile-') && f.endsWith('.json') && readFileSync(join(folder, f), 'utf8').includes(name));
    expect(entries).toHaveLength(1);
    const entry = join(folder, entries[0]);
    const stored = readFileSync(entry, 'utf8');

    // The same texts: the same findings, from what was remembered.
    expect(await run()).toEqual(first);
    // Proof that buf did not run: an edited entry of the right shape is what the run reports.
    writeFileSync(entry, stored.replace(/"message":"[^"]*"/, '"message":"as remembered"'));
    expect(proto(await run())!.message).toContain('does not compile: as remembered.');
    // Corrupt or of another shape: ignored, buf asked again (and the entry written anew).
    for (const corrupt of ['{"names": [', JSON.stringify({ names: ['other.proto'], errors: [] }), JSON.stringify({ names: [`${name}.proto`], errors: [[0, { message: 'x', line: -1 }]] })]) {
      writeFileSync(entry, corrupt);
      expect(await run()).toEqual(first);
      expect(readFileSync(entry, 'utf8')).toBe(stored);
    }
    // A changed proto is compiled again: its error is where the new text has it.
    writeFileSync(join(root, `protos/${name}.proto`), broken.replace('package acme.pets.v1;\n', 'package acme.pets.v1;\n\n\n'));
    expect(proto(await run())!.range.start.line).toBe(9);
    writeFileSync(join(root, `protos/${name}.proto`), broken.replace('= 1\n', '= 1;\n'));
    expect(proto(await run())).toBeUndefined();
  }, 120_000);
});

describe('check --base and report --base: a pull request that breaks this repo\'s own GraphQL definition', () => {
  it('fails with api-definition-invalid at the line of the syntax error (the storefront API only its own team consumes)', async () => {
    const root = await dataRepoCopy();
    // The repo's own definitions of every type pass as they are.
    const clean = await runBin(['check', '--format', 'json'], root);
    expect((JSON.parse(clean.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'api-definition-invalid')).toEqual([]);
    expect(clean.status).toBe(0);
    const base = startPullRequest(root);
    write(root, STOREFRONT_SDL, 'type Query {\n  product(id: ID!): Product\n');
    commit(root, 'storefront: half a schema');
    const checked = await runBin(['check', '--base', base, '--format', 'json'], root);
    expect(where((JSON.parse(checked.stdout) as { diagnostics: Finding[] }).diagnostics)).toEqual([`api-definition-invalid@${STOREFRONT_SDL}:3:1`]);
    expect(checked.status).toBe(1);
    const report = await runReport(root, base);
    const invalid = report.json.diagnostics.filter(d => d.ruleId === 'api-definition-invalid');
    expect(invalid.map(d => `${d.file}:${d.range.start.line}:${d.severity}`)).toEqual([`${STOREFRONT_SDL}:3:error`]);
    expect(report.status).toBe(1);
  }, 120_000);
});
