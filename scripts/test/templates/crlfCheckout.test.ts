import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

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
});
