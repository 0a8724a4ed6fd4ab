import { mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchemaCacheFile } from '../../src/backstageConfig/configSchema.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// The config gate against what @backstage/config-loader and backend-defaults really do with real
// app-configs (sweep 8: backstage/demo, janus-idp/backstage-showcase, community plugins), through the bin.
const PLUGINS = ['@backstage/backend-defaults', '@backstage/integration', '@backstage/plugin-permission-common', '@backstage/plugin-techdocs-backend'];
const BASE = 'app:\n  baseUrl: http://localhost:3000\nbackend:\n  baseUrl: http://localhost:7007\n  database:\n    client: better-sqlite3\n    connection: \':memory:\'\n';

async function repo(appConfig: string, extra: Record<string, string> = {}, plugins = PLUGINS) {
  return tempRepo({
    'gitops.config.yaml': `repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\nbackstageConfig:\n  files: [backstage-config/app-config.yaml]\n  plugins: ${JSON.stringify(plugins)}\n`,
    'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n',
    // A unique first line: the findings are computed by this run, never remembered from an earlier one.
    'backstage-config/app-config.yaml': `# run ${Date.now()} ${Math.random()}\n${appConfig}`,
    ...extra,
  });
}

interface Finding { ruleId: string; severity: string; file: string; message: string; hint?: string; range: { start: { line: number; column: number } } }

async function check(root: string, cwd = root) {
  const run = await runBin(['check', '--root', root, '--format', 'json'], cwd);
  expect(run.stderr).not.toMatch(/internal error|This is a bug/);
  const diagnostics = JSON.parse(run.stdout).diagnostics as Finding[];
  return { status: run.status, diagnostics, found: diagnostics.map(d => `${d.ruleId} ${d.severity}@${d.file}:${d.range.start.line}: ${d.message}`) };
}

describe('catalog.placeholderResolvers against the plugins the managed Backstage runs', () => {
  const withResolvers = async (resolvers: string, plugins: string[]) => {
    const root = await repo(BASE, {}, plugins);
    const config = join(root, 'gitops.config.yaml');
    await writeFile(config, (await readFile(config, 'utf8')).replace('catalog:\n', `catalog:\n  placeholderResolvers: ${resolvers}\n`));
    return (await check(root)).found.filter(f => f.startsWith('config-resolver-module-missing'));
  };

  it('openapi without catalog-backend-module-openapi in backstageConfig.plugins is a warning; with it, or without the resolver, nothing', async () => {
    expect(await withResolvers('[openapi, asyncapi]', PLUGINS)).toEqual([expect.stringMatching(/^config-resolver-module-missing warning@gitops\.config\.yaml:1: catalog\.placeholderResolvers lists openapi and asyncapi, but backstageConfig\.plugins does not name @backstage\/plugin-catalog-backend-module-openapi/)]);
    expect(await withResolvers('[openapi]', [...PLUGINS, '@backstage/plugin-catalog-backend-module-openapi'])).toEqual([]);
    expect(await withResolvers('[]', PLUGINS)).toEqual([]);
  }, 120_000);
});

describe('the config gate collects the plugins\' schema from its own install (through the bin)', () => {
  const builder = 'techdocs:\n  builder: banana\n';
  const expected = "config-schema error@backstage-config/app-config.yaml:10: techdocs.builder: must be equal to one of the allowed values { allowedValues=local,external }";

  it('run from a folder outside the toolkit, it still judges every plugin', async () => {
    const foreign = await mkdtemp(join(tmpdir(), 'gitops-elsewhere-'));
    const { status, found } = await check(await repo(BASE + builder), foreign);
    expect(found).toEqual([expected]);
    expect(status).toBe(1);
  }, 60_000);

  it('a cached empty schema is not trusted: it is collected again and the cache rewritten', async () => {
    const file = configSchemaCacheFile(PLUGINS);
    expect(file).toBeDefined();
    await writeFile(file!, JSON.stringify({ schemas: [], backstageConfigSchemaVersion: 1 }));
    const { found } = await check(await repo(BASE + builder), await mkdtemp(join(tmpdir(), 'gitops-elsewhere-')));
    expect(found).toEqual([expected]);
    const cached = JSON.parse(await readFile(file!, 'utf8'));
    expect(cached.schemas.map((s: { packageName: string }) => s.packageName)).toEqual(expect.arrayContaining(['@backstage/backend-defaults', '@backstage/plugin-techdocs-backend']));
  }, 60_000);

  it('a named plugin that is not installed is a warning, not a silent pass', async () => {
    const { status, found } = await check(await repo(BASE, {}, [...PLUGINS, '@acme/plugin-not-installed']));
    expect(found).toEqual(['config-plugin-unchecked warning@gitops.config.yaml:1: @acme/plugin-not-installed is not installed beside backstage-gitops: the config it reads is not checked.']);
    expect(status).toBe(0);
  }, 60_000);
});

