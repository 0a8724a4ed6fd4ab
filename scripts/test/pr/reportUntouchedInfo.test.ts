import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

// The PR comment is for what the pull request changes: info on files it does not touch (an external
// Location, a provider's groups) is counted there, and listed in the job summary and the JSON report.

const ORDERS = 'catalog/systems/orders/entities.yaml';
const DOMAINS = 'catalog/domains/domains.yaml';
const external = '---\napiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: elsewhere\nspec:\n  type: url\n  target: https://github.com/acme/other/blob/main/catalog-info.yaml\n';

describe('report: info findings on files the pull request does not change', () => {
  it('are counted in the comment, listed in the summary and the JSON; info on a changed file stays listed', async () => {
    const root = await dataRepoCopy();
    edit(root, DOMAINS, t => t + external);
    commit(root, 'an external Location in the domains file');
    const base = startPullRequest(root);
    edit(root, ORDERS, t => t.replace("description: '.NET 8 Web API that accepts and tracks customer orders.'", "description: '.NET 8 Web API that accepts, tracks and cancels customer orders.'"));
    commit(root, 'orders-api description');
    const { json } = await runReport(root, base);
    expect(json.diagnostics.filter(d => d.ruleId === 'location-target-external').map(d => d.file)).toEqual([DOMAINS]);
    expect(json.markdown).not.toContain('location-target-external');
    // It was on the base already: counted in that part, so the verdict's "already on" count adds up.
    expect(json.markdown).toContain('1 info finding on files this pull request does not change is counted here, not listed; the summary of this run lists it.');
    // Two already on the base, one of them an error: "1 of them fails", not "it fails".
    expect(json.markdown).toMatch(/- 2 findings are already on <code>[0-9a-f]+<\/code>, not introduced by this pull request \(listed apart under Findings\); 1 of them fails the gate until fixed on/);
    expect(json.summaryMarkdown).toContain('location-target-external');

    // The same info on a file the pull request changes is listed in the comment.
    edit(root, DOMAINS, t => t.replace('name: elsewhere', 'name: elsewhere-too'));
    commit(root, 'rename the external Location');
    const touched = await runReport(root, base);
    expect(touched.json.markdown).toContain('location-target-external');
    expect(touched.json.markdown).not.toContain('not listed');
  }, 180_000);
});
