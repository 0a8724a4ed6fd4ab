import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { commit, edit, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

// fresh3 L6 and L8: what the PR report cuts, and how. `--full` (the job summary) lists every location of a
// group while they fit, and says where the rest are when they do not; the comment names three and its
// footer says where the full lists are. A long message is cut at a word boundary, with an ellipsis.

const ORDERS = 'catalog/systems/orders/entities.yaml';
const component = (i: number) => `---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: stray-${i}\nspec:\n  type: service\n  lifecycle: production\n  owner: commerce-team\n  system: nowhere\n`;
const locationsIn = (row: string) => row.match(/<code>catalog\/systems\/orders\/entities\.yaml:\d+:\d+<\/code>/g) ?? [];

describe('report: cuts say what they cut, and cut whole words', () => {
  it('--full lists every location of a group; the comment lists three and says where the rest are', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, ORDERS, t => t + Array.from({ length: 12 }, (_, i) => component(i)).join(''));
    commit(root, 'twelve components of a system that does not exist');
    const full = await runBin(['report', '--base', base, '--today', '2026-11-23', '--full'], root);
    expect(full.status).toBe(1);
    const row = full.stdout.split('\n').find(l => l.includes('system\\:default/nowhere'))!;
    expect(row).toContain('| 12 |');
    expect(locationsIn(row)).toHaveLength(12);
    expect(row).not.toContain('…and');

    const { json } = await runReport(root, base);
    const commentRow = json.markdown.split('\n').find(l => l.includes('system\\:default/nowhere'))!;
    expect(locationsIn(commentRow)).toHaveLength(3);
    expect(commentRow).toContain('…and 9 more');
    expect(json.markdown).toContain('_Lists are shortened to fit a comment: the summary of this run has them in full');
  }, 180_000);

  it('--full cuts a group\'s locations only past its room, and says how many and where they all are', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, ORDERS, t => t + Array.from({ length: 2_000 }, (_, i) => component(i)).join(''));
    commit(root, 'two thousand components of a system that does not exist');
    const full = await runBin(['report', '--base', base, '--today', '2026-11-23', '--full'], root);
    const row = full.stdout.split('\n').find(l => l.includes('system\\:default/nowhere'))!;
    const shown = locationsIn(row).length;
    expect(shown).toBeGreaterThan(1_000);
    expect(shown).toBeLessThan(2_000);
    expect(row).toContain(`…and ${2_000 - shown} more (<code>report --format json</code> lists every one) |`);
    expect(full.stdout.length).toBeLessThan(1_000_000);
  }, 300_000);

  it('a long message is cut at a word boundary, never inside a word', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, ORDERS, t => t.replace('owner: commerce-team', `owner: ${Array.from({ length: 60 }, () => 'platform').join(' ')}`));
    commit(root, 'an owner of sixty words');
    const { json } = await runReport(root, base);
    const full = json.diagnostics.find(d => d.message.includes('platform platform'))!;
    expect(full.message.length).toBeGreaterThan(400);
    const row = json.markdown.split('\n').find(l => l.includes('platform platform'))!;
    const cut = row.match(/\| ([^|]*)…<br>/)![1];
    expect(cut).toMatch(/ platform$/);
    expect(cut.length).toBeLessThanOrEqual(400);
  }, 180_000);
});
