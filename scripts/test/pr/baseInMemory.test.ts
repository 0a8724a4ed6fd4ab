import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesOfListing, checkoutParent, MEMORY_FOLDER, memoryRoom, removeStaleCopies } from '../../src/process/checkoutParent.ts';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { makeBadPullRequest } from './prChange.ts';

// report --base and scorecards --base write the base revision out as files. Creating 10,000 small files
// took 1.2–6.8 s of system time on this machine's ext4 against 0.16 s on tmpfs, so the checkout is made in
// /dev/shm when TMPDIR (TMP, TEMP) names no folder and the revision takes at most a quarter of its room.
const memory = memoryRoom(MEMORY_FOLDER) !== undefined;

/** A `tar` ahead of the real one on PATH that notes where each extraction goes and, if asked, refuses the memory folder (as a full one would). */
function watchedTar(refuseMemory = false, logErrors = false) {
  const dir = mkdtempSync(join(tmpdir(), 'base-in-memory-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const log = join(dir, 'tar.log');
  writeFileSync(log, '');
  const realTar = execFileSync('sh', ['-c', 'command -v tar'], { encoding: 'utf8' }).trim();
  const refuse = refuseMemory ? `case "$*" in *"-C ${MEMORY_FOLDER}/"*) echo "tar: Cannot write: No space left on device" >&2; exit 2;; esac\n` : '';
  const errors = join(dir, 'tar.err');
  writeFileSync(errors, '');
  // With `errors`, what tar says goes to that file instead (exec: a tar the bin kills is the real one).
  const exec = logErrors ? `exec '${realTar}' "$@" 2>> '${errors}'` : `exec '${realTar}' "$@"`;
  writeFileSync(join(bin, 'tar'), `#!/bin/sh\necho "$*" >> '${log}'\n${refuse}${exec}\n`);
  chmodSync(join(bin, 'tar'), 0o755);
  const folders = () => readFileSync(log, 'utf8').split('\n').filter(l => l.startsWith('-x')).map(l => l.replace(/^-x -C /, ''));
  // TMPDIR empty: the operator named no folder (os.tmpdir() is then /tmp).
  return { env: { PATH: `${bin}:${process.env.PATH}`, TMPDIR: '' }, log, folders, errors: () => readFileSync(errors, 'utf8') };
}

describe('the base revision is checked out in memory when the machine has room (shipped bin)', () => {
  it('report --base extracts it under /dev/shm, gives the same report as on disk, and removes it', async () => {
    const root = await dataRepoCopy();
    const base = makeBadPullRequest(root);
    const args = ['report', '--base', base, '--today', '2026-11-23', '--format', 'json'];
    const watched = watchedTar();
    const [inMemory, onDisk] = await Promise.all([runBin(args, root, watched.env), runBin(args, root)]);
    expect(inMemory.status, inMemory.stderr).toBe(1);
    expect([inMemory.status, inMemory.stdout, inMemory.stderr]).toEqual([onDisk.status, onDisk.stdout, onDisk.stderr]);
    expect(JSON.parse(inMemory.stdout).report.changes.removed.length).toBeGreaterThan(0);
    const folders = watched.folders();
    expect(folders).toHaveLength(1);
    expect(folders[0].startsWith(`${memory ? MEMORY_FOLDER : '/tmp'}/gitops-base-`)).toBe(true);
    expect(existsSync(folders[0])).toBe(false);
  }, 120_000);

  it.runIf(memory)('a memory folder that cannot hold it (tar fails there) is tried again on disk, and neither is left behind', async () => {
    const root = await dataRepoCopy();
    const base = makeBadPullRequest(root);
    const watched = watchedTar(true);
    const run = await runBin(['scorecards', '--base', base, '--today', '2026-11-23', '--format', 'json'], root, watched.env);
    const onDisk = await runBin(['scorecards', '--base', base, '--today', '2026-11-23', '--format', 'json'], root);
    expect([run.status, run.stdout, run.stderr]).toEqual([onDisk.status, onDisk.stdout, onDisk.stderr]);
    const folders = watched.folders();
    expect(folders.map(f => f.replace(/gitops-base-.*/, ''))).toEqual([`${MEMORY_FOLDER}/`, '/tmp/']);
    for (const folder of folders) expect(existsSync(folder)).toBe(false);
  }, 120_000);

  it('a tar that fails at once (a full disk) is one line and exit 2 with its message, not a git waiting on a full pipe for ever', async () => {
    const root = await dataRepoCopy();
    const base = makeBadPullRequest(root);
    const dir = mkdtempSync(join(tmpdir(), 'failing-tar-'));
    writeFileSync(join(dir, 'tar'), '#!/bin/sh\necho "tar: Cannot write: No space left on device" >&2\nexit 2\n');
    chmodSync(join(dir, 'tar'), 0o755);
    // The base's archive is bigger than a pipe's buffer and a stream's (64 KiB each): git blocked on it once tar stopped reading.
    expect(execFileSync('git', ['-C', root, 'archive', '--format=tar', base]).length).toBeGreaterThan(256 * 1024);
    for (const command of ['report', 'scorecards']) {
      const run = await runBin([command, '--base', base, '--format', 'json'], root, { PATH: `${dir}:${process.env.PATH}` });
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(`backstage-gitops ${command}: Cannot extract base ${base}: tar: Cannot write: No space left on device\n`);
    }
  }, 60_000);

  it('a revision git cannot read is still one line and exit 2, from memory or disk', async () => {
    const root = await dataRepoCopy();
    makeBadPullRequest(root);
    const watched = watchedTar();
    const run = await runBin(['report', '--base', 'no-such-revision', '--format', 'json'], root, watched.env);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^backstage-gitops report: Cannot read base no-such-revision: [^\n]*\n$/);
    for (const folder of watched.folders()) expect(existsSync(folder)).toBe(false);
  }, 120_000);
});

// A private mount namespace (as root, or in an unprivileged user namespace) whose /dev/shm is a tmpfs of `size`:
// the memory folder's room is the test's to choose, and no other process on the machine sees it.
const unshare = (size: string, command: string[]) => ['unshare', ...(process.getuid?.() === 0 ? ['-m'] : ['-rm']), 'sh', '-c', `mount -t tmpfs -o size=${size} tmpfs ${MEMORY_FOLDER} && exec "$@"`, 'sh', ...command];
const smallMemory = process.platform === 'linux' && spawnSync('unshare', unshare('1m', ['true']).slice(1)).status === 0;

/** The shipped bin with `args`, in `cwd`, with a memory folder of `size` (unshare). */
function runBinInSmallMemory(size: string, args: string[], cwd: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const [command, ...rest] = unshare(size, [process.execPath, `${REPO_ROOT}scripts/bin/backstage-gitops.js`, ...args]);
  const child = spawn(command, rest, { cwd, env: { HOME: process.env.HOME, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', d => (stdout += d));
  child.stderr.on('data', d => (stderr += d));
  return new Promise(resolve => child.on('close', status => resolve({ status, stdout, stderr })));
}

describe('a base revision its attributes make bigger than git stores it (shipped bin)', () => {
  it.runIf(smallMemory)('stops extracting in memory at a quarter of its room and makes it on disk: the memory folder is never filled', async () => {
    // A filter as Git LFS sets one up: git stores a pointer of a few bytes, `git archive` writes what the smudge gives (3 MB).
    const root = mkdtempSync(join(tmpdir(), 'base-grows-'));
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'config', 'filter.grow.smudge', 'cat >/dev/null; head -c 3000000 /dev/zero');
    git(root, 'config', 'filter.grow.clean', 'cat');
    writeFileSync(join(root, '.gitattributes'), '*.bin filter=grow\n');
    const entity = (owner: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc-a\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;
    writeFileSync(join(root, 'catalog-info.yaml'), entity('team-a'));
    for (let i = 0; i < 10; i++) writeFileSync(join(root, `asset-${i}.bin`), `pointer ${i}\n`);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    const base = git(root, 'rev-parse', 'HEAD').trim();
    writeFileSync(join(root, 'catalog-info.yaml'), entity('team-b'));
    git(root, 'commit', '-qam', 'change');
    // ls-tree counts 12 small files (96 KiB): an 8 MB memory folder has room for them, not for the 30 MB the filter writes.
    expect(execFileSync('git', ['-C', root, 'archive', base], { maxBuffer: 64 * 1024 * 1024 }).length).toBeGreaterThan(30_000_000);
    const watched = watchedTar(false, true);
    const args = ['report', '--base', base, '--today', '2026-11-23', '--format', 'json'];
    const inMemory = await runBinInSmallMemory('8m', args, root, watched.env);
    const onDisk = await runBin(args, root);
    expect(inMemory.status, inMemory.stderr).toBe(0);
    expect([inMemory.status, inMemory.stdout, inMemory.stderr]).toEqual([onDisk.status, onDisk.stdout, onDisk.stderr]);
    const folders = watched.folders();
    expect(folders.map(f => f.replace(/gitops-base-.*/, ''))).toEqual([`${MEMORY_FOLDER}/`, '/tmp/']);
    // tar was stopped before it ran out of room (before the fix it wrote on until the 8 MB were full).
    expect(watched.errors()).not.toContain('No space left on device');
  }, 120_000);
});

describe('a run that ends by process.exit() leaves no base revision behind (shipped bin)', () => {
  it('an error thrown outside the awaited chain (the bin then calls process.exit(2)) while the base is extracted: the folder is removed', async () => {
    const root = await dataRepoCopy();
    const base = makeBadPullRequest(root);
    const watched = watchedTar();
    // A preload that throws from a timer once tar has started writing the base (its folder exists by then):
    // what a library's socket or timer error does; no `finally` runs, only the process's exit.
    const preload = join(mkdtempSync(join(tmpdir(), 'throws-')), 'throws.cjs');
    writeFileSync(preload, `const { readFileSync } = require('node:fs');
const { isMainThread } = require('node:worker_threads');
if (isMainThread) {
  const timer = setInterval(() => {
    if (!readFileSync(process.env.TAR_LOG, 'utf8').includes('-x')) return;
    clearInterval(timer);
    throw new Error('thrown outside the awaited chain');
  }, 2);
  timer.unref();
}
`);
    const run = await runBin(['report', '--base', base, '--format', 'json'], root, { ...watched.env, TAR_LOG: watched.log, NODE_OPTIONS: `--require ${preload}` });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^backstage-gitops: internal error: thrown outside the awaited chain\n[^\n]*--debug[^\n]*\n$/);
    const folders = watched.folders();
    expect(folders).toHaveLength(1);
    expect(existsSync(folders[0])).toBe(false);
  }, 120_000);
});

describe('copies a killed run left in the memory folder', () => {
  it.runIf(memory)('report --base removes this user\'s gitops-base-* folders there over a day old, and only those (shipped bin)', async () => {
    const root = await dataRepoCopy();
    const base = makeBadPullRequest(root);
    const dayAndAHourAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    const stale = mkdtempSync(join(MEMORY_FOLDER, 'gitops-base-'));
    writeFileSync(join(stale, 'catalog-info.yaml'), 'left by a run the out-of-memory killer ended\n');
    utimesSync(stale, dayAndAHourAgo, dayAndAHourAgo);
    const recent = mkdtempSync(join(MEMORY_FOLDER, 'gitops-base-'));
    const other = mkdtempSync(join(MEMORY_FOLDER, 'not-ours-'));
    utimesSync(other, dayAndAHourAgo, dayAndAHourAgo);
    try {
      const run = await runBin(['report', '--base', base, '--today', '2026-11-23', '--format', 'json'], root, { TMPDIR: '' });
      expect(run.status, run.stderr).toBe(1);
      expect([existsSync(stale), existsSync(recent), existsSync(other)]).toEqual([false, true, true]);
    } finally {
      for (const folder of [stale, recent, other]) rmSync(folder, { recursive: true, force: true });
    }
  }, 120_000);

  it('removeStaleCopies leaves files, younger folders and other names', () => {
    const folder = mkdtempSync(join(tmpdir(), 'stale-copies-'));
    const old = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    for (const name of ['gitops-base-a', 'gitops-base-b', 'other-c']) mkdirSync(join(folder, name));
    writeFileSync(join(folder, 'gitops-base-file'), 'x');
    for (const name of ['gitops-base-a', 'other-c', 'gitops-base-file']) utimesSync(join(folder, name), old, old);
    expect(removeStaleCopies(folder)).toBe(1);
    expect(readdirSync(folder).sort()).toEqual(['gitops-base-b', 'gitops-base-file', 'other-c']);
    expect(removeStaleCopies(join(folder, 'missing'))).toBe(0);
  });
});

describe('checkoutParent', () => {
  it('takes the folder TMPDIR, TMP or TEMP names, a folder that is no tmpfs, or a revision git cannot list as os.tmpdir()', async () => {
    const root = await dataRepoCopy();
    expect(checkoutParent(root, 'HEAD', { TMPDIR: '/somewhere' })).toBe(tmpdir());
    expect(checkoutParent(root, 'HEAD', { TMP: '/somewhere' })).toBe(tmpdir());
    expect(checkoutParent(root, 'HEAD', { TEMP: '/somewhere' })).toBe(tmpdir());
    expect(checkoutParent(root, 'HEAD', {}, root)).toBe(tmpdir());
    expect(checkoutParent(root, 'no-such-revision', {})).toBe(tmpdir());
    expect(checkoutParent(root, 'HEAD', {})).toBe(memory ? MEMORY_FOLDER : tmpdir());
  }, 60_000);

  it('counts each file of an ls-tree listing by whole pages plus one, a submodule as nothing', () => {
    const listing = Buffer.from(
      '100644 blob 1111111111111111111111111111111111111111       1\ta.yaml\0' +
        '100644 blob 2222222222222222222222222222222222222222    4097\tb c/d\te.yaml\0' +
        '160000 commit 3333333333333333333333333333333333333333       -\tvendor/sub\0' +
        '100644 blob 4444444444444444444444444444444444444444       0\tempty\0',
      'latin1',
    );
    expect(bytesOfListing(listing)).toBe(2 * 4096 + 3 * 4096 + 4096);
  });
});
