import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { compileTechInsights } from '../../src/scorecards/compileTechInsights.ts';
import { loadScorecards } from '../../src/scorecards/loadScorecards.ts';

const require = createRequire(import.meta.url);
const { ConfigSources } = require('@backstage/config-loader');

// `scorecards --write-config` writes each retriever's deploy under `techInsights.factRetrievers.<its id>`:
// the id is an app-config KEY, as a check's id is. Check ids have the key pattern; a retriever's id was any
// non-empty text, so `id: $file` (or `$env`, `$include`) made factRetrievers an include for Backstage's config
// loader, which then fails to load app-config (the backend does not start) — what dffbfbd refused for keys
// inside deploy, but not for the key the id becomes.

const HEADER = { apiVersion: 'scorecards.acme.example/v1alpha1' };
const CONFIG = { ...HEADER, kind: 'ScorecardConfig', target: { jsonfc: '0.10.0', features: { checkFilter: true, operatorDecorators: true, factRetrieverIdParam: true } }, levels: [{ id: 'bronze', name: 'Bronze', rank: 1 }], maxExemptionDays: 180, output: 'backstage-config/ti.yaml' };
const GITOPS = 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n  rootLocationType: url\n';
const retriever = (id: string) => stringify({ ...HEADER, kind: 'FactRetriever', id, version: '1.0.0', builtin: false, provider: 'live', schema: { o: { type: 'object', description: 'o' } }, deploy: { cadence: '0 * * * *' } });
const check = (id: string, factId: string) => stringify({ ...HEADER, kind: 'Check', id, name: id, description: id, level: 'bronze', category: 'X', solution: 'Fix it.', enforcement: { mode: 'report' }, factIds: [factId], tests: [{ name: 't', facts: { [factId]: { o: { a: 1 } } }, expect: 'fail' }], rule: { conditions: { all: [{ fact: 'o', operator: 'equal', value: 'x' }] } } });

/** What --write-config would write, written here: the CLI refuses to write it while scorecards/ has errors. */
async function writeCompiled(root: string): Promise<void> {
  await writeFile(join(root, 'backstage-config/ti.yaml'), compileTechInsights((await loadScorecards(root)).data));
}

async function loaded(root: string): Promise<string> {
  const source = ConfigSources.default({ argv: ['--config', join(root, 'backstage-config/ti.yaml')], env: {}, substitutionFunc: async () => undefined });
  try {
    const config = await ConfigSources.toConfig(source);
    config.close?.();
    return 'loads';
  } catch (error) {
    return `load fails: ${(error as Error).message.replace(/\s+/g, ' ').slice(0, 200)}`;
  }
}

describe('a fact retriever id becomes an app-config key', () => {
  it('is refused when Backstage would not read it as a key ($file, $env, $include)', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': GITOPS,
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n',
      'scorecards/config.yaml': stringify(CONFIG),
      'scorecards/facts/file.yaml': retriever('$file'),
      'scorecards/checks/file.yaml': check('fileCheck', '$file'),
      'backstage-config/.keep': '',
    });
    const { status, stdout } = await runBin(['scorecards', '--write-config', '--format', 'json'], root);
    expect(existsSync(join(root, 'backstage-config/ti.yaml'))).toBe(false);
    // The truth: what --write-config would write does not load.
    await writeCompiled(root);
    const truth = await loaded(root);
    const found = (JSON.parse(stdout).diagnostics as { ruleId: string; file: string; severity: string; range: { start: { line: number } } }[]).filter(d => d.severity === 'error' && d.ruleId !== 'scorecard-config-stale');
    expect({ truth, found: found.map(d => `${d.file}:${d.range.start.line} ${d.ruleId}`), status }).toEqual({ truth: expect.stringMatching(/^load fails: .*include/), found: ['scorecards/facts/file.yaml:3 scorecard-unsupported'], status: 1 });
  }, 60_000);

  it('is refused when the backend would read another key (a dot), and kept when it reads as written', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': GITOPS,
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n',
      'scorecards/config.yaml': stringify(CONFIG),
      'scorecards/facts/dotted.yaml': retriever('acme.deployments'),
      'scorecards/facts/plain.yaml': retriever('entityOwnershipFactRetriever'),
      'scorecards/facts/colon.yaml': retriever('acme:deploy-stats_v2'),
      'scorecards/checks/a.yaml': check('aCheck', 'acme.deployments'),
      'scorecards/checks/b.yaml': check('bCheck', 'entityOwnershipFactRetriever'),
      'scorecards/checks/c.yaml': check('cCheck', 'acme:deploy-stats_v2'),
      'backstage-config/.keep': '',
    });
    const { stdout } = await runBin(['scorecards', '--write-config', '--format', 'json'], root);
    const found = (JSON.parse(stdout).diagnostics as { ruleId: string; file: string; severity: string }[]).filter(d => d.severity === 'error' && d.ruleId !== 'scorecard-config-stale');
    expect(found.map(d => `${d.file} ${d.ruleId}`)).toEqual(['scorecards/facts/dotted.yaml scorecard-unsupported']);
    expect(existsSync(join(root, 'backstage-config/ti.yaml'))).toBe(false);
    // The truth: the backend's own read of each deploy (readFactRetrieverConfig's getOptionalConfig path).
    await writeCompiled(root);
    const { ConfigReader } = require('@backstage/config');
    const { parse } = require('yaml');
    const { readFileSync } = require('node:fs');
    const config = new ConfigReader(parse(readFileSync(join(root, 'backstage-config/ti.yaml'), 'utf8')));
    const read = (name: string) => config.getOptionalConfig(`techInsights.factRetrievers.${name}`)?.getString('cadence');
    expect([read('acme.deployments'), read('entityOwnershipFactRetriever'), read('acme:deploy-stats_v2')]).toEqual([undefined, '0 * * * *', '0 * * * *']);
  }, 60_000);
});
