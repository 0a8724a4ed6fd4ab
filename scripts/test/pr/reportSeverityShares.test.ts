import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, startPullRequest, write } from './prChange.ts';
import { runReport } from './runReport.ts';

// left5: the PR comment's findings table took groups errors first while they fitted: a pull request with more
// than 40 groups of errors left its warnings as "…and N more groups of findings", a whole severity hidden
// without saying so. And finding messages, the toolkit's own text with commands in backticks, went through
// mdText, so the comment showed each backtick escaped (\`) instead of code, as hints already were.

const N = 120;

describe('report: the comment shows every severity it has, and messages keep their code', () => {
  it(`${N} groups of errors leave room for the warnings; what is cut is counted per severity`, async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    const docs = Array.from({ length: N }, (_, i) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: legacy-${i}\n  description: Imported legacy service ${i}.\nspec:\n  type: service\n  lifecycle: production\n  owner: data-team\n  system: analytics\n  dependsOn: [component:legacy-${i}, component:gone-${i}]\n`);
    write(root, 'catalog/systems/analytics/legacy.yaml', docs.join('---\n'));
    edit(root, 'catalog/systems/locations.yaml', t => t.replace('  targets:\n', '  targets:\n    - ./analytics/legacy.yaml\n'));
    write(root, '.github/CODEOWNERS', '* @acme/platform-team\n');
    commit(root, 'import the legacy services');
    const run = await runReport(root, base);
    expect(run.json.diagnostics.filter(d => d.ruleId === 'ref-unresolved' && d.severity === 'error').length).toBeGreaterThanOrEqual(N);
    const comment = run.json.markdown;
    expect(comment.length).toBeLessThan(65_536);
    // The warnings are in the comment next to the errors, and the cut says which severity it cut.
    expect(comment).toContain(`| ⚠️ | <code>ref-self</code> | spec.dependsOn refers to the entity itself.<br>_Remove the reference._ | ${N} |`);
    expect(comment).toMatch(/- …and \d+ more groups of errors: the summary of this run lists them/);
    expect(comment).not.toContain('more groups of findings');
    // The backticks of a message are code, never shown escaped.
    const codeowners = comment.split('\n').find(l => l.includes('<code>codeowners-stale</code>'))!;
    expect(codeowners).toContain('<code>codeowners --write</code> replaces all of it');
    expect(comment).not.toContain('\\`');
    expect(run.json.summaryMarkdown).not.toContain('\\`');
  }, 180_000);
});
