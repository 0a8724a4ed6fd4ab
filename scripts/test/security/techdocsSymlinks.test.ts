import { mkdtempSync, renameSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';

// red24: repo-symlink knew a TechDocs site's docs only as docs/. The build copies mkdocs.yml's own docs_dir
// and, for legacyCopyReadmeMdToIndexMd, the site folder's README.md, and refuses a link out of the repository
// in either (copyDocs, copyReadmes): `docs_dir: pages` with `pages/leak.md -> /etc/hostname` passed the gate
// (exit 0, no finding) and failed main's publish after the merge.
const SITE = 'catalog/systems/orders/docs-site';

describe('repo-symlink: every folder and file a TechDocs build copies (check, through the bin)', () => {
  it('a link in a custom docs_dir and a README.md link at the site root are errors', async () => {
    const root = await dataRepoCopy();
    renameSync(join(root, SITE, 'docs'), join(root, SITE, 'pages'));
    writeFileSync(join(root, SITE, 'mkdocs.yml'), readFileSync(join(root, SITE, 'mkdocs.yml'), 'utf8').replace(/^(site_name: .*\n)/, '$1docs_dir: pages\n'));
    symlinkSync('/etc/hostname', join(root, SITE, 'pages/leak.md'));
    symlinkSync('/etc/hostname', join(root, SITE, 'README.md'));
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'docs_dir pages, with links out');
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).toBe('');
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string }[]).filter(d => d.ruleId === 'repo-symlink').map(d => d.file).sort();
    expect(found).toEqual([`${SITE}/README.md`, `${SITE}/pages/leak.md`]);
    expect(run.status).toBe(1);
  }, 120_000);

  // Red team, session 47: a link to a folder inside the repository passes the tree check (it leads nowhere
  // outside), and the build then failed on reading it as a page (EISDIR); copied as a link, MkDocs would walk
  // the whole repository root into the site, .git/config included.
  it('a link to a folder inside the repository fails techdocs build with one clear refusal, and check reports it', async () => {
    const root = await dataRepoCopy();
    symlinkSync('../../..', join(root, SITE, 'docs/all'));
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'docs link to a folder');
    const out = mkdtempSync(join(tmpdir(), 'gitops-site-'));
    const build = await runBin(['techdocs', 'build', '--out', out], root);
    expect(build.status).toBe(1);
    expect(`${build.stdout}${build.stderr}`).toContain(`${SITE}/docs/all is a symbolic link to a folder`);
    expect(`${build.stdout}${build.stderr}`).not.toMatch(/EISDIR|    at /);
    const run = await runBin(['check', '--format', 'json'], root);
    expect((JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string }[]).filter(d => d.ruleId === 'repo-symlink').map(d => d.file)).toEqual([`${SITE}/docs/all`]);
  }, 120_000);
});
