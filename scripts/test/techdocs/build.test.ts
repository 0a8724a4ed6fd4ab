import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEntities } from '../../src/scorecards/prepareScorecards.ts';
import { listRepoFiles } from '../../src/load/repoFiles.ts';
import { buildableSites } from '../../src/techdocs/techdocsSites.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

const BIN = join(REPO_ROOT, 'scripts/bin/backstage-gitops.js');

/** The shipped bin as a child process, with only what a CI job hands it. */
function bin(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', d => (stdout += d));
  child.stderr.on('data', d => (stderr += d));
  return new Promise(resolve => child.on('close', status => resolve({ status, stdout, stderr })));
}

const entity = (name: string, docs: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n    backstage.io/techdocs-ref: dir:${docs}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-docs\n`;
const TREE: Record<string, string> = {
  'gitops.config.yaml': 'repoUrl: https://example.test/repo/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
  'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./services.yaml]\n',
  'catalog/services.yaml': `${entity('service-a', './service-a')}---\n${entity('service-b', './service-b')}---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-docs\nspec:\n  type: team\n  children: []\n`,
  'catalog/service-a/mkdocs.yml': 'site_name: Service A\nstrict: true\nnav:\n  - Home: index.md\n  - Guide: guide.md\nplugins:\n  - techdocs-core\n',
  'catalog/service-a/docs/index.md': '# Service A\n\nSee the [guide](guide.md).\n',
  'catalog/service-a/docs/guide.md': '# Guide\n',
  'catalog/service-b/mkdocs.yml': 'site_name: Service B\nnav:\n  - Home: index.md\n',
  'catalog/service-b/docs/index.md': '# Service B\n',
};

const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { encoding: 'utf8' });

/** A repo with the tree committed on main and a pull-request branch checked out. */
async function pullRequest(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gitops-docs-pr-'));
  for (const [path, text] of Object.entries(TREE)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'docs');
  git(root, 'checkout', '-qb', 'change');
  return root;
}

async function change(root: string, files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) await writeFile(join(root, path), text);
  git(root, 'commit', '-qam', 'change');
}

const findings = (stdout: string) => (JSON.parse(stdout) as { diagnostics: { ruleId: string; file: string; range: { start: { line: number; column: number } }; message: string }[] }).diagnostics;

describe('techdocs build: the publish build, without publishing', () => {
  it("previews every site of this repo, built as publish builds it", async () => {
    const out = await mkdtemp(join(tmpdir(), 'gitops-preview-'));
    const { entities } = await loadEntities(REPO_ROOT);
    const sites = buildableSites(entities, new Set(await listRepoFiles(REPO_ROOT)));
    expect(sites.length).toBeGreaterThan(5);
    const result = await bin(['techdocs', 'build', '--out', out], REPO_ROOT);
    expect(result.status, result.stderr).toBe(0);
    // The log says loudly which techdocs-core plugin built the sites.
    expect(result.stderr).toMatch(/TechDocs builds use the real mkdocs-techdocs-core [\d.]+|mkdocs-techdocs-core is NOT installed .*STAND-IN/);
    // Entities sharing one mkdocs.yml are one build: the count agrees with the [i/n] lines that follow.
    const builds = new Set(sites.map(site => site.mkdocsFile)).size;
    expect(builds).toBeLessThan(sites.length);
    expect(result.stderr).toContain(`building ${builds} site(s) for ${sites.length} of ${sites.length} entities with TechDocs\n`);
    expect(result.stderr).toContain(`[${builds}/${builds}] `);
    for (const site of sites) {
      const dir = join(out, ...site.triplet.split('/'));
      expect(existsSync(join(dir, 'index.html')), site.triplet).toBe(true);
      const metadata = JSON.parse(readFileSync(join(dir, 'techdocs_metadata.json'), 'utf8'));
      expect(metadata.site_name, site.triplet).toEqual(expect.any(String));
      expect(metadata.etag).toBe(git(REPO_ROOT, 'rev-parse', 'HEAD').trim());
      expect(metadata.files).toContain('index.html');
    }
    await rm(out, { recursive: true, force: true });
  }, 240_000);

  it('fails a pull request whose nav points at a missing page (strict), on that nav entry, with MkDocs\' message; only changed sites build', async () => {
    const root = await pullRequest();
    await change(root, { 'catalog/service-a/mkdocs.yml': 'site_name: Service A\nstrict: true\nnav:\n  - Home: index.md\n  - Guide: guide.md\n  - Setup: setup.md\nplugins:\n  - techdocs-core\n' });
    const result = await bin(['techdocs', 'build', '--changed-since', 'main', '--format', 'json'], root);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toContain('building 1 site(s) for 1 of 2 entities with TechDocs changed since main');
    const found = findings(result.stdout);
    expect(found.map(f => `${f.ruleId}@${f.file}:${f.range.start.line}:${f.range.start.column}`)).toEqual(['techdocs-build-failed@catalog/service-a/mkdocs.yml:6:12']);
    expect(found[0].message).toContain("A relative path to 'setup.md' is included in the 'nav' configuration, which is not found in the documentation files");
    // The GitHub format turns it into an annotation on that line.
    const github = await bin(['techdocs', 'build', '--changed-since', 'main', '--format', 'github'], root);
    expect(github.stdout).toMatch(/^::error file=catalog\/service-a\/mkdocs\.yml,line=6,/m);
  }, 120_000);

  it('puts a broken link (strict) on the page and line MkDocs names', async () => {
    const root = await pullRequest();
    await change(root, { 'catalog/service-a/docs/guide.md': '# Guide\n\nRead the [runbook](runbook.md) first.\n' });
    const result = await bin(['techdocs', 'build', '--changed-since', 'main', '--format', 'json'], root);
    expect(result.status, result.stderr).toBe(1);
    const found = findings(result.stdout);
    expect(found.map(f => `${f.ruleId}@${f.file}:${f.range.start.line}`)).toEqual(['techdocs-build-failed@catalog/service-a/docs/guide.md:3']);
    expect(found[0].message).toContain("Documentation file 'guide.md' contains a link to 'runbook.md' which is not found in the documentation files.");
  }, 120_000);

  // red23: `git diff --name-only` detects renames and names only where a file went, so a page moved out of a
  // strict site left that site unbuilt (0 sites, exit 0) while main's publish failed on the link to it.
  it('builds a site a page was moved out of (a rename is a removal there), and fails it on the link to the page', async () => {
    const root = await pullRequest();
    git(root, 'mv', 'catalog/service-a/docs/guide.md', 'catalog/guide.md');
    git(root, 'commit', '-qm', 'move the guide');
    const result = await bin(['techdocs', 'build', '--changed-since', 'main', '--format', 'json'], root);
    expect(result.stderr).toContain('building 1 site(s) for 1 of 2 entities with TechDocs changed since main');
    expect(result.status, result.stderr).toBe(1);
    expect(findings(result.stdout).map(f => f.ruleId)).toContain('techdocs-build-failed');
  }, 120_000);

  it('reports an mkdocs.yml that does not parse at the line and column of the YAML error', async () => {
    const root = await pullRequest();
    await change(root, { 'catalog/service-b/mkdocs.yml': 'site_name: Service B\nnav:\n  - Home: index.md\ntheme: {name: material\n' });
    const result = await bin(['techdocs', 'build', '--changed-since', 'main', '--format', 'json'], root);
    expect(result.status, result.stderr).toBe(1);
    const found = findings(result.stdout);
    expect(found).toHaveLength(1);
    expect(found[0].file).toBe('catalog/service-b/mkdocs.yml');
    expect(found[0].range.start.line).toBeGreaterThanOrEqual(4);
    expect(found[0].message).toMatch(/^TechDocs cannot read mkdocs.yml: .*flow collection/);
  }, 120_000);

  it('shards the sites across jobs, and a change that touches no site builds nothing', async () => {
    const root = await pullRequest();
    const out = await mkdtemp(join(tmpdir(), 'gitops-preview-'));
    const second = await bin(['techdocs', 'build', '--shard', '2/2', '--out', out], root);
    expect(second.status, second.stderr).toBe(0);
    expect(await readdir(join(out, 'default/component'))).toEqual(['service-b']);
    await change(root, { 'gitops.config.yaml': `${TREE['gitops.config.yaml']}failOn: error\n` });
    const none = await bin(['techdocs', 'build', '--changed-since', 'main'], root);
    expect(none.status).toBe(0);
    expect(none.stderr).toContain('building 0 site(s) for 0 of 2 entities with TechDocs');
    const bad = await bin(['techdocs', 'build', '--changed-since', '--output=x'], root);
    expect(bad.status).toBe(2);
  }, 120_000);

  it('never writes a preview outside --out, whatever namespace a pull request gives its entity', async () => {
    const root = await pullRequest();
    await change(root, { 'catalog/services.yaml': TREE['catalog/services.yaml'].replace('  name: service-b\n', '  name: service-b\n  namespace: ..\n') });
    const parent = await mkdtemp(join(tmpdir(), 'gitops-preview-'));
    const out = join(parent, 'out');
    const result = await bin(['techdocs', 'build', '--out', out, '--format', 'json'], root);
    expect(result.status, result.stderr).toBe(1);
    expect(findings(result.stdout).map(f => f.message)).toEqual([expect.stringContaining('cannot name a folder under the output folder')]);
    expect(await readdir(parent)).toEqual(['out']);
    expect(await readdir(out)).toEqual(['default']);
  }, 120_000);

  it('says which techdocs-core plugin builds use, from the Python behind the mkdocs on PATH', async () => {
    const root = await pullRequest();
    const fake = await mkdtemp(join(tmpdir(), 'gitops-fake-mkdocs-'));
    // A mkdocs whose interpreter has mkdocs-techdocs-core 1.7.1, as the pip install gives it.
    await writeFile(join(fake, 'python'), '#!/bin/sh\necho 1.7.1\n', { mode: 0o755 });
    await writeFile(join(fake, 'mkdocs'), `#!${join(fake, 'python')}\n`, { mode: 0o755 });
    const real = await bin(['techdocs', 'build', '--shard', '3/3'], root, { PATH: `${fake}:${process.env.PATH}` });
    expect(real.stderr).toContain(`TechDocs builds use the real mkdocs-techdocs-core 1.7.1 (${join(fake, 'python')})`);
    const standIn = await bin(['techdocs', 'build', '--shard', '3/3'], root, { PATH: `${fake}-missing:${process.env.PATH}` });
    expect(standIn.stderr).toMatch(/WARNING: mkdocs-techdocs-core is NOT installed for \S+; TechDocs builds use the toolkit's STAND-IN plugin/);
  });

  it('installs the real plugin from PyPI where it can, and falls back loudly to Debian and the stand-in', () => {
    // PIP_NO_INDEX makes pip behave as on a runner that cannot reach PyPI.
    const venv = join(tmpdir(), `gitops-techdocs-venv-${process.pid}`);
    const result = spawnSync('sh', [join(REPO_ROOT, 'scripts/install-techdocs.sh')], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, PIP_NO_INDEX: '1', TECHDOCS_VENV: venv, GITHUB_ACTIONS: 'true' } });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain("TechDocs: PyPI is not reachable: MkDocs comes from Debian's packages and TechDocs builds use the toolkit's STAND-IN techdocs-core plugin");
    expect(result.stdout).toMatch(/^::warning title=TechDocs::PyPI is not reachable/m);
    expect(readFileSync(join(REPO_ROOT, 'scripts/techdocs-requirements.txt'), 'utf8')).toMatch(/^mkdocs-techdocs-core==\d+\.\d+\.\d+$/m);
    rmSync(venv, { recursive: true, force: true });
  }, 120_000);
});

