import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Fresh user: a GitHub Actions checkout of a pull request's branch (origin set, on pr-branch, no local main,
// no origin/HEAD) took pr-branch for the branch Backstage reads, so every `$text: …/blob/main/…` of the same
// repository was "another revision than the one the catalog is read from (…/blob/pr-branch/)".
const component = (ref: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  description:\n    $text: https://github.com/acme/svc/blob/${ref}/README.md\nspec:\n  type: service\n  lifecycle: production\n  owner: user:guest\n`;
type Finding = { ruleId: string; severity: string; message: string };

async function ciCheckout() {
  const root = await tempRepo({ 'catalog-info.yaml': component('main'), 'README.md': 'hello' });
  const git = (...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=a@b', '-c', 'user.name=a', ...args]);
  git('init', '-q', '-b', 'pr-branch');
  git('remote', 'add', 'origin', 'https://github.com/acme/svc.git');
  git('add', '-A');
  git('commit', '-qm', 'change');
  // What actions/checkout fetches: the one branch, as origin's.
  git('update-ref', 'refs/remotes/origin/pr-branch', 'HEAD');
  return root;
}

async function placeholders(root: string, env: Record<string, string> = {}) {
  const run = await runBin(['check', '--format', 'json'], root, env);
  return (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId.startsWith('placeholder-'));
}
const ids = (found: Finding[]) => found.map(d => `${d.ruleId} ${d.severity}`);

describe('the default branch of a checkout without gitops.config.yaml', () => {
  it('unknown (a pull request branch, no origin/HEAD, no main): no URL is called another revision', async () => {
    const root = await ciCheckout();
    expect(ids(await placeholders(root))).toEqual(['placeholder-not-read info']);
    writeFileSync(join(root, 'catalog-info.yaml'), component('develop'));
    expect(ids(await placeholders(root))).toEqual(['placeholder-not-read info']);
    await rm(root, { recursive: true, force: true });
  }, 60_000);

  it('from the GitHub event (repository.default_branch), GITHUB_BASE_REF or Azure\'s SYSTEM_PULLREQUEST_TARGETBRANCH of this repository', async () => {
    const root = await ciCheckout();
    const event = join(root, '..', `event-${Date.now()}.json`);
    writeFileSync(event, JSON.stringify({ repository: { full_name: 'acme/svc', default_branch: 'main' } }));
    const github = { GITHUB_ACTIONS: 'true', GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: 'acme/svc' };
    // main is the catalog's branch: read from the checkout.
    expect(ids(await placeholders(root, github))).toEqual([]);
    expect(ids(await placeholders(root, { GITHUB_BASE_REF: 'main', GITHUB_REPOSITORY: 'acme/svc' }))).toEqual([]);
    expect(ids(await placeholders(root, { SYSTEM_PULLREQUEST_TARGETBRANCH: 'refs/heads/main', BUILD_REPOSITORY_NAME: 'acme/svc' }))).toEqual([]);
    // The pull request's own branch is another revision than main.
    writeFileSync(join(root, 'catalog-info.yaml'), component('pr-branch'));
    const other = await placeholders(root, github);
    expect(ids(other)).toEqual(['placeholder-other-revision warning']);
    expect(other[0].message).toContain('the one the catalog is read from (https://github.com/acme/svc/blob/main/)');
    await rm(root, { recursive: true, force: true });
    await rm(event, { force: true });
  }, 90_000);

  it('refuses what the environment says of another repository, or a name git would refuse as a branch', async () => {
    const root = await ciCheckout();
    writeFileSync(join(root, 'catalog-info.yaml'), component('pr-branch'));
    const event = join(root, '..', `event-${Date.now()}.json`);
    const unknown = ['placeholder-not-read info'];
    for (const [repository, branch] of [['other/repo', 'main'], ['acme/svc', 'main..pr-branch'], ['acme/svc', '-main'], ['acme/svc', 'main.lock'], ['acme/svc', 'a b'], ['acme/svc', `a${'b'.repeat(300)}`]]) {
      writeFileSync(event, JSON.stringify({ repository: { full_name: repository, default_branch: branch } }));
      expect(ids(await placeholders(root, { GITHUB_EVENT_PATH: event })), `${repository} ${branch.slice(0, 20)}`).toEqual(unknown);
    }
    expect(ids(await placeholders(root, { GITHUB_BASE_REF: 'main', GITHUB_REPOSITORY: 'other/repo' }))).toEqual(unknown);
    expect(ids(await placeholders(root, { SYSTEM_PULLREQUEST_TARGETBRANCH: 'refs/pull/1/merge', BUILD_REPOSITORY_NAME: 'acme/svc' }))).toEqual(unknown);
    // A known branch still calls pr-branch another revision (origin/HEAD, as a clone records it).
    execFileSync('git', ['-C', root, 'update-ref', 'refs/remotes/origin/main', 'HEAD']);
    execFileSync('git', ['-C', root, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main']);
    expect(ids(await placeholders(root))).toEqual(['placeholder-other-revision warning']);
    await rm(root, { recursive: true, force: true });
    await rm(event, { force: true });
  }, 120_000);
});
