import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, startPullRequest, write } from './prChange.ts';
import { runReport } from './runReport.ts';

// report6: a legacy import of many components, each failing the same blocking scorecard check. The check's
// message names the entity ("fails for component:default/legacy-0"), so the findings table made one group
// per entity, each repeating the same fix, and the import's other findings (its warnings) fell off the
// comment as "…and N more groups". A finding's own entity no longer splits its group.

const N = 30;

describe('report: findings that differ only by their own entity are one group', () => {
  it('a legacy import: one row per check with "each of N entities", and its warnings still shown', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    const docs = Array.from({ length: N }, (_, i) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: legacy-${i}\n  description: Imported legacy service ${i}.\nspec:\n  type: service\n  lifecycle: production\n  owner: data-team\n  system: analytics\n  dependsOn: [component:legacy-${i}]\n`);
    write(root, 'catalog/systems/analytics/legacy.yaml', docs.join('---\n'));
    edit(root, 'catalog/systems/locations.yaml', t => t.replace('  targets:\n', '  targets:\n    - ./analytics/legacy.yaml\n'));
    commit(root, 'import the legacy services');
    const run = await runReport(root, base);
    const pagerDuty = run.json.diagnostics.filter(d => d.ruleId === 'scorecard/hasPagerDuty');
    expect(pagerDuty).toHaveLength(N);
    for (const markdown of [run.json.markdown, run.json.summaryMarkdown]) {
      const rows = markdown.split('\n').filter(l => l.startsWith('| ❌ | <code>scorecard/hasPagerDuty</code>'));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toContain(`fails for each of ${N} entities\\:`);
      expect(rows[0]).toContain(` | ${N} | `);
      expect(rows[0].split('Add the <code>pagerduty.com/service-id</code> annotation')).toHaveLength(2);
      expect(markdown).toContain(`| ⚠️ | <code>ref-self</code> | spec.dependsOn refers to the entity itself.<br>_Remove the reference._ | ${N} |`);
      expect(markdown).not.toContain('more groups of findings');
    }
  }, 180_000);

  // Fresh user (RoadieHQ/software-templates, two v1beta2 templates): the grouped row read "No processor
  // recognized the entity each of 2 entities as valid"; the noun before the ref goes with it.
  it('a message naming "the entity <ref>" reads "each of N entities" without the noun before it', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    const docs = ['a', 'b'].map(name => `apiVersion: backstage.io/v1alpha1\nkind: Widget\nmetadata:\n  name: ${name}\nspec: {}\n`);
    write(root, 'catalog/systems/analytics/widgets.yaml', docs.join('---\n'));
    edit(root, 'catalog/systems/locations.yaml', t => t.replace('  targets:\n', '  targets:\n    - ./analytics/widgets.yaml\n'));
    commit(root, 'add two entities of a kind no processor knows');
    const run = await runReport(root, base);
    const rows = run.json.markdown.split('\n').filter(l => l.includes('<code>entity-kind-unknown</code>'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('No processor recognized each of 2 entities as valid');
    expect(rows[0]).not.toContain('the entity each');
  }, 180_000);
});
