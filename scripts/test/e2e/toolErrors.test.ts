// Every tool error the issue lists, through the shipped bin: exit 2 with one or two lines naming the file
// (and line) and what to do, or a finding with exit 1; never a stack trace unless --debug asks for it.
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../helpers/freePort.ts';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { startRecordingServer } from '../helpers/recordingServer.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { BIN, expectCleanStderr, expectToolError, gitops } from './gitops.ts';

let base: string;

/** A fresh copy of the example data repo with `edits` applied (path → new content, or a function of the old). */
async function variant(edits: Record<string, string | Buffer | ((old: string) => string)>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gitops-e2e-'));
  await cp(base, root, { recursive: true });
  for (const [path, edit] of Object.entries(edits)) {
    await writeFile(join(root, path), typeof edit === 'function' ? edit(await readFile(join(root, path), 'utf8')) : edit);
  }
  return root;
}

const ENTITY = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: shop\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/web-team\n';

describe.concurrent('a tool error is one clear message', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    base = await dataRepoCopy();
  }, 60_000);

  it('gitops.config.yaml with a YAML syntax error: file, line, what to do; the trace only with --debug', async () => {
    const root = await variant({ 'gitops.config.yaml': old => old.replace('catalog:\n', 'catalog:\n  roots: [catalog/all.yaml\n') });
    const run = await gitops(root, ['check']);
    expectToolError(run, /^backstage-gitops check: gitops\.config\.yaml:\d+:\d+: YAML syntax error: .+\nFix the file and run again\.\n$/);
    const debug = await gitops(root, ['check', '--debug']);
    expect(debug.status).toBe(2);
    expect(debug.stderr).toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    const env = await gitops(root, ['check'], { DEBUG: 'backstage-gitops' });
    expect(env.stderr).toMatch(/^\s+at /m);
  });

  it('gitops.config.yaml against its schema: the unknown key by name, at its line', async () => {
    const root = await variant({ 'gitops.config.yaml': old => `${old}catalogue:\n  roots: []\n` });
    const lines = (await readFile(join(root, 'gitops.config.yaml'), 'utf8')).split('\n');
    const run = await gitops(root, ['check']);
    expectToolError(run, new RegExp(`gitops\\.config\\.yaml:${lines.indexOf('catalogue:') + 1}:1: unknown key 'catalogue'`));
  });

  it.each([
    ['UTF-16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('repoUrl: x\n', 'utf16le')]), /gitops\.config\.yaml:1:1: This file is UTF-16 \(little-endian\)\.\nRe-save it as UTF-8/],
    ['Latin-1', Buffer.from('# Konfiguration für das Repo\nfailOn: error\n', 'latin1'), /gitops\.config\.yaml:1:\d+: This file is not valid UTF-8 .*Latin-1/],
  ])('gitops.config.yaml in %s names the encoding', async (_name, bytes, message) => {
    const run = await gitops(await variant({ 'gitops.config.yaml': bytes }), ['check']);
    expectToolError(run, message);
  });

  it('backstage-config/app-config.yaml with a YAML syntax error', async () => {
    const run = await gitops(await variant({ 'backstage-config/app-config.yaml': old => `${old}\nextra: [unclosed\n` }), ['check']);
    expectToolError(run, /backstage-config\/app-config\.yaml:\d+:\d+: YAML syntax error/);
  });

  it('schemas/template-policy/actions.json that is not JSON, for check and for templates test', async () => {
    const root = await variant({ 'schemas/template-policy/actions.json': '{\n  "actions": {\n    "fetch:template": {},,\n' });
    for (const args of [['check'], ['templates', 'test']]) {
      expectToolError(await gitops(root, args), /schemas\/template-policy\/actions\.json:3:\d+: not valid JSON/);
    }
  });

  it('a JSON error whose V8 message quotes the file across lines: two lines, the reason without the text', async () => {
    const run = await gitops(await variant({ 'schemas/template-policy/actions.json': '{ "a": [1, }\n' }), ['check']);
    expectToolError(run, /schemas\/template-policy\/actions\.json:1:\d+: not valid JSON: Unexpected token '\}'\.\n/);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(2);
  });

  it('an org policy schema that is not JSON', async () => {
    const root = await variant({ 'schemas/policy/allowed-lifecycles.schema.json': '{ "type": "object", }' });
    expectToolError(await gitops(root, ['check']), /schemas\/policy\/allowed-lifecycles\.schema\.json:1:\d+: not valid JSON/);
  });

  it('a templates/*/template.yaml that does not parse is a yaml-syntax finding with its line (exit 1)', async () => {
    const root = await variant({ 'templates/go-service/template.yaml': old => `${old}\n  extra: [unclosed\n` });
    const lines = (await readFile(join(root, 'templates/go-service/template.yaml'), 'utf8')).split('\n').length;
    for (const args of [['check'], ['templates', 'test', 'go-service']]) {
      const run = await gitops(root, args);
      expect(run.status, run.stderr).toBe(1);
      expectCleanStderr(run);
      expect(run.stdout).toMatch(new RegExp(`templates/go-service/template\\.yaml\\n(.*\\n)*  (${lines - 1}|${lines}):\\d+ +error .*yaml-syntax`));
    }
  });

  it('template test cases: the real YAML error with its line, and an unknown key by name', async () => {
    const root = await variant({
      'templates/go-service/tests/broken.yaml': 'name: broken\nvalues:\n  name: [unclosed\n',
      'templates/go-service/tests/typo.yaml': 'name: typo\nvalues: {}\nexpect:\n  filez: [go.mod]\n',
    });
    const run = await gitops(root, ['templates', 'test', 'go-service']);
    expect(run.status).toBe(1);
    expectCleanStderr(run);
    expect(run.stdout).toMatch(/templates\/go-service\/tests\/broken\.yaml\n  [34]:\d+ +error .+yaml-syntax/);
    expect(run.stdout).toMatch(/templates\/go-service\/tests\/typo\.yaml\n  4:\d+ +error +Unknown key 'filez' under expect\./);
    expect(run.stdout).not.toContain('case must be object');
  });

  it('templates test no-such-name: exit 2 naming the templates there are', async () => {
    expectToolError(await gitops(base, ['templates', 'test', 'no-such-name']), /No template 'no-such-name'.*Templates here: .*go-service/);
  });

  it('check --root to a folder that does not exist, or one without catalog files: exit 2', async () => {
    expectToolError(await gitops(base, ['check', '--root', join(base, 'nowhere')]), /--root .*nowhere: no such folder/);
    const empty = await tempRepo({ 'README.md': '# nothing\n', 'k8s/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n' });
    expectToolError(await gitops(empty, ['check']), /holds no catalog file/);
  });

  it('--catalog-url that is malformed, unreachable, or holds a password; sync --url "not a url"', async () => {
    const repo = await tempRepo({ 'catalog-info.yaml': ENTITY });
    expectToolError(await gitops(repo, ['check', '--catalog-url', 'backstage.acme.example']), /--catalog-url 'backstage\.acme\.example' is not an http\(s\) URL/);
    const port = await freePort();
    const refused = await gitops(repo, ['check', '--catalog-url', `http://127.0.0.1:${port}`]);
    expectToolError(refused, new RegExp(`--catalog-url: cannot reach http://127\\.0\\.0\\.1:${port}: connection refused \\(ECONNREFUSED\\)\\. Check the URL`));
    expect(refused.stderr).not.toContain('fetch failed');
    const secret = await gitops(repo, ['check', '--catalog-url', 'https://admin:hunter2@backstage.acme.example']);
    expectToolError(secret, /https:\/\/\*\*\*@backstage\.acme\.example/);
    expect(secret.stderr).not.toContain('hunter2');
    expectToolError(await gitops(repo, ['check', '--catalog-url', 'https://backstage.acme.example', '--token-env', 'NOPE_TOKEN']), /--token-env NOPE_TOKEN names an environment variable that is not set/);
    const sync = await gitops(base, ['sync', '--url', 'not a url', '--dry-run'], { BACKSTAGE_TOKEN: 'token-0123456789' });
    expectToolError(sync, /--url 'not a url' is not an http\(s\) URL/);
    expect(sync.stderr).not.toContain('Run sync again');
  });

  it('--catalog-url is asked even when every reference resolves in the repo: a dead URL or a server that is no catalog is a tool error, not a pass', async () => {
    // Nothing to look up (a Group with no relations), and no repoUrl: before, check sent no request and exited 0.
    const repo = await tempRepo({ 'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: web-team\nspec:\n  type: team\n  children: []\n' });
    const port = await freePort();
    expectToolError(await gitops(repo, ['check', '--catalog-url', `http://127.0.0.1:${port}`]), new RegExp(`--catalog-url: cannot reach http://127\\.0\\.0\\.1:${port}: connection refused`));
    const asked: unknown[] = [];
    const notCatalog = await startRecordingServer(request => {
      asked.push(request.body);
      return { status: 200, body: { ok: true } };
    });
    try {
      expectToolError(await gitops(repo, ['check', '--catalog-url', notCatalog.url]), /answered entities\/by-refs without one item per ref asked: it is not a Backstage backend's catalog/);
    } finally {
      await notCatalog.close();
    }
    expect(asked).toEqual([{ entityRefs: [], fields: ['kind', 'metadata.namespace', 'metadata.name'] }]);
    // A real Backstage answers the empty list, and checks the token on it.
    const { baseUrl, token } = inject('backstage');
    const run = await gitops(repo, ['check', '--catalog-url', baseUrl], { BACKSTAGE_TOKEN: token });
    expect(run.status, run.stderr).toBe(0);
    expectToolError(await gitops(repo, ['check', '--catalog-url', baseUrl], { BACKSTAGE_TOKEN: 'not-the-token' }), /answered 401 to entities\/by-refs: check the token/);
  });

  it('codeowners and schema without their config section: says whether gitops.config.yaml is missing or only the section, and what to write', async () => {
    const bare = await tempRepo({ 'catalog-info.yaml': ENTITY });
    expectToolError(await gitops(bare, ['codeowners', '--check']), /^backstage-gitops codeowners: This repo has no gitops\.config\.yaml, whose codeowners section says how CODEOWNERS is generated\. Create gitops\.config\.yaml at the repository root with, e\.g\., codeowners: \{ platformTeam: '@acme\/platform-team' \}/);
    expectToolError(await gitops(bare, ['schema', '--write']), /^backstage-gitops schema: This repo has no gitops\.config\.yaml, whose editorSchema section says how the editor's JSON Schema for catalog files is generated\. Create gitops\.config\.yaml at the repository root with, e\.g\., editorSchema: \{ file: schemas\/catalog-info\.schema\.json \}\./);
    const configured = await tempRepo({ 'catalog-info.yaml': ENTITY, 'gitops.config.yaml': 'catalog:\n  roots: [catalog-info.yaml]\n' });
    expectToolError(await gitops(configured, ['codeowners', '--check']), /^backstage-gitops codeowners: gitops\.config\.yaml has no codeowners section, which says how CODEOWNERS is generated\. Add one, e\.g\. codeowners: /);
  });

  it('sync to a host that does not answer says so once, without promising that a rerun helps', async () => {
    const server = await startRecordingServer(() => ({ status: 401, body: { error: { name: 'AuthenticationError', message: 'invalid token' } } }));
    try {
      const run = await gitops(base, ['sync', '--url', server.url, '--dry-run', '--wait', '1'], { BACKSTAGE_TOKEN: 'wrong-token-0123456789' });
      expect(run.status).toBe(2);
      expectCleanStderr(run);
      expect(run.stderr).toMatch(/^backstage-gitops sync: .*answered 401 .*check the token/m);
      expect(run.stderr).not.toContain('Run sync again');
    } finally {
      await server.close();
    }
    // Nothing listening: one tool error with the command's prefix.
    const port = await freePort();
    expectToolError(await gitops(base, ['import', '--url', `http://127.0.0.1:${port}`], { BACKSTAGE_TOKEN: 'token-0123456789' }), new RegExp(`^backstage-gitops import: Backstage could not be read: cannot reach http://127\\.0\\.0\\.1:${port}: connection refused`));
    expectToolError(await gitops(base, ['sync', '--url', `http://127.0.0.1:${port}`, '--dry-run', '--wait', '1'], { BACKSTAGE_TOKEN: 'token-0123456789' }), new RegExp(`^backstage-gitops sync: cannot reach http://127\\.0\\.0\\.1:${port}: connection refused \\(ECONNREFUSED\\)\\. Check the URL`));
  });

  it('techdocs publish to a storage that is not there: exit 2 saying what to check', async () => {
    const port = await freePort();
    const connection = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
    const run = await gitops(base, ['techdocs', 'publish', '--publisher', 'azureBlobStorage', '--container', 'techdocs', '--dry-run'], { AZURE_STORAGE_CONNECTION_STRING: connection });
    expectToolError(run, /The TechDocs storage \(Azure container techdocs\) is not reachable .*check the connection settings/);
  });

  it('techdocs publish with a malformed Azure connection string: a usage error naming the variable, the value never shown', async () => {
    for (const connection of ['not-a-connection-string-s3cr3tValue', 'AccountName=acme;AccountKey=s3cr3tValue']) {
      const run = await gitops(base, ['techdocs', 'publish', '--publisher', 'azureBlobStorage', '--container', 'techdocs', '--dry-run'], { AZURE_STORAGE_CONNECTION_STRING: connection });
      expectToolError(run, /^backstage-gitops techdocs: AZURE_STORAGE_CONNECTION_STRING is not a connection string the Azure Storage SDK accepts \(.+\); copy it from the storage account's Access keys page/);
      expect(run.stderr).not.toMatch(/internal error|s3cr3tValue/);
    }
  });

  it('output piped into head ends quietly: no EPIPE trace', async () => {
    const child = spawn('sh', ['-c', `"${process.execPath}" "${BIN}" check --list-rules | head -n 1`], { cwd: base });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => (stdout += d));
    child.stderr.on('data', d => (stderr += d));
    await new Promise(r => child.on('close', r));
    expect(stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(stderr).toBe('');
  });

  it('a reader that closed the pipe before the verdict does not turn findings into exit 0', async () => {
    // A --cache written under another config: its notice is the run's first line on stderr, before any finding.
    const repo = await tempRepo({ 'catalog-info.yaml': `${ENTITY}  tags: [Not_A_Tag]\n`, 'gitops.config.yaml': 'failOn: error\n' });
    const cache = join(repo, 'run.cache');
    expect((await gitops(repo, ['check', '--cache', cache])).status).toBe(1);
    const stale = await readFile(cache);
    await writeFile(join(repo, 'gitops.config.yaml'), 'failOn: warning\n');
    for (const closed of ['stderr', 'stdout'] as const) {
      await writeFile(cache, stale);
      const child = spawn(process.execPath, [BIN, 'check', '--cache', cache], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
      // As `| head -c 0` (or `2>&1 | head -c 0`) does: the reader goes away before the first line.
      child[closed].destroy();
      const other = closed === 'stdout' ? child.stderr : child.stdout;
      let text = '';
      other.on('data', d => (text += d));
      const code = await new Promise(resolve => child.on('close', resolve));
      expect(code, `${closed} closed: ${text}`).toBe(1);
      expect(text).not.toMatch(/EPIPE|ERR_STREAM_DESTROYED|at .*\(/);
    }
  }, 60_000);

  it('no library warning reaches stderr (a mapping used as a key)', async () => {
    const repo = await tempRepo({ 'catalog-info.yaml': `${ENTITY}  ? [a, b]\n  : c\n` });
    const run = await gitops(repo, ['check']);
    expectCleanStderr(run);
    expect(run.stderr).not.toContain('stringified');
  });

  it('an unknown option is a usage error naming it', async () => {
    expectToolError(await gitops(base, ['check', '--colour']), /^backstage-gitops check: Unknown option '--colour'\. Run with --help for the options\.\n$/);
  });

  it('an unknown option of a command that takes no paths reads as a sentence too (report)', async () => {
    expectToolError(await gitops(base, ['report', '--base', 'HEAD', '--colour']), /^backstage-gitops report: Unknown option '--colour'\. Run with --help for the options\.\n$/);
  });
});
