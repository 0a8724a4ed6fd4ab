import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheckAction } from '../helpers/ciRuns.ts';
import { git } from '../helpers/gitRepo.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// The check action writes its report and SARIF to a folder it makes under RUNNER_TEMP (the runner empties
// it after the job; later steps read the files its outputs name), or under os.tmpdir() without it. Tests
// that ran the bundle without RUNNER_TEMP left a backstage-gitops-* folder in /tmp each, and so would any
// run outside GitHub's runners: nothing removed it.

async function repo(): Promise<{ root: string; base: string }> {
  const root = await tempRepo({
    'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
    'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n',
  });
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  return { root, base: git(root, 'rev-parse', 'HEAD').trim() };
}

const workFolders = (dir: string) => readdirSync(dir).filter(name => name.startsWith('backstage-gitops-'));

describe("the check action's work folder", () => {
  it('is removed when the step ends without RUNNER_TEMP, and kept under RUNNER_TEMP for the steps after it', async () => {
    const { root, base } = await repo();
    const elsewhere = mkdtempSync(join(tmpdir(), 'no-runner-temp-'));
    const bare = await runCheckAction(root, base, { RUNNER_TEMP: '', TMPDIR: elsewhere });
    expect(bare.status).toBe(0);
    expect(workFolders(elsewhere)).toEqual([]);

    const runnerTemp = mkdtempSync(join(tmpdir(), 'runner-temp-'));
    const kept = await runCheckAction(root, base, { RUNNER_TEMP: runnerTemp });
    expect(kept.status).toBe(0);
    const [folder] = workFolders(runnerTemp);
    expect(readdirSync(join(runnerTemp, folder)).sort()).toEqual(['backstage-gitops-report.md', 'backstage-gitops.sarif', 'report.json']);
    expect(existsSync(join(runnerTemp, folder, 'backstage-gitops.sarif'))).toBe(true);
    expect(readFileSync(join(runnerTemp, folder, 'backstage-gitops-report.md'), 'utf8')).toContain('Backstage');
  }, 120_000);
});
