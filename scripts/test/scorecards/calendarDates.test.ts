import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

const GITOPS = 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n  rootLocationType: url\n';
const HEAD = 'apiVersion: scorecards.acme.example/v1alpha1\n';

describe('scorecard dates', () => {
  // Each passed the old YYYY-MM-DD pattern; Date.parse rolls 2026-02-30 over to March 2, so an exemption
  // "expiring" on a day that does not exist was judged against another day, silently.
  it('are refused where written when the day does not exist, and a leap day is kept', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': GITOPS,
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n',
      'scorecards/config.yaml': `${HEAD}kind: ScorecardConfig\ntarget: { jsonfc: 0.10.0, features: {} }\nlevels: [{ id: bronze, name: Bronze, rank: 1 }]\noutput: backstage-config/ti.yaml\n`,
      'scorecards/facts/r.yaml': `${HEAD}kind: FactRetriever\nid: r\nversion: 1.0.0\nbuiltin: false\nprovider: live\nschema: { b: { type: boolean, description: b } }\n`,
      'scorecards/checks/c.yaml': `${HEAD}kind: Check\nid: c\nname: c\ndescription: c\nlevel: bronze\ncategory: X\nsolution: Fix it.\nenforcement: { mode: blocking, enableOn: '2026-04-31' }\nfactIds: [r]\nrule: { conditions: { all: [{ fact: b, operator: equal, value: true }] } }\ntests: [{ name: t, facts: { r: { b: true } }, expect: pass }]\n`,
      'scorecards/exemptions/e.yaml': `${HEAD}kind: Exemption\nid: e\nentityRef: group:default/team\nchecks: [c]\nreason: Being decommissioned.\napprovedBy: group:default/team\ncreated: '2026-13-01'\nexpires: '2026-02-30'\n`,
      'scorecards/initiatives/i.yaml': `${HEAD}kind: Initiative\nid: i\ntitle: i\nchecks: [c]\nstartDate: '2028-02-29'\ndueDate: '2027-02-29'\nowner: group:default/team\n`,
    });
    const { status, stdout } = await runBin(['scorecards', '--format', 'json', '--today', '2026-01-15'], root);
    const found = (JSON.parse(stdout).diagnostics as { ruleId: string; file: string; range: { start: { line: number; column: number } }; message: string; hint: string }[]).filter(d => d.ruleId === 'scorecard-schema');
    expect(found.map(d => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.message}`).sort()).toEqual([
      'scorecards/checks/c.yaml:9:42 enforcement.enableOn "2026-04-31" is not a calendar date',
      'scorecards/exemptions/e.yaml:8:10 created "2026-13-01" is not a calendar date',
      'scorecards/exemptions/e.yaml:9:10 expires "2026-02-30" is not a calendar date',
      'scorecards/initiatives/i.yaml:7:10 dueDate "2027-02-29" is not a calendar date',
    ]);
    expect(found[0].hint).toMatch(/YYYY-MM-DD/);
    expect(status).toBe(1);
  }, 60_000);
});
