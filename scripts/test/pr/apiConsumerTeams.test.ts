import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, PAYMENTS, PAYMENTS_OPENAPI, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

// Which consumers are "other teams" for a breaking change: a component owned by a user who, in the base
// revision, is a member of the API's owning group is that team's own; anyone else still counts.

const ORDERS = 'catalog/systems/orders/entities.yaml';
const STOREFRONT = 'catalog/systems/storefront/entities.yaml';
const GROUPS = 'catalog/org/groups.yaml';
const USERS = 'catalog/org/users.yaml';
const breakGet = (t: string) => t.replace('    get:\n      operationId: getPayment', '    delete:\n      operationId: getPayment');
const ordersOwnedBy = (owner: string) => (t: string) => t.replace(/(name: orders-api\n[\s\S]*?\n  owner: )\S+/, `$1${owner}`);
const breakingOf = (run: Awaited<ReturnType<typeof runReport>>) => run.json.diagnostics.filter(d => d.ruleId === 'api-breaking-change');
const payments = (run: Awaited<ReturnType<typeof runReport>>) =>
  run.json.report.apiChanges.filter((a: { api: string }) => a.api === 'api:default/payments-openapi').map((a: { otherTeams: string[]; verdict: string }) => `${a.verdict} ${a.otherTeams.join(',')}`);

/** payments-openapi consumed only by orders-api, owned by `owner` in the base revision. */
async function consumedOnlyByOrders(owner: string, also?: (root: string) => void): Promise<{ root: string; base: string }> {
  const root = await dataRepoCopy();
  edit(root, STOREFRONT, t => t.replace('consumesApis: [orders-openapi, payments-openapi]', 'consumesApis: [orders-openapi]'));
  edit(root, PAYMENTS, t => t.replace('  consumesApis: [payments-openapi]\n', ''));
  edit(root, ORDERS, ordersOwnedBy(owner));
  also?.(root);
  commit(root, `orders-api owned by ${owner}`);
  return { root, base: startPullRequest(root) };
}

describe('report: consumers owned by members of the API owner', () => {
  it('a consumer owned by a user of the owning group (memberOf or the group\'s members) is not another team', async () => {
    // emeka.obi: memberOf [payments-team] in users.yaml, and in payments-team's members.
    const { root, base } = await consumedOnlyByOrders('user:emeka.obi');
    edit(root, PAYMENTS_OPENAPI, breakGet);
    commit(root, 'break getPayment');
    const run = await runReport(root, base);
    expect(payments(run)).toEqual(['none ']);
    expect(breakingOf(run)).toEqual([]);

    // Membership written only on the group's side (members), as an org provider often leaves it.
    const groupSide = await consumedOnlyByOrders('user:kofi.mensah', r => edit(r, GROUPS, t => t.replace('members: [emeka.obi, fatima.zahra]', 'members: [emeka.obi, fatima.zahra, kofi.mensah]')));
    edit(groupSide.root, PAYMENTS_OPENAPI, breakGet);
    commit(groupSide.root, 'break getPayment');
    expect(payments(await runReport(groupSide.root, groupSide.base))).toEqual(['none ']);
  }, 180_000);

  it('a user of another team, a user the repo does not define, another group and a sub-group still count', async () => {
    // payments-mobile: a sub-group of payments-team (spec.parent); Backstage's membership does not pass to the parent.
    const subGroup = (r: string) => edit(r, GROUPS, t => `${t}---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: payments-mobile\nspec:\n  type: team\n  parent: payments-team\n  children: []\n  members: [fatima.zahra]\n`);
    for (const owner of ['user:chen.wei', 'user:nobody.here', 'group:commerce-team', 'group:payments-mobile']) {
      const { root, base } = await consumedOnlyByOrders(owner, subGroup);
      edit(root, PAYMENTS_OPENAPI, breakGet);
      commit(root, 'break getPayment');
      const run = await runReport(root, base);
      const ref = owner.replace(':', ':default/');
      expect(payments(run)).toEqual([`error ${ref}`]);
      expect(breakingOf(run).map(d => d.hint)).toEqual([expect.stringContaining(`Team ${ref} depends on it`)]);
    }
  }, 240_000);

  it('membership the pull request itself adds does not excuse its breaking change', async () => {
    const { root, base } = await consumedOnlyByOrders('user:chen.wei');
    edit(root, USERS, t => t.replace(/(name: chen\.wei\n[\s\S]*?memberOf: )\[commerce-team\]/, '$1[commerce-team, payments-team]'));
    edit(root, GROUPS, t => t.replace('members: [emeka.obi, fatima.zahra]', 'members: [emeka.obi, fatima.zahra, chen.wei]'));
    edit(root, PAYMENTS_OPENAPI, breakGet);
    commit(root, 'chen.wei joins payments-team; break getPayment');
    const run = await runReport(root, base);
    expect(payments(run)).toEqual(['error user:default/chen.wei']);
    expect(breakingOf(run)).toHaveLength(1);
  }, 180_000);
});
