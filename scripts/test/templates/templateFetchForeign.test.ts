import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; severity: string; file: string; message: string; range: { start: { line: number; column: number } } }

// Red team: a fetch:plain step copying https://github.com/evil-org/payload/tree/main/files into every new
// repository's .github/ passed check and report ("ready to merge"): Backstage copies whatever that repository
// holds, and nobody who reviews this one reviews it. A Location target there is location-target-foreign.
const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const template = (url: string) => `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: service\nspec:\n  type: service\n  owner: group:default/team-a\n  parameters:\n    - properties:\n        org: { type: string }\n  steps:\n    - id: fetch\n      action: fetch:plain\n      input:\n        url: ${url}\n        targetPath: ./.github\n`;

async function findings(url: string, config: boolean) {
  const root = await tempRepo({
    ...(config ? { 'gitops.config.yaml': "repoUrl: 'https://github.com/acme/control/blob/main/'\n" } : {}),
    'catalog-info.yaml': group,
    'templates/service/template.yaml': template(url),
    'skel/a.txt': 'a\n',
  });
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'remote', 'add', 'origin', 'https://github.com/acme/control.git');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  const check = await runBin(['check', '--format', 'json'], root);
  expect(check.stderr).toBe('');
  const found = (JSON.parse(check.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId.startsWith('template-fetch-'));
  return { status: check.status, found: found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column} ${d.severity}`), messages: found.map(d => d.message), root };
}

describe('check: a fetch:* url outside the organisation', () => {
  it('is an error with repoUrl in gitops.config.yaml, and report --base fails on it', async () => {
    const { status, found, messages, root } = await findings('https://github.com/evil-org/payload/tree/main/files', true);
    expect(found).toEqual(['template-fetch-foreign@templates/service/template.yaml:15:14 error']);
    expect(messages[0]).toBe('fetch:plain copies https://github.com/evil-org/payload/tree/main/files, a repository outside https://github.com/acme/, the organisation of repoUrl in gitops.config.yaml: once merged, Backstage copies whatever that repository holds, changed by whoever can push there, into every repository the template creates, and nobody who reviews this repository reviews it; neither the gate nor the offline render reads it.');
    expect(status).toBe(1);
    git(root, 'checkout', '-q', '--orphan', 'empty');
    git(root, 'rm', '-rqf', 'templates');
    git(root, 'commit', '-qm', 'no templates');
    git(root, 'checkout', '-q', 'main');
    const added = await runBin(['report', '--base', 'empty', '--format', 'json'], root);
    expect(added.stdout).toContain('template-fetch-foreign');
    expect(added.status).toBe(1);
  }, 120_000);

  it('is a warning without gitops.config.yaml (the organisation is the origin\'s, a guess); another host is outside too', async () => {
    expect((await findings('https://github.com/evil-org/payload/tree/main/files', false)).found).toEqual(['template-fetch-foreign@templates/service/template.yaml:15:14 warning']);
    expect((await findings('https://gitlab.example.com/acme/control/-/tree/main/skel', true)).found).toEqual(['template-fetch-foreign@templates/service/template.yaml:15:14 error']);
  }, 120_000);

  it('says nothing of a relative url, another repository of the organisation or an owner an expression chooses; this repository by repo.git/tree/<other ref> is another revision (an error with gitops.config.yaml)', async () => {
    for (const url of ['../../skel', 'https://github.com/Acme/skeletons/tree/main/node', 'https://github.com/${{ parameters.org }}/skeletons/tree/main/node', 'https://github.com/${{ parameters.org }}']) {
      expect((await findings(url, true)).found, url).toEqual([]);
    }
    expect((await findings('https://github.com/acme/control.git/tree/evil-branch/skel', true)).found).toEqual(['template-fetch-other-revision@templates/service/template.yaml:15:14 error']);
    // Without gitops.config.yaml the reviewed branch is the checkout's, a guess: a warning.
    expect((await findings('https://github.com/acme/control.git/tree/evil-branch/skel', false)).found).toEqual(['template-fetch-other-revision@templates/service/template.yaml:15:14 warning']);
  }, 120_000);

  // Tester: `url: https://github.com/acme/control` (a day-2 template fetching its own repository) was an
  // error: a url without a ref (or at HEAD) reads the default branch (GithubUrlReader asks the host for it),
  // the branch repoUrl names. A ref explicitly different keeps the error, with a hint that fits the url.
  it('says nothing of this repository without a ref or at HEAD; another ref gets a hint naming the reviewed branch in its place', async () => {
    for (const url of ['https://github.com/acme/control', 'https://github.com/acme/control.git', 'https://github.com/acme/control/tree/HEAD/skel']) {
      expect((await findings(url, true)).found, url).toEqual([]);
    }
    const root = await findings('https://github.com/acme/control/tree/v1', true);
    expect(root.found).toEqual(['template-fetch-other-revision@templates/service/template.yaml:15:14 error']);
    const check = await runBin(['check', '--format', 'json'], root.root);
    const hints = (JSON.parse(check.stdout) as { diagnostics: (Finding & { hint: string })[] }).diagnostics.filter(d => d.ruleId === 'template-fetch-other-revision').map(d => d.hint);
    expect(hints).toEqual(['Name main, the reviewed branch, in its place (https://github.com/acme/control/tree/main), so Backstage copies the reviewed files.']);
    const folder = await findings('https://github.com/acme/control/tree/v1/skel', true);
    expect(folder.messages[0]).toContain('this repository at "v1", another branch, tag or commit than main');
  }, 120_000);
});