describe('a plugin name in gitops.config.yaml never reaches outside the install (through the bin)', () => {
  // gitops.config.yaml itself refuses app-config paths that leave the repo (config/gitopsConfig.ts).
  it('a plugin name that is a path is not resolved: a warning, the other plugins still judge', async () => {
    const { status, found } = await check(await repo(`${BASE}techdocs:\n  builder: banana\n`, {}, [...PLUGINS, '../../../../tmp/evil']));
    expect(found).toEqual([
      'config-schema error@backstage-config/app-config.yaml:10: techdocs.builder: must be equal to one of the allowed values { allowedValues=local,external }',
      'config-plugin-unchecked warning@gitops.config.yaml:1: ../../../../tmp/evil is not an npm package name (nothing is resolved for it): the config it reads is not checked.',
    ]);
    expect(status).toBe(1);
  }, 60_000);
});

describe('values Backstage substitutes are judged as config-loader loads them (through the bin)', () => {
  it('$env, ${VAR}, fallbacks and coerced literals are not type errors; env is unknown, not invalid (repros 2, 3, 9)', async () => {
    const { status, found } = await check(await repo(`app:
  baseUrl: http://localhost:3000
backend:
  baseUrl:
    $env: BACKEND_BASE_URL
  listen:
    port:
      $env: BACKEND_PORT
  database:
    client: pg
    connection:
      host: \${POSTGRES_HOST:-localhost}
      port: \${POSTGRES_PORT}
      user: postgres
      password: \${POSTGRES_PASSWORD}
integrations:
  github:
    - host: github.com
      token:
        $env: GITHUB_TOKEN
permission:
  enabled: \${PERMISSION_ENABLED}
techdocs:
  builder: \${TECHDOCS_BUILDER}
`));
    expect(found).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);

  it('keeps what holds for any value: literals are coerced and judged, an env string is never an object, a required key is still required', async () => {
    const { status, found } = await check(await repo(`app:
  baseUrl: http://localhost:3000
backend:
  baseUrl: http://localhost:7007
  database: \${DATABASE}
permission:
  enabled: "true"
integrations:
  github:
    - token: ghp_literal0123456789
techdocs:
  builder: banana
`));
    expect(found).toEqual([
      'config-schema error@backstage-config/app-config.yaml:6: backend.database: must be object { type=object }',
      "config-schema error@backstage-config/app-config.yaml:11: integrations.github.0: must have required property 'host' { missingProperty=host }",
      'config-plain-secret error@backstage-config/app-config.yaml:11: integrations.github.0.token holds a secret written out in the repo.',
      'config-schema error@backstage-config/app-config.yaml:13: techdocs.builder: must be equal to one of the allowed values { allowedValues=local,external }',
    ]);
    expect(status).toBe(1);
  }, 60_000);

  it('an error at a secret path never stops the gate (repro 2): it is a finding', async () => {
    const { status, found } = await check(await repo(`app:
  baseUrl: http://localhost:3000
backend:
  baseUrl: http://localhost:7007
  database:
    client: pg
    connection: 42
integrations:
  github:
    - token:
        $env: GITHUB_TOKEN
`));
    expect(found).toEqual([
      "config-schema error@backstage-config/app-config.yaml:11: integrations.github.0: must have required property 'host' { missingProperty=host }",
    ]);
    expect(status).toBe(1);
  }, 60_000);
});

describe('$include and $file read the repo file as config-loader would (through the bin)', () => {
  const app = `app:
  baseUrl: http://localhost:3000
backend:
  baseUrl: http://localhost:7007
  database:
    $include: ./database.yaml
  reading:
    allow:
      $include: ./reading-allow.yaml
`;

  it('included values are judged; a finding inside one is reported at its $include (repro 8)', async () => {
    const clean = await check(await repo(app, { 'backstage-config/database.yaml': 'client: better-sqlite3\nconnection: ":memory:"\n', 'backstage-config/reading-allow.yaml': '- host: example.com\n' }));
    expect(clean.found).toEqual([]);
    const bad = await check(await repo(app, { 'backstage-config/database.yaml': 'client: pg\nconnection:\n  password: hunter2\n', 'backstage-config/reading-allow.yaml': 'host: example.com\n' }));
    expect(bad.found).toEqual([
      'config-plain-secret error@backstage-config/app-config.yaml:7: backend.database.connection.password holds a secret written out in the repo.',
      'config-schema error@backstage-config/app-config.yaml:10: backend.reading.allow: must be array { type=array }',
    ]);
  }, 60_000);

  it('a remembered result is not reused once an included file changes', async () => {
    const root = await repo(app, { 'backstage-config/database.yaml': 'client: better-sqlite3\nconnection: ":memory:"\n', 'backstage-config/reading-allow.yaml': 'host: example.com\n' });
    expect((await check(root)).found).toHaveLength(1);
    await writeFile(join(root, 'backstage-config/reading-allow.yaml'), '- host: example.com\n');
    expect((await check(root)).found).toEqual([]);
  }, 60_000);

  it('an include that does not parse stops config-loader (config-load, on its line); one not committed is a warning (a deployment mounts it)', async () => {
    const broken = await check(await repo(app, { 'backstage-config/database.yaml': 'client: [better-sqlite3\n', 'backstage-config/reading-allow.yaml': '- host: example.com\n' }));
    expect(broken.found).toEqual([expect.stringMatching(/^config-load error@backstage-config\/app-config.yaml:7: Backstage cannot load backstage-config\/app-config.yaml: error at .backend.database, failed to parse included file .\/database.yaml, /)]);
    expect(broken.status).toBe(1);
    const missing = await check(await repo(app, { 'backstage-config/database.yaml': 'client: better-sqlite3\nconnection: ":memory:"\n' }));
    expect(missing.found).toEqual(['config-include-missing warning@backstage-config/app-config.yaml:10: backstage-config/reading-allow.yaml is not in the repo: config-loader stops on an $include/$file it cannot read, so the backend starts only where the deployment provides this file.']);
    expect(missing.status).toBe(0);
  }, 60_000);

  it('an include that includes itself is a config-load error, not a run that never ends', async () => {
    const { status, found } = await check(await repo(app, { 'backstage-config/database.yaml': 'client: pg\nconnection:\n  $include: ./database.yaml\n', 'backstage-config/reading-allow.yaml': '- host: example.com\n' }));
    expect(found).toEqual([expect.stringMatching(/^config-load error@backstage-config\/app-config.yaml:7: Backstage cannot load backstage-config\/app-config.yaml: error at \.backend\.database\.connection\.connection.*, more than 100 \$include\/\$file reads: an include that includes itself never ends/)]);
    expect(status).toBe(1);
  }, 60_000);

  it('an include bomb (one file under every per-file cap, included 99 times) is a config-load error, not minutes of CPU (red team round 9)', async () => {
    const bomb = `x: [${Array(30_000).fill('1').join(',')}]\n`;
    const includes = Array.from({ length: 99 }, (_, i) => `bomb${i}: { $include: ./bomb.yaml }`).join('\n');
    const { status, found } = await check(await repo(`${BASE}${includes}\n`, { 'backstage-config/bomb.yaml': bomb }));
    expect(found).toEqual([expect.stringMatching(/^config-load error@backstage-config\/app-config.yaml:\d+: Backstage cannot load backstage-config\/app-config.yaml: error at \.bomb1, the files its \$include\/\$file reads hold more than 100000 YAML values in all/)]);
    expect(status).toBe(1);
  }, 60_000);

  it('a link out of the repo is not read', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'gitops-outside-'));
    await writeFile(join(outside, 'db.yaml'), 'client: pg\nconnection:\n  password: from-outside\n');
    const root = await repo(app, { 'backstage-config/reading-allow.yaml': '- host: example.com\n' });
    await symlink(join(outside, 'db.yaml'), join(root, 'backstage-config/database.yaml'));
    const linked = await check(root);
    expect(linked.found).toContain('config-include-link-out warning@backstage-config/app-config.yaml:1: backstage-config/database.yaml is a symbolic link that leads out of the repo; what it holds is not checked.');
    expect(linked.found.join('\n')).not.toMatch(/from-outside|password/);
  }, 60_000);

  it('$file of a repo file into a secret is a secret written out; of a mounted path it is unknown', async () => {
    const withFile = (path: string) => `${BASE}integrations:\n  github:\n    - host: github.com\n      token:\n        $file: ${path}\n`;
    expect((await check(await repo(withFile('./token.txt'), { 'backstage-config/token.txt': 'ghp_committed\n' }))).found).toEqual([
      'config-plain-secret error@backstage-config/app-config.yaml:13: integrations.github.0.token holds a secret written out in the repo.',
    ]);
    expect((await check(await repo(withFile('/run/secrets/github-token')))).found).toEqual([]);
  }, 60_000);
});

