import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, pullRequestRepo } from '../helpers/gitRepo.ts';
import { runBin } from './runBin.ts';

// Red team, session 47: a token committed in one commit of a pull request and replaced in the next passed
// `report --base main` (exit 0): only the net diff was scanned, while the host keeps every pushed commit and a
// merge commit carries it into main. Built at run time, so that this file holds no token.
const TOKEN = ['ghp', 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2zA4'].join('_');

const location = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./team.yaml]\n';
const team = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const base = { 'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n', 'catalog/all.yaml': location, 'catalog/team.yaml': team, 'docs/index.md': '# Docs\n' };

type Found = { ruleId: string; file: string; message: string; hint?: string; range: { start: { line: number } } };
const findings = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Found[] }).diagnostics.filter(d => d.ruleId.startsWith('secret-'));

function write(root: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
}

function commit(root: string, files: Record<string, string>, message: string): string {
  write(root, files);
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', message);
  return git(root, 'rev-parse', 'HEAD').trim();
}

describe('secret scan of a pull request reads every commit, not only the net diff', () => {
  it('a token written in one commit and replaced, a file added and deleted, and a link retargeted fail check --base and report --base, each in the commit that wrote it', async () => {
    const root = await pullRequestRepo(base, { 'docs/index.md': `# Docs\n\nDeploy token: ${TOKEN}\n` });
    const first = git(root, 'rev-parse', 'HEAD').trim();
    symlinkSync(`https://x:${TOKEN}@example.com`, join(root, 'docs/link'));
    write(root, { 'docs/tmp.txt': `token=${TOKEN}\n` });
    const second = commit(root, {}, 'more');
    rmSync(join(root, 'docs/tmp.txt'));
    rmSync(join(root, 'docs/link'));
    symlinkSync('index.md', join(root, 'docs/link'));
    commit(root, { 'docs/index.md': '# Docs\n\nDeploy token: ask the platform team\n' }, 'remove the token');
    const result = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(result.status, result.stderr).toBe(1);
    const found = findings(result.stdout);
    // At the file's start: the line the version had may hold anything now, or the file be gone; the message says it.
    expect(found.map(d => `${d.ruleId} ${d.file}:${d.range.start.line} ${d.message.slice(0, 43)}`).sort()).toEqual([
      `secret-written docs/index.md:1 In commit ${first.slice(0, 12)} of this pull request`,
      `secret-written docs/link:1 In commit ${second.slice(0, 12)} of this pull request`,
      `secret-written docs/tmp.txt:1 In commit ${second.slice(0, 12)} of this pull request`,
    ]);
    expect(found.find(d => d.file === 'docs/index.md')?.message).toContain('at line 3, column 15 of that version');
    expect(found[0].hint).toMatch(/git rebase -i/);
    const report = await runBin(['report', '--base', 'main'], root);
    expect(report.status).toBe(1);
    expect(report.stdout).toContain('In commit');
    for (const output of [result, report]) expect(`${output.stdout}${output.stderr}`).not.toContain(TOKEN.slice(4, 16));
  }, 120_000);

  // Reviewer, session 47: a token in a path only an earlier commit wrote (renamed since), and a merge commit's
  // own resolution, were not read.
  it("a token in a file name an earlier commit wrote and a later one renamed, and one a merge's resolution wrote: each said in its commit", async () => {
    const named = `docs/${TOKEN}.md`;
    const root = await pullRequestRepo(base, { [named]: '# Notes\n' });
    const first = git(root, 'rev-parse', 'HEAD').trim();
    git(root, 'mv', named, 'docs/notes.md');
    git(root, 'commit', '-qm', 'rename');
    git(root, 'checkout', '-q', 'main');
    commit(root, { 'docs/index.md': '# Docs\n\nmain\n' }, 'main edits');
    git(root, 'checkout', '-q', 'pr');
    write(root, { 'docs/index.md': '# Docs\n\npr\n' });
    commit(root, {}, 'pr edits');
    try {
      git(root, 'merge', '-q', 'main');
    } catch {
      // The conflict the merge commit resolves, with a token, then without it in the next commit.
    }
    write(root, { 'docs/index.md': `# Docs\n\nmerged: ${TOKEN}\n` });
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'merge main');
    const merge = git(root, 'rev-parse', 'HEAD').trim();
    commit(root, { 'docs/index.md': '# Docs\n\nmerged\n' }, 'clean');
    const result = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(result.status, result.stderr).toBe(1);
    expect(findings(result.stdout).map(d => `${d.file.includes(TOKEN.slice(4)) ? 'docs/<token>.md' : d.file} ${d.message.slice(0, 43)}`).sort()).toEqual([
      `docs/<token>.md In commit ${first.slice(0, 12)} of this pull request`,
      `docs/index.md In commit ${merge.slice(0, 12)} of this pull request`,
    ]);
    // The path itself is shown, as a current file's path with a token is (the pull request shows it too).
  }, 120_000);

  it("a token the base holds, merged into the pull request from main, and a pull request that never held one: no finding", async () => {
    const root = await pullRequestRepo(base, { 'catalog/team.yaml': team.replace('children: []', 'children: []\n  profile:\n    displayName: Team A') });
    git(root, 'checkout', '-q', 'main');
    commit(root, { 'docs/ops.md': `# Ops\n\nLegacy token: ${TOKEN} <!-- secretlint-disable-line -->\n` }, 'main moves on');
    commit(root, { 'docs/ops.md': '# Ops\n' }, 'main cleans up');
    git(root, 'checkout', '-q', 'pr');
    git(root, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'merge', '-q', '--no-edit', 'main');
    const result = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(findings(result.stdout)).toEqual([]);
    expect(result.status, result.stdout).toBe(0);
  }, 120_000);

  // Red team, session 47 (second round): a later commit made the file a submodule entry naming the token blob's id
  // (a fresh checkout leaves an empty folder); a base fetched with --depth=1 made the base's history look the PR's.
  it("a file turned into a submodule entry naming its own blob is still read in the commit that wrote it", async () => {
    const root = await pullRequestRepo(base, { 'docs/x.md': `token: ${TOKEN}\n` });
    const first = git(root, 'rev-parse', 'HEAD').trim();
    const blob = git(root, 'rev-parse', 'HEAD:docs/x.md').trim();
    git(root, 'rm', '-q', '--cached', 'docs/x.md');
    rmSync(join(root, 'docs/x.md'));
    git(root, 'update-index', '--add', '--cacheinfo', `160000,${blob},docs/x.md`);
    git(root, 'commit', '-qm', 'gitlink');
    const clone = `${root}-clone`;
    git(root, 'clone', '-q', '--branch', 'pr', root, clone);
    git(clone, 'branch', '-q', 'main', 'origin/main');
    const result = await runBin(['check', '--base', 'main', '--format', 'json'], clone);
    expect(result.status, result.stderr).toBe(1);
    expect(findings(result.stdout).map(d => `${d.ruleId} ${d.file} ${d.message.slice(0, 22)}`)).toEqual([`secret-written docs/x.md In commit ${first.slice(0, 12)}`]);
  }, 120_000);

  it("a base fetched shallow, sharing no commit with the pull request, is secret-scan-incomplete, not the base's old token blamed on it", async () => {
    const origin = await pullRequestRepo(base, { 'docs/index.md': '# Docs\n\npr\n' });
    git(origin, 'checkout', '-q', 'main');
    commit(origin, { 'docs/old.md': `old: ${TOKEN}\n` }, 'old token');
    commit(origin, { 'docs/old.md': 'rotated\n' }, 'rotated');
    git(origin, 'checkout', '-q', 'pr');
    git(origin, 'rebase', '-q', 'main');
    git(origin, 'checkout', '-q', 'main');
    commit(origin, { 'docs/more.md': 'more\n' }, 'main moves on');
    git(origin, 'checkout', '-q', 'pr');
    const clone = `${origin}-prclone`;
    git(origin, 'clone', '-q', '--no-local', '--single-branch', '--branch', 'pr', `file://${origin}`, clone);
    git(clone, 'fetch', '-q', '--depth', '1', 'origin', 'main:main');
    const result = await runBin(['check', '--base', 'main', '--format', 'json'], clone);
    const found = findings(result.stdout);
    expect(found.map(d => d.ruleId)).toEqual(['secret-scan-incomplete']);
    expect(found[0].message).toMatch(/shallow/);
  }, 120_000);

  it('a shallow checkout cut inside the pull request is secret-scan-incomplete, not a pass', async () => {
    const origin = await pullRequestRepo(base, { 'docs/index.md': '# Docs\n\nOne\n' });
    commit(origin, { 'docs/index.md': '# Docs\n\nTwo\n' }, 'two');
    const clone = `${origin}-shallow`;
    git(origin, 'clone', '-q', '--no-local', '--depth', '1', '--branch', 'pr', `file://${origin}`, clone);
    git(clone, 'fetch', '-q', '--depth', '1', 'origin', 'main:main');
    const result = await runBin(['check', '--base', 'main', '--format', 'json'], clone);
    expect(result.status, result.stderr).toBe(1);
    expect(findings(result.stdout).map(d => d.ruleId)).toEqual(['secret-scan-incomplete']);
    expect(findings(result.stdout)[0].message).toMatch(/shallow.*fetch-depth: 0/);
  }, 120_000);
});
