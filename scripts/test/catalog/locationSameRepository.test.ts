import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// An absolute Location target into this very repository at another branch makes Backstage read content no
// pull request to the reviewed branch ever shows (red team 15): it is named, not filed as "outside".

interface Finding { ruleId: string; severity: string; file: string; message: string; range: { start: { line: number } } }
const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-a\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n`;

async function externalFindings(repoUrl: string, targets: string[]) {
  const root = await tempRepo({
    'gitops.config.yaml': `repoUrl: ${repoUrl}\ncatalog:\n  roots: [catalog/all.yaml]\n`,
    'catalog/all.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets:\n${targets.map(t => `    - ${t}\n`).join('')}`,
    'catalog/a.yaml': component('a'),
  });
  const run = await runBin(['check', '--format', 'json'], root);
  expect(run.stderr).toBe('');
  return (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'location-target-external' || d.ruleId === 'location-target-other-revision').map(d => `${d.ruleId === 'location-target-external' ? '' : `${d.ruleId} `}${d.severity}@${d.range.start.line}: ${d.message}`);
}

describe('check: an absolute Location target into this repository', () => {
  // Whoever can push a branch (a pull request's author can) then puts any entity into the catalog unreviewed:
  // an error with repoUrl set, as template-fetch-other-revision is (it was a warning, which passes the gate).
  it('GitHub: another branch is an error, another repository an info, the repoUrl form and the reviewed branch by a tree/ URL are followed', async () => {
    const found = await externalFindings('https://github.com/acme/control/blob/main/', [
      './a.yaml',
      'https://github.com/acme/control/blob/unreviewed/catalog/x.yaml',
      'https://github.com/ACME/Control/blob/feature/evil/catalog/x.yaml',
      'https://github.com/acme/control/tree/main/catalog/a.yaml',
      'https://github.com/acme/other/blob/main/catalog-info.yaml',
      'https://github.com/acme/control/blob/main/catalog/a.yaml',
      'https://github.com/acme/control/blob/HEAD/catalog/x.yaml',
    ]);
    expect(found).toEqual([
      expect.stringMatching(/^location-target-other-revision error@8: https:\/\/github.com\/acme\/control\/blob\/unreviewed\/catalog\/x.yaml names this repository at another branch, tag or commit than main .*which anyone who can push a branch changes/),
      expect.stringMatching(/^location-target-other-revision error@9: .* names this repository at another branch/),
      expect.stringMatching(/^info@10: https:\/\/github.com\/acme\/control\/tree\/main\/catalog\/a.yaml names this repository spelled otherwise than repoUrl in gitops.config.yaml \(https:\/\/github.com\/acme\/control\/blob\/main\/\): Backstage reads the same files, and the gate checks them, but records that URL/),
      'info@11: This target is outside this repository and is not checked offline.',
      // Fresh user: HEAD is said as such (the default branch, a host setting), with the fix that makes it checked.
      expect.stringMatching(/^warning@13: https:\/\/github.com\/acme\/control\/blob\/HEAD\/catalog\/x.yaml names this repository at HEAD, which the git host reads at its default branch, a setting no pull request here changes or shows; the gate checks main/),
    ]);
  }, 60_000);

  // Red team: the git host reads owner and repository in any capitals, `tree/` and `raw/` as `blob/` and
  // %-escapes decoded, so such a target reads this repository's reviewed branch; the gate took it for another
  // repository's and never read the file (an entity Backstage refuses passed the gate).
  it('this repository in other capitals, by tree/ or raw/, or %-escaped is followed and its files judged (GitHub, Azure Repos, app-config); HEAD, a misparsed raw/ path and another host are not', async () => {
    const bad = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-a\n`;
    const judged = async (repoUrl: string, target: string, viaAppConfig = false) => {
      const root = await tempRepo({
        'gitops.config.yaml': `repoUrl: ${repoUrl}\ncatalog:\n${viaAppConfig ? '  appConfig: app-config.yaml\n' : '  roots: [catalog/all.yaml]\n'}`,
        ...(viaAppConfig ? { 'app-config.yaml': `catalog:\n  locations:\n    - type: url\n      target: ${target}\n` } : {}),
        'catalog/all.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets:\n    - ./a.yaml\n${viaAppConfig ? '' : `    - ${target}\n`}`,
        'catalog/a.yaml': component('a'),
        'catalog/b.yaml': bad('Bad Name!'),
        ...(viaAppConfig ? {} : { 'catalog/src/b.yaml': bad('Bad Name!') }),
      });
      const run = await runBin(['check', '--format', 'json'], root);
      expect(run.stderr).toBe('');
      return (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.file.endsWith('/b.yaml') || d.ruleId === 'location-target-external' || d.ruleId === 'location-target-other-revision').map(d => `${d.ruleId}@${d.file}:${d.severity}`);
    };
    const github = 'https://github.com/acme/control/blob/main/';
    const followed = ['location-target-external@catalog/all.yaml:info', 'entity-field-format@catalog/b.yaml:error'];
    for (const target of [
      'https://github.com/ACME/Control/tree/main/catalog/b.yaml',
      'https://github.com/Acme/control/raw/main/catalog/b.yaml',
      'https://GitHub.com/acme/CONTROL/blob/main/catalog/b.yaml',
      'https://github.com/acme/control%2Fblob%2Fmain/catalog/b.yaml',
      'https://github.com/acme/control/blob/ma%69n/catalog/b.yaml',
    ]) expect(await judged(github, target), target).toEqual(followed);
    // Azure DevOps reads organisation, project and repository in any capitals (`_git` and version as written).
    const azure = 'https://dev.azure.com/acme/Platform/_git/control?version=GBmain&path=/';
    expect(await judged(azure, 'https://dev.azure.com/ACME/platform/_git/Control?version=GBmain&path=/catalog/b.yaml')).toEqual(followed);
    expect(await judged(azure, 'https://dev.azure.com/acme/Platform/_GIT/control?version=GBmain&path=/catalog/b.yaml')).toEqual(['location-target-external@catalog/all.yaml:info']);
    // The Location app-config.yaml registers, spelled so, is the root the gate walks from.
    expect(await judged(github, 'https://github.com/Acme/Control/tree/main/catalog/b.yaml', true)).toEqual(['entity-field-format@catalog/b.yaml:error']);
    // HEAD is whichever branch the host's setting names; the branch is case-sensitive, as git's is.
    expect(await judged(github, 'https://github.com/Acme/Control/tree/HEAD/catalog/b.yaml')).toEqual(['location-target-external@catalog/all.yaml:warning']);
    expect(await judged(github, 'https://github.com/acme/control/blob/Main/catalog/b.yaml')).toEqual(['location-target-other-revision@catalog/all.yaml:error']);
    // git-url-parse, which Backstage's readers use, reads raw/ before a folder named src as another repository.
    expect(await judged(github, 'https://github.com/acme/control/raw/main/catalog/src/b.yaml')).toEqual(['location-target-external@catalog/all.yaml:info']);
    // An unknown host's reader (FetchUrlReader) fetches the URL as written: no other spelling is the same file.
    expect(await judged('https://git.example.com/acme/control/blob/main/', 'https://git.example.com/ACME/control/blob/main/catalog/b.yaml')).toEqual(['location-target-external@catalog/all.yaml:info']);
  }, 180_000);

  it('many targets in other repositories read as one group in the terminal, each still at its line', async () => {
    const others = ['billing', 'search', 'identity', 'payments'].map(r => `https://github.com/acme/${r}/blob/main/catalog-info.yaml`);
    const root = await tempRepo({
      'gitops.config.yaml': 'repoUrl: https://github.com/acme/control/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
      'catalog/all.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets:\n    - ./a.yaml\n${others.map(t => `    - ${t}\n`).join('')}`,
      'catalog/a.yaml': component('a'),
    });
    const run = await runBin(['check'], root, { NO_COLOR: '1' });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.split('\n').filter(l => l.includes('location-target-external') || l.includes('also at'));
    expect(lines.map(l => l.trim().replace(/\s+/g, ' '))).toEqual([
      '8:7 info This target is outside this repository and is not checked offline. location-target-external',
      'also at 9:7, 10:7, 11:7 (4 findings)',
    ]);
  }, 60_000);

  it('Azure Repos: another version is an error', async () => {
    const found = await externalFindings('https://dev.azure.com/acme/Platform/_git/control?version=GBmain&path=/', [
      './a.yaml',
      'https://dev.azure.com/acme/Platform/_git/control?version=GBunreviewed&path=/catalog/x.yaml',
      'https://dev.azure.com/acme/Platform/_git/other?version=GBmain&path=/catalog-info.yaml',
    ]);
    expect(found).toEqual([
      expect.stringMatching(/^location-target-other-revision error@8: .* names this repository at another branch, tag or commit than main/),
      expect.stringMatching(/^info@9: .* is outside this repository/),
    ]);
  }, 60_000);

  // Fresh user: the check hand-parsed GitHub's blob/<branch>/ shape, so a GitLab repoUrl (`-/blob/`, subgroups)
  // never matched and another branch or HEAD of this very repository passed as "outside, not checked" (info).
  it('GitLab with subgroups: another branch is an error, HEAD a warning, another project of the group an info', async () => {
    const found = await externalFindings('https://gitlab.com/acme/platform/control/-/blob/main/', [
      './a.yaml',
      'https://gitlab.com/acme/platform/control/-/blob/unreviewed/catalog/x.yaml',
      'https://gitlab.com/Acme/Platform/Control/-/blob/HEAD/catalog/y.yaml',
      'https://gitlab.com/acme/platform/other/-/blob/main/catalog-info.yaml',
    ]);
    expect(found).toEqual([
      expect.stringMatching(/^location-target-other-revision error@8: .* names this repository at another branch, tag or commit than main/),
      expect.stringMatching(/^warning@9: .* names this repository at HEAD, which the git host reads at its default branch/),
      expect.stringMatching(/^info@10: .* is outside this repository/),
    ]);
  }, 60_000);
});
