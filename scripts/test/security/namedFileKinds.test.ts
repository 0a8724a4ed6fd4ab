import { mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { runBin } from './runBin.ts';

// Red team 36: files the toolkit opens by a name it computes or that the repository gives (a policy file of
// catalog.policies, CODEOWNERS), not by a listing that said "regular file". A pull request commits such a name
// as a link to a device, a file of the machine, or as a folder.

/** The data repo with `path` replaced, committed on a pull request branch. */
async function pullRequest(change: (repo: string) => void): Promise<string> {
  const repo = await dataRepoCopy();
  git(repo, 'checkout', '-q', '-b', 'pr');
  change(repo);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'hostile names');
  return repo;
}

const POLICY = 'schemas/policy/tag-format.schema.json';

function replaceWith(repo: string, path: string, kind: 'link' | 'folder', target = ''): void {
  rmSync(join(repo, path), { recursive: true, force: true });
  if (kind === 'link') symlinkSync(target, join(repo, path));
  else {
    mkdirSync(join(repo, path));
    writeFileSync(join(repo, path, 'keep'), 'x\n');
  }
}

describe('a policy file of catalog.policies that is no regular file: check --cache stops as check does (shipped bin)', () => {
  // The cache key hashed every policy file with readFileSync before loadPolicies refused the link: /dev/zero
  // never ends, and /dev/stdin waits for a writer the CI job keeps open (the pipe runBin gives is never closed).
  for (const target of ['/dev/zero', '/dev/stdin']) {
    it(`${POLICY} -> ${target}: one exit-2 message naming the link, the same with and without --cache`, async () => {
      const repo = await pullRequest(r => replaceWith(r, POLICY, 'link', target));
      const cacheDir = await mkdtemp(join(tmpdir(), 'gitops-cache-'));
      const plain = await runBin(['check'], repo, {}, 30_000);
      const cached = await runBin(['check', '--cache', join(cacheDir, 'check.json')], repo, {}, 30_000);
      expect(plain.stderr).toBe(`backstage-gitops check: ${POLICY} is a symbolic link (or lies in a linked folder) that leads outside the repository; it is not read.\n`);
      expect(plain.status).toBe(2);
      expect({ status: cached.status, stderr: cached.stderr }).toEqual({ status: 2, stderr: plain.stderr });
      expect(cached.milliseconds).toBeLessThan(20_000);
    }, 90_000);
  }

  it(`${POLICY} as a folder: the same message with and without --cache`, async () => {
    const repo = await pullRequest(r => replaceWith(r, POLICY, 'folder'));
    const cacheDir = await mkdtemp(join(tmpdir(), 'gitops-cache-'));
    const plain = await runBin(['check'], repo, {}, 30_000);
    const cached = await runBin(['check', '--cache', join(cacheDir, 'check.json')], repo, {}, 30_000);
    expect(plain.stderr).toContain('tag-format.schema.json is a folder where a file was expected.');
    expect(plain.status).toBe(2);
    expect({ status: cached.status, stderr: cached.stderr }).toEqual({ status: plain.status, stderr: plain.stderr });
  }, 90_000);
});

describe('a CODEOWNERS that is a link out of the repository is read by no command (shipped bin)', () => {
  // GitHub reads the first of .github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS that is a file. The scorecards
  // found it with statSync (through the link) and read it: the job's environment scored as code owners.
  const env = { LEAKED_LINES: '\n* @acme/from-the-environment\n' };

  it('CODEOWNERS -> /proc/self/environ: scorecards score coverage as with no CODEOWNERS at all', async () => {
    const none = await pullRequest(r => rmSync(join(r, '.github/CODEOWNERS')));
    const linked = await pullRequest(r => (rmSync(join(r, '.github/CODEOWNERS')), symlinkSync('/proc/self/environ', join(r, 'CODEOWNERS'))));
    const withoutFile = await runBin(['scorecards', '--format', 'json'], none, env, 60_000);
    const throughLink = await runBin(['scorecards', '--format', 'json'], linked, env, 60_000);
    expect(withoutFile.status).toBe(0);
    expect(throughLink.stdout).toBe(withoutFile.stdout);
    expect(throughLink.status).toBe(withoutFile.status);
  }, 120_000);
});

