import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempRepo } from '../helpers/tempRepo.ts';

// jsonpath-plus's safe evaluator (what json-rules-engine reads a condition's `path` with) runs regex literals
// and calls any method a value has, with no budget. A pull request's check with `/^(a|a)+$/.test(@.name)`
// and a golden case whose fact is 'aaaa…b' held `scorecards`, `check` and `report` forever (red28: killed
// after 100 s), and Tech Insights would run it on every entity's fact on the backend's one thread.
const HEADER = { apiVersion: 'scorecards.acme.example/v1alpha1' };
const CONFIG = { ...HEADER, kind: 'ScorecardConfig', target: { jsonfc: '0.10.0', features: { checkFilter: true, operatorDecorators: true, factRetrieverIdParam: true } }, levels: [{ id: 'bronze', name: 'Bronze', rank: 1 }], maxExemptionDays: 180, output: 'backstage-config/ti.yaml' };
const GITOPS = 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n  rootLocationType: url\n';
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n';
const EVIL = `${'a'.repeat(60)}b`;
/** A fact nested `depth` levels deep ({a: {a: …}}): a few bytes a level. */
const deep = (depth: number) => {
  const root: Record<string, unknown> = {};
  let at = root;
  for (let i = 0; i < depth; i++) at = (at.a = {}) as Record<string, unknown>;
  return root;
};
const check = (id: string, condition: object) =>
  stringify({ ...HEADER, kind: 'Check', id, name: id, description: id, level: 'bronze', category: 'X', solution: 'Fix it.', enforcement: { mode: 'report' }, factIds: ['r'], tests: [{ name: 'crafted', facts: { r: { o: { items: [{ name: EVIL }] }, p: {} } }, expect: 'fail' }], rule: { conditions: { all: [condition] } } });

describe('a JSONPath script whose cost has no bound', () => {
  it('is scorecard-path-unbounded at the path, and is never run; linear filters still run', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': GITOPS,
      'catalog/all.yaml': GROUP,
      'scorecards/config.yaml': stringify(CONFIG),
      'scorecards/facts/r.yaml': stringify({ ...HEADER, kind: 'FactRetriever', id: 'r', version: '1.0.0', builtin: false, provider: 'live', schema: { o: { type: 'object', description: 'o' }, p: { type: 'object', description: 'p' } } }),
      'scorecards/checks/redos.yaml': check('redos', { fact: 'o', path: '$.items[?(/^(a|a)+$/.test(@.name))]', operator: 'equal', value: [] }),
      'scorecards/checks/repeat.yaml': check('repeat', { fact: 'o', operator: 'equal', value: { fact: 'p', path: "$[?(@.name.repeat(400000000).toUpperCase() == 'x')]" } }),
      'scorecards/checks/doubling.yaml': check('doubling', { fact: 'o', path: `$.items[?(y = @.name, ${'y = y + y, '.repeat(22)}y == 'x')]`, operator: 'equal', value: [] }),
      'scorecards/checks/nested.yaml': check('nested', { fact: 'o', path: "$[?(@.items[?(@.name.padStart(400000000) == 'x')])]", operator: 'equal', value: [] }),
      // red29: no script at all, yet each `..` after the first walks the subtree of every node reached before (the
      // fact 200 levels deep: a file nested past 256 is yaml-depth-limit, never read).
      'scorecards/checks/descents.yaml': stringify({ ...HEADER, kind: 'Check', id: 'descents', name: 'descents', description: 'descents', level: 'bronze', category: 'X', solution: 'Fix it.', enforcement: { mode: 'report' }, factIds: ['r'], tests: [{ name: 'deep', facts: { r: { o: deep(200), p: {} } }, expect: 'fail' }], rule: { conditions: { all: [{ fact: 'o', path: '$..*..*..*..*', operator: 'equal', value: [] }] } } }),
      'scorecards/checks/fine.yaml': check('fine', { fact: 'o', path: "$.items[?(@.name.startsWith('a') && @.name.toLowerCase().includes('b'))]", operator: 'equal', value: [] }),
    });
    const started = Date.now();
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/bin/backstage-gitops.js'), 'scorecards', '--format', 'json', '--today', '2026-11-23'], { cwd: root, encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR } });
    expect(run.signal, 'the run was killed after 30 s').toBeNull();
    expect(Date.now() - started).toBeLessThan(30_000);
    const diagnostics = JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } }[];
    const found = diagnostics.filter(d => d.ruleId === 'scorecard-path-unbounded').map(d => `${d.file}:${d.range.start.line}:${d.range.start.column}`);
    expect(found).toEqual(['scorecards/checks/descents.yaml:224:15', 'scorecards/checks/doubling.yaml:26:15', 'scorecards/checks/nested.yaml:26:15', 'scorecards/checks/redos.yaml:26:15', 'scorecards/checks/repeat.yaml:29:17']);
    const message = (file: string) => diagnostics.find(d => d.ruleId === 'scorecard-path-unbounded' && d.file.endsWith(file))!.message;
    expect(message('redos.yaml')).toMatch(/regular expression \/\^\(a\|a\)\+\$\/ in/);
    expect(message('repeat.yaml')).toMatch(/calls `repeat`/);
    expect(message('doubling.yaml')).toMatch(/assigns a name/);
    expect(message('nested.yaml')).toMatch(/calls `padStart`/);
    expect(message('descents.yaml')).toMatch(/4 recursive descents/);
    // Their golden cases expect a failure, but a check that is never run has no verdict: each is an error.
    expect(diagnostics.filter(d => d.ruleId === 'scorecard-test-failed').map(d => d.file).sort()).toEqual(['scorecards/checks/descents.yaml', 'scorecards/checks/doubling.yaml', 'scorecards/checks/nested.yaml', 'scorecards/checks/redos.yaml', 'scorecards/checks/repeat.yaml']);
    expect(diagnostics.filter(d => d.file.endsWith('fine.yaml'))).toEqual([]);
    expect(run.status).toBe(1);
  }, 60_000);
});
