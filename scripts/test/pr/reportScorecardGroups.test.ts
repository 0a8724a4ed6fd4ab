import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

// report6: a scorecard check made stricter listed each newly failing entity on its own line with the same
// "Fix: …" repeated; twelve lines per team used the section's room, and four of seven teams whose level
// dropped were left out as "…and 4 more teams". One line per check now, its fix said once.

const section = (markdown: string, title: string) => markdown.slice(markdown.indexOf(`### ${title}`), markdown.indexOf('\n### ', markdown.indexOf(`### ${title}`) + 4));

describe('report: scorecard moves grouped by check', () => {
  it('a stricter check names every team whose level drops, each with one line for the check and its fix once', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, 'scorecards/checks/has-description.yaml', t => t.replace('      - { fact: hasDescription, operator: equal, value: true }\n', '      - { fact: hasDescription, operator: equal, value: true }\n      - { fact: hasTitle, operator: equal, value: true }\n').replace('hasTags: false } }, expect: pass }', 'hasTags: false } }, expect: fail }'));
    commit(root, 'a description is not enough: a title too');
    const run = await runReport(root, base);
    const moves = run.json.report.scoreMoves as { team: string; direction: string; newlyFailing: { entityRef: string }[] }[];
    const down = moves.filter(m => m.direction === 'down');
    expect(down.length).toBeGreaterThan(3);
    for (const markdown of [run.json.markdown, run.json.summaryMarkdown]) {
      const scorecards = section(markdown, 'Scorecards');
      expect(scorecards).not.toContain('more teams');
      for (const m of down) {
        const lines = scorecards.slice(scorecards.indexOf(`- <code>${m.team}</code>`)).split('\n').slice(1);
        const failing = lines.slice(0, lines.findIndex(l => !l.startsWith('  - ')));
        // One check failed: one line, with the count of entities and the fix (its code span as code) once.
        expect(failing).toHaveLength(1);
        expect(failing[0]).toMatch(new RegExp(`^  - ❌ now failing Has a description \\(bronze\\): ${m.newlyFailing.length} entit(y|ies) \\(<code>`));
        expect(failing[0].split('Fix:')).toHaveLength(2);
        expect(failing[0]).toContain('Fix: Add <code>metadata.description</code> with one sentence');
      }
    }
  }, 180_000);
});
