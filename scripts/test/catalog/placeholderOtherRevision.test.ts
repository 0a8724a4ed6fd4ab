import { readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { commit, startPullRequest } from '../pr/prChange.ts';

// Red team: Backstage's assertSameRepository compares only the host and the repository of a placeholder
// URL, so it reads `…/backstage-control/blob/<any branch>/…` of this repository. The gate mapped only the
// configured revision (blob/main) to local files and called any other one "read by Backstage at ingestion"
// (info) with a stand-in value: a production website's PagerDuty id moved to a team's scratch branch passed
// the blocking hasPagerDuty check, "ready to merge", and could be emptied after the merge without review.
const FILE = 'catalog/systems/storefront/entities.yaml';
const OTHER = 'https://github.com/acme/backstage-control/blob';

type Finding = { ruleId: string; severity: string; file: string; message: string; hint: string };

describe('a placeholder URL into this repository at another revision', () => {
  it('is an error (locked) on every revision form; the configured one is read from the checkout as before', async () => {
    const root = await dataRepoCopy();
    startPullRequest(root);
    const original = readFileSync(join(root, FILE), 'utf8');
    const at = (ref: string) => original.replace(/pagerduty\.com\/service-id: "[^"]+"/, `pagerduty.com/service-id: {$text: ${OTHER}/${ref}/catalog/systems/storefront/pd.txt}`);
    writeFileSync(join(root, 'catalog/systems/storefront/pd.txt'), 'PA75690');
    for (const ref of ['web-team-scratch', 'HEAD', 'a'.repeat(40)]) {
      writeFileSync(join(root, FILE), at(ref));
      const run = await runBin(['check', '--format', 'json', '--today', '2026-11-23'], root);
      const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'placeholder-other-revision');
      expect(found.map(d => `${d.severity} ${d.file}`), ref).toEqual([`error ${FILE}`]);
      expect(found[0].message).toContain(`names a file of this repository at another revision than the one the catalog is read from (https://github.com/acme/backstage-control/blob/main/): ${OTHER}/${ref}/`);
      expect(run.status, ref).toBe(1);
    }
    // Through the pull request's report, as CI runs it.
    writeFileSync(join(root, FILE), at('web-team-scratch'));
    commit(root, 'pager duty id on a scratch branch');
    const report = await runBin(['report', '--base', 'main', '--today', '2026-11-23', '--format', 'json'], root);
    expect((JSON.parse(report.stdout).diagnostics as Finding[]).some(d => d.ruleId === 'placeholder-other-revision' && d.severity === 'error')).toBe(true);
    expect(report.status).toBe(1);
    // The configured revision (main) is this checkout's file: no finding.
    writeFileSync(join(root, FILE), at('main'));
    const main = await runBin(['check', '--format', 'json', '--today', '2026-11-23'], root);
    expect((JSON.parse(main.stdout).diagnostics as Finding[]).filter(d => d.ruleId.startsWith('placeholder-'))).toEqual([]);
    await rm(root, { recursive: true, force: true });
  }, 240_000);

  // Red team: the same revision by GitHub's tree/ form was called another revision (an error that cannot
  // be right), and this repository in other capitals, which Backstage refuses, was not told apart.
  it('the configured revision by tree/, raw/ or %-escapes is read from the checkout; other capitals, even climbed into, are the refusal Backstage makes', async () => {
    const component = (value: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  description:\n    $text: ${value}\nspec:\n  type: service\n  lifecycle: production\n  owner: user:guest\n`;
    const root = await tempRepo({ 'gitops.config.yaml': 'repoUrl: https://github.com/acme/svc/blob/main/\n', 'catalog-info.yaml': '', 'README.md': 'hello' });
    const placeholders = async (value: string) => {
      writeFileSync(join(root, 'catalog-info.yaml'), component(value));
      const run = await runBin(['check', '--format', 'json'], root);
      return (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId.startsWith('placeholder-'));
    };
    expect(await placeholders('https://github.com/acme/svc/tree/main/README.md')).toEqual([]);
    expect(await placeholders('https://github.com/acme/svc/raw/main/README.md')).toEqual([]);
    expect(await placeholders('https://github.com/ac%6De/svc/blob/main/README.md')).toEqual([]);
    // Backstage's assertSameRepository compares the resolved URL's owner and name as written, also when a
    // relative path climbs into them.
    for (const value of ['https://github.com/Acme/svc/blob/main/README.md', '../../../../Acme/svc/blob/main/README.md']) {
      const capitals = await placeholders(value);
      expect(capitals.map(d => `${d.ruleId} ${d.severity}`), value).toEqual(['placeholder-outside-repo error']);
      expect(capitals[0].message).toContain('names this repository in other capitals than repoUrl (https://github.com/acme/svc/blob/main/)');
    }
    // A relative path that climbs out of the branch (../HEAD/ from the root's blob/main/) stays an error as before.
    expect((await placeholders('../HEAD/README.md')).map(d => `${d.ruleId} ${d.severity}`)).toEqual(['placeholder-outside-repo error']);
    await rm(root, { recursive: true, force: true });
  }, 60_000);

  it('without gitops.config.yaml (repoUrl from the checkout\'s origin) it is a warning; another repository\'s URL stays as it was', async () => {
    const component = (value: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  description:\n    $text: ${value}\nspec:\n  type: service\n  lifecycle: production\n  owner: user:guest\n`;
    const root = await tempRepo({ 'catalog-info.yaml': component('https://github.com/acme/svc/blob/feature/README.md'), 'README.md': 'hello' });
    const { execFileSync } = await import('node:child_process');
    const git = (...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=a@b', '-c', 'user.name=a', ...args]);
    git('init', '-q', '-b', 'main');
    git('remote', 'add', 'origin', 'https://github.com/acme/svc.git');
    git('add', '-A');
    git('commit', '-qm', 'base');
    const run = await runBin(['check', '--format', 'json'], root);
    expect((JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId.startsWith('placeholder-')).map(d => `${d.ruleId} ${d.severity}`)).toEqual(['placeholder-other-revision warning']);
    writeFileSync(join(root, 'catalog-info.yaml'), component('https://github.com/other/repo/blob/main/README.md'));
    const other = await runBin(['check', '--format', 'json'], root);
    expect((JSON.parse(other.stdout).diagnostics as Finding[]).filter(d => d.ruleId.startsWith('placeholder-')).map(d => d.ruleId)).toEqual(['placeholder-outside-repo']);
    await rm(root, { recursive: true, force: true });
  }, 60_000);

  // Fresh user: a repository made with `git init` and pushed (or `git remote add` in CI) has no origin/HEAD; on a
  // feature branch the gate took that branch for the one Backstage reads and warned on every URL naming main.
  it('without origin/HEAD, a feature branch is not taken for the default branch: main (origin\'s, else the local one) is', async () => {
    const component = (ref: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  description:\n    $text: https://github.com/acme/svc/blob/${ref}/README.md\nspec:\n  type: service\n  lifecycle: production\n  owner: user:guest\n`;
    const root = await tempRepo({ 'catalog-info.yaml': component('main'), 'README.md': 'hello' });
    const { execFileSync } = await import('node:child_process');
    const git = (...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=a@b', '-c', 'user.name=a', ...args]);
    git('init', '-q', '-b', 'main');
    git('remote', 'add', 'origin', 'https://github.com/acme/svc.git');
    git('add', '-A');
    git('commit', '-qm', 'base');
    git('checkout', '-q', '-b', 'feature/x');
    const placeholders = async () => ((JSON.parse((await runBin(['check', '--format', 'json'], root)).stdout) as { diagnostics: Finding[] }).diagnostics).filter(d => d.ruleId.startsWith('placeholder-')).map(d => `${d.ruleId} ${d.severity}`);
    expect(await placeholders()).toEqual([]);
    // The feature branch's own name is another revision than main.
    writeFileSync(join(root, 'catalog-info.yaml'), component('feature/x'));
    expect(await placeholders()).toEqual(['placeholder-other-revision warning']);
    // origin's main, once fetched, wins over a local branch of another name.
    writeFileSync(join(root, 'catalog-info.yaml'), component('main'));
    git('branch', '-q', '-m', 'main', 'trunk');
    git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    expect(await placeholders()).toEqual([]);
    await rm(root, { recursive: true, force: true });
  }, 60_000);
});
