import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// red28: a file nested thousands of levels deep made `yaml` (which recurses once per level) run out of stack.
// A scorecard check or catalog file then got yaml-syntax "Maximum call stack size exceeded", which does not say
// what is wrong; a template of 3,000 nested `- ` aborted the whole process (V8's fatal "RegExpCompiler
// Allocation failed" near the stack's end). Any file past 256 levels is now yaml-depth-limit, before `yaml`.
const HEADER = { apiVersion: 'scorecards.acme.example/v1alpha1' };
const CONFIG = { ...HEADER, kind: 'ScorecardConfig', target: { jsonfc: '0.10.0', features: { checkFilter: true, operatorDecorators: true, factRetrieverIdParam: true } }, levels: [{ id: 'bronze', name: 'Bronze', rank: 1 }], maxExemptionDays: 180, output: 'backstage-config/ti.yaml' };
const GITOPS = 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n  rootLocationType: url\n';
const ROOT = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec:\n  targets: [./team.yaml, ./deep.yaml, ../templates/x/template.yaml]\n';
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n';
const flow = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const DEEP_COMPONENT = `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c\nspec:\n  type: service\n  lifecycle: production\n  owner: team\n  x: ${flow(3000)}\n`;
const DEEP_TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: x\nspec:\n  owner: team\n  type: service\n  steps: []\n  parameters:\n    ${'- '.repeat(3000)}x\n`;
const DEEP_CHECK = `${stringify({ ...HEADER, kind: 'Check', id: 'deep', name: 'deep', description: 'deep', level: 'bronze', category: 'X', solution: 'Fix it.', enforcement: { mode: 'report' }, factIds: ['r'], rule: { conditions: { all: [{ fact: 'o', operator: 'equal', value: [] }] } } })}tests: ${flow(3000)}\n`;

describe('a YAML file nested thousands of levels deep (through the bin)', () => {
  it('is one yaml-depth-limit finding per file, whether catalog file, template or scorecard check', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': GITOPS,
      'catalog/all.yaml': ROOT,
      'catalog/team.yaml': GROUP,
      'catalog/deep.yaml': DEEP_COMPONENT,
      'templates/x/template.yaml': DEEP_TEMPLATE,
      'scorecards/config.yaml': stringify(CONFIG),
      'scorecards/facts/r.yaml': stringify({ ...HEADER, kind: 'FactRetriever', id: 'r', version: '1.0.0', builtin: false, provider: 'live', schema: { o: { type: 'object', description: 'o' } } }),
      'scorecards/checks/deep.yaml': DEEP_CHECK,
    });
    for (const command of [['check'], ['scorecards']]) {
      const run = await runBin([...command, '--format', 'json', '--today', '2026-11-23'], root);
      expect(run.stderr).not.toMatch(/FATAL|call stack|internal error/i);
      const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } }[] }).diagnostics
        .filter(d => d.file.includes('deep') || d.file.includes('templates/x'));
      const expected = command[0] === 'check'
        ? ['catalog/deep.yaml:9:260', 'scorecards/checks/deep.yaml:19:263', 'templates/x/template.yaml:10:513']
        : ['scorecards/checks/deep.yaml:19:263'];
      expect(found.map(d => `${d.ruleId} ${d.file}:${d.range.start.line}:${d.range.start.column}`).sort()).toEqual(expected.map(e => `yaml-depth-limit ${e}`));
      for (const d of found) {
        expect(d.message).toMatch(/more than 256 levels deep/);
        expect(d.message).not.toMatch(/call stack/);
        // 256 is the gate's limit: a real catalog backend ingested entities nested 260 to 800 levels deep.
        expect(d.message).toContain("256 is this gate's own limit");
        expect(d.message).toContain('somewhere past 800 to 1,000 levels');
        expect(d.message).not.toMatch(/some hundreds of levels/);
      }
      expect(run.status).toBe(1);
    }
  }, 60_000);

  it('is one line and exit 2 in gitops.config.yaml', async () => {
    const root = await tempRepo({ 'gitops.config.yaml': `${GITOPS}x: ${flow(3000)}\n`, 'catalog/all.yaml': GROUP });
    const run = await runBin(['check'], root);
    expect(run.stderr.trim()).toBe('backstage-gitops check: gitops.config.yaml:5:259: YAML nesting too deep: this file nests mappings or lists more than 256 levels deep, which the YAML parser cannot read safely.\nFlatten it and run again.');
    expect(run.status).toBe(2);
  });
});
