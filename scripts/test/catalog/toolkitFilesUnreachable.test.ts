import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A fresh user's repo: `catalog.include: ['**/*.yaml']` matched gitops.config.yaml itself, and the gate failed
// the run with location-unreachable on it, telling them to delete or move the toolkit's own config. The files
// the toolkit reads as its own configuration or data (isToolkitFile) are no catalog files; a stray data file
// under the same glob is still one.
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const CONFIG = "repoUrl: https://github.com/acme/svc/blob/main/\ncatalog:\n  roots: [catalog-info.yaml]\n  include: ['**/*.yaml']\n";

type Found = { ruleId: string; file: string; severity: string };

async function check(args: string[], files: Record<string, string>) {
  const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'catalog-info.yaml': GROUP, ...files });
  const run = await runBin(['check', '--root', root, '--format', 'json', ...args], root);
  const found = JSON.parse(run.stdout).diagnostics as Found[];
  return { status: run.status, summary: found.map(d => `${d.ruleId}@${d.file}`).sort() };
}

describe("the toolkit's own files under a wide catalog.include (check, through the bin)", () => {
  it('gitops.config.yaml and the API-lint ruleset are not catalog files; a stray data file still is', async () => {
    const ruleset = { 'schemas/api-lint/ruleset.yaml': 'extends: [spectral:oas]\n' };
    expect(await check([], ruleset)).toEqual({ status: 0, summary: [] });
    const { status, summary } = await check([], { ...ruleset, 'data/stray.yaml': 'replicas: 3\n' });
    expect(summary).toEqual(['location-unreachable@data/stray.yaml']);
    expect(status).toBe(1);
  }, 60_000);

  it('given to `check <paths>`, gitops.config.yaml is left to the whole run, not called unreachable', async () => {
    expect(await check(['gitops.config.yaml'], {})).toEqual({ status: 0, summary: ['check-paths-whole-run@gitops.config.yaml'] });
  }, 60_000);

  // Red team: a reached Template's tests/ (`templates test`'s cases and snapshots) and catalog.policies written
  // with a trailing slash were still called unreachable.
  it("a reached Template's test cases and a policies folder written with a trailing slash are not catalog files", async () => {
    const template = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: svc\nspec:\n  type: service\n  owner: team-a\n  steps:\n    - id: log\n      action: debug:log\n      input: {message: hi}\n';
    const root = await tempRepo({
      'gitops.config.yaml': "repoUrl: https://github.com/acme/svc/blob/main/\ncatalog:\n  roots: [catalog-info.yaml]\n  include: ['**/*.yaml']\n  policies: schemas/policy/\n",
      'catalog-info.yaml': `${GROUP}---\napiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: templates\nspec:\n  targets: [./templates/svc/template.yaml]\n`,
      'templates/svc/template.yaml': template,
      'templates/svc/tests/default.yaml': 'values: {}\n',
      'templates/svc/tests/default.snapshot.yaml': 'files: {}\n',
      'schemas/policy/owner.yaml': 'id: owner\n',
      'other/tests/stray.yaml': 'replicas: 3\n',
    });
    const run = await runBin(['check', '--root', root, '--format', 'json'], root);
    const found = JSON.parse(run.stdout).diagnostics as Found[];
    expect(found.filter(d => d.ruleId === 'location-unreachable').map(d => d.file)).toEqual(['other/tests/stray.yaml']);
  }, 60_000);

  // Red team: the files the toolkit generates (the Tech Insights app-config a ScorecardConfig's `output` names,
  // the CODEOWNERS file and the editor schema the config names) were called unreachable under a wide include.
  it('the files the toolkit generates are not catalog files, whatever scorecards/ file holds the ScorecardConfig', async () => {
    const scorecardConfig = 'apiVersion: scorecards.acme.example/v1alpha1\nkind: ScorecardConfig\ntarget: {techInsightsBackend: 3.1.0, jsonfc: 0.10.0}\nlevels: [{id: bronze, name: Bronze, rank: 1}]\nbaseLevel: {id: stone, name: Stone}\noutput: generated/tech-insights.yaml\n';
    const config = `${CONFIG}codeowners:\n  file: owners/CODEOWNERS.yaml\n  platformTeam: '@acme/platform'\n  platformPaths: []\neditorSchema:\n  file: editor/catalog-info.schema.yaml\n`;
    for (const holder of ['scorecards/config.yaml', 'scorecards/levels/ladder.yml']) {
      const root = await tempRepo({
        'gitops.config.yaml': config,
        'catalog-info.yaml': GROUP,
        [holder]: scorecardConfig,
        ...(holder === 'scorecards/config.yaml' ? {} : { 'scorecards/config.yaml': '' }),
        'generated/tech-insights.yaml': 'techInsights: {}\n',
        'owners/CODEOWNERS.yaml': '* @acme/platform\n',
        'editor/catalog-info.schema.yaml': 'type: object\n',
        'generated/stray.yaml': 'replicas: 3\n',
      });
      const run = await runBin(['check', '--root', root, '--format', 'json'], root);
      const found = JSON.parse(run.stdout).diagnostics as Found[];
      expect(found.filter(d => d.ruleId === 'location-unreachable').map(d => d.file), holder).toEqual(['generated/stray.yaml']);
    }
  }, 60_000);

  // Red team: a second ScorecardConfig (a scorecards/ file sorted before config.yaml) named a catalog file no
  // Location reaches as its output; the scorecards gate read only the other one, so nothing compared that file
  // and location-unreachable was gone: exit 0. Only the output of the one ScorecardConfig the gate reads (and
  // holds equal to what it compiles) is exempt; a second ScorecardConfig is an error.
  it('a second ScorecardConfig, or one outside a scorecards/ the gate reads, exempts nothing', async () => {
    const scorecardConfig = (output: string) => `apiVersion: scorecards.acme.example/v1alpha1\nkind: ScorecardConfig\ntarget: {techInsightsBackend: 3.1.0, jsonfc: 0.10.0}\nlevels: [{id: bronze, name: Bronze, rank: 1}]\nbaseLevel: {id: stone, name: Stone}\noutput: ${output}\n`;
    const evil = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: evil\nspec:\n  type: service\n  lifecycle: production\n  owner: nobody-at-all\n';
    const cases: [string, Record<string, string>, string[]][] = [
      ['two configs', { 'scorecards/config.yaml': scorecardConfig('generated/tech-insights.yaml'), 'scorecards/00-notes.yaml': scorecardConfig('catalog/evil.yaml') }, ['location-unreachable@catalog/evil.yaml', 'scorecard-schema@scorecards/config.yaml']],
      ['no scorecards/config.yaml', { 'scorecards/other.yaml': scorecardConfig('catalog/evil.yaml') }, ['location-unreachable@catalog/evil.yaml']],
    ];
    for (const [name, files, expected] of cases) {
      const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'catalog-info.yaml': GROUP, 'catalog/evil.yaml': evil, ...files });
      const run = await runBin(['check', '--root', root, '--format', 'json'], root);
      const found = (JSON.parse(run.stdout).diagnostics as Found[]).filter(d => d.severity === 'error').map(d => `${d.ruleId}@${d.file}`);
      for (const finding of expected) expect(found, name).toContain(finding);
      expect(run.status, name).toBe(1);
    }
  }, 60_000);
});
