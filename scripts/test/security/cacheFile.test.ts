import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

const BIN = join(REPO_ROOT, 'scripts/bin/backstage-gitops.js');
const BAD_ENTITY = '---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: "Bad Name!!"}\nspec: {type: service, lifecycle: production, owner: group:default/platform}\n';

function check(root: string, cache: string, env: Record<string, string> = {}) {
  const child = spawnSync(process.execPath, [BIN, 'check', '--format', 'json', '--today', '2026-11-30', '--cache', cache], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr, signal: child.signal };
}

const errorCount = (stdout: string) => (JSON.parse(stdout) as { summary: { error: number } }).summary.error;

// The cache is trusted as the results of earlier runs: whoever writes it decides the report. A pull
// request must never be the one who writes it, nor make the toolkit overwrite something else with it.
describe('check --cache refuses a cache file a pull request could plant', () => {
  let root: string;
  let outside: string;
  beforeAll(async () => {
    root = await dataRepoCopy();
    outside = await mkdtemp(join(tmpdir(), 'gitops-cache-file-'));
  });

  it('a cache committed in the pull request (forged record of a clean run) is refused, exit 2, before anything is read from it', () => {
    // The attacker's recipe: a run over the clean tree records a clean report; the bad entity is added
    // afterwards, and the cache file is committed with the pull request at the path CI uses.
    const cache = '.cache/backstage-gitops-check.json';
    expect(check(root, cache).status).toBe(0);
    appendFileSync(join(root, 'catalog/platform/backstage-control.yaml'), BAD_ENTITY);
    git(root, 'add', '-f', '-A');
    git(root, 'commit', '-qm', 'pull request with a planted cache');
    const planted = check(root, cache);
    expect(planted.status).toBe(2);
    expect(planted.stdout).toBe('');
    expect(planted.stderr).toMatch(/--cache \.cache\/backstage-gitops-check\.json is a file the repository tracks/);
    expect(planted.stderr).not.toMatch(/\n\s+at /);
    // The same tree with the cache outside the checkout judges the entity.
    const honest = check(root, join(outside, 'check.json'));
    expect(honest.status).toBe(1);
    expect(errorCount(honest.stdout)).toBeGreaterThan(0);
    git(root, 'rm', '-q', '--cached', cache);
    git(root, 'commit', '-qm', 'drop the planted cache');
  });

  it('never overwrites a file that is not a cache (a catalog file given as --cache)', () => {
    const target = join(root, 'catalog/org/users.yaml');
    const before = readFileSync(target, 'utf8');
    const run = check(root, 'catalog/org/users.yaml');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/is not a cache file this toolkit wrote/);
    expect(readFileSync(target, 'utf8')).toBe(before);
  });

  it('a link (to /dev/zero), a FIFO or an oversized file is refused at once instead of hanging the job', () => {
    symlinkSync('/dev/zero', join(outside, 'zero.json'));
    spawnSync('mkfifo', [join(outside, 'fifo.json')]);
    writeFileSync(join(outside, 'huge.json'), '{"format":"backstage-gitops-run/1","run":null}\n');
    truncateSync(join(outside, 'huge.json'), 600 * 1024 * 1024);
    for (const [name, why] of [['zero.json', /is a symbolic link/], ['fifo.json', /is not a plain file/], ['huge.json', /is larger than 512 MB/]] as const) {
      const run = check(root, join(outside, name));
      expect(run.signal, name).toBeNull();
      expect(run.status, name).toBe(2);
      expect(run.stderr, name).toMatch(why);
    }
  });

  it('a cache under a linked folder of the repo is refused; an untracked cache inside the repo still works', () => {
    mkdirSync(join(outside, 'elsewhere'));
    symlinkSync(join(outside, 'elsewhere'), join(root, 'linked'));
    expect(check(root, 'linked/check.json').stderr).toMatch(/lies under a symbolic link inside the repository/);
    const local = check(root, '.cache/local.json');
    expect(local.stderr).toBe('');
    expect([0, 1]).toContain(local.status);
    expect(check(root, '.cache/local.json').stdout).toBe(local.stdout);
  });
});
