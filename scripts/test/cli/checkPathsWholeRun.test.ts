import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// The README's pre-commit run, `check <changed files>`, said "✔ 0 errors, 0 warnings, 0 info in 0 files"
// for a scorecard check whose fact is misspelt, which the whole run (CI's) fails: paths mode runs no
// repo-wide gate (scorecards, CODEOWNERS, editor schema, app-config, org policies), and said nothing of it.
const HEADER = { apiVersion: 'scorecards.acme.example/v1alpha1' };
const CONFIG = { ...HEADER, kind: 'ScorecardConfig', target: { jsonfc: '0.10.0', features: { checkFilter: true, operatorDecorators: true, factRetrieverIdParam: true } }, levels: [{ id: 'bronze', name: 'Bronze', rank: 1 }], maxExemptionDays: 180, output: 'backstage-config/ti.yaml' };
const RETRIEVER = stringify({ ...HEADER, kind: 'FactRetriever', id: 'meta', version: '1.0.0', builtin: false, provider: 'live', schema: { hasTags: { type: 'boolean', description: 'tags' } } });
const CHECK = stringify({ ...HEADER, kind: 'Check', id: 'hasTags', name: 'Has tags', description: 'd', level: 'bronze', category: 'X', solution: 'Fix it.', enforcement: { mode: 'report' }, factIds: ['meta'], tests: [{ name: 't', facts: { meta: { hasTags: true } }, expect: 'pass' }], rule: { conditions: { all: [{ fact: 'hasTag', operator: 'equal', value: true }] } } });

describe('check <paths> on files only the whole run judges', () => {
  it('says so at each (info, check-paths-whole-run) instead of a bare ✔, once for a given folder', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n',
      'scorecards/config.yaml': stringify(CONFIG),
      'scorecards/facts/meta.yaml': RETRIEVER,
      'scorecards/checks/has-tags.yaml': CHECK,
      'backstage-config/.keep': '',
    });
    const whole = await runBin(['check', '--today', '2026-11-23'], root);
    expect(whole.status).toBe(1);
    expect(whole.stdout).toContain('scorecard-unknown-fact');

    const paths = await runBin(['check', 'scorecards/checks/has-tags.yaml', 'gitops.config.yaml', 'catalog/all.yaml', '--format', 'json'], root);
    expect(paths.status).toBe(0);
    const found = (JSON.parse(paths.stdout).diagnostics as { ruleId: string; severity: string; file: string; message: string; hint: string }[]);
    // gitops.config.yaml is read (and its errors said) by any run, but what a change to it does (roots,
    // include, codeowners, rules) only the whole run judges: a hook's `check gitops.config.yaml` said a bare ✔.
    expect(found.map(d => `${d.severity} ${d.ruleId} ${d.file}`)).toEqual(['info check-paths-whole-run gitops.config.yaml', 'info check-paths-whole-run scorecards/checks/has-tags.yaml']);
    expect(found[1].message).toMatch(/^scorecards\/checks\/has-tags\.yaml is judged only by the whole run .*: this run over the given paths did not judge it\.$/);
    expect(found[1].hint).toBe('Run `npx backstage-gitops check` without paths (what CI runs) to judge it before you push.');

    const folder = await runBin(['check', 'scorecards', '--format', 'json'], root);
    expect((JSON.parse(folder.stdout).diagnostics as { file: string; message: string }[]).map(d => `${d.file}: ${d.message.split(' is judged')[0]}`)).toEqual(['scorecards/checks/has-tags.yaml: scorecards/ (3 such files)']);
  }, 60_000);
});
