import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; file: string; range: { start: { line: number; column: number } } }

// Red team: the skeleton rules (skeleton-unsafe, skeleton-unknown-value, skeleton-github-expression…) judged
// only skeletons fetched by a relative url; one fetched by this repository's own absolute url (written as
// repoUrl spells it, or in other capitals the host reads alike) passed check whatever it held.
async function findings(url: string, repoUrl = 'https://github.com/acme/control/blob/main/') {
  const root = await tempRepo({
    'gitops.config.yaml': `repoUrl: ${repoUrl}\n`,
    'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n',
    'tpl/svc/template.yaml': `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: svc\nspec:\n  type: service\n  owner: group:default/team-a\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ${url}\n        values:\n          name: x\n`,
    'skeletons/svc/README.md': '${{ values.name.constructor }} ${{ values.nmae }}\n',
  });
  git(root, 'init', '-q', '-b', 'main');
  const run = await runBin(['check', '--format', 'json'], root);
  return (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId.startsWith('skeleton-')).map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column}`);
}

describe('a skeleton fetched by an absolute url of this repository', () => {
  it('is judged by the skeleton rules as one fetched by a relative url; another repository\'s is not read', async () => {
    const judged = ['skeleton-unsafe@skeletons/svc/README.md:1:17', 'skeleton-unknown-value@skeletons/svc/README.md:1:43'];
    expect(await findings('../../skeletons/svc')).toEqual(judged);
    expect(await findings('https://github.com/acme/control/blob/main/skeletons/svc')).toEqual(judged);
    expect(await findings('https://github.com/Acme/Control/tree/main/skeletons/svc')).toEqual(judged);
    expect(await findings('https://github.com/acme/other/blob/main/skeletons/svc')).toEqual([]);
    // GitLab's readTree takes a folder by -/tree/ as by -/blob/, as the offline render does.
    expect(await findings('https://gitlab.com/grp/control/-/tree/main/skeletons/svc', 'https://gitlab.com/grp/control/-/blob/main/')).toEqual(judged);
  }, 120_000);
});
