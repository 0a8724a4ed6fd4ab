import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cp, mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.ts';
import { loadScorecards } from '../../src/scorecards/loadScorecards.ts';
import { compileTechInsights } from '../../src/scorecards/compileTechInsights.ts';
import { runCheckTests } from '../../src/scorecards/runCheckTests.ts';
import { computeFacts } from '../../src/scorecards/computeFacts.ts';
import { evaluateChecks } from '../../src/scorecards/evaluateChecks.ts';
import { loadEntities } from '../../src/scorecards/prepareScorecards.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { checkFindings } from '../helpers/runCli.ts';
import type { CliIo } from '../../src/cli/io.ts';

const require = createRequire(import.meta.url);

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { cwd, env: {}, stdout: { write: t => void out.push(t) }, stderr: { write: t => void err.push(t) }, writeFile: async (p, t) => writeFileSync(p, t), fetch: globalThis.fetch };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

async function repoCopy(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gitops-sc-'));
  for (const part of ['catalog', 'templates', 'skeletons', 'scorecards', 'schemas', 'backstage-config', '.github', 'gitops.config.yaml', 'mkdocs.yml', 'docs']) await cp(join(REPO_ROOT, part), join(root, part), { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'add', '-A');
  git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-qm', 'base');
  return root;
}

describe("this repo's scorecards", () => {
  it('pass every golden case', async () => {
    const { data, diagnostics } = await loadScorecards(REPO_ROOT);
    expect(diagnostics).toEqual([]);
    const result = await runCheckTests(data);
    expect(result.failed).toEqual([]);
    expect(result.passed).toBeGreaterThanOrEqual(27);
  });

  it('have a current generated config that Backstage reads back check for check', async () => {
    const { data } = await loadScorecards(REPO_ROOT);
    const output = data.config!.value.output;
    const committed = readFileSync(join(REPO_ROOT, output), 'utf8');
    expect(committed).toBe(compileTechInsights(data));
    const { ConfigReader } = require('@backstage/config');
    const jsonfc = require('@backstage-community/plugin-tech-insights-backend-module-jsonfc');
    const logger = { debug() {}, info() {}, warn: (m: string) => { throw new Error(`jsonfc warned: ${m}`); }, error() {}, child() { return logger; } };
    const factory = jsonfc.JsonRulesEngineFactCheckerFactory.fromConfig(new ConfigReader(parse(committed)), { logger });
    expect(factory.checks.map((c: { id: string }) => c.id).sort()).toEqual(data.checks.map(c => c.value.id).sort());
  });

  it("agree with Tech Insights' own jsonfc checker on every entity of the example catalog", async () => {
    const { data } = await loadScorecards(REPO_ROOT);
    const { entities, repoFiles } = await loadEntities(REPO_ROOT);
    const { ConfigReader } = require('@backstage/config');
    const jsonfc = require('@backstage-community/plugin-tech-insights-backend-module-jsonfc');
    const logger = { debug() {}, info() {}, warn() {}, error() {}, child() { return logger; } };
    const retrievers = data.retrievers.map(r => r.value);
    const checks = data.checks.map(c => c.value);
    const repo = { isCovered: () => true, repoFiles: new Set(repoFiles) };
    let compared = 0;
    for (const entity of entities) {
      const facts = computeFacts(entity, retrievers, repo);
      const store = {
        getLatestFactsByIds: async (ids: string[], ref: string) =>
          Object.fromEntries(ids.filter(id => facts.has(id)).map(id => [id, { id, version: '1.0.0', entity: ref, timestamp: new Date(), facts: facts.get(id) }])),
        getLatestSchemas: async (ids: string[]) => retrievers.filter(r => ids.includes(r.id)).map(r => r.schema),
      };
      const catalog = { getEntityByRef: async () => entity.entity };
      const checker = jsonfc.JsonRulesEngineFactCheckerFactory.fromConfig(new ConfigReader(parse(compileTechInsights(data))), { logger, catalog, auth: { getOwnServiceCredentials: async () => ({}) } }).construct(store);
      const theirs = new Map<string, boolean>((await checker.runChecks(entity.ref)).map((r: { check: { id: string }; result: boolean }) => [r.check.id, r.result]));
      const ours = await evaluateChecks(entity.entity, facts, checks);
      for (const result of ours) {
        const expected = theirs.has(result.checkId) ? (theirs.get(result.checkId) ? 'pass' : 'fail') : 'not-applicable';
        expect(`${entity.ref} ${result.checkId} ${result.outcome}`).toBe(`${entity.ref} ${result.checkId} ${expected}`);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});

describe('backstage-gitops scorecards', () => {
  it('shows a team dropping from Silver to Bronze with the failing check, and blocks the touched entity', async () => {
    const root = await repoCopy();
    const file = join(root, 'catalog/systems/payments-core/entities.yaml');
    const text = readFileSync(file, 'utf8');
    const start = text.indexOf('name: payments-api-prod');
    writeFileSync(file, text.slice(0, start) + text.slice(start).replace(/    pagerduty\.com\/service-id: "[^"]+"\n/, ''));
    const report = io(root);
    expect(await run(['scorecards', '--base', 'HEAD', '--today', '2026-11-23'], report.io)).toBe(1);
    expect(report.out()).toContain('- **<code>group:default/payments-team</code>**: Silver (99%) → Bronze (98%) ⬇️');
    expect(report.out()).toContain('❌ now failing: <code>component:default/payments-api-prod</code> On call in PagerDuty (silver). Fix: Add the <code>pagerduty.com/service-id</code> annotation');
    const gate = io(root);
    expect(await run(['check', '--base', 'HEAD', '--today', '2026-11-23', '--format', 'json'], gate.io)).toBe(1);
    const rules = JSON.parse(gate.out()).diagnostics.map((d: { ruleId: string; file: string; range: { start: { line: number } } }) => `${d.ruleId} ${d.file}`);
    expect(rules).toContain('scorecard/hasPagerDuty catalog/systems/payments-core/entities.yaml');
    expect(rules).toContain('policy/production-component catalog/systems/payments-core/entities.yaml');
  });

  it('fails the gate on an expired exemption, with file and line', async () => {
    const root = await repoCopy();
    const gate = io(root);
    expect(await run(['check', '--today', '2027-04-01', '--format', 'json'], gate.io)).toBe(1);
    const found = JSON.parse(gate.out()).diagnostics.find((d: { ruleId: string }) => d.ruleId === 'scorecard-exemption-expired');
    expect(found).toMatchObject({ file: 'scorecards/exemptions/platform-cli-techdocs.yaml', range: { start: { line: 11, column: 10 } } });
  });

  it('fails the gate when the generated Tech Insights config is stale, and --write-config fixes it', async () => {
    const root = await repoCopy();
    const check = join(root, 'scorecards/checks/has-description.yaml');
    writeFileSync(check, readFileSync(check, 'utf8').replace('name: Has a description', 'name: Described'));
    const before = io(root);
    expect(await run(['check', '--today', '2026-11-23', '--format', 'json'], before.io)).toBe(1);
    expect(JSON.parse(before.out()).diagnostics.map((d: { ruleId: string }) => d.ruleId)).toEqual(['scorecard-config-stale']);
    expect(await run(['scorecards', '--write-config', '--today', '2026-11-23'], io(root).io)).toBe(0);
    expect(await run(['check', '--today', '2026-11-23'], io(root).io)).toBe(0);
  });

  it('refuses a check jsonfc cannot express, pointing at the line', async () => {
    const root = await repoCopy();
    const check = join(root, 'scorecards/checks/lifecycle-set.yaml');
    writeFileSync(check, readFileSync(check, 'utf8').replace('operator: in, value: [experimental, production, deprecated]', 'operator: matchesRegex, value: "^prod"'));
    const gate = io(root);
    expect(await run(['check', '--today', '2026-11-23', '--format', 'json'], gate.io)).toBe(1);
    const d = JSON.parse(gate.out()).diagnostics.filter((x: { ruleId: string }) => x.ruleId === 'scorecard-unsupported');
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ file: 'scorecards/checks/lifecycle-set.yaml', range: { start: { line: 15 } } });
  });

  it('names a condition that can never be true as written (scorecard-rule-trap on its line, shipped bin)', async () => {
    const root = await repoCopy();
    const check = join(root, 'scorecards/checks/lifecycle-set.yaml');
    writeFileSync(check, readFileSync(check, 'utf8').replace('operator: in, value: [experimental, production, deprecated]', 'operator: contains, value: production'));
    const facts = join(root, 'scorecards/facts/catalogQualityFactRetriever.yaml');
    writeFileSync(facts, readFileSync(facts, 'utf8').replace('  lifecycle: { type: string', '  tags: { type: set, description: metadata.tags }\n  lifecycle: { type: string'));
    const runtime = join(root, 'scorecards/checks/supported-runtime.yaml');
    writeFileSync(runtime, readFileSync(runtime, 'utf8').replace('{ fact: runtimeName, operator: notEqual, value: dotnet }', '{ fact: tags, operator: in, value: [dotnet] }'));
    const { diagnostics } = checkFindings(root, ['--today', '2026-11-23']);
    const traps = diagnostics.filter(d => d.ruleId === 'scorecard-rule-trap') as unknown as { file: string; message: string; range: { start: { line: number } } }[];
    expect(traps.map(d => `${d.file}:${d.range.start.line}`).sort()).toEqual(['scorecards/checks/lifecycle-set.yaml:15', 'scorecards/checks/supported-runtime.yaml:15']);
    expect(traps.find(d => d.file.endsWith('lifecycle-set.yaml'))!.message).toBe("'contains' only looks inside a list fact and is false for anything else; 'lifecycle' is a string, so this condition is never true.");
    expect(traps.find(d => d.file.endsWith('supported-runtime.yaml'))!.message).toContain("'tags' is a set (a list), and a list never equals one value, so 'in' is always false here.");
  });
});
