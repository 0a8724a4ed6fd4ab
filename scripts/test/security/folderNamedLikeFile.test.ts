import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { runBin } from './runBin.ts';

// Red team 33: a pull request that replaces a file the toolkit reads by name with a folder of that name. Node
// opens a folder and fails at the read with EISDIR and no path, so check and templates test stopped with
// "internal error: EISDIR: illegal operation on a directory, read".
async function withFolder(path: string): Promise<string> {
  const repo = await dataRepoCopy();
  rmSync(join(repo, path), { recursive: true, force: true });
  mkdirSync(join(repo, path), { recursive: true });
  writeFileSync(join(repo, path, 'keep'), 'x\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'a folder named like a file');
  return repo;
}

describe('a folder where the toolkit reads a file (shipped bin)', () => {
  it('.github/CODEOWNERS as a folder: check says codeowners-stale (GitHub skips a folder), exit 1', async () => {
    const result = await runBin(['check', '--format', 'json'], await withFolder('.github/CODEOWNERS'));
    expect(result.stderr).not.toContain('internal error');
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; file: string }[] }).diagnostics;
    expect(found.map(f => `${f.ruleId}@${f.file}`)).toContain('codeowners-stale@.github/CODEOWNERS');
    expect(result.status).toBe(1);
  }, 60_000);

  it('a backstageConfig file as a folder: one message naming it, exit 2', async () => {
    const result = await runBin(['check'], await withFolder('backstage-config/app-config.tech-insights.yaml'));
    expect(result.stderr).toMatch(/^backstage-gitops check: \S*backstage-config\/app-config\.tech-insights\.yaml is a folder where a file was expected\.\n$/);
    expect(result.status).toBe(2);
  }, 60_000);

  it("a case's snapshot as a folder: templates test says the snapshot is missing, exit 1", async () => {
    const result = await runBin(['templates', 'test', 'node-service', '--format', 'json'], await withFolder('templates/node-service/tests/default.snapshot.yaml'));
    expect(result.stderr).not.toContain('internal error');
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; message: string }[] }).diagnostics;
    expect(found.map(f => `${f.ruleId}: ${f.message}`)).toEqual(['template-snapshot: No snapshot yet: templates/node-service/tests/default.snapshot.yaml.']);
    expect(result.status).toBe(1);
  }, 60_000);
});
