import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

// A definition whose changes the diff cannot classify (AsyncAPI 3, seen on Forsakringskassan's AsyncAPI 3
// history) counts as one breaking change whatever changed; the hint used to offer "keep the old shape and
// deprecate it first", which never passes such a change.

const breakingOf = (run: Awaited<ReturnType<typeof runReport>>) => run.json.diagnostics.filter(d => d.ruleId === 'api-breaking-change');
describe('report: a change the diff cannot judge says what passes it', () => {
  it('AsyncAPI 3: a new description counts as breaking, and the hint offers no shape to keep', async () => {
    const root = await dataRepoCopy();
    const EVENTS = 'catalog/systems/payments-core/definitions/payment-events.asyncapi.yaml';
    edit(root, EVENTS, t => t.replace('asyncapi: 2.6.0', 'asyncapi: 3.0.0'));
    commit(root, 'payment events on AsyncAPI 3');
    const base = startPullRequest(root);
    edit(root, EVENTS, t => t.replace('description: A payment was settled.', 'description: A payment was settled by the bank.'));
    commit(root, 'describe the events better');
    const run = await runReport(root, base);
    expect(run.status).toBe(1);
    const [finding, ...rest] = breakingOf(run);
    expect(rest).toEqual([]);
    expect(finding.message).toContain('the definition is asyncapi 3.0.0, whose changes the breaking-change diff cannot classify');
    expect(finding.hint).toBe('Team group:default/data-team depends on it. The diff cannot tell what this change keeps, so it counts as breaking whatever it changes (keeping the old shape does not pass it): release a new major info.version, or agree the change with that team.');
  }, 120_000);
});
