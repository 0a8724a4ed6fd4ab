import { createRequire } from 'node:module';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

const require = createRequire(import.meta.url);
const { ConfigReader } = require('@backstage/config');
const jsonfc = require('@backstage-community/plugin-tech-insights-backend-module-jsonfc');

// Two custom retrievers ('live': the gate has no facts for them, the golden cases give them).
const schemas: Record<string, Record<string, { type: string; description: string }>> = {
  r: { b: { type: 'boolean', description: 'b' }, n: { type: 'integer', description: 'n' }, s: { type: 'string', description: 's' }, o: { type: 'object', description: 'o' }, c: { type: 'string', description: 'c' } },
  q: { c: { type: 'string', description: 'c' } },
};
const HEADER = { apiVersion: 'scorecards.acme.example/v1alpha1' };
const CONFIG = { ...HEADER, kind: 'ScorecardConfig', target: { jsonfc: '0.10.0', features: { checkFilter: true, operatorDecorators: true, factRetrieverIdParam: true } }, levels: [{ id: 'bronze', name: 'Bronze', rank: 1 }], maxExemptionDays: 180, output: 'backstage-config/ti.yaml' };
const GITOPS = 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n  rootLocationType: url\n';
const check = (id: string, extra: object) => stringify({ ...HEADER, kind: 'Check', id, name: id, description: id, level: 'bronze', category: 'X', solution: 'Fix it.', enforcement: { mode: 'report' }, ...extra });

interface Case { name: string; conditions: object; facts: Record<string, Record<string, unknown>>; factIds?: string[] }
const cases: Case[] = [
  // jsonfc's config reader keeps only `all` of a node with `all` and `any` (json-rules-engine would keep `any`)...
  { name: 'all and any in one node', conditions: { all: [{ fact: 'b', operator: 'equal', value: true }], any: [{ fact: 'b', operator: 'equal', value: false }] }, facts: { r: { b: true } } },
  { name: 'all and any nested', conditions: { all: [{ all: [{ fact: 'b', operator: 'equal', value: true }], any: [{ fact: 'n', operator: 'equal', value: 0 }] }] }, facts: { r: { b: true, n: 5 } } },
  // ...so the facts of the dropped branch are not needed either.
  { name: 'facts of a dropped any', conditions: { all: [{ fact: 'b', operator: 'equal', value: true }], any: [{ fact: 's', operator: 'equal', value: 'x' }] }, facts: { r: { b: true } } },
  // A node with `fact` is a leaf, whatever else it has.
  { name: 'leaf beside all', conditions: { all: [{ fact: 'b', operator: 'equal', value: true, all: [{ fact: 'n', operator: 'equal', value: 0 }] }] }, facts: { r: { b: true, n: 5 } } },
  // params.factRetrieverId (jsonfc 0.10.0) picks one retriever's value; without that row the check is skipped.
  { name: 'factRetrieverId picks r over q', conditions: { all: [{ fact: 'c', operator: 'equal', value: 'from-r', params: { factRetrieverId: 'r' } }] }, facts: { r: { c: 'from-r' }, q: { c: 'from-q' } }, factIds: ['r', 'q'] },
  { name: 'factRetrieverId without its row', conditions: { all: [{ fact: 'c', operator: 'equal', value: 'from-q', params: { factRetrieverId: 'q' } }] }, facts: { r: { c: 'from-r' } }, factIds: ['r', 'q'] },
  // Held already: null counts as present, a path that misses is undefined, ISO dates compare as text.
  { name: 'null is present', conditions: { all: [{ fact: 's', operator: 'notIn', value: ['x'] }] }, facts: { r: { s: null } } },
  { name: 'path miss with notIn', conditions: { all: [{ fact: 'o', path: '$.zz', operator: 'notIn', value: ['x'] }] }, facts: { r: { o: { a: 1 } } } },
  { name: 'missing fact in the row', conditions: { any: [{ fact: 'b', operator: 'equal', value: true }, { fact: 's', operator: 'equal', value: 'x' }] }, facts: { r: { b: true } } },
];

