import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostic.ts';
import type { ApiChange } from '../../src/pr/apiChanges.ts';
import { COMMENT_BUDGET, REPORT_MARKER, renderPrReport, SUMMARY_BUDGET, type PrReportInput } from '../../src/pr/renderPrReport.ts';
import { parseMermaidBlocks } from './mermaidParse.ts';

const HEADINGS = ['### Findings', '### Impact on other teams', '### Reviews needed', '### Scorecards', '### Entity changes', '### Graph of the change'];
const range = { start: { line: 3, column: 5 }, end: { line: 3, column: 9 } };

function huge(n: number, text = (i: number) => `c${i}`): PrReportInput {
  const ref = (i: number) => `component:default/${text(i)}`;
  const diagnostics: Diagnostic[] = Array.from({ length: n * 10 }, (_, i) => ({ ruleId: `rule-${i % 50}`, severity: i % 3 ? 'warning' : 'error', message: `finding ${text(i)} number ${i}`, hint: 'do the thing', file: `catalog/${text(i)}.yaml`, range }));
  const apiChanges: ApiChange[] = Array.from({ length: n }, (_, i) => ({
    api: `api:default/${text(i)}`, owner: 'group:default/a', format: 'openapi', file: `defs/${text(i)}.yaml`,
    diff: Array.from({ length: 30 }, (_, j) => ({ type: 'breaking' as const, action: 'remove', description: `removed ${text(j)}`, operation: `GET /x/${j}`, path: ['paths', `/x/${j}`, 'get'] })),
    consumers: Array.from({ length: 30 }, (_, j) => ({ ref: ref(j), field: 'consumesApis', owner: `group:default/t${j}` })), otherTeams: ['group:default/t1'], verdict: 'error',
  }));
  return {
    diagnostics, failing: true, changedFiles: [],
    changes: {
      added: Array.from({ length: n }, (_, i) => ({ ref: ref(i), file: `catalog/${text(i)}.yaml` })),
      changed: Array.from({ length: n }, (_, i) => ({ ref: ref(n + i), file: 'catalog/x.yaml' })),
      removed: Array.from({ length: n }, (_, i) => ({ ref: ref(2 * n + i), file: 'catalog/x.yaml' })),
      renamed: Array.from({ length: n }, (_, i) => ({ from: ref(3 * n + i), to: ref(4 * n + i), fromFile: 'a.yaml', toFile: 'b.yaml' })),
      deprecated: [{ ref: ref(0), file: 'catalog/x.yaml' }],
    },
    impacts: Array.from({ length: n }, (_, i) => ({ subject: ref(2 * n + i), why: 'removed' as const, dependents: Array.from({ length: 40 }, (_, j) => ({ ref: ref(j), field: 'dependsOn', owner: `group:default/${text(j)}` })) })),
    lostConsumers: Array.from({ length: n }, (_, i) => ({ api: `api:default/${text(i)}`, consumer: ref(i) })),
    apiChanges,
    reviewers: Array.from({ length: n }, (_, i) => ({ owners: [`@acme/${text(i)}`], files: Array.from({ length: 20 }, (_, j) => `catalog/${text(j)}.yaml`) })),
    teamReviews: Array.from({ length: n }, (_, i) => ({ team: `group:default/${text(i)}`, reasons: [`${ref(i)} still uses removed ${ref(i + 1)}`] })),
    scoreMoves: Array.from({ length: n }, (_, i) => ({ team: `group:default/${text(i)}`, before: 'Gold (100%)', after: 'Bronze (50%)', direction: 'down' as const, newlyFailing: Array.from({ length: 20 }, () => ({ entityRef: ref(i), check: 'Has docs', level: 'silver', solution: 'Add docs' })), fixed: [] })),
    graph: {
      status: Object.fromEntries(Array.from({ length: n }, (_, i) => [ref(i), 'added' as const])),
      renamedFrom: {},
      edges: Array.from({ length: n }, (_, i) => ({ from: ref(i), field: 'dependsOn', to: ref((i * 7) % n) })),
    },
  };
}

describe('renderPrReport', () => {
  it.each([[1], [50], [2000]])('keeps every section, in order, under the comment limit with %i of everything', async n => {
    const md = renderPrReport(huge(n), COMMENT_BUDGET);
    expect(md.startsWith(`${REPORT_MARKER}\n## ❌`)).toBe(true);
    const at = HEADINGS.map(h => md.indexOf(h));
    expect(at.every(i => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(md.length).toBeLessThan(65_536);
    const [graph] = await parseMermaidBlocks(md);
    expect(graph.error).toBeUndefined();
    if (n === 2000) {
      expect(md).toMatch(/- …and \d+ more groups of (errors|warnings|info findings)|\| 20000 \|/);
      expect(md).toMatch(/- …and \d+ more affected entities or APIs/);
      expect(md).toContain('_Lists are shortened to fit a comment');
      const summary = renderPrReport(huge(n), SUMMARY_BUDGET);
      expect(summary.length).toBeLessThan(1024 * 1024);
      expect(summary.length).toBeGreaterThan(md.length * 4);
    }
  }, 60_000);

  it('shows an empty change with every section and says so', () => {
    const empty = huge(0);
    const md = renderPrReport({ ...empty, changes: { ...empty.changes, deprecated: [] }, diagnostics: [], failing: false, scoreMoves: undefined });
    expect(md).toContain('## ✅ Backstage catalog: ready to merge');
    for (const line of ['No findings.', 'Nothing this change removes, renames or deprecates is still used by another entity, and no API definition changed.', 'This repo keeps no scorecards.', 'No entity added, changed, removed, renamed, moved or deprecated.', 'No entity changed.']) expect(md).toContain(line);
  });

  it('clips one huge value instead of letting it take the section', () => {
    const input = huge(1);
    const md = renderPrReport({ ...input, diagnostics: [{ ...input.diagnostics[0], message: 'x'.repeat(1_000_000) }] });
    expect(md).toMatch(/\| x{399}…<br>_do the thing_ \|/);
    expect(md.length).toBeLessThan(65_536);
  });

  it('makes hostile values inert: no comment, mention, link, table break or fence escapes', async () => {
    const evil = (i: number) => `x${i}<!--|@acme/admins [a](https://evil.example) \`\`\`\n# h|`;
    const md = renderPrReport(huge(3, evil), COMMENT_BUDGET);
    expect(md.split('<!--')).toHaveLength(2);
    // Inside <code> GitHub and Azure DevOps link no mention; everywhere else it must be broken.
    expect(md.replace(/<code>[^<]*<\/code>/g, '')).not.toMatch(/@acme\/admins/);
    expect(md).not.toContain('](https://evil.example)');
    expect(md.match(/```/g)).toHaveLength(2);
    for (const row of md.split('\n').filter(l => l.startsWith('| '))) expect(row.split(' | ').length).toBeLessThanOrEqual(5);
    expect(md.split('\n').filter(l => l.startsWith('# '))).toEqual([]);
    const [graph] = await parseMermaidBlocks(md);
    expect(graph.error).toBeUndefined();
  }, 60_000);
});