describe('config-plain-secret follows config-loader\'s substitution (repro 4, through the bin)', () => {
  it('sqlite connections, spaced references, fallbacks and block scalars are not secrets; literals still are', async () => {
    const { found } = await check(await repo(`${BASE}integrations:
  github:
    - host: github.com
      apps:
        - appId: \${GITHUB_APP_ID}
          clientId: \${GITHUB_APP_CLIENT_ID}
          clientSecret: \${ GITHUB_APP_CLIENT_SECRET }
          webhookSecret: \${GITHUB_APP_WEBHOOK_SECRET:-}
          privateKey: |
            \${GITHUB_APP_PRIVATE_KEY}
    - host: ghe.example.com
      token: $\${NOT_A_REFERENCE}
auth:
  providers:
    github:
      development:
        clientId: abc
        clientSecret: s3cr3t-value
`));
    expect(found).toEqual([
      'config-plain-secret error@backstage-config/app-config.yaml:20: integrations.github.1.token holds a secret written out in the repo.',
      'config-plain-secret error@backstage-config/app-config.yaml:26: auth.providers.github.development.clientSecret holds a secret written out in the repo.',
    ]);
  }, 60_000);

  it('a sqlite file name is judged by the client of its own file, when a later file switches to pg (janus-idp)', async () => {
    const root = await repo(BASE, { 'backstage-config/app-config.production.yaml': 'backend:\n  database:\n    client: pg\n    connection:\n      host: ${POSTGRES_HOST}\n      password: ${POSTGRES_PASSWORD}\n' });
    const config = await readFile(join(root, 'gitops.config.yaml'), 'utf8');
    await writeFile(join(root, 'gitops.config.yaml'), config.replace('files: [backstage-config/app-config.yaml]', 'files: [backstage-config/app-config.yaml, backstage-config/app-config.production.yaml]'));
    expect((await check(root)).found).toEqual([]);
  }, 60_000);

  it('a literal connection string of a pg database is still a secret', async () => {
    const { found } = await check(await repo(BASE.replace("client: better-sqlite3\n    connection: ':memory:'", 'client: pg\n    connection: postgres://u:p@db/backstage')));
    expect(found).toEqual(['config-plain-secret error@backstage-config/app-config.yaml:8: backend.database.connection holds a secret written out in the repo.']);
  }, 60_000);
});

