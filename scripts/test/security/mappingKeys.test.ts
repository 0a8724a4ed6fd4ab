import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// Red team 25: `yaml` (Backstage's parser: parseEntityYaml, the $yaml placeholder resolver) checks every new
// key of a mapping against each earlier one (uniqueKeys, compose/util-map-includes), so one mapping of n keys
// costs n²/2 comparisons on the catalog's single thread, at every refresh of the file. A 440 KB block mapping
// of 45,000 keys took 6.9 s to parse, under the 100,000-value budget (90,000 values), and the gate (js-yaml,
// linear) passed it in 0.3 s with 0 findings.

interface Finding { ruleId: string; file: string; message: string; range: { start: { line: number } } }
const findings = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics;
const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const component = (name: string, spec = '') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:team-a\n${spec}`;
const keys = (n: number, indent: string) => Array.from({ length: n }, (_, i) => `${indent}k${i}: 1\n`).join('');

describe('one mapping with tens of thousands of keys', () => {
  it('in a catalog file: yaml-node-limit at the key holding the mapping; Backstage\'s parser takes seconds on it', async () => {
    const text = `${group}---\n${component('wide', `  x:\n${keys(30_000, '    ')}`)}`;
    // The truth: `yaml` with Backstage's options (uniqueKeys on) is quadratic here; 30,000 keys take about 3 s.
    const started = Date.now();
    parseAllDocuments(text, { merge: false });
    expect(Date.now() - started).toBeGreaterThan(1000);
    const root = await tempRepo({ 'catalog-info.yaml': text });
    const result = await runBin(['check', '--format', 'json'], root);
    const found = findings(result.stdout).filter(f => f.ruleId === 'yaml-node-limit');
    expect(found.map(f => f.range.start.line)).toEqual([text.split('\n').indexOf('  x:') + 1]);
    expect(found[0].message).toContain('more than 5000 keys');
    expect(result.status).toBe(1);
  }, 60_000);

  it('in a $yaml placeholder file: placeholder-invalid, the file never handed to the quadratic parse', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': `${group}---\n${component('wide-ph', '  extra:\n    $yaml: ./values.yaml\n')}`, 'values.yaml': keys(30_000, '') });
    const result = await runBin(['check', '--format', 'json'], root);
    expect(findings(result.stdout).filter(f => f.ruleId === 'placeholder-invalid').map(f => f.message)).toEqual([expect.stringContaining('more than 5000 keys')]);
    expect(result.status).toBe(1);
    expect(result.milliseconds).toBeLessThan(15_000);
  }, 60_000);

  it('many keys spread over many mappings, and a long list, stay clean', async () => {
    const maps = Array.from({ length: 8 }, (_, m) => `    m${m}:\n${keys(2000, '      ')}`).join('');
    const list = `    list: [${Array.from({ length: 20_000 }, (_, i) => `v${i}`).join(', ')}]\n`;
    const root = await tempRepo({ 'catalog-info.yaml': `${group}---\n${component('many', `  x:\n${maps}${list}`)}` });
    const result = await runBin(['check', '--format', 'json'], root);
    expect(findings(result.stdout).filter(f => f.ruleId === 'yaml-node-limit')).toEqual([]);
  }, 60_000);

  const template = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: wide\nspec:\n  owner: group:team-a\n  type: service\n  parameters: []\n  steps:\n    - id: fetch\n      action: fetch:plain\n      input:\n        url: ../../skeletons/wide\n';
  it('in a template test case: yaml-node-limit on the case, which is not run', async () => {
    const root = await tempRepo({ 'templates/wide/template.yaml': template, 'templates/wide/tests/a.yaml': `name: a\nsnapshot: false\nvalues:\n${keys(30_000, '  ')}`, 'skeletons/wide/readme.md': 'x\n' });
    const result = await runBin(['templates', 'test', '--format', 'json'], root);
    expect(findings(result.stdout).map(f => `${f.ruleId}@${f.file}:${f.range.start.line}`)).toEqual(['yaml-node-limit@templates/wide/tests/a.yaml:3']);
    expect(result.status).toBe(1);
  }, 60_000);

  it('in a file templates render reads: one line, exit 2', async () => {
    const root = await tempRepo({ 'templates/wide/template.yaml': template, 'values.yaml': keys(6_000, ''), 'skeletons/wide/readme.md': 'x\n' });
    const result = await runBin(['templates', 'render', 'templates/wide/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(result.stderr).toContain('more than 5000 keys');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.status).toBe(2);
  }, 60_000);

  it('in a rendered skeleton file: the case fails naming the file, which is never parsed by `yaml`', async () => {
    const root = await tempRepo({ 'templates/wide/template.yaml': template, 'templates/wide/tests/a.yaml': 'name: a\nsnapshot: false\nvalues: {}\n', 'skeletons/wide/values.yaml': keys(30_000, '') });
    const result = await runBin(['templates', 'test', '--format', 'json'], root);
    expect(JSON.stringify(findings(result.stdout))).toContain('values.yaml:1: a mapping of more than 5000 keys');
    expect(result.status).toBe(1);
  }, 60_000);
});
