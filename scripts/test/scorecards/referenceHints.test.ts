import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A newcomer's first check, one letter off (`fact: hasTag` where the retriever defines hasTags), was
// reported on the `conditions:` line with no guess, and so were misspelt check and retriever ids; a fact
// another retriever defines was not named. The summary line said "Golden cases of the checks: 27 passed."
// while one case failed.
const HEADER = { apiVersion: 'scorecards.acme.example/v1alpha1' };
const CONFIG = { ...HEADER, kind: 'ScorecardConfig', target: { jsonfc: '0.10.0', features: { checkFilter: true, operatorDecorators: true, factRetrieverIdParam: true } }, levels: [{ id: 'bronze', name: 'Bronze', rank: 1 }], maxExemptionDays: 180, output: 'backstage-config/ti.yaml' };
const retriever = (id: string, schema: Record<string, string>) => stringify({ ...HEADER, kind: 'FactRetriever', id, version: '1.0.0', builtin: false, provider: 'live', schema: Object.fromEntries(Object.entries(schema).map(([k, type]) => [k, { type, description: k }])) });
const check = (id: string, fact: string) => stringify({ ...HEADER, kind: 'Check', id, name: id, description: 'd', level: 'bronze', category: 'X', solution: 'Fix it.', enforcement: { mode: 'report' }, factIds: ['meta'], tests: [{ name: 't', facts: { meta: { hasTags: true } }, expect: 'pass' }], rule: { conditions: { all: [{ fact: 'hasDescription', operator: 'equal', value: true }, { fact, operator: 'equal', value: true }] } } });

/** 1-based line and column of the value of `fact: <name>` in `yaml`. */
function where(yaml: string, name: string): string {
  const lines = yaml.split('\n');
  const line = lines.findIndex(l => l.endsWith(`fact: ${name}`));
  return `${line + 1}:${lines[line].length - name.length + 1}`;
}

describe('scorecards: a misspelt or misplaced name says where and what was meant', () => {
  it('names the fact at its own line, the near name, the retriever that defines it, and counts failed cases', async () => {
    const tags = check('hasTagsCheck', 'hasTag');
    const owner = check('hasOwnerCheck', 'hasGroupOwner');
    const root = await tempRepo({
      'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n',
      'scorecards/config.yaml': stringify(CONFIG),
      'scorecards/facts/meta.yaml': retriever('meta', { hasTags: 'boolean', hasDescription: 'boolean' }),
      'scorecards/facts/ownership.yaml': retriever('ownership', { hasGroupOwner: 'boolean' }),
      'scorecards/checks/tags.yaml': tags,
      'scorecards/checks/owner.yaml': owner,
      'scorecards/scorecards/quality.yaml': stringify({ ...HEADER, kind: 'Scorecard', id: 'quality', title: 'Q', description: 'd', checks: ['hasTagsCheck', 'hasOwnerChek'] }),
      'backstage-config/.keep': '',
    });
    const json = await runBin(['scorecards', '--format', 'json', '--today', '2026-11-23'], root);
    expect(json.status).toBe(1);
    const found = (JSON.parse(json.stdout).diagnostics as { ruleId: string; file: string; range: { start: { line: number; column: number } }; hint: string }[])
      .filter(d => d.ruleId !== 'scorecard-test-failed' && d.ruleId !== 'scorecard-config-stale')
      .map(d => `${d.ruleId} ${d.file}:${d.range.start.line}:${d.range.start.column} ${d.hint}`)
      .sort();
    expect(found).toEqual([
      `scorecard-unknown-fact scorecards/checks/owner.yaml:${where(owner, 'hasGroupOwner')} ownership defines hasGroupOwner: add it to factIds.`,
      `scorecard-unknown-fact scorecards/checks/tags.yaml:${where(tags, 'hasTag')} Did you mean hasTags? Fix the fact's name, or add the retriever that provides it to factIds (the facts each one defines are its schema under scorecards/facts/).`,
      'scorecard-unknown-check scorecards/scorecards/quality.yaml:8:5 Did you mean hasOwnerCheck? Use a check id from scorecards/checks/.',
    ].sort());
    const markdown = await runBin(['scorecards', '--today', '2026-11-23'], root);
    expect(markdown.stdout).toContain('Golden cases of the checks: 0 passed, 2 failed (scorecard-test-failed).');
  }, 60_000);
});
