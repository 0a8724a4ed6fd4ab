// Fresh user: a repository without gitops.config.yaml whose only Group a change deletes. With no Group left, the
// gate took the owner for one defined elsewhere ("this folder defines no group entities": a warning): the
// pre-commit hook's `check org.yaml` passed with "0 files", and `check --base HEAD` exited 0, though the change
// itself removed the owner (renaming the same Group was an error).
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

type Finding = { ruleId: string; severity: string; file: string; hint?: string };

describe('deleting the last Group of a repository without a config', () => {
  it('is an error wherever a reference still names it: the hook on the deleted file, --base, report --base', async () => {
    const root = await tempRepo({
      'org.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n',
      'svc.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: svc}\nspec: {type: service, lifecycle: production, owner: team-a}\n',
    });
    const git = (...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=a@b', '-c', 'user.name=a', ...args]);
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'base');
    git('rm', '-q', 'org.yaml');
    const found = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.severity} ${d.ruleId} ${d.file}`);

    const hook = await runBin(['check', 'org.yaml', '--format', 'json'], root);
    expect(found(hook.stdout)).toEqual(['error ref-unresolved svc.yaml']);
    expect((JSON.parse(hook.stdout) as { diagnostics: Finding[] }).diagnostics[0].hint).toContain("group:default/team-a was defined in org.yaml at HEAD, and the change to the files given removes or renames it: keep it, or change this reference to what replaces it in the same change (a pull request's `report --base` fails on it).");
    expect(hook.status).toBe(1);

    const base = await runBin(['check', '--base', 'HEAD', '--format', 'json'], root);
    expect(found(base.stdout)).toEqual(['error ref-unresolved svc.yaml']);
    expect(base.status).toBe(1);

    git('commit', '-qm', 'remove the team');
    const report = await runBin(['report', '--base', 'HEAD~1', '--format', 'json'], root);
    expect(found(report.stdout)).toEqual(['error ref-unresolved svc.yaml']);
    expect(report.status).toBe(1);
    await rm(root, { recursive: true, force: true });
  }, 120_000);
});
