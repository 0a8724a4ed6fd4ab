import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Red team 27: a team's own entity file (which only that team reviews, by CODEOWNERS) added a Location whose
// target is a repository of anyone on github.com; the gate said "info: outside this repository", and once
// merged Backstage read whatever that repository holds into the catalog: components, APIs, further Locations,
// entity names squatted before this repository could define them. A target outside repoUrl's organisation is an error.

interface Finding { ruleId: string; severity: string; range: { start: { line: number } } }
const component = `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-a\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n`;

async function targetFindings(repoUrl: string, targets: string[], config = '') {
  const root = await tempRepo({
    'gitops.config.yaml': `repoUrl: ${repoUrl}\ncatalog:\n  roots: [catalog/all.yaml]\n${config}`,
    'catalog/all.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets:\n${targets.map(t => `    - ${t}\n`).join('')}`,
    'catalog/a.yaml': component,
  });
  const run = await runBin(['check', '--format', 'json'], root);
  expect(run.stderr).toBe('');
  const diagnostics = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId.startsWith('location-target-'));
  return { status: run.status, found: diagnostics.map(d => `${d.ruleId}:${d.severity}@${d.range.start.line}`) };
}

describe('check: a Location target in a repository outside the organisation', () => {
  it('GitHub: another owner is an error, however the URL spells it; the organisation\'s other repositories stay info', async () => {
    const { status, found } = await targetFindings('https://github.com/acme/control/blob/main/', [
      './a.yaml',
      'https://github.com/acme/other/blob/main/catalog-info.yaml',
      'https://github.com/ACME/other/blob/main/catalog-info.yaml',
      'https://github.com/evil-org/payload/blob/main/catalog-info.yaml',
      'https://github.com/acme/control/blob/main/../../../../../evil-org/x/blob/main/a.yaml',
      'https://github.com/acme/control/blob/main/%2e%2e/%2E%2E/%2e%2e/%2e%2e/%2e%2e/evil-org/x/blob/main/a.yaml',
      'https://gitlab.com/acme/other/-/blob/main/catalog-info.yaml',
      'https://github.com/acme-evil/x/blob/main/catalog-info.yaml',
    ]);
    expect(found).toEqual([
      'location-target-external:info@8',
      'location-target-external:info@9',
      'location-target-foreign:error@10',
      'location-target-foreign:error@11',
      'location-target-foreign:error@12',
      'location-target-foreign:error@13',
      'location-target-foreign:error@14',
    ]);
    expect(status).toBe(1);
  }, 60_000);

  it('a target of another scheme is read by the reader of its host: another owner there is an error too', async () => {
    // Red team 29: UrlReaderPredicateMux picks a reader by url.host alone, and GithubUrlReader reads the owner
    // and repository through git-url-parse whatever the scheme: git+https://github.com/evil-org/x/blob/main/a.yaml
    // is fetched from api.github.com/repos/evil-org/x, yet the gate called it an info (not http(s)).
    const { status, found } = await targetFindings('https://github.com/acme/control/blob/main/', [
      './a.yaml',
      'git+https://github.com/acme/other/blob/main/catalog-info.yaml',
      'git+https://github.com/evil-org/x/blob/main/a.yaml',
      'ssh://github.com/evil-org/x/blob/main/a.yaml',
      'file://github.com/evil-org/x/blob/main/a.yaml',
      'foo://github.com/acme/../evil-org/x/blob/main/a.yaml',
      'http://github.com/evil-org/x/blob/main/a.yaml',
    ]);
    expect(found).toEqual([
      'location-target-external:info@8',
      'location-target-foreign:error@9',
      'location-target-foreign:error@10',
      'location-target-foreign:error@11',
      'location-target-foreign:error@12',
      'location-target-foreign:error@13',
    ]);
    expect(status).toBe(1);
  }, 60_000);

  it('Azure Repos: another organisation is an error, another project of the same one is not', async () => {
    const { found } = await targetFindings('"https://dev.azure.com/acme/Platform/_git/control?version=GBmain&path=/"', [
      './a.yaml',
      'https://dev.azure.com/acme/Payments/_git/ledger?path=/catalog-info.yaml',
      'https://dev.azure.com/someone/Platform/_git/control?path=/catalog-info.yaml',
    ]);
    expect(found).toEqual(['location-target-external:info@8', 'location-target-foreign:error@9']);
  }, 60_000);

  it('the platform team can lower it in gitops.config.yaml', async () => {
    const { status, found } = await targetFindings('https://github.com/acme/control/blob/main/', ['./a.yaml', 'https://github.com/partner/x/blob/main/catalog-info.yaml'], 'rules:\n  location-target-foreign: info\n');
    expect(found).toEqual(['location-target-foreign:info@8']);
    expect(status).toBe(0);
  }, 60_000);

  it('without gitops.config.yaml (the organisation only guessed from the origin) it is a warning: the gate does not fail', async () => {
    const root = await tempRepo({
      'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets:\n    - ./a.yaml\n    - https://github.com/backstage/backstage/blob/master/packages/catalog-model/examples/all.yaml\n`,
      'a.yaml': component,
    });
    execFileSync('git', ['-C', root, 'init', '-q', '-b', 'main']);
    execFileSync('git', ['-C', root, 'remote', 'add', 'origin', 'https://github.com/acme/control.git']);
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId}:${d.severity}@${d.range.start.line}`);
    expect(found).toEqual(['location-target-foreign:warning@8']);
    expect(run.status).toBe(0);
  }, 60_000);
});
