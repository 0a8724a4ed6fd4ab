import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Red team: a target written from the repository root is read by Backstage's defaultScmResolveUrl through the
// URL pathname setter, not by parsing a whole URL: `/ catalog/a.yaml` keeps its space (Backstage reads
// "%20catalog/a.yaml", a file that is not there), a tab is dropped, `//host/x.yaml` and `/\host/x.yaml` stay
// in this repository. The gate read the first as catalog/a.yaml and called the others external or invalid.
const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: ${name}}\nspec: {type: team, children: []}\n`;
const TARGETS: [string, string][] = [
  ['/ catalog/a.yaml', 'location-target-missing'],
  ['/catalog/b.yaml ', 'location-target-missing'],
  ['/\tcatalog/c.yaml', 'read'],
  ['/catalog/%64.yaml', 'read'],
  ['/catalog/e.yaml?x', 'location-target-missing'],
  ['./f.yaml#x', 'read'],
  ['//host/x.yaml', 'read'],
  ['/\\host/y.yaml', 'read'],
  ['//host/missing.yaml', 'location-target-missing'],
];

describe('Location targets written from the repository root, read as Backstage reads them (check, through the bin)', () => {
  it('each leads where defaultScmResolveUrl leads: missing where Backstage reads another file, read where it reads this one', async () => {
    // One Location per target (a missing target fails only its own Location), each on lines 7k+1…7k+7.
    const locations = TARGETS.map(([target], i) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: l${i}}\nspec:\n  type: url\n  targets:\n    - ${JSON.stringify(target)}\n`).join('---\n');
    const root = await tempRepo({
      'gitops.config.yaml': "repoUrl: https://github.com/acme/control/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n  include: ['catalog/**/*.yaml', 'host/**/*.yaml']\n",
      'catalog/all.yaml': locations,
      ...Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map(n => [`catalog/${n}.yaml`, group(n)])),
      'host/x.yaml': group('x'),
      'host/y.yaml': group('y'),
    });
    const run = await runBin(['check', '--root', root, '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string; range: { start: { line: number } } }[]);
    const expected = TARGETS.flatMap(([, verdict], i) => (verdict === 'read' ? [] : [`${verdict}@catalog/all.yaml:${8 * i + 7}`]));
    // What the missing targets were meant to read is never ingested: no Location reaches it.
    expected.push('location-unreachable@catalog/a.yaml:1', 'location-unreachable@catalog/b.yaml:1', 'location-unreachable@catalog/e.yaml:1');
    expect(found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`).sort()).toEqual(expected.sort());
    expect(found.find(d => d.range.start.line === 7)?.message).toContain('(looked for " catalog/a.yaml")');
    expect(run.status).toBe(1);
  }, 60_000);
});
