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
  return (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'location-target-external').map(d => `${d.severity}@${d.range.start.line}: ${d.message}`);
}

describe('check: an absolute Location target into this repository', () => {
  it('GitHub: another branch is a warning, the reviewed branch by a tree/ URL an info, another repository an info, the repoUrl form is followed', async () => {
    const found = await externalFindings('https://github.com/acme/control/blob/main/', [
      './a.yaml',
      'https://github.com/acme/control/blob/unreviewed/catalog/x.yaml',
      'https://github.com/ACME/Control/blob/feature/evil/catalog/x.yaml',
      'https://github.com/acme/control/tree/main/catalog/a.yaml',
      'https://github.com/acme/other/blob/main/catalog-info.yaml',
      'https://github.com/acme/control/blob/main/catalog/a.yaml',
    ]);
    expect(found).toEqual([
      expect.stringMatching(/^warning@8: https:\/\/github.com\/acme\/control\/blob\/unreviewed\/catalog\/x.yaml names this repository at another branch, tag or commit than main/),
      expect.stringMatching(/^warning@9: .* names this repository at another branch/),
      expect.stringMatching(/^info@10: .* names this repository's main branch by another form of URL/),
      'info@11: This target is outside this repository and is not checked offline.',
    ]);
  }, 60_000);

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

  it('Azure Repos: another version is a warning', async () => {
    const found = await externalFindings('https://dev.azure.com/acme/Platform/_git/control?version=GBmain&path=/', [
      './a.yaml',
      'https://dev.azure.com/acme/Platform/_git/control?version=GBunreviewed&path=/catalog/x.yaml',
      'https://dev.azure.com/acme/Platform/_git/other?version=GBmain&path=/catalog-info.yaml',
    ]);
    expect(found).toEqual([
      expect.stringMatching(/^warning@8: .* names this repository at another branch, tag or commit than main/),
      expect.stringMatching(/^info@9: .* is outside this repository/),
    ]);
  }, 60_000);
});
