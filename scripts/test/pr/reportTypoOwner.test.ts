import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, PAYMENTS, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

// report6: a component handed to a misspelt group (payments-teem) made the report ask "payments-teem" to
// review ("1 team outside CODEOWNERS should review"), a team that does not exist, beside the gate's own
// ref-unresolved error for the same typo. A new owner the catalog does not define asks nobody.

describe('report: a misspelt new owner is a finding, not a reviewer', () => {
  it('asks no review of a group the catalog does not define; a real new owner is still asked', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, PAYMENTS, t => t.replace(/(name: ledger-service[\s\S]*?  owner: )payments-team/, '$1payments-teem'));
    commit(root, 'ledger-service to a misspelt team');
    const typo = await runReport(root, base);
    expect(typo.json.diagnostics.some(d => d.ruleId === 'ref-unresolved' && d.message.includes('payments-teem'))).toBe(true);
    expect(typo.json.report.teamReviews).toEqual([]);
    expect(typo.json.markdown).not.toContain('should review');
    expect(typo.json.markdown).toContain('No team outside CODEOWNERS is affected.');

    edit(root, PAYMENTS, t => t.replace('payments-teem', 'data-team'));
    commit(root, 'ledger-service to data-team');
    const real = await runReport(root, base);
    expect(real.json.report.teamReviews.map((t: { team: string }) => t.team)).toContain('group:default/data-team');
  }, 180_000);
});
