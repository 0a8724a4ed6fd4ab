import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

const BIN = join(REPO_ROOT, 'scripts/bin/backstage-gitops.js');
const CACHE = '.cache/gitops-check.json';
// Everything `check` reads in this repo: catalog, templates and skeletons, scorecards, app-config,
// policies and schemas, TechDocs, CODEOWNERS, the config.
const PARTS = ['catalog', 'templates', 'skeletons', 'scorecards', 'backstage-config', 'schemas', 'docs', 'mkdocs.yml', '.github', 'gitops.config.yaml'];
const TODAY = ['--today', '2026-11-30'];

function check(root: string, ...args: string[]) {
  return checkWith({}, root, ...args);
}

function checkWith(env: Record<string, string>, root: string, ...args: string[]) {
  const child = spawnSync(process.execPath, [BIN, 'check', '--format', 'json', ...args], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

/** The cache file's inode: a run that replays writes nothing, every other run replaces the file. */
const cacheId = (root: string) => statSync(join(root, CACHE)).ino;

function replace(root: string, file: string, from: string | RegExp, to: string) {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${file} has no '${from}'`);
  writeFileSync(path, next);
}

async function copyOfThisRepo(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gitops-replay-'));
  for (const part of PARTS) await cp(join(REPO_ROOT, part), join(root, part), { recursive: true });
  return root;
}

// Each change, one after the other on the same copy, is an input the run reads: the report it gives
// with the cache is the report of a run without it (never the replay of the run before), and the
// run after it replays that report.
const changes: [string, (root: string) => void, string[]?][] = [
  ['a catalog file', root => replace(root, 'catalog/systems/orders/entities.yaml', 'owner: commerce-team\n  domain', 'owner: commerce-teams\n  domain')],
  ['a file a $text placeholder reads', root => appendFileSync(join(root, 'catalog/systems/orders/definitions/orders-openapi.yaml'), '# changed\n')],
  ['mkdocs.yml', root => replace(root, 'mkdocs.yml', 'docs_dir: docs', 'docs_dir: missing-docs')],
  ['CODEOWNERS', root => appendFileSync(join(root, '.github/CODEOWNERS'), '/catalog/extra/ @acme/someone\n')],
  ['a template', root => replace(root, 'templates/node-service/template.yaml', /\n {2}owner: [^\n]+/, '\n  owner: nobody-here')],
  ['a skeleton file', root => writeFileSync(join(root, 'skeletons/node-service/catalog-info.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: [broken\n')],
  ['a scorecard check', root => replace(root, 'scorecards/checks/has-description.yaml', 'expect: pass', 'expect: fail')],
  ['the Backstage config', root => replace(root, 'backstage-config/app-config.yaml', 'baseUrl: https://backstage.acme.example', 'baseUrl: 42')],
  ['an org policy', root => replace(root, 'schemas/policy/allowed-lifecycles.schema.json', '"experimental", "production", "deprecated"', '"experimental", "deprecated"')],
  ['gitops.config.yaml', root => replace(root, 'gitops.config.yaml', 'failOn: error', 'failOn: warning')],
  ['a file moved to another name', root => renameSync(join(root, 'docs/benchmarks.md'), join(root, 'docs/benchmark.md'))],
  ['a new empty folder', root => mkdirSync(join(root, 'catalog/empty'))],
  ['a symbolic link', root => symlinkSync('/etc/hostname', join(root, 'catalog/host.yaml'))],
  ['a file no catalog file names (dist/notes.txt)', root => (mkdirSync(join(root, 'dist')), writeFileSync(join(root, 'dist/notes.txt'), 'x'))],
  ['the installed packages of a node_modules folder', root => (mkdirSync(join(root, 'node_modules')), writeFileSync(join(root, 'node_modules/.package-lock.json'), '{}'))],
  ['the date (--today)', () => {}, ['--today', '2030-01-01']],
  ['the paths checked', () => {}, ['catalog']],
];

describe('check --cache replays a whole unchanged run (through the bin)', () => {
  let root: string;
  beforeAll(async () => {
    root = await copyOfThisRepo();
  });

  it('gives the same report, in every format, from the replay as without the cache', async () => {
    // Reports go outside the repo: a file written into it would be a new input to the next run.
    const out = await mkdtemp(join(tmpdir(), 'gitops-replay-out-'));
    const reports = (name: string) => ['--format', 'sarif', '--format', 'junit', '--output', join(out, `${name}.sarif`), '--output', join(out, `${name}.xml`)];
    const plain = check(root, ...TODAY, ...reports('plain'));
    const cold = check(root, ...TODAY, '--cache', CACHE, ...reports('cold'));
    const first = cacheId(root);
    const warm = check(root, ...TODAY, '--cache', CACHE, ...reports('warm'));
    expect(cacheId(root)).toBe(first);
    expect([cold.status, cold.stdout, cold.stderr]).toEqual([plain.status, plain.stdout, plain.stderr]);
    expect([warm.status, warm.stdout, warm.stderr]).toEqual([plain.status, plain.stdout, plain.stderr]);
    for (const ext of ['sarif', 'xml']) {
      const expected = readFileSync(join(out, `plain.${ext}`), 'utf8');
      expect(readFileSync(join(out, `cold.${ext}`), 'utf8')).toBe(expected);
      expect(readFileSync(join(out, `warm.${ext}`), 'utf8')).toBe(expected);
    }
  }, 120_000);

  it.each(changes)('a change to %s is never answered from the replay', (_name, change, args = TODAY) => {
    check(root, ...TODAY, '--cache', CACHE);
    const before = cacheId(root);
    change(root);
    const cached = check(root, ...args, '--cache', CACHE);
    expect(cacheId(root)).not.toBe(before);
    const plain = check(root, ...args);
    // A policy or config change also retires every per-file result, and says so.
    const stderr = cached.stderr.replace(/^backstage-gitops check: not using the cache .*policies or config changed since it was written; it will be rewritten\.\n/, '');
    expect([cached.status, cached.stdout, stderr]).toEqual([plain.status, plain.stdout, plain.stderr]);
    const after = cacheId(root);
    const replayed = check(root, ...args, '--cache', CACHE);
    expect(cacheId(root)).toBe(after);
    expect([replayed.status, replayed.stdout, replayed.stderr]).toEqual([plain.status, plain.stdout, plain.stderr]);
  }, 120_000);

  it('replays a run against --base until the base revision changes', async () => {
    const repo = await dataRepoCopy();
    git(repo, 'checkout', '-q', '-b', 'pr');
    replace(repo, 'catalog/systems/orders/entities.yaml', 'owner: commerce-team\n  domain', 'owner: payments-team\n  domain');
    git(repo, 'commit', '-qam', 'pr');
    const args = [...TODAY, '--base', 'main'];
    const plain = check(repo, ...args);
    expect(check(repo, ...args, '--cache', CACHE)).toEqual(plain);
    const first = cacheId(repo);
    expect(check(repo, ...args, '--cache', CACHE)).toEqual(plain);
    expect(cacheId(repo)).toBe(first);
    // The same work tree against another base: which entities the change touches is another input.
    git(repo, 'branch', '-f', 'main', 'pr');
    const moved = check(repo, ...args);
    expect(check(repo, ...args, '--cache', CACHE)).toEqual(moved);
    expect(cacheId(repo)).not.toBe(first);
  }, 120_000);

  it('records no report for a run whose input changed while a gate read it', async () => {
    const copy = await copyOfThisRepo();
    const definition = 'catalog/systems/orders/definitions/orders-openapi.yaml';
    const marker = join(copy, '..', `${copy.split('/').pop()}.edited`);
    const record = () => JSON.parse(readFileSync(join(copy, CACHE), 'utf8').split('\n')[0]).run;
    const hook = { NODE_OPTIONS: `--import=${join(REPO_ROOT, 'scripts/test/helpers/editDuringRun.mjs')}`, EDIT_MARKER: marker };
    // The hook itself changes nothing when its file is not read: the run is recorded.
    checkWith({ ...hook, EDIT_DURING_RUN: 'not-read.yaml' }, copy, ...TODAY, '--cache', CACHE);
    expect(record()).not.toBeNull();
    // The $text placeholder's target, read by the loader itself after the walk hashed it, changes under it
    // (on another day: not a replay of the run before).
    const before = readFileSync(join(copy, definition));
    checkWith({ ...hook, EDIT_DURING_RUN: definition }, copy, '--today', '2026-12-01', '--cache', CACHE);
    expect(readFileSync(marker, 'utf8')).toContain(definition);
    expect(record()).toBeNull();
    // Back to the bytes the walk hashed: the run is judged again, as a run without the cache judges it.
    writeFileSync(join(copy, definition), before);
    const id = cacheId(copy);
    expect(check(copy, ...TODAY, '--cache', CACHE)).toEqual(check(copy, ...TODAY));
    expect(cacheId(copy)).not.toBe(id);
  }, 120_000);

  // npm's record is the one path the walk opens by name: committed as a link to an endless device, a FIFO
  // or a folder, it once held `check --cache` until the job's time limit (each run here is bounded).
  it.each([
    ['a link to /dev/zero', (path: string) => symlinkSync('/dev/zero', path)],
    ['a FIFO', (path: string) => spawnSync('mkfifo', [path])],
    ['a folder', (path: string) => mkdirSync(path)],
  ])('a node_modules/.package-lock.json that is %s is hashed by what it is, never read', async (_name, make) => {
    const copy = await copyOfThisRepo();
    mkdirSync(join(copy, 'catalog/vendored/node_modules'), { recursive: true });
    make(join(copy, 'catalog/vendored/node_modules/.package-lock.json'));
    const bounded = (...args: string[]) => {
      const child = spawnSync(process.execPath, [BIN, 'check', '--format', 'json', ...TODAY, ...args], { cwd: copy, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
      return { status: child.status, stdout: child.stdout, stderr: child.stderr };
    };
    const plain = bounded();
    expect(plain.status).not.toBeNull();
    expect(bounded('--cache', CACHE)).toEqual(plain);
    const id = cacheId(copy);
    expect(bounded('--cache', CACHE)).toEqual(plain);
    expect(cacheId(copy)).toBe(id);
  }, 120_000);

  it('never replays a run with a live input, nor a forged or damaged record', () => {
    // An owner only a live Backstage could know: --catalog-url must ask for it, every time.
    appendFileSync(join(root, 'catalog/systems/orders/entities.yaml'), '---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: live-probe\nspec:\n  type: service\n  lifecycle: production\n  owner: team-only-live\n');
    check(root, ...TODAY, '--cache', CACHE);
    const live = check(root, ...TODAY, '--cache', CACHE, '--catalog-url', 'http://127.0.0.1:9');
    expect(live.status).toBe(2);
    expect(live.stderr).toContain('--catalog-url');

    check(root, ...TODAY, '--cache', CACHE);
    const plain = check(root, ...TODAY);
    const [head, ...rest] = readFileSync(join(root, CACHE), 'utf8').split('\n');
    const record = JSON.parse(head);
    // The right key with a report of nothing: the record must match its key, never be taken on its word.
    record.run.key = '0'.repeat(64);
    writeFileSync(join(root, CACHE), [JSON.stringify(record), ...rest].join('\n'));
    expect(check(root, ...TODAY, '--cache', CACHE)).toEqual(plain);
    const damaged = JSON.parse(readFileSync(join(root, CACHE), 'utf8').split('\n')[0]);
    damaged.run.diagnostics = [{ ruleId: 'x' }];
    writeFileSync(join(root, CACHE), [JSON.stringify(damaged), ...rest].join('\n'));
    expect(check(root, ...TODAY, '--cache', CACHE)).toEqual({ ...plain, stderr: `backstage-gitops check: not using the cache ${CACHE}: its record of the last run is malformed; it will be rewritten.\n` });
    expect(check(root, ...TODAY, '--cache', CACHE)).toEqual(plain);
  }, 120_000);
});
