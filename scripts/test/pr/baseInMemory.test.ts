import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesOfListing, checkoutParent, MEMORY_FOLDER, memoryRoom } from '../../src/process/checkoutParent.ts';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { makeBadPullRequest } from './prChange.ts';

// report --base and scorecards --base write the base revision out as files. Creating 10,000 small files
// took 1.2–6.8 s of system time on this machine's ext4 against 0.16 s on tmpfs, so the checkout is made in
// /dev/shm when TMPDIR (TMP, TEMP) names no folder and the revision takes at most a quarter of its room.
const memory = memoryRoom(MEMORY_FOLDER) !== undefined;

/** A `tar` ahead of the real one on PATH that notes where each extraction goes and, if asked, refuses the memory folder (as a full one would). */
function watchedTar(refuseMemory = false) {
  const dir = mkdtempSync(join(tmpdir(), 'base-in-memory-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const log = join(dir, 'tar.log');
  writeFileSync(log, '');
  const realTar = execFileSync('sh', ['-c', 'command -v tar'], { encoding: 'utf8' }).trim();
  const refuse = refuseMemory ? `case "$*" in *"-C ${MEMORY_FOLDER}/"*) echo "tar: Cannot write: No space left on device" >&2; exit 2;; esac\n` : '';
  writeFileSync(join(bin, 'tar'), `#!/bin/sh\necho "$*" >> '${log}'\n${refuse}exec '${realTar}' "$@"\n`);
  chmodSync(join(bin, 'tar'), 0o755);
  const folders = () => readFileSync(log, 'utf8').split('\n').filter(l => l.startsWith('-x')).map(l => l.replace(/^-x -C /, ''));
  // TMPDIR empty: the operator named no folder (os.tmpdir() is then /tmp).
  return { env: { PATH: `${bin}:${process.env.PATH}`, TMPDIR: '' }, folders };
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
