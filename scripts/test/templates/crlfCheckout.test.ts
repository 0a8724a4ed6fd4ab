import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { REPO_ROOT, tempRepo } from '../helpers/tempRepo.ts';

// A fresh user on Windows: Git for Windows checks out with core.autocrlf=true, every text file with CRLF.
// `templates test` failed every case (template-snapshot: "line 1 was …, now …\r") and `check` gave
// schema-stale and scorecard-config-stale, where CI's LF checkout passes; --update-snapshots then wrote
// snapshots with \r that failed on CI. Backstage reads the git host, which holds the LF blobs: the render
// reads skeleton files as git stores them, and generated files compare as git stores them.
describe('a CRLF checkout (core.autocrlf=true) of this repository, through the bin', () => {
  it('templates test, check, schema --check and codeowners --check find what CI finds on the LF checkout', async () => {
    const clone = join(await mkdtemp(join(tmpdir(), 'crlf-')), 'repo');
    const git = spawnSync('git', ['clone', '-q', '-c', 'core.autocrlf=true', REPO_ROOT, clone], { encoding: 'utf8' });
    expect(git.status, git.stderr).toBe(0);
    // Not vacuous: git did write CRLF into the skeletons, snapshots and generated files.
    for (const file of ['skeletons/node-service/package.json', 'templates/node-service/tests/default.snapshot.yaml', 'schemas/catalog-info.schema.json', 'backstage-config/app-config.tech-insights.yaml']) {
      expect(await readFile(join(clone, file), 'utf8'), file).toContain('\r\n');
    }
    const templates = await runBin(['templates', 'test', '--root', clone], clone, { NO_COLOR: '1' });
    expect(templates.stdout + templates.stderr).not.toContain('template-snapshot');
    expect(templates.status, templates.stdout).toBe(0);
    const check = await runBin(['check', '--root', clone, '--format', 'json'], clone);
    expect((JSON.parse(check.stdout).diagnostics as { ruleId: string }[]).map(d => d.ruleId)).toEqual([]);
    expect(check.status).toBe(0);
    for (const command of ['schema', 'codeowners']) {
      const verified = await runBin([command, '--check', '--root', clone], clone);
      expect(verified.status, `${command}: ${verified.stdout}${verified.stderr}`).toBe(0);
    }
    // Writing the snapshots again changes nothing git would commit.
    const updated = await runBin(['templates', 'test', '--root', clone, '--update-snapshots'], clone);
    expect(updated.status).toBe(0);
    const status = spawnSync('git', ['-C', clone, 'status', '--porcelain'], { encoding: 'utf8' });
    expect(status.stdout).toBe('');
  }, 180_000);

  // Red team: the skeleton folder went to `git ls-files --eol` as a pathspec, which git reads as a glob, and
  // each path it listed was rewritten at join(render folder, relative(folder, path)). A folder named `*/*/…/*`
  // matched a tracked copy of a runner file's absolute path, and the render rewrote that file on the runner.
  it('a skeleton folder named with glob characters rewrites nothing outside the render (literal pathspec, paths kept inside)', async () => {
    const victim = join(await mkdtemp(join(tmpdir(), 'victim-')), ...Array(30).fill('d'), 'x.txt');
    await mkdir(join(victim, '..'), { recursive: true });
    await writeFile(victim, 'l1\r\nl2\r\n');
    const stars = Array(30).fill('*').join('/');
    const template = `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: t\nspec:\n  type: service\n  owner: team-a\n  steps:\n    - id: fetch\n      action: fetch:plain\n      input:\n        url: ../../${stars}\n`;
    const mirror = victim.slice(1);
    const root = await tempRepo({
      '.gitattributes': '* text eol=crlf\n',
      'templates/t/template.yaml': template,
      'templates/t/tests/a.yaml': 'name: a\nvalues: {}\nsnapshot: false\n',
      [`${stars}/a.txt`]: 'a\n',
      [mirror]: 'l1\nl2\n',
    });
    for (const args of [['init', '-q'], ['add', '-A'], ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'base']]) {
      const git = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
      expect(git.status, git.stderr).toBe(0);
    }
    // The tracked copy as a CRLF checkout has it: git lists it as i/lf w/crlf.
    await writeFile(join(root, mirror), 'l1\r\nl2\r\n');
    expect(spawnSync('git', ['-C', root, 'ls-files', '--eol', '--', mirror], { encoding: 'utf8' }).stdout).toMatch(/^i\/lf\s+w\/crlf/);
    const run = await runBin(['templates', 'test', '--root', root], root, { NO_COLOR: '1' });
    expect(run.stdout + run.stderr).not.toContain('internal error');
    expect(await readFile(victim, 'utf8')).toBe('l1\r\nl2\r\n');
  }, 120_000);
});
