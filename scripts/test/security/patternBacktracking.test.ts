import { describe, expect, it } from 'vitest';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

interface Finding { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } }

const FILE = 'templates/svc/template.yaml';
// A team's own template: its parameter pattern, and a test case whose value makes it backtrack.
const template = (properties: string) => templateHead('svc', properties) + fetchSkeletonStep();
const files = (properties: string, value: string) => ({
  [FILE]: template(properties),
  'skeletons/svc/README.md': '# ${{ values.name }}\n',
  'templates/svc/tests/default.yaml': `name: default\nvalues:\n  name: ${JSON.stringify(value)}\n  slug: ${JSON.stringify(value)}\n`,
});
const EVIL = `        slug: {type: string, pattern: '^([a-z0-9]+-?)*[a-z0-9]+$'} # <- pattern\n`;
const KEY = `        labels:\n          type: object\n          patternProperties:\n            '^(\\w+\\s?)*$': {type: string} # <- key\n`;
const lineOf = (text: string, marker: string) => text.split('\n').findIndex(line => line.endsWith(`# <- ${marker}`)) + 1;

// Red team, round 17: jsonschema (what scaffolder-backend's router validates every task's and dry-run's
// values with) runs a template's `pattern`s with V8's backtracking engine on the Backstage backend's one
// thread. A team's template with a nested repetition passed the gate; once merged, any signed-in user's
// value stalls the whole backend. `templates test` ran the same validation on the case's values: 40
// characters held the job for the rest of its 30 minutes (here: killed after 2 minutes).
describe('a template pattern that backtracks super-linearly', () => {
  it('check reports a parameter pattern and a patternProperties key at their lines', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], files(EVIL + KEY, 'ok'));
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).not.toMatch(/internal error/);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'template-pattern-backtracking');
    const text = template(EVIL + KEY);
    expect(found.map(d => [d.file, d.range.start.line])).toEqual([[FILE, lineOf(text, 'pattern')], [FILE, lineOf(text, 'key')]]);
    expect(found[0].message).toMatch(/^The pattern "\^\(\[a-z0-9\]\+-\?\)\*\[a-z0-9\]\+\$" backtracks exponentially/);
    expect(found[1].message).toMatch(/^The patternProperties key .* backtracks/);
    expect(run.status).toBe(1);
  }, 90_000);

  it('templates test and templates render report it and never run the pattern on a value', async () => {
    const value = `${'a'.repeat(40)}!`;
    const root = await templateRepo(['../templates/svc/template.yaml'], files(EVIL, value));
    const test = await runBin(['templates', 'test', 'svc', '--format', 'json'], root, {}, 60_000);
    expect(test.status).toBe(1);
    expect(test.stdout + test.stderr).toContain('template-pattern-backtracking');
    const render = await runBin(['templates', 'render', FILE, '--values', 'templates/svc/tests/default.yaml', '--out', 'out'], root, {}, 60_000);
    expect(render.status).toBe(1);
    expect(render.stdout).toContain('backtracks exponentially');
  }, 150_000);

  it("the repo's own patterns and a safe rewrite are no finding", async () => {
    const safe = `        slug: {type: string, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$'}\n        other: {type: string, pattern: '^[a-z][a-z0-9-]{2,38}[a-z0-9]$'}\n`;
    const root = await templateRepo(['../templates/svc/template.yaml'], files(safe, 'ab-cd'));
    const run = await runBin(['check', '--format', 'json'], root);
    expect((JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'template-pattern-backtracking')).toEqual([]);
  }, 90_000);
});

// Red team, round 18: linearByShape waved patterns past recheck whose counts it took for constants:
// `^a*a{100000}$` retries `a{100000}` at each length `a*` stops at. A team's template passed check with it,
// and 40,000 characters in the form held the backend's thread 1.5 s (n·min(n, 100000) steps).
describe('a template pattern whose count makes it backtrack', () => {
  it('check reports it (recheck judges it, not its shape)', async () => {
    const counted = `        slug: {type: string, pattern: '^a*a{100000}$'} # <- pattern\n`;
    const root = await templateRepo(['../templates/svc/template.yaml'], files(counted, 'ok'));
    const run = await runBin(['check', '--format', 'json'], root, {}, 60_000);
    expect(run.stderr).not.toMatch(/internal error/);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'template-pattern-backtracking');
    expect(found.map(d => [d.file, d.range.start.line])).toEqual([[FILE, lineOf(template(counted), 'pattern')]]);
    expect(found[0].message).toMatch(/backtracks polynomially/);
    expect(run.status).toBe(1);
  }, 90_000);
});

// The same kind in the gate itself: Ajv runs each org policy's patterns on every entity's values. A
// platform-approved `^(\w+\s?)*$` and a description a team wrote (today, or long before the policy came)
// held `check` past any limit (killed after 60 s here; the gate job's limit is 20 minutes), on every PR.
describe('an org policy pattern that backtracks super-linearly', () => {
  const POLICY = ['{', '  "title": "Descriptions are words, at most 30 characters",', '  "x-rule-id": "policy/desc",', '  "properties": { "metadata": { "properties": { "description": {', '    "type": "string",', '    "pattern": "^(\\\\w+\\\\s?)*$",', '    "maxLength": 30', '  } } } }', '}', ''].join('\n');
  const component = (description: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  description: ${JSON.stringify(description)}\nspec: {type: service, lifecycle: production, owner: group:default/team-a}\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n`;
  it('is one finding at its line, is not run, and the rest of the policy still applies', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n  policies: schemas/policy\n',
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: all}\nspec:\n  targets: [./svc.yaml]\n',
      'catalog/svc.yaml': component(`${'a'.repeat(40)}!`),
      'schemas/policy/desc.schema.json': POLICY,
    });
    const run = await runBin(['check', '--format', 'json'], root, {}, 60_000);
    expect(run.status).toBe(1);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).map(d => [d.ruleId, d.file, d.range.start.line]);
    expect(found).toContainEqual(['policy-pattern-backtracking', 'schemas/policy/desc.schema.json', 6]);
    // maxLength still judged: the 41 characters are over 30.
    expect(found).toContainEqual(['policy/desc', 'catalog/svc.yaml', 5]);
  }, 90_000);
});