/** What Tech Insights' own checker (jsonfc's JsonRulesEngineFactChecker, read from app-config) returns for one case. */
async function techInsights(c: Case): Promise<'pass' | 'fail' | 'not-applicable'> {
  const logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
  const config = new ConfigReader({ techInsights: { factChecker: { checks: { c: { type: 'json-rules-engine', name: 'c', description: 'c', factIds: c.factIds ?? ['r'], rule: { conditions: c.conditions } } } } } });
  const checker = jsonfc.JsonRulesEngineFactCheckerFactory.fromConfig(config, { logger }).construct({
    getLatestFactsByIds: async (ids: string[]) => Object.fromEntries(ids.filter(id => c.facts[id]).map(id => [id, { id, facts: c.facts[id] }])),
    getLatestSchemas: async (ids: string[]) => ids.map(id => schemas[id]),
  });
  const [result] = await checker.runChecks('component:default/example', ['c']);
  return result === undefined ? 'not-applicable' : result.result ? 'pass' : 'fail';
}

describe("scorecards evaluate a check as Tech Insights reads and runs it (jsonfc's reader and checker)", () => {
  it('gives every golden case the outcome the real jsonfc checker gives', async () => {
    const files: Record<string, string> = {
      'gitops.config.yaml': GITOPS,
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n',
      'scorecards/config.yaml': stringify(CONFIG),
    };
    for (const id of ['r', 'q']) files[`scorecards/facts/${id}.yaml`] = stringify({ ...HEADER, kind: 'FactRetriever', id, version: '1.0.0', builtin: false, provider: 'live', schema: schemas[id] });
    const expected: string[] = [];
    for (const [i, c] of cases.entries()) {
      const outcome = await techInsights(c);
      expected.push(`${c.name}: ${outcome}`);
      files[`scorecards/checks/case${i}.yaml`] = check(`case${i}`, { factIds: c.factIds ?? ['r'], rule: { conditions: c.conditions }, tests: [{ name: c.name, facts: c.facts, expect: outcome }] });
    }
    // The truths this test encodes, so a change in jsonfc shows here first.
    expect(expected).toEqual([
      'all and any in one node: pass', 'all and any nested: pass', 'facts of a dropped any: pass', 'leaf beside all: pass',
      'factRetrieverId picks r over q: pass', 'factRetrieverId without its row: not-applicable',
      'null is present: pass', 'path miss with notIn: pass', 'missing fact in the row: not-applicable',
    ]);
    const root = await tempRepo(files);
    const { stdout } = await runBin(['scorecards', '--format', 'json'], root);
    const diagnostics = JSON.parse(stdout).diagnostics as { ruleId: string; message: string; file: string; range: { start: { line: number; column: number } } }[];
    expect(diagnostics.filter(d => d.ruleId === 'scorecard-test-failed').map(d => d.message)).toEqual([]);
    // The branches jsonfc drops are findings where they are written.
    const dropped = diagnostics.filter(d => /Tech Insights ignores this/.test(d.message)).map(d => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.message.slice(0, 38)}`);
    expect(dropped).toEqual([
      'scorecards/checks/case0.yaml:19:5 Tech Insights ignores this `any`: json',
      'scorecards/checks/case1.yaml:20:9 Tech Insights ignores this `any`: json',
      'scorecards/checks/case2.yaml:19:5 Tech Insights ignores this `any`: json',
      'scorecards/checks/case3.yaml:19:9 Tech Insights ignores this `all`: json',
    ]);
  }, 60_000);

  it('filters on the entity as the catalog serves it, with lodash paths, and scores no entity Backstage refuses', async () => {
    // Measured on a real backend (built-in retrievers, jsonfc 0.10.0): the catalog fills in
    // metadata.namespace; filter keys are lodash paths; a refused entity has no facts at all.
    const entity = (name: string, metadata: object, spec: object | null = { type: 'service', lifecycle: 'production', owner: 'team' }) =>
      stringify({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name, ...metadata }, ...(spec ? { spec } : {}) });
    const metadataRetriever = { ...HEADER, kind: 'FactRetriever', id: 'entityMetadataFactRetriever', version: '0.0.1', builtin: true, provider: 'entityMetadata', schema: { hasTitle: { type: 'boolean', description: 't' } } };
    const titled = (id: string, filter: object) => check(id, { factIds: ['entityMetadataFactRetriever'], filter, rule: { conditions: { all: [{ fact: 'hasTitle', operator: 'equal', value: true }] } }, tests: [{ name: 'titled', facts: { entityMetadataFactRetriever: { hasTitle: true } }, entity: { kind: 'Component', metadata: { name: 'x', tags: ['java', 'go'], annotations: { 'acme.com/tier': '1' } } }, expect: 'pass' }] });
    const root = await tempRepo({
      'gitops.config.yaml': GITOPS,
      'catalog/all.yaml': [
        'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n',
        entity('plain', { title: 'Plain', tags: ['java', 'go'], annotations: { 'acme.com/tier': '1' } }),
        entity('no-spec', { title: 'No spec' }, null),
      ].join('---\n'),
      'scorecards/config.yaml': stringify(CONFIG),
      'scorecards/facts/entityMetadataFactRetriever.yaml': stringify(metadataRetriever),
      'scorecards/checks/in-default.yaml': titled('inDefault', { 'metadata.namespace': 'default' }),
      'scorecards/checks/tier-one.yaml': titled('tierOne', { 'metadata.annotations["acme.com/tier"]': '1' }),
      'scorecards/checks/second-tag.yaml': titled('secondTag', { 'metadata.tags[1]': 'Go' }),
    });
    const { stdout } = await runBin(['scorecards', '--format', 'json'], root);
    const out = JSON.parse(stdout) as { entities: { ref: string; results: { checkId: string; outcome: string }[] }[]; diagnostics: { ruleId: string; message: string }[] };
    const outcomes = Object.fromEntries(out.entities.filter(e => e.ref.startsWith('component:')).map(e => [e.ref, e.results.map(r => `${r.checkId} ${r.outcome}`)]));
    expect(outcomes).toEqual({
      'component:default/plain': ['inDefault pass', 'secondTag pass', 'tierOne pass'],
      'component:default/no-spec': ['inDefault not-applicable', 'secondTag not-applicable', 'tierOne not-applicable'],
    });
    expect(out.diagnostics.filter(d => d.ruleId === 'scorecard-test-failed')).toEqual([]);
  }, 60_000);

  it('refuses a check filter given as a list, which stops the real backend at start-up', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': GITOPS,
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n',
      'scorecards/config.yaml': stringify(CONFIG),
      'scorecards/facts/r.yaml': stringify({ ...HEADER, kind: 'FactRetriever', id: 'r', version: '1.0.0', builtin: false, provider: 'live', schema: schemas.r }),
      'scorecards/checks/people.yaml': check('people', { factIds: ['r'], filter: [{ kind: 'user' }, { kind: 'group' }], rule: { conditions: { all: [{ fact: 'b', operator: 'equal', value: true }] } }, tests: [{ name: 'n/a', facts: {}, expect: 'not-applicable' }] }),
    });
    const { status, stdout } = await runBin(['scorecards', '--format', 'json'], root);
    const found = (JSON.parse(stdout).diagnostics as { ruleId: string; file: string; range: { start: { line: number } }; message: string; hint: string }[]).filter(d => d.ruleId === 'scorecard-unsupported');
    expect(found.map(d => `${d.file}:${d.range.start.line}`)).toEqual(['scorecards/checks/people.yaml:14']);
    expect(found[0].message).toMatch(/must be one mapping.*whole backend, at start-up/);
    expect(found[0].hint).toMatch(/kind: \[user, group\]/);
    expect(status).toBe(1);
  }, 60_000);
});

describe('condition text jsonfc reads with getString / getOptionalString', () => {
  // An empty or non-text name or path passes the scorecard schema and the check's own tests, but jsonfc's
  // config reader throws at start-up, and the tech-insights plugin takes the whole backend down with it.
  it('is refused where it is written (name and path of a leaf, name of a group), as the real reader refuses it', async () => {
    const leaf = { fact: 'b', operator: 'equal', value: true };
    const conditions: Record<string, object> = {
      leafPath: { all: [{ ...leaf, path: '' }] },
      leafName: { all: [{ ...leaf, name: '' }] },
      groupName: { name: '', all: [leaf] },
      numberName: { all: [{ ...leaf, name: 5 }] },
      nullName: { all: [{ ...leaf, name: null }] },
    };
    const logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
    const reads = (c: object) => {
      try {
        jsonfc.JsonRulesEngineFactCheckerFactory.fromConfig(new ConfigReader({ techInsights: { factChecker: { checks: { c: { type: 'json-rules-engine', name: 'c', description: 'c', factIds: ['r'], rule: { conditions: c } } } } } }), { logger });
        return 'reads';
      } catch {
        return 'throws';
      }
    };
    // The truth, from jsonfc's own reader: only the null name is read (as absent).
    expect(Object.fromEntries(Object.entries(conditions).map(([id, c]) => [id, reads(c)]))).toEqual({ leafPath: 'throws', leafName: 'throws', groupName: 'throws', numberName: 'throws', nullName: 'reads' });
    const files: Record<string, string> = {
      'gitops.config.yaml': GITOPS,
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n',
      'scorecards/config.yaml': stringify(CONFIG),
      'scorecards/facts/r.yaml': stringify({ ...HEADER, kind: 'FactRetriever', id: 'r', version: '1.0.0', builtin: false, provider: 'live', schema: schemas.r }),
    };
    for (const [id, c] of Object.entries(conditions)) files[`scorecards/checks/${id}.yaml`] = check(id, { factIds: ['r'], rule: { conditions: c }, tests: [{ name: 'b', facts: { r: { b: true } }, expect: 'pass' }] });
    const root = await tempRepo(files);
    const { status, stdout } = await runBin(['scorecards', '--format', 'json'], root);
    const found = (JSON.parse(stdout).diagnostics as { ruleId: string; file: string; range: { start: { line: number } }; message: string }[]).filter(d => d.ruleId === 'scorecard-unsupported');
    expect(found.map(d => `${d.file}:${d.range.start.line} ${d.message.slice(0, 30)}`)).toEqual([
      'scorecards/checks/groupName.yaml:15 `name` is empty: jsonfc reads ',
      'scorecards/checks/leafName.yaml:19 `name` is empty: jsonfc reads ',
      'scorecards/checks/leafPath.yaml:19 `path` is empty: jsonfc reads ',
      'scorecards/checks/numberName.yaml:19 `name` is a number, not text: ',
    ]);
    expect(found[0].message).toMatch(/whole backend, fails at start-up/);
    expect(status).toBe(1);
  }, 60_000);
});

describe('exemptions', () => {
  // The ref is written with capitals: Backstage compares refs lower-cased, so it names component:default/legacy.
  it('exempt a check until the day they expire, and not after (the gate reports the expired one)', async () => {
    const metadataRetriever = { ...HEADER, kind: 'FactRetriever', id: 'entityMetadataFactRetriever', version: '0.0.1', builtin: true, provider: 'entityMetadata', schema: { hasTitle: { type: 'boolean', description: 't' } } };
    const root = await tempRepo({
      'gitops.config.yaml': GITOPS,
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: legacy}\nspec: {type: service, lifecycle: production, owner: team}\n',
      'scorecards/config.yaml': stringify(CONFIG),
      'scorecards/facts/entityMetadataFactRetriever.yaml': stringify(metadataRetriever),
      'scorecards/checks/titled.yaml': check('titled', { factIds: ['entityMetadataFactRetriever'], rule: { conditions: { all: [{ fact: 'hasTitle', operator: 'equal', value: true }] } }, tests: [{ name: 'titled', facts: { entityMetadataFactRetriever: { hasTitle: true } }, expect: 'pass' }] }),
      'scorecards/exemptions/legacy.yaml': stringify({ ...HEADER, kind: 'Exemption', id: 'legacy-titled', entityRef: 'Component:default/Legacy', checks: ['titled'], reason: 'Being decommissioned this quarter.', approvedBy: 'group:default/team', created: '2026-01-01', expires: '2026-02-01' }),
    });
    const outcome = async (today: string) => {
      const { stdout } = await runBin(['scorecards', '--format', 'json', '--today', today], root);
      const out = JSON.parse(stdout) as { entities: { ref: string; results: { outcome: string; reason?: string }[] }[]; teams: { team: string; passed: number; applicable: number }[]; diagnostics: { ruleId: string }[] };
      const [result] = out.entities.find(e => e.ref === 'component:default/legacy')!.results;
      return { result: `${result.outcome}${result.reason ? ` (${result.reason})` : ''}`, team: out.teams.map(t => `${t.team} ${t.passed}/${t.applicable}`), rules: out.diagnostics.map(d => d.ruleId).filter(r => r !== 'scorecard-config-stale') };
    };
    expect(await outcome('2026-02-01')).toEqual({ result: 'not-applicable (exempt)', team: ['group:default/team 0/0'], rules: [] });
    expect(await outcome('2026-02-02')).toEqual({ result: 'fail', team: ['group:default/team 0/1'], rules: ['scorecard-exemption-expired'] });
  }, 60_000);
});

describe('scorecards --write-config', () => {
  it("writes strings Backstage's config loader reads back unchanged, ${…} included", async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { ConfigSources } = require('@backstage/config-loader');
    const text = 'Set ${OWNER} and $${KEEP} in catalog-info.yaml';
    const root = await tempRepo({
      'gitops.config.yaml': GITOPS,
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n',
      'scorecards/config.yaml': stringify(CONFIG),
      'scorecards/facts/r.yaml': stringify({ ...HEADER, kind: 'FactRetriever', id: 'r', version: '1.0.0', builtin: false, provider: 'live', schema: schemas.r }),
      'scorecards/checks/owner-named.yaml': check('ownerNamed', { description: text, factIds: ['r'], rule: { conditions: { all: [{ fact: 's', operator: 'equal', value: '${TIER}' }] } }, tests: [{ name: 'literal', facts: { r: { s: '${TIER}' } }, expect: 'pass' }] }),
      'backstage-config/.keep': '',
    });
    expect((await runBin(['scorecards', '--write-config', '--format', 'json'], root)).status).toBe(0);
    // The managed Backstage loads the file with its config loader (env substitution), then jsonfc reads the checks.
    const source = ConfigSources.default({ argv: ['--config', join(root, 'backstage-config/ti.yaml')], env: {}, substitutionFunc: async () => undefined });
    const config = await ConfigSources.toConfig(source);
    const logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
    const [read] = jsonfc.JsonRulesEngineFactCheckerFactory.fromConfig(config, { logger }).checks;
    expect({ description: read.description, value: read.rule.conditions.all[0].value }).toEqual({ description: text, value: '${TIER}' });
    expect(readFileSync(join(root, 'backstage-config/ti.yaml'), 'utf8')).toContain('Set $${OWNER} and $$${KEEP}');
    config.close?.();
  }, 60_000);
});