describe('techdocs build takes --color / --no-color as check and templates do', () => {
  // Seen in a sweep: `techdocs build --no-color` stopped with "Unknown option '--no-color'" (exit 2).
  it('--no-color gives plain findings and --color coloured ones; neither is an unknown option', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gitops-docs-color-'));
    const tree = { ...TREE, 'catalog/services.yaml': `${entity('service-b', './service-b')}---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-docs\nspec:\n  type: team\n  children: []\n`, 'catalog/service-b/mkdocs.yml': 'site_name: Service B\ndocs_dir: missing\n' };
    for (const [path, content] of Object.entries(tree)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    }
    const plain = await bin(['techdocs', 'build', '--no-color'], root);
    expect(plain.stderr).not.toContain('Unknown option');
    expect(plain.status).toBe(1);
    expect(plain.stdout).toContain('mkdocs-docs-dir-missing');
    expect(plain.stdout).not.toContain('\u001b[');
    const coloured = await bin(['techdocs', 'build', '--color'], root);
    expect(coloured.status).toBe(1);
    expect(coloured.stdout).toContain('\u001b[');
    await rm(root, { recursive: true, force: true });
  }, 120_000);
  it('leaves no copy of the docs in the temporary folder: not after a refused site, a failed build, a built one, or a SIGTERM mid-build', async () => {
    const root = await pullRequest();
    const temporary = await mkdtemp(join(tmpdir(), 'gitops-docs-tmp-'));
    const left = async () => (await readdir(temporary)).filter(name => name.startsWith('gitops-'));
    // Refused before anything is built: a page pastes a host file.
    await change(root, { 'catalog/service-b/docs/index.md': '# Service B\n\n--8<-- "/etc/passwd"\n' });
    const refused = await bin(['techdocs', 'build', '--changed-since', 'main', '--format', 'json'], root, { TMPDIR: temporary });
    expect(refused.status, refused.stderr).toBe(1);
    expect(findings(refused.stdout).length).toBeGreaterThan(0);
    expect(await left()).toEqual([]);
    // Built by MkDocs, which fails it (strict, a nav entry at a missing page).
    await change(root, { 'catalog/service-b/docs/index.md': '# Service B\n', 'catalog/service-a/mkdocs.yml': 'site_name: Service A\nstrict: true\nnav:\n  - Home: index.md\n  - Setup: setup.md\nplugins:\n  - techdocs-core\n' });
    const failed = await bin(['techdocs', 'build', '--changed-since', 'main', '--format', 'json'], root, { TMPDIR: temporary });
    expect(failed.status, failed.stderr).toBe(1);
    expect(findings(failed.stdout).map(f => f.ruleId)).toContain('techdocs-build-failed');
    expect(await left()).toEqual([]);
    // Built and kept in --out: the temporary copy still goes.
    const out = join(temporary, 'out');
    const built = await bin(['techdocs', 'build', '--shard', '2/2', '--out', out], root, { TMPDIR: temporary });
    expect(built.status, built.stderr).toBe(0);
    expect(await left()).toEqual([]);
    // Ended by a CI time limit while MkDocs runs.
    const child = spawn(process.execPath, [BIN, 'techdocs', 'build'], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: temporary } });
    let stderr = '';
    child.stderr.on('data', d => (stderr += d));
    const ended = new Promise<NodeJS.Signals | null>(resolve => child.on('close', (_code, signal) => resolve(signal)));
    // MkDocs runs once the site's copy is made; the sanitizer's folder before it is covered the same way.
    const building = async () => (await left()).some(name => name.startsWith('gitops-techdocs-'));
    for (let i = 0; i < 600 && !(await building()); i++) await new Promise(r => setTimeout(r, 25));
    expect(await building(), stderr).toBe(true);
    child.kill('SIGTERM');
    expect(await ended).toBe('SIGTERM');
    expect(await left()).toEqual([]);
    await rm(temporary, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  }, 180_000);
});