describe("the base revision's files are read as regular files only (shipped bin)", () => {
  // report extracts the base with git archive and tar, links kept: the snapshot of a case the pull request
  // touches was read with existsSync and readFileSync, so a base whose snapshot is a link to /dev/zero (one
  // merge past its repo-symlink finding) held every later pull request's report until the job's time limit.
  it('a base snapshot -> /dev/zero: report finishes and calls the case new', async () => {
    const repo = await dataRepoCopy();
    replaceWith(repo, 'templates/go-service/tests/default.snapshot.yaml', 'link', '/dev/zero');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'a snapshot link on the base');
    git(repo, 'checkout', '-q', '-b', 'pr');
    writeFileSync(join(repo, 'skeletons/go-service/main.go'), '// changed\n', { flag: 'a' });
    git(repo, 'commit', '-qam', 'a skeleton change');
    const result = await runBin(['report', '--base', 'main'], repo, {}, 60_000);
    expect(result.stderr).not.toContain('internal error');
    expect(result.stdout).toContain('<code>default.yaml</code>: fails (<code>repo-symlink</code>, under Findings); new case (no snapshot on <code>main</code>)');
    expect(result.status).toBe(1);
  }, 120_000);
});

describe('a named file too large to read: one clear message, exit 2 (shipped bin)', () => {
  // readNamed (the org policies, app-config, the toolkit's JSON files) used readFileSync, which refuses a file
  // over 2 GiB with a RangeError: "internal error: File size (3221225472) is greater than 2 GiB". A sparse
  // file in the checkout (not committed: git would read all of it) stands for it.
  for (const file of ['schemas/policy/huge.schema.json', 'backstage-config/app-config.yaml']) {
    it(`${file} of 3 GiB`, async () => {
      const repo = await dataRepoCopy();
      writeFileSync(join(repo, file), '');
      truncateSync(join(repo, file), 3 * 1024 ** 3);
      const result = await runBin(['check'], repo, {}, 60_000);
      expect(result.stderr).toBe(`backstage-gitops check: ${join(repo, file)} is too large to be a file of this repository (over 1 GB).\n`);
      expect(result.status).toBe(2);
    }, 90_000);
  }
});

describe('a generated file too large to read is not read whole (shipped bin)', () => {
  // The CODEOWNERS gate read the committed file with readFileSync(path, 'utf8'), which reads a file of 3 GiB
  // whole (17 s alone on the CI-sized machine, more under load) before it fails to make one string of it.
  it('.github/CODEOWNERS of 3 GiB: codeowners-stale at once, exit 1', async () => {
    const repo = await dataRepoCopy();
    truncateSync(join(repo, '.github/CODEOWNERS'), 3 * 1024 ** 3);
    const result = await runBin(['check', '--format', 'json'], repo, {}, 60_000);
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; file: string }[] }).diagnostics;
    expect(found.map(f => `${f.ruleId}@${f.file}`)).toEqual(['codeowners-stale@.github/CODEOWNERS']);
    expect(result.status).toBe(1);
    expect(result.milliseconds).toBeLessThan(12_000);
  }, 90_000);
});

describe('check --cache over a file of more than 2 GiB judges what check judges (shipped bin)', () => {
  // The --cache walk reads every file into one shared buffer, grown by doubling: a 3 GiB file grew it to 4 GiB,
  // and the room each later read asked for (4 GiB, past readSync's 32-bit length) wrapped to 0. Every file after
  // it in name order read as empty and was keyed and judged so: templates/all.yaml listed no template, and all
  // six were location-unreachable under --cache only. Slow by nature (the walk reads the 3 GiB).
  it('a sparse mkdocs.yml of 3 GiB: the same findings with and without --cache', async () => {
    const repo = await dataRepoCopy();
    truncateSync(join(repo, 'mkdocs.yml'), 3 * 1024 ** 3);
    const cacheDir = await mkdtemp(join(tmpdir(), 'gitops-cache-'));
    const plain = await runBin(['check', '--format', 'json'], repo, {}, 120_000);
    const cached = await runBin(['check', '--format', 'json', '--cache', join(cacheDir, 'check.json')], repo, {}, 120_000);
    const findings = (stdout: string) => (JSON.parse(stdout) as { diagnostics: { ruleId: string; file: string }[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`);
    expect(findings(plain.stdout)).toContain('yaml-file-too-large@mkdocs.yml');
    expect(findings(cached.stdout)).toEqual(findings(plain.stdout));
    expect(cached.status).toBe(plain.status);
  }, 300_000);
});
