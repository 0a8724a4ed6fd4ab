import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { fakeGitHub } from '../helpers/fakeGitHub.ts';
import { runNode } from '../helpers/runNode.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { startRecordingServer } from '../helpers/recordingServer.ts';
import { commit, edit, PAYMENTS, PAYMENTS_OPENAPI, read, startPullRequest, write } from '../pr/prChange.ts';

// What a $ref must never bring into a PR comment: a host file outside the repository and a credential
// served on the runner's loopback (think ~/.npmrc, /proc/self/environ, a cloud metadata endpoint).
const HOST_SECRET = 'HOST-ONLY-SECRET npm_s3cr3t_9f2c';
const HTTP_SECRET = 'LOOPBACK-ONLY-SECRET aws_k3y_77e1';
let hostFile: string;
let server: Awaited<ReturnType<typeof startRecordingServer>>;

beforeAll(async () => {
  hostFile = join(await mkdtemp(join(tmpdir(), 'gitops-host-')), 'creds.json');
  await writeFile(hostFile, JSON.stringify({ token: HOST_SECRET, nested: { token: HOST_SECRET } }));
  server = await startRecordingServer(() => ({ status: 200, body: { token: HTTP_SECRET } }));
});
afterAll(() => server.close());

interface Finding { ruleId: string; severity: string; file: string; message: string; range: { start: { line: number } } }
const run = (root: string, args: string[]) => runBin(args, root);
const report = (root: string, base: string, format: 'json' | 'markdown') => run(root, ['report', '--base', base, '--today', '2026-11-23', '--format', format]);
const findings = (stdout: string): Finding[] => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics;
const linesOf = (list: Finding[], ruleId: string) => list.filter(d => d.ruleId === ruleId).map(d => `${d.file}:${d.range.start.line}`);
const leaked = (text: string) => text.includes('HOST-ONLY-SECRET') || text.includes('LOOPBACK-ONLY-SECRET') || text.includes('npm_s3cr3t') || text.includes('aws_k3y');
/** `file:line` of each line of the definition that holds one of `needles` (in file order). */
const refLines = (root: string, needles: string[]) => read(root, PAYMENTS_OPENAPI).split('\n').flatMap((line, i) => (line.includes('$ref') && !line.includes('money.yaml') && needles.some(n => line.includes(n)) ? [`${PAYMENTS_OPENAPI}:${i + 1}`] : []));
const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n|Maximum call stack|internal error/);

/** The red team's schema, and every other way out: relative climb, %-escaped climb, absolute path, file: and http: URLs, a link. */
function hostileSchema(definitionFile: string): string {
  const climb = relative(dirname(definitionFile), hostFile);
  const ups = '../'.repeat(14);
  return [
    '                type: string',
    '                enum:',
    `                  - $ref: "${ups}${hostFile.slice(1)}#/token"`,
    `                  - $ref: "${climb.split('/').map(encodeURIComponent).join('%2F')}#/nested"`,
    `                  - $ref: "${hostFile}#/token"`,
    `                  - $ref: "file://${hostFile}#/token"`,
    `                  - $ref: "${server.url}/creds.json#/token"`,
    '                  - $ref: "./linked.json#/token"',
    '                  - $ref: "./schemas/money.yaml#/Money"',
  ].join('\n');
}

/** The red team's pull request: the payments API's schema takes every way out, and one $ref into the repo. */
async function hostilePullRequest(): Promise<{ root: string; base: string }> {
  const root = await dataRepoCopy();
  const base = startPullRequest(root);
  mkdirSync(join(root, dirname(PAYMENTS_OPENAPI), 'schemas'));
  // In the repo: Spectral still follows it (typed-enum on the referenced schema's own enum).
  write(root, `${dirname(PAYMENTS_OPENAPI)}/schemas/money.yaml`, 'Money:\n  type: integer\n  enum: [not-a-number]\n');
  symlinkSync(hostFile, join(root, dirname(PAYMENTS_OPENAPI), 'linked.json'));
  edit(root, PAYMENTS_OPENAPI, t => t.replace('                type: object', hostileSchema(PAYMENTS_OPENAPI)));
  commit(root, 'payments API: money schema');
  return { root, base };
}

