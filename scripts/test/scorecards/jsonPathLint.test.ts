import { createRequire } from 'node:module';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A condition's `path` is read by json-rules-engine's Almanac with jsonpath-plus, which throws on a filter
// it cannot parse or evaluate only when an entity's fact reaches that filter: the golden cases (facts
// without the key) passed, the lint said nothing, and Tech Insights failed every entity that had the key.
const require = createRequire(import.meta.url);
const Almanac = require('json-rules-engine/dist/almanac.js').default;

const HEADER = { apiVersion: 'scorecards.acme.example/v1alpha1' };
const CONFIG = { ...HEADER, kind: 'ScorecardConfig', target: { jsonfc: '0.10.0', features: { checkFilter: true, operatorDecorators: true, factRetrieverIdParam: true } }, levels: [{ id: 'bronze', name: 'Bronze', rank: 1 }], maxExemptionDays: 180, output: 'backstage-config/ti.yaml' };
const GITOPS = 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n  rootLocationType: url\n';
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n';
const check = (id: string, condition: object) => stringify({ ...HEADER, kind: 'Check', id, name: id, description: id, level: 'bronze', category: 'X', solution: 'Fix it.', enforcement: { mode: 'report' }, factIds: ['r'], tests: [{ name: 'no items', facts: { r: { o: {}, p: {} } }, expect: 'fail' }], rule: { conditions: { all: [condition] } } });

const BARE_WORD = "$.items[?(@.type == service)]";
const BROKEN = '$.items[?(@.size >)]';
const FINE = "$.items[?(@.type == 'service' && @.size > 1)]";

/** What json-rules-engine's own Almanac does with the path on a fact that reaches the filter. */
async function almanacOn(path: string): Promise<string> {
  const almanac = new Almanac({});
  almanac.addFact('o', { items: [{ type: 'service', size: 2 }] });
  try {
    await almanac.factValue('o', {}, path);
    return 'reads';
  } catch (error) {
    return `throws: ${(error as Error).message}`;
  }
}

describe('a JSONPath jsonpath-plus throws on', () => {
  it('is a finding at the path, for a condition and a fact-to-fact value, and a valid filter is not', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': GITOPS,
      'catalog/all.yaml': GROUP,
      'scorecards/config.yaml': stringify(CONFIG),
      'scorecards/facts/r.yaml': stringify({ ...HEADER, kind: 'FactRetriever', id: 'r', version: '1.0.0', builtin: false, provider: 'live', schema: { o: { type: 'object', description: 'o' }, p: { type: 'object', description: 'p' } } }),
      'scorecards/checks/bare-word.yaml': check('bareWord', { fact: 'o', path: BARE_WORD, operator: 'notEqual', value: [] }),
      'scorecards/checks/broken-value.yaml': check('brokenValue', { fact: 'o', operator: 'equal', value: { fact: 'p', path: BROKEN } }),
      'scorecards/checks/fine.yaml': check('fine', { fact: 'o', path: FINE, operator: 'equal', value: 'x' }),
    });
    const run = await runBin(['scorecards', '--format', 'json', '--today', '2026-11-23'], root);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string; hint: string; range: { start: { line: number; column: number } } }[]).filter(d => /JSONPath/.test(d.message));
    expect(found.map(d => `${d.ruleId} ${d.file}:${d.range.start.line}:${d.range.start.column}`)).toEqual([
      'scorecard-unsupported scorecards/checks/bare-word.yaml:24:15',
      'scorecard-unsupported scorecards/checks/broken-value.yaml:27:17',
    ]);
    expect(found[0].message).toMatch(/`service` in `@\.type == service` is not defined/);
    expect(found[1].message).toMatch(/does not parse \(Expected expression after > at character/);
    expect(found[0].hint).toMatch(/quoted text/);
    expect(run.status).toBe(1);
    // The truth: json-rules-engine's Almanac throws on the two once a fact reaches the filter, not on the third.
    expect([await almanacOn(BARE_WORD), await almanacOn(BROKEN), await almanacOn(FINE)]).toEqual(['throws: jsonPath: service is not defined: @.type == service', expect.stringMatching(/^throws: Expected expression after >/), 'reads']);
  }, 60_000);
});
