import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

const ANALYTICS = 'catalog/systems/analytics/entities.yaml';
const shadow = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders_api.shadow\n  description: Claims to provide the orders API and to be part of the orders system.\n  annotations:\n    github.com/project-slug: acme/analytics\nspec:\n  type: service\n  lifecycle: experimental\n  owner: data-team\n  system: orders\n  subcomponentOf: component:orders-api\n  dependencyOf: [component:orders-api]\n  providesApis: [api:orders-openapi]\n  consumesApis: [reporting-openapi]\n';
type Review = { team: string; reasons: string[] };

// Red team, round 8: a team attached its entity to another team's system, API and component, and the report
// said "No team outside CODEOWNERS is affected".
describe('report: teams whose entities a change newly relates to are asked to review', () => {
  it("an entity joining another team's system, API and component asks that team, with each relation; Markdown stays escaped", async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, ANALYTICS, t => `${t}---\n${shadow}`);
    commit(root, 'shadow');
    const { json } = await runReport(root, base);
    const reviews = json.report.teamReviews as Review[];
    // Its own team's API (reporting-openapi) asks nobody; commerce is asked for each of its entities.
    expect(reviews.map(r => r.team)).toEqual(['group:default/commerce-team']);
    expect([...reviews[0].reasons].sort()).toEqual([
      'component:default/orders_api.shadow newly names api:default/orders-openapi in spec.providesApis',
      'component:default/orders_api.shadow newly names component:default/orders-api in spec.dependencyOf',
      'component:default/orders_api.shadow newly names component:default/orders-api in spec.subcomponentOf',
      'component:default/orders_api.shadow newly names system:default/orders in spec.system',
    ]);
    const md = json.markdown;
    expect(md).not.toContain('No team outside CODEOWNERS is affected.');
    expect(md).toContain('- 1 team outside CODEOWNERS should review.');
    expect(md).toContain('- <code>group:default/commerce-team</code>: ');
    expect(md).toContain('component\\:default/orders\\_api.shadow newly names ');
    expect(md).not.toContain('orders_api.shadow newly');
  }, 120_000);

  it('a relation the base already had asks nobody; handing an entity to another group asks that group', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    // events-ingest already consumes commerce's orders-events: a new description changes no relation.
    edit(root, ANALYTICS, t => t.replace("  name: analytics-lib\n  description: 'Shared", "  name: analytics-lib\n  description: 'Common shared"));
    edit(root, ANALYTICS, t => t.replace('consumesApis: [orders-events, payment-events]', 'consumesApis: [payment-events, orders-events]'));
    commit(root, 'reword');
    expect((await runReport(root, base)).json.report.teamReviews).toEqual([]);
    edit(root, ANALYTICS, t => t.replace('spec:\n  type: library\n  lifecycle: production\n  owner: data-team', 'spec:\n  type: library\n  lifecycle: production\n  owner: payments-team'));
    commit(root, 'hand analytics-lib to payments');
    const reviews = (await runReport(root, base)).json.report.teamReviews as Review[];
    expect(reviews).toEqual([{ team: 'group:default/payments-team', reasons: ['component:default/analytics-lib is now owned by group:default/payments-team'] }]);
  }, 120_000);
});
