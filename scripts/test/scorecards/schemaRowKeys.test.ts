import { createRequire } from 'node:module';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

const require = createRequire(import.meta.url);
const { ConfigReader } = require('@backstage/config');
const jsonfc = require('@backstage-community/plugin-tech-insights-backend-module-jsonfc');

const HEADER = { apiVersion: 'scorecards.acme.example/v1alpha1' };
const CONFIG = { ...HEADER, kind: 'ScorecardConfig', target: { jsonfc: '0.10.0', features: { checkFilter: true, operatorDecorators: true, factRetrieverIdParam: true } }, levels: [{ id: 'bronze', name: 'Bronze', rank: 1 }], maxExemptionDays: 180, output: 'backstage-config/ti.yaml' };
const GITOPS = 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n  rootLocationType: url\n';
const SCHEMA = { b: { type: 'boolean', description: 'b' } };
const FACTS = { r: { b: true } };

/** The real jsonfc checker, its schemas as TechInsightsDatabase.getLatestSchemas returns them: the row's id, version and entityFilter beside the schema's names. */
async function techInsights(rule: object): Promise<string> {
  const logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
  try {
    const config = new ConfigReader({ techInsights: { factChecker: { checks: { c: { type: 'json-rules-engine', name: 'c', description: 'c', factIds: ['r'], rule } } } } });
    const checker = jsonfc.JsonRulesEngineFactCheckerFactory.fromConfig(config, { logger }).construct({
      getLatestFactsByIds: async () => ({ r: { id: 'r', facts: FACTS.r } }),
      getLatestSchemas: async () => [{ id: 'r', version: '1.0.0', ...SCHEMA, entityFilter: null }],
    });
    const [result] = await checker.runChecks('component:default/example', ['c']);
    return result === undefined ? 'not-applicable' : result.result ? 'pass' : 'fail';
  } catch {
    return 'throws';
  }
}

describe("a fact named like a key of Tech Insights' stored schema row (id, version, entityFilter)", () => {
  it('is defined for jsonfc, so the check is skipped for want of the fact instead of failing the entity', async () => {
    const rules: Record<string, object> = {
      usesVersion: { conditions: { all: [{ fact: 'version', operator: 'equal', value: '1.0.0' }] } },
      usesId: { conditions: { any: [{ fact: 'b', operator: 'equal', value: true }, { fact: 'id', operator: 'equal', value: 'r' }] } },
      usesEntityFilter: { conditions: { all: [{ fact: 'entityFilter', operator: 'equal', value: 'x' }] } },
      usesGhost: { conditions: { all: [{ fact: 'ghost', operator: 'equal', value: 'x' }] } },
    };
    const truth: Record<string, string> = {};
    for (const [id, rule] of Object.entries(rules)) truth[id] = await techInsights(rule);
    // jsonfc 0.10.0: getLatestSchemas spreads the row (id, version, entityFilter) into the schema; only 'ghost' is undefined.
    expect(truth).toEqual({ usesVersion: 'not-applicable', usesId: 'not-applicable', usesEntityFilter: 'not-applicable', usesGhost: 'throws' });
    const files: Record<string, string> = {
      'gitops.config.yaml': GITOPS,
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n',
      'scorecards/config.yaml': stringify(CONFIG),
      'scorecards/facts/r.yaml': stringify({ ...HEADER, kind: 'FactRetriever', id: 'r', version: '1.0.0', builtin: false, provider: 'live', schema: SCHEMA }),
    };
    for (const [id, rule] of Object.entries(rules)) {
      files[`scorecards/checks/${id}.yaml`] = stringify({ ...HEADER, kind: 'Check', id, name: id, description: id, level: 'bronze', category: 'X', solution: 'Fix it.', enforcement: { mode: 'report' }, factIds: ['r'], rule, tests: [{ name: 'facts', facts: FACTS, expect: truth[id] === 'throws' ? 'fail' : truth[id] }] });
    }
    const root = await tempRepo(files);
    const { status, stdout } = await runBin(['scorecards', '--format', 'json'], root);
    const diagnostics = JSON.parse(stdout).diagnostics as { ruleId: string; file: string; message: string }[];
    // Only the truly undefined fact makes the run throw, so only its case (expecting 'fail') fails.
    expect(diagnostics.filter(d => d.ruleId === 'scorecard-test-failed').map(d => d.file)).toEqual(['scorecards/checks/usesGhost.yaml']);
    const unknown = (file: string) => diagnostics.find(d => d.ruleId === 'scorecard-unknown-fact' && d.file === `scorecards/checks/${file}.yaml`)!.message;
    expect(unknown('usesGhost')).toMatch(/would fail every entity with "Not all facts are defined"/);
    for (const id of ['usesVersion', 'usesId', 'usesEntityFilter']) expect(unknown(id)).toMatch(/never applies unless/);
    expect(status).toBe(1);
  }, 60_000);
});
