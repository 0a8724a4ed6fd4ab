import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { commit, edit, startPullRequest, write } from './prChange.ts';
import { runReport } from './runReport.ts';

// A pull request that adds an exemption for its own failing check read, in its report, as "⬆️ Raises the
// scorecard level of 3 teams (…; 1 entity check now passing)" and "✅ fixed Production runbook linked":
// nothing was fixed, the check was taken out of the score. An exemption is said as one, apart from fixes.
const EXEMPTION = `apiVersion: scorecards.acme.example/v1alpha1
kind: Exemption
id: checkout-ui-runbook
entityRef: component:default/checkout-ui
checks: [productionRunbook]
reason: Runbook being written; the on-call page links it until then.
requestedBy: user:default/alice.martin
approvedBy: group:default/platform-team
ticket: WEB-12
created: '2026-11-20'
expires: '2027-02-28'
`;
const verdictOf = (markdown: string) => markdown.slice(0, markdown.indexOf('### Findings'));

describe('a pull request that exempts a failing check', () => {
  it('is said as exempted, not fixed: in the verdict, the Scorecards section, the JSON and scorecards --base', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    write(root, 'scorecards/exemptions/checkout-ui-runbook.yaml', EXEMPTION);
    commit(root, 'exempt checkout-ui from the runbook check');
    const run = await runReport(root, base);
    const markdown = run.json.markdown;
    expect(markdown).not.toContain('✅ fixed');
    expect(verdictOf(markdown)).toMatch(/⬆️ Raises the scorecard level of 3 teams \(.*; 1 entity check exempted by this change, none fixed\): see Scorecards\./);
    expect(markdown).toContain('  - 🛡️ exempted Production runbook linked: 1 entity (<code>component:default/checkout-ui</code>). Failing before this change; an exemption now takes it out of the score, which is not a fix');
    const moves = run.json.report.scoreMoves as { team: string; fixed: unknown[]; exempted?: { entityRef: string; check: string }[] }[];
    expect(moves.find(m => m.team === 'group:default/web-team')).toMatchObject({ fixed: [], exempted: [{ entityRef: 'component:default/checkout-ui', check: 'Production runbook linked' }] });

    const scorecards = await runBin(['scorecards', '--base', base, '--today', '2026-11-23', '--format', 'markdown'], root);
    expect(scorecards.stdout).not.toContain('✅ fixed');
    expect(scorecards.stdout).toContain('🛡️ exempted: <code>component:default/checkout-ui</code> Production runbook linked');
  }, 180_000);

  it('a real fix is still said as fixed', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, 'catalog/systems/storefront/entities.yaml', t => t.replace('d/checkout-ui\n      title: Dashboard\n      type: dashboard\n      icon: dashboard\n', 'd/checkout-ui\n      title: Dashboard\n      type: dashboard\n      icon: dashboard\n    - url: https://wiki.acme.example/runbooks/checkout-ui\n      title: Runbook\n      type: runbook\n'));
    commit(root, 'link the checkout-ui runbook');
    const run = await runReport(root, base);
    expect(verdictOf(run.json.markdown)).toMatch(/⬆️ Raises the scorecard level of 3 teams \(.*; 1 entity check now passing\): see Scorecards\./);
    expect(run.json.markdown).toContain('  - ✅ fixed Production runbook linked: 1 entity (<code>component:default/checkout-ui</code>)');
    expect(run.json.markdown).not.toContain('🛡️');
  }, 180_000);
});
