import { createRequire } from 'node:module';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

const require = createRequire(import.meta.url);
const { ConfigReader } = require('@backstage/config');
const jsonfc = require('@backstage-community/plugin-tech-insights-backend-module-jsonfc');

const schemas: Record<string, Record<string, { type: string; description: string }>> = { r: { b: { type: 'boolean', description: 'b' }, n: { type: 'integer', description: 'n' } } };
const HEADER = { apiVersion: 'scorecards.acme.example/v1alpha1' };
const CONFIG = { ...HEADER, kind: 'ScorecardConfig', target: { jsonfc: '0.10.0', features: { checkFilter: true, operatorDecorators: true, factRetrieverIdParam: true } }, levels: [{ id: 'bronze', name: 'Bronze', rank: 1 }], maxExemptionDays: 180, output: 'backstage-config/ti.yaml' };
const GITOPS = 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n  rootLocationType: url\n';
const LEAF = { fact: 'b', operator: 'equal', value: true };
const FACTS = { r: { b: true, n: 1 } };

/** What the real jsonfc checker does with one check's rule when the entity has every fact: a verdict or a throw. */
async function techInsights(rule: object): Promise<string> {
  const logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
  try {
    const config = new ConfigReader({ techInsights: { factChecker: { checks: { c: { type: 'json-rules-engine', name: 'c', description: 'c', factIds: ['r'], rule } } } } });
    const checker = jsonfc.JsonRulesEngineFactCheckerFactory.fromConfig(config, { logger }).construct({
      getLatestFactsByIds: async () => ({ r: { id: 'r', facts: FACTS.r } }),
      getLatestSchemas: async () => [schemas.r],
    });
    const [result] = await checker.runChecks('component:default/example', ['c']);
    return result === undefined ? 'not-applicable' : result.result ? 'pass' : 'fail';
  } catch {
    return 'throws';
  }
}

