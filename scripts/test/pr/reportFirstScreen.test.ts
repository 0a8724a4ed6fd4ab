import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

// The PR report read as its author and its CODEOWNERS reviewer (report5): what the change does must be said
// where it is read, not only lower down or in a contradiction.

/** The verdict: the report up to its first section. */
const verdictOf = (markdown: string) => markdown.slice(0, markdown.indexOf('### Findings'));

describe('report: the first screen says what a change does', () => {
  it('a template case that fails says by which rules, also when its render is the same as on the base', async () => {
    // A template gains a required parameter its test case does not give: the case renders as before (the
    // parameter is not used yet) and fails on its values. The line said "❌ … renders as on <base>" only.
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, 'templates/node-service/template.yaml', t => t.replace('required: [name, description, owner, system, port]', 'required: [name, description, owner, system, port, tier]').replace('        port:\n', '        tier:\n          title: Tier\n          type: string\n          enum: [gold, silver]\n        port:\n'));
    commit(root, 'a required tier');
    const run = await runReport(root, base);
    expect(run.json.exitCode).toBe(1);
    expect(run.json.report.templates).toEqual([expect.objectContaining({ caseFile: 'templates/node-service/tests/default.yaml', passed: false, failedBy: ['template-values-invalid'], rendered: 'same' })]);
    const line = run.json.markdown.split('\n').find(l => l.startsWith('- ❌ <code>node-service</code>'));
    expect(line).toBe(`- ❌ <code>node-service</code> / <code>default.yaml</code>: fails (<code>template-values-invalid</code>, under Findings); renders as on <code>${base}</code>`);
  }, 180_000);

  it('a scorecard check made stricter names the teams whose level drops in the verdict', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, 'scorecards/checks/has-description.yaml', t => t.replace('      - { fact: hasDescription, operator: equal, value: true }\n', '      - { fact: hasDescription, operator: equal, value: true }\n      - { fact: hasTitle, operator: equal, value: true }\n').replace('hasTags: false } }, expect: pass }', 'hasTags: false } }, expect: fail }'));
    commit(root, 'a description is not enough: a title too');
    const run = await runReport(root, base);
    const down = (run.json.report.scoreMoves as { team: string; direction: string; newlyFailing: { entityRef: string; check: string }[] }[]).filter(m => m.direction === 'down');
    expect(down.length).toBeGreaterThan(3);
    // Each entity's check once, though a parent group's score holds its sub-groups' entities too.
    const checks = new Set(down.flatMap(m => m.newlyFailing.map(f => `${f.entityRef} ${f.check}`))).size;
    const verdict = verdictOf(run.json.markdown);
    expect(verdict).toContain(`- ⬇️ Lowers the scorecard level of ${down.length} teams (<code>${down[0].team}</code>, <code>${down[1].team}</code>, <code>${down[2].team}</code>, …and ${down.length - 3} more; ${checks} entity checks now failing): see Scorecards.`);
    // The summary rendering says it too.
    expect(verdictOf(run.json.summaryMarkdown)).toContain('Lowers the scorecard level of');
    // The check's rule changed: the gate cannot tell looser from stricter, and this one is stricter. The
    // finding called it "the looser scorecards" and asked to "approve only a change meant to relax" them.
    const weakened = run.json.diagnostics.filter(d => d.ruleId === 'config-weakened');
    expect(weakened.map(d => [d.severity, d.file, d.message, d.hint])).toEqual([[
      'warning',
      'scorecards/checks/has-description.yaml',
      'Compared with the base revision, blocking check "hasDescription" changes its rule, which may loosen or tighten what it enforces: the gate cannot tell which. This pull request changes nothing but scorecards and config, so nothing in it is judged under the changed scorecards; once merged, every later pull request is.',
      "The platform team reviews scorecards/ (CODEOWNERS): the report's Scorecards section shows whose levels move, and approve only what is meant.",
    ]]);
  }, 180_000);

  it('a dependent of the renaming team itself says so under "Impact on other teams"', async () => {
    // payments-team renames its own payments-api; its two deployments still depend on the old name.
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, 'catalog/systems/payments-core/entities.yaml', t => t.replace('metadata:\n  name: payments-api\n', 'metadata:\n  name: payments-gateway\n'));
    commit(root, 'rename payments-api');
    const run = await runReport(root, base);
    expect(run.json.markdown).toContain([
      '- <code>component:default/payments-api</code> is renamed to <code>component:default/payments-gateway</code>; still pointing at the old name:',
      '  - <code>component:default/payments-api-dev</code> (dependsOn), owned by <code>group:default/payments-team</code> (the same team)',
      '  - <code>component:default/payments-api-prod</code> (dependsOn), owned by <code>group:default/payments-team</code> (the same team)',
    ].join('\n'));
  }, 180_000);
});
