import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { commit, edit, startPullRequest, withoutDocument, write } from './prChange.ts';
import { runReport } from './runReport.ts';

// A red team's pull request edited its own production service: pagerduty.com/service-id removed and
// spec.type: service changed to microservice. The entity left the scope of the blocking check hasPagerDuty and
// of the error-level policy/production-component (both: spec.type in [service, website]), and report --base
// said "✅ ready to merge", 0 findings; scorecards --base "Gold (100%) → Gold (100%)": an exemption nobody approved.
const ORDERS = 'catalog/systems/orders/entities.yaml';
const TODAY = ['--today', '2026-11-23'];
const SCOPE_RULES = ['scorecard-scope-left', 'policy-scope-left'];

/** orders-api (production, lines 14-45 of the file) with its spec.type set to `type` and, unless `keepPagerDuty`, its PagerDuty id removed. */
const retype = (root: string, type: string, keepPagerDuty = false) =>
  edit(root, ORDERS, text => {
    const [head, rest] = [text.slice(0, text.indexOf('name: orders-api-dev')), text.slice(text.indexOf('name: orders-api-dev'))];
    return (keepPagerDuty ? head : head.replace('    pagerduty.com/service-id: "P96A2EC"\n', '')).replace('spec:\n  type: service\n', `spec:\n  type: ${type}\n`) + rest;
  });

const EXEMPTION = `apiVersion: scorecards.acme.example/v1alpha1
kind: Exemption
id: orders-api-pagerduty
entityRef: component:default/orders-api
checks: [hasPagerDuty]
reason: Turned into an internal microservice; the platform team agreed it has no on-call rota.
approvedBy: group:default/platform-team
created: '2026-11-20'
expires: '2027-02-28'
`;

describe('an entity the pull request moves out of a check or policy it was in', () => {
  it('is an error at spec.type in report --base, check --base --format github and scorecards --base', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    retype(root, 'microservice');
    commit(root, 'orders-api is a microservice now');

    const run = await runReport(root, base);
    expect(run.status).toBe(1);
    const markdown = run.json.markdown;
    expect(markdown).toContain('## ❌ Backstage catalog: changes needed');
    const found = run.json.diagnostics.filter(d => SCOPE_RULES.includes(d.ruleId));
    expect(found.map(d => [d.ruleId, d.severity, d.file, d.range.start.line])).toEqual([
      ['policy-scope-left', 'error', ORDERS, 35],
      ['scorecard-scope-left', 'error', ORDERS, 35],
    ]);
    expect(found[1].message).toContain('out of the blocking scorecard check "On call in PagerDuty" (hasPagerDuty), which it would now fail');
    expect(found[1].message).toContain('spec.type changes from "service" to "microservice"');
    expect(found[1].hint).toContain('scorecards/exemptions/');
    expect(found[0].message).toContain('(policy/production-component), which it would now break (a production component needs the pagerduty.com/service-id annotation): spec.type changes from "service" to "microservice"');
    expect(markdown).toContain('<code>scorecard-scope-left</code>');
    expect(markdown).toContain('<code>policy-scope-left</code>');
    expect(markdown).toContain(`<code>${ORDERS}:35:9</code>`);

    const check = await runBin(['check', '--base', base, ...TODAY, '--format', 'github'], root);
    expect(check.status).toBe(1);
    expect(check.stdout).toContain(`::error file=${ORDERS},line=35,endLine=35,col=9,endColumn=21,title=scorecard-scope-left::This change takes component:default/orders-api out of the blocking scorecard check "On call in PagerDuty" (hasPagerDuty)`);
    expect(check.stdout).toContain(`::error file=${ORDERS},line=35,endLine=35,col=9,endColumn=21,title=policy-scope-left::This change takes component:default/orders-api out of the org policy`);

    const scorecards = await runBin(['scorecards', '--base', base, ...TODAY, '--format', 'markdown'], root);
    expect(scorecards.status).toBe(1);
    expect(scorecards.stderr).toContain('scorecard-scope-left');
    expect(scorecards.stderr).not.toContain('policy-scope-left');
  }, 180_000);

  it('an exemption the platform approves takes the scorecard finding away; the policy one stays', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    retype(root, 'microservice');
    write(root, 'scorecards/exemptions/orders-api-pagerduty.yaml', EXEMPTION);
    commit(root, 'orders-api is a microservice, exempted from PagerDuty');
    const check = await runBin(['check', '--base', base, ...TODAY, '--format', 'github'], root);
    expect(check.stdout).not.toContain('title=scorecard-scope-left');
    expect(check.stdout).toContain('title=policy-scope-left');
  }, 180_000);

  it('is a warning when the entity would pass either way', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    retype(root, 'library', true);
    commit(root, 'orders-api is a library now');
    const run = await runReport(root, base);
    expect(run.json.diagnostics.filter(d => SCOPE_RULES.includes(d.ruleId)).map(d => [d.ruleId, d.severity, d.range.start.line])).toEqual([
      ['policy-scope-left', 'warning', 36],
      ['scorecard-scope-left', 'warning', 36],
    ]);
    expect(run.json.diagnostics.find(d => d.ruleId === 'scorecard-scope-left')!.message).toContain('(it would pass the check either way)');
  }, 180_000);

  it('says nothing for a type change that stays in scope, a new entity out of scope or a removed one', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    retype(root, 'website', true);
    edit(root, ORDERS, text => withoutDocument(text, 'Component', 'orders-api-prod').replace(/\n---\n$/, '\n') + `---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders-sidecar
  description: 'Sidecar that ships the orders logs; no on-call rota of its own.'
  annotations:
    github.com/project-slug: "acme/orders-api"
spec:
  type: microservice
  lifecycle: production
  owner: commerce-team
  system: orders
`);
    commit(root, 'orders-api is a website; a new sidecar; orders-api-prod goes');
    const run = await runReport(root, base);
    expect(run.json.report.changes.added.map((e: { ref: string }) => e.ref)).toEqual(['component:default/orders-sidecar']);
    expect(run.json.report.changes.removed.map((e: { ref: string }) => e.ref)).toEqual(['component:default/orders-api-prod']);
    expect(run.json.diagnostics.filter(d => SCOPE_RULES.includes(d.ruleId))).toEqual([]);
    const check = await runBin(['check', '--base', base, ...TODAY, '--format', 'github'], root);
    expect(check.stdout).not.toContain('scope-left');
  }, 180_000);
});