describe('API $refs resolve only inside the repository, through the shipped CLI', () => {
  it('report (json and markdown) and check: host files, URLs and links are findings, never read or fetched; a repo file still resolves', async () => {
    const { root, base } = await hostilePullRequest();

    const json = await report(root, base, 'json');
    const markdown = await report(root, base, 'markdown');
    const check = await run(root, ['check', '--format', 'json']);
    for (const out of [json, markdown, check]) {
      expect(leaked(out.stdout + out.stderr)).toBe(false);
      noStack(out.stderr);
    }
    expect(server.requests).toEqual([]);
    expect([json.status, markdown.status, check.status]).toEqual([1, 1, 1]);

    // The six ways out, each once on its own line, from the gate and in the report (not twice).
    const outside = refLines(root, ['#/token', '%2F', 'file://', server.url, 'linked.json']);
    const reported = findings(json.stdout);
    expect(linesOf(reported, 'api-ref-outside-repo')).toEqual(outside);
    expect(linesOf(findings(check.stdout), 'api-ref-outside-repo')).toEqual(outside);
    expect(reported.find(d => d.ruleId === 'api-ref-outside-repo')!.message).toContain('climbs above the root');
    expect(markdown.stdout).toContain('api-ref-outside-repo');
    // The repo file was resolved: Spectral judged the referenced schema's enum.
    expect(reported.filter(d => d.ruleId === 'api-lint').map(d => d.message)).toContainEqual(expect.stringMatching(/^typed-enum: Enum value "not-a-number" must be "integer"/));
  }, 180_000);

  it('the committed check action on that pull request: the PR comment, job summary and annotations quote no secret, and nothing is fetched', async () => {
    const { root, base } = await hostilePullRequest();
    const github = fakeGitHub([]);
    const api = await startRecordingServer(github.handler);
    const dir = mkdtempSync(join(tmpdir(), 'gh-'));
    try {
      writeFileSync(join(dir, 'event.json'), JSON.stringify({ pull_request: { number: 7, base: { sha: base }, head: { sha: 'head' } }, repository: { name: 'control', owner: { login: 'acme' } } }));
      for (const f of ['summary.md', 'output.txt']) writeFileSync(join(dir, f), '');
      const run = await runNode(join(REPO_ROOT, 'actions/check/dist/index.mjs'), root, {
        GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: join(dir, 'event.json'), GITHUB_REPOSITORY: 'acme/control',
        GITHUB_API_URL: api.url, GITHUB_SERVER_URL: 'https://github.com', GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'output.txt'),
        GITHUB_WORKSPACE: root, RUNNER_TEMP: dir, 'INPUT_GITHUB-TOKEN': 'ghs_fake_token', INPUT_COMMENT: 'true', 'INPUT_WORKING-DIRECTORY': root,
      });
      const comment = github.comments.map(c => c.body).join('\n');
      const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
      // The action writes its SARIF under RUNNER_TEMP and names it in its `sarif` output.
      const sarifFile = /^sarif<<(\S+)\n([\s\S]*?)\n\1$/m.exec(readFileSync(join(dir, 'output.txt'), 'utf8'))?.[2];
      const sarif = readFileSync(sarifFile!, 'utf8');
      for (const text of [run.stdout + run.stderr, comment, summary, sarif]) expect(leaked(text)).toBe(false);
      noStack(run.stderr);
      expect(server.requests).toEqual([]);
      expect(run.status).toBe(1);
      expect(comment).toContain('api-ref-outside-repo');
      expect(run.stdout).toMatch(/::error title=api-ref-outside-repo,file=catalog\/systems\/payments-core\/definitions\/payments-openapi\.yaml,line=\d+/);
    } finally {
      await api.close();
    }
  }, 180_000);

  it('a $openapi placeholder the managed Backstage bundles: the same refs are findings of check, and the bundler reads and fetches none of them', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, 'gitops.config.yaml', t => t.replace('  external: []\n', '  external: []\n  placeholderResolvers: [openapi]\n'));
    edit(root, PAYMENTS, t => t.replace('$text: ./definitions/payments-openapi.yaml', '$openapi: ./definitions/payments-openapi.yaml'));
    mkdirSync(join(root, dirname(PAYMENTS_OPENAPI), 'schemas'));
    write(root, `${dirname(PAYMENTS_OPENAPI)}/schemas/money.yaml`, 'Money:\n  type: integer\n');
    symlinkSync(hostFile, join(root, dirname(PAYMENTS_OPENAPI), 'linked.json'));
    edit(root, PAYMENTS_OPENAPI, t => t.replace('                type: object', hostileSchema(PAYMENTS_OPENAPI)));
    commit(root, 'payments API: bundled');

    const check = await run(root, ['check', '--format', 'json']);
    const json = await report(root, base, 'json');
    for (const out of [check, json]) {
      expect(leaked(out.stdout + out.stderr)).toBe(false);
      noStack(out.stderr);
    }
    expect(server.requests).toEqual([]);
    const found = findings(check.stdout);
    // The bundler's own finding stands for the plain climb (placeholder-outside-repo); the other four are api-ref-outside-repo.
    const [climb, ...others] = refLines(root, ['#/token', '%2F', 'file://', server.url]);
    expect(linesOf(found, 'placeholder-outside-repo')).toEqual([climb]);
    expect(linesOf(found, 'api-ref-outside-repo')).toEqual(others);
  }, 180_000);

  it('2,000 nested mappings in a changed definition, and 30,000 in a file it refers to: findings, never a crashed report', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    const deep = (n: number) => `${'{a: '.repeat(n)}1${'}'.repeat(n)}`;
    write(root, `${dirname(PAYMENTS_OPENAPI)}/deep.yaml`, `x: ${deep(30_000)}\n`);
    edit(root, PAYMENTS_OPENAPI, t => t.replace('                type: object', '                $ref: "./deep.yaml#/x"'));
    commit(root, 'payments API: refers to a deep file');
    const referring = await report(root, base, 'json');
    noStack(referring.stderr);
    expect(referring.status).toBe(1);
    expect(linesOf(findings(referring.stdout), 'yaml-depth-limit')).toEqual([`${dirname(PAYMENTS_OPENAPI)}/deep.yaml:1`]);

    edit(root, PAYMENTS_OPENAPI, t => `${t.trimEnd()}\nx-deep: ${deep(2_000)}\n`);
    commit(root, 'payments API: deep extension');
    const json = await report(root, base, 'json');
    const markdown = await report(root, base, 'markdown');
    const check = await run(root, ['check', '--format', 'json']);
    for (const out of [json, markdown, check]) noStack(out.stderr);
    expect([json.status, markdown.status, check.status]).toEqual([1, 1, 1]);
    const lastLine = read(root, PAYMENTS_OPENAPI).trimEnd().split('\n').length;
    // Over the limit, the definition is not parsed: its own $ref to deep.yaml is not followed either.
    for (const list of [findings(json.stdout), findings(check.stdout)]) expect(linesOf(list, 'yaml-depth-limit')).toEqual([`${PAYMENTS_OPENAPI}:${lastLine}`]);
    expect(markdown.stdout).toContain('yaml-depth-limit');
  }, 180_000);

  it('a chain of 40 repo files, each 120 levels deep and within the limit, that $ref the next: the report completes, never a crash', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    const folder = dirname(PAYMENTS_OPENAPI);
    for (let i = 0; i < 40; i++) write(root, `${folder}/chain${i}.yaml`, `x: ${'{a: '.repeat(120)}${i < 39 ? `{$ref: "./chain${i + 1}.yaml#/x"}` : '1'}${'}'.repeat(120)}\n`);
    edit(root, PAYMENTS_OPENAPI, t => t.replace('                type: object', '                $ref: "./chain0.yaml#/x"'));
    commit(root, 'payments API: a long chain');
    const [json, check] = [await report(root, base, 'json'), await run(root, ['check', '--format', 'json'])];
    for (const out of [json, check]) noStack(out.stderr);
    // The report fails on the lint findings; `check` has nothing against the chain (its files are the API's
    // definition, not catalog files a Location should reach).
    expect([json.status, check.status]).toEqual([1, 0]);
    // Spectral runs on its own thread (boundedLint), whose stack holds this closure: it is linted. On the
    // main thread's smaller stack it overflowed, which was a yaml-depth-limit finding ("too deep for Spectral").
    const reported = findings(json.stdout);
    expect(reported.some(d => d.ruleId === 'api-lint' && d.file === PAYMENTS_OPENAPI)).toBe(true);
    expect(reported.filter(d => d.ruleId === 'yaml-depth-limit')).toEqual([]);
  }, 180_000);
});
