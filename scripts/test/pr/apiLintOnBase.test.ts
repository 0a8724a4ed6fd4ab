import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, PAYMENTS_OPENAPI, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

// fresh5 L1: Spectral's findings a definition already had on main read as "Introduced" in any pull request
// that edited the definition (four warnings on a one-line change). The base's definition is linted too,
// under the base's ruleset, and what it already has is listed apart.
describe('report --base: Spectral findings a changed definition already had on the base are not the change\'s', () => {
  it('the old info-contact warning is already on the base; the new endpoint\'s own findings are introduced', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    // A new endpoint with no description and no tags: Spectral's recommended rules find those on it alone.
    edit(root, PAYMENTS_OPENAPI, t => `${t.trimEnd()}\n  /refunds:\n    get:\n      operationId: listRefunds\n      responses:\n        "200":\n          description: OK\n`);
    commit(root, 'refunds endpoint');
    const { json } = await runReport(root, base);
    const lint = (json.diagnostics as { ruleId: string; message: string; alreadyOnBase?: boolean }[]).filter(d => d.ruleId === 'api-lint');
    expect(lint.find(d => d.message.startsWith('info-contact'))?.alreadyOnBase).toBe(true);
    const own = lint.filter(d => d.message.includes('paths./refunds'));
    expect(own.length).toBeGreaterThan(0);
    expect(own.every(d => d.alreadyOnBase === undefined)).toBe(true);
    const md = json.markdown;
    const already = md.indexOf('#### Already on');
    expect(md.indexOf('info\\-contact')).toBeGreaterThan(already);
    expect(md.indexOf('(at paths./payments/\\{paymentId\\}.get\\)')).toBeGreaterThan(already);
    expect(md.slice(md.indexOf('#### Introduced by this pull request'), already)).toContain('\\(at paths./refunds.get\\)');
  }, 120_000);
});
