// Red team: a tag named origin/main (anyone who may push a tag can make one) wins over the branch for the short
// name, so `report --base origin/main` compared the pull request with a commit of its author's choosing (the
// Azure pipeline also installed that commit's toolkit with the token). A short name that names two refs is now
// a usage error naming both; the full name works.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { commit, startPullRequest } from './prChange.ts';

describe('--base and --changed-since with a short name two refs share', () => {
  it('is one usage error (exit 2) naming both refs; the full ref name is judged as before', async () => {
    const root = await dataRepoCopy();
    git(root, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    startPullRequest(root);
    const file = join(root, 'catalog/systems/orders/entities.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/owner: [\w-]+/, 'owner: group:default/nobody-team'));
    commit(root, 'owner typo');
    git(root, 'tag', 'origin/main', 'HEAD');

    const [report, docs, check] = await Promise.all([
      runBin(['report', '--base', 'origin/main', '--today', '2026-11-23'], root),
      runBin(['techdocs', 'build', '--changed-since', 'origin/main'], root),
      runBin(['check', '--base', 'origin/main', '--today', '2026-11-23'], root),
    ]);
    for (const run of [report, docs, check]) {
      expect(run.status, run.stdout + run.stderr).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain('the revision origin/main is ambiguous: it names refs/tags/origin/main and refs/remotes/origin/main');
      expect(run.stderr).toContain('e.g. refs/remotes/origin/main');
    }
    const full = await runBin(['report', '--base', 'refs/remotes/origin/main', '--today', '2026-11-23', '--format', 'json'], root);
    expect(full.status, full.stderr).toBe(1);
    expect(full.stdout).toContain('nobody-team');
  }, 180_000);
});