describe("a check Tech Insights' checker throws on, every run", () => {
  // Each rule passes the scorecard schema; the case expects 'fail', which a run that throws used to count as.
  const rules: Record<string, object> = {
    priorityMinusOne: { priority: -1, conditions: { all: [LEAF] } },
    priorityMinusTen: { priority: -10, conditions: { all: [LEAF] } },
    priorityZero: { priority: 0, conditions: { all: [LEAF] } },
    priorityTwo: { priority: 2, conditions: { all: [LEAF] } },
    leafPriorityMinusOne: { conditions: { all: [{ ...LEAF, priority: -1 }, { fact: 'n', operator: 'equal', value: 1, priority: 0 }] } },
    valueUnknownFact: { conditions: { all: [{ fact: 'n', operator: 'equal', value: { fact: 'zz' } }] } },
    valueOwnFact: { conditions: { all: [{ fact: 'n', operator: 'lessThanInclusive', value: { fact: 'n' } }] } },
  };

  it('is refused where it is written, exactly when the real jsonfc throws', async () => {
    const truth: Record<string, string> = {};
    for (const [id, rule] of Object.entries(rules)) truth[id] = await techInsights(rule);
    // The truths, from jsonfc 0.10.0 and json-rules-engine 7: 0 is read as the default 1; condition priorities never throw.
    expect(truth).toEqual({ priorityMinusOne: 'throws', priorityMinusTen: 'throws', priorityZero: 'pass', priorityTwo: 'pass', leafPriorityMinusOne: 'pass', valueUnknownFact: 'throws', valueOwnFact: 'pass' });
    const files: Record<string, string> = {
      'gitops.config.yaml': GITOPS,
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n',
      'scorecards/config.yaml': stringify(CONFIG),
      'scorecards/facts/r.yaml': stringify({ ...HEADER, kind: 'FactRetriever', id: 'r', version: '1.0.0', builtin: false, provider: 'live', schema: schemas.r }),
    };
    for (const [id, rule] of Object.entries(rules)) {
      files[`scorecards/checks/${id}.yaml`] = stringify({ ...HEADER, kind: 'Check', id, name: id, description: id, level: 'bronze', category: 'X', solution: 'Fix it.', enforcement: { mode: 'report' }, factIds: ['r'], rule, tests: [{ name: 'all facts', facts: FACTS, expect: truth[id] === 'throws' ? 'fail' : truth[id] }] });
    }
    const root = await tempRepo(files);
    const { status, stdout } = await runBin(['scorecards', '--format', 'json'], root);
    const diagnostics = JSON.parse(stdout).diagnostics as { ruleId: string; file: string; range: { start: { line: number; column: number } }; message: string }[];
    const at = (ruleId: string) => diagnostics.filter(d => d.ruleId === ruleId).map(d => `${d.file}:${d.range.start.line}:${d.range.start.column}`).sort();
    expect(at('scorecard-unsupported')).toEqual(['scorecards/checks/priorityMinusOne.yaml:14:13', 'scorecards/checks/priorityMinusTen.yaml:14:13', 'scorecards/checks/valueUnknownFact.yaml:19:17']);
    expect(diagnostics.find(d => d.file.endsWith('priorityMinusOne.yaml') && d.ruleId === 'scorecard-unsupported')!.message).toMatch(/Priority must be greater than zero.*every entity/);
    expect(diagnostics.find(d => d.file.endsWith('valueUnknownFact.yaml') && d.ruleId === 'scorecard-unsupported')!.message).toMatch(/Undefined fact/);
    // A case that expected 'fail' does not pass when the run throws: Tech Insights gives that entity no result.
    expect(at('scorecard-test-failed')).toEqual(['scorecards/checks/priorityMinusOne.yaml:21:5', 'scorecards/checks/priorityMinusTen.yaml:21:5', 'scorecards/checks/valueUnknownFact.yaml:21:5']);
    expect(diagnostics.find(d => d.ruleId === 'scorecard-test-failed')!.message).toMatch(/got an error \(Tech Insights would fail the entity: /);
    expect(status).toBe(1);
  }, 60_000);

  it("refuses an empty retriever id, which jsonfc's reader refuses in factIds (getStringArray) at start-up", async () => {
    const logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
    const reads = () => {
      try {
        jsonfc.JsonRulesEngineFactCheckerFactory.fromConfig(new ConfigReader({ techInsights: { factChecker: { checks: { c: { type: 'json-rules-engine', name: 'c', description: 'c', factIds: [''], rule: { conditions: { all: [LEAF] } } } } } } }), { logger });
        return 'reads';
      } catch {
        return 'throws';
      }
    };
    expect(reads()).toBe('throws');
    const root = await tempRepo({
      'gitops.config.yaml': GITOPS,
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n',
      'scorecards/config.yaml': stringify(CONFIG),
      'scorecards/facts/empty.yaml': stringify({ ...HEADER, kind: 'FactRetriever', id: '', version: '1.0.0', builtin: false, provider: 'live', schema: schemas.r }),
      'scorecards/checks/c.yaml': stringify({ ...HEADER, kind: 'Check', id: 'c', name: 'c', description: 'c', level: 'bronze', category: 'X', solution: 'Fix it.', enforcement: { mode: 'report' }, factIds: [''], rule: { conditions: { all: [LEAF] } }, tests: [{ name: 't', facts: { '': FACTS.r }, expect: 'pass' }] }),
    });
    const { status, stdout } = await runBin(['scorecards', '--format', 'json'], root);
    const found = (JSON.parse(stdout).diagnostics as { ruleId: string; file: string; range: { start: { line: number } }; message: string }[]).filter(d => d.ruleId === 'scorecard-schema');
    expect(found.map(d => `${d.file}:${d.range.start.line} ${d.message}`).sort()).toEqual(['scorecards/checks/c.yaml:12 factIds.0 must NOT have fewer than 1 characters', 'scorecards/facts/empty.yaml:3 id must NOT have fewer than 1 characters']);
    expect(status).toBe(1);
  }, 60_000);
});
