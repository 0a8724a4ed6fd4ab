import { describe, expect, it } from 'vitest';
import { MAX_FINDING_TEXT } from '../../src/report/boundDiagnostics.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// A label key of 900,000 characters (the file stays under maxFileBytes): the finding that quotes it was one
// 1.8 MB line in stylish, azure, sarif and json, and 3.6 MB in junit. Every format clips it at one bound.
const KEY = 'k'.repeat(900_000);
const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const component = `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: long\n  labels: {${KEY}: x}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:team-a\n`;

describe('a finding quoting a 900 kB label key', () => {
  it.each(['stylish', 'json', 'junit', 'sarif', 'markdown', 'github', 'azure'])('%s: every line is bounded and the cut is shown with …', async format => {
    const root = await tempRepo({ 'catalog-info.yaml': `${group}---\n${component}` });
    const result = await runBin(['check', '--no-color', '--format', format], root);
    expect(result.status).toBe(1);
    const longest = Math.max(...result.stdout.split('\n').map(line => line.length));
    // The message and the hint, each escaped once for the format (XML and JSON at most x6 for a character).
    expect(longest).toBeLessThan(6 * 2 * MAX_FINDING_TEXT + 2_000);
    expect(result.stdout).toContain('kkk…');
    // The whole output grows by no more than the clipped values: the same catalog with a one-letter key is
    // the measure (SARIF lists every rule's description, ≈100 kB, whatever the findings).
    const short = await tempRepo({ 'catalog-info.yaml': `${group}---\n${component.replace(KEY, 'k')}` });
    const plain = await runBin(['check', '--no-color', '--format', format], short);
    expect(result.stdout.length - plain.stdout.length).toBeLessThan(6 * 2 * MAX_FINDING_TEXT + 2_000);
  }, 60_000);
});
