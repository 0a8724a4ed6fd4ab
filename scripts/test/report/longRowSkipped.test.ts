import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

const component = (name: string, owner: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;

// Folder and file names of `"`, which the table escapes six times over (`&quot;`): one group of ten findings in
// such files is a row near the table's whole budget. A pull request that adds it must not hide the rows after it.
const quotes = (n: number) => '"'.repeat(n);
const deep = `catalog/${[1, 2, 3, 4].map(() => quotes(245)).join('/')}`;
const files: Record<string, string> = {
  'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\n',
  [`catalog/!${quotes(200)}.yaml`]: component('first', 'team-first'),
  'catalog/zz.yaml': component('other', 'team-missing'),
};
for (let i = 1; i <= 10; i++) files[`${deep}/c${i}.yaml`] = component(`svc-${i}`, 'team-ghost');

describe('a findings row too long for the Markdown table is counted, and the rows after it are still shown (through the bin)', () => {
  it('check --format markdown shows the short rows on both sides of the long one', async () => {
    const root = await tempRepo(files);
    const run = await runBin(['check', '--format', 'markdown'], root);
    expect(run.status).toBe(1);
    const rows = run.stdout.split('\n').filter(line => line.startsWith('| ❌'));
    expect(rows.some(row => row.includes('team\\-first'))).toBe(true);
    expect(rows.some(row => row.includes('catalog/zz.yaml:8:10') && row.includes('team\\-missing'))).toBe(true);
    expect(rows.some(row => row.includes('team\\-ghost'))).toBe(false);
    expect(run.stdout).toContain('…and 10 more findings');
    expect(run.stdout.length).toBeLessThan(65_536);
  });
});
