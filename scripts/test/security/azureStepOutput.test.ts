import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

// Red team, round 15: the Azure agent acts on `##vso[` anywhere in a step's output. The gate job's first
// script step, `git worktree add`, printed "HEAD is now at <sha> <subject>" of the target branch's tip, whose
// subject Azure writes as "Merged PR <id>: <title>": a pull request title became a logging command in every
// later pull request's gate job (task.setvariable of GITOPS_BASE_REF=HEAD compared each one with itself;
// task.prependpath put a folder of the checkout before `node` in the step that holds the access token).
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, '-c', 'user.email=ci@example.test', '-c', 'user.name=ci', ...args], { encoding: 'utf8' });

describe('the Azure gate job prints nothing of the repository before the toolkit runs', () => {
  it('the worktree step does not echo the target tip\'s commit subject', () => {
    const pipeline = parse(readFileSync(join(REPO_ROOT, 'pipelines/pr-validation.yml'), 'utf8')) as { jobs: { job: string; steps: { script?: string }[] }[] };
    const step = pipeline.jobs.find(j => j.job === 'gate')!.steps.find(s => s.script?.includes('git worktree add'))!.script!;
    const upstream = mkdtempSync(join(tmpdir(), 'gitops-azure-upstream-'));
    git(upstream, 'init', '-q', '-b', 'main');
    writeFileSync(join(upstream, 'README.md'), '# toolkit\n');
    git(upstream, 'add', '-A');
    git(upstream, 'commit', '-qm', 'Merged PR 7: tidy ##vso[task.setvariable variable=GITOPS_BASE_REF]HEAD ##vso[task.prependpath]/tmp/evil');
    const checkout = mkdtempSync(join(tmpdir(), 'gitops-azure-checkout-'));
    execFileSync('git', ['clone', '-q', upstream, checkout]);
    const toolkit = join(mkdtempSync(join(tmpdir(), 'gitops-azure-agent-')), 'backstage-gitops-toolkit');
    // $(toolkit) is an Azure macro, expanded before the shell sees the line.
    const run = spawnSync('bash', ['-c', step.replaceAll('$(toolkit)', toolkit)], { cwd: checkout, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SYSTEM_PULLREQUEST_TARGETBRANCH: 'refs/heads/main' } });
    expect(run.status).toBe(0);
    expect(readFileSync(join(toolkit, 'README.md'), 'utf8')).toBe('# toolkit\n');
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/##vso\[/i);
  });
});
