import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

// A pull request that only fixes what main has wrong (report5's PR 8: an owner typo and an API name typo on
// main) was reported as "✅ ready to merge … No findings.", the same as a pull request that changed a
// comment: neither its author nor its reviewer learnt from the report that it fixed three errors.

const ANALYTICS = 'catalog/systems/analytics/entities.yaml';

describe('report: what a pull request fixes', () => {
  it('says in the verdict and under Findings which findings of the base the head no longer has', async () => {
    const root = await dataRepoCopy();
    edit(root, ANALYTICS, t => t.replace('owner: data-team', 'owner: data-teem').replace('consumesApis: [reporting-openapi]', 'consumesApis: [reporting-openapy]'));
    commit(root, 'main gets two typos');
    const base = startPullRequest(root);
    edit(root, ANALYTICS, t => t.replace('owner: data-teem', 'owner: data-team').replace('consumesApis: [reporting-openapy]', 'consumesApis: [reporting-openapi]'));
    commit(root, 'fix the typos');
    const run = await runReport(root, base);
    expect(run.json.exitCode).toBe(0);
    expect(run.json.diagnostics).toEqual([]);
    const fixed = (run.json as unknown as { fixed: { ruleId: string; file: string; range: { start: { line: number; column: number } } }[] }).fixed;
    expect(fixed.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column}`).sort()).toEqual([
      // At the CODEOWNERS line that differed (report6), no longer line 1.
      expect.stringMatching(/^codeowners-stale@\.github\/CODEOWNERS:\d+:1$/),
      `ref-unresolved@${ANALYTICS}:71:18`,
      `ref-unresolved@${ANALYTICS}:9:10`,
    ]);
    const md = run.json.markdown;
    const verdict = md.slice(0, md.indexOf('### Findings'));
    expect(verdict).toContain(`- ✨ Fixes 3 errors that <code>${base}</code> has (listed under Findings, where they were on <code>${base}</code>).`);
    const findings = md.slice(md.indexOf('### Findings'), md.indexOf('### Impact'));
    expect(findings).toContain('#### Introduced by this pull request\n\nNone.');
    expect(findings).toContain('#### Fixed by this pull request');
    expect(findings).toContain(`| <code>${ANALYTICS}:71:18</code> |`);
    expect(findings).toContain('spec.consumesApis refers to api\\:default/reporting\\-openapy');

    // Fixing one of them and adding nothing: the other stays "Already on", the fixed one is said apart.
    edit(root, ANALYTICS, t => t.replace('consumesApis: [reporting-openapi]', 'consumesApis: [reporting-openapy]'));
    commit(root, 'only the owner');
    const half = await runReport(root, base);
    const halfFixed = (half.json as unknown as { fixed: { ruleId: string; file: string; range: { start: { line: number } } }[] }).fixed;
    expect(halfFixed.map(d => `${d.ruleId}@${d.range.start.line}`).sort()).toEqual(['codeowners-stale@27', 'ref-unresolved@9']);
    expect(half.json.diagnostics.map(d => [d.ruleId, (d as { alreadyOnBase?: boolean }).alreadyOnBase])).toEqual([['ref-unresolved', true]]);
    expect(half.json.markdown).toContain(`- ✨ Fixes 2 errors that <code>${base}</code> has`);
    expect(half.json.markdown.indexOf('#### Already on')).toBeLessThan(half.json.markdown.indexOf('#### Fixed by this pull request'));
  }, 180_000);

  // Fresh user (webgrip, giantswarm, brunokino): renaming an entity whose owner was already unresolved on main
  // listed that one finding twice, under "Introduced" (its entity ref changed) and under "Fixed".
  it("a finding of an entity the pull request renames is already on the base under the new ref, neither introduced nor fixed", async () => {
    const root = await dataRepoCopy();
    edit(root, ANALYTICS, t => t.replace(/(name: analytics-lib\n[\s\S]*?\n  owner: )data-team/, '$1data-teem'));
    commit(root, 'main gets an owner typo on analytics-lib');
    const base = startPullRequest(root);
    edit(root, ANALYTICS, t => t.replace('  name: analytics-lib\n', '  name: analytics-helpers\n'));
    commit(root, 'rename analytics-lib');
    const run = await runReport(root, base);
    expect(run.json.diagnostics.map(d => `${d.ruleId} ${(d as { alreadyOnBase?: boolean }).alreadyOnBase}`)).toEqual(['ref-unresolved true']);
    expect((run.json as unknown as { fixed: unknown[] }).fixed).toEqual([]);
    expect(run.json.markdown).toContain('#### Introduced by this pull request\n\nNone.');
    expect(run.json.markdown).not.toContain('Fixed by this pull request');
    expect(run.json.markdown).toContain('<code>component:default/analytics-lib</code> → <code>component:default/analytics-helpers</code>');
  }, 180_000);
});