describe('what config-loader refuses is worded as the backend not starting (repros 14, 15, through the bin)', () => {
  it('a root that is a list is a config-load error', async () => {
    const { status, found } = await check(await repo('- a\n- b\n'));
    expect(found).toEqual(['config-load error@backstage-config/app-config.yaml:1: Backstage cannot load backstage-config/app-config.yaml: expected object at config root']);
    expect(status).toBe(1);
  }, 60_000);

  it('a YAML error says the backend does not start, not that a document is skipped', async () => {
    const { status, diagnostics } = await check(await repo('app:\n  baseUrl: [\n'));
    expect(diagnostics.map(d => `${d.ruleId}@${d.range.start.line}`)).toEqual(['yaml-syntax@4']);
    expect(diagnostics[0].hint).toBe('Fix the YAML syntax here: @backstage/config-loader cannot parse the file, so the backend does not start.');
    expect(status).toBe(1);
  }, 60_000);

  it('a schema error says what really happens: the backend starts and the plugin meets the value', async () => {
    const { diagnostics } = await check(await repo(`${BASE}techdocs:\n  builder: banana\n`));
    expect(diagnostics[0].hint).toMatch(/The backend starts anyway \(it does not validate its config\), and the plugin fails or misbehaves when it reads this value/);
  }, 60_000);

  it('check --list-rules lists the config rules', async () => {
    const run = await runBin(['check', '--list-rules'], await repo(BASE));
    for (const id of ['config-load', 'config-schema', 'config-plain-secret', 'config-plugin-unchecked', 'config-include-missing', 'config-include-link-out']) expect(run.stdout).toContain(id);
  }, 60_000);
});

describe('an app-config that holds itself (an alias inside its own anchor) is a config-load error, not a run that never ends', () => {
  it('in the file itself and in a file it includes', async () => {
    const own = await check(await repo(`${BASE}loop: &x\n  again: *x\n`));
    expect(own.found).toEqual([
      expect.stringMatching(/^config-load error@backstage-config\/app-config.yaml:\d+: Backstage cannot load backstage-config\/app-config.yaml: an alias stands inside the node its anchor names/),
      expect.stringMatching(/^yaml-syntax error@backstage-config\/app-config.yaml:10: The alias \*x stands inside the value its anchor names/),
    ]);
    expect(own.status).toBe(1);
    const included = await check(await repo(`${BASE}extra:\n  $include: ./loop.yaml\n`, { 'backstage-config/loop.yaml': 'loop: &x\n  again: *x\n' }));
    expect(included.found).toEqual([expect.stringMatching(/^config-load error@backstage-config\/app-config.yaml:\d+: Backstage cannot load .*an alias stands inside the node its anchor names/)]);
    expect(included.status).toBe(1);
  }, 60_000);
});
