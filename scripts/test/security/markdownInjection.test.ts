import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostic.ts';
import { REPORT_MARKER } from '../../src/pr/renderPrReport.ts';
import { formatMarkdown } from '../../src/report/formatMarkdown.ts';
import { formatPlan } from '../../src/sync/planSync.ts';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { HOSTILE, makeHostilePullRequest } from './hostilePullRequest.ts';

/**
 * The Markdown outside `<code>` elements and the report's own Mermaid fence (labels there are reduced
 * to a safe alphabet): what GitHub and Azure DevOps parse for mentions, links and HTML.
 */
const outsideCode = (markdown: string) => markdown.replace(/<code>(?:[^<]|<span>(?:&#36;)+<\/span>)*<\/code>/g, '<code></code>').replace(/\n```mermaid\n[^`]*\n```(?=\n|$)/g, '\n');

/** Each harm as a check on rendered-to-be Markdown; every one returns the offending excerpts. */
const harms = {
  hiddenSections: (md: string) => [...md.matchAll(/<!--/g)].filter(m => md.slice(m.index, m.index + REPORT_MARKER.length) !== REPORT_MARKER || m.index !== 0).map(m => md.slice(m.index, m.index + 40)),
  mentions: (md: string) => outsideCode(md).match(/(^|[^\w\u200b\\])@[A-Za-z0-9][\w-]*(\/[\w-]+)?/g) ?? [],
  issueLinks: (md: string) => outsideCode(md).match(/(^|[^\w\\&\u200b])#\d+/g) ?? [],
  codeBreakOut: (md: string) => {
    const open = (md.match(/<code>/g) ?? []).length;
    const close = (md.match(/<\/code>/g) ?? []).length;
    const bareTicks = outsideCode(md).match(/(^|[^\\])`/g) ?? [];
    return open === close ? bareTicks : [`${open} <code> but ${close} </code>`, ...bareTicks];
  },
  // GitHub autolinks inside `<code>` elements too (it parses Markdown between inline HTML tags): only the
  // report's own Mermaid fence is literal. A backslash before the `:` stops GitHub, not Azure's renderer.
  autolinks: (md: string) => md.replace(/\n```mermaid\n[^`]*\n```(?=\n|$)/g, '\n').match(/www\.[\w-]|[a-z]\\?:\/\/[\w-]|[\w.+-]@[a-z0-9]/gi) ?? [],
  // A `$` GitHub (MathJax) or Azure DevOps (KaTeX) could pair with another as a math expression's delimiter,
  // anywhere but the report's own Mermaid fence: each must be `<span>&#36;</span>`, GitHub's documented lone dollar.
  mathDelimiters: (md: string) => md.replace(/\n```mermaid\n[^`]*\n```(?=\n|$)/g, '\n').match(/.{0,20}\$.{0,20}/g) ?? [],
  tableBreaks: (md: string) => {
    // Each table (a run of lines starting with `|`) keeps the column count of its header row.
    const cells = (row: string) => row.replace(/\\\|/g, '').split('|').length;
    const tables = md.split(/\n(?!\|)/).map(block => block.split('\n').filter(l => l.startsWith('|'))).filter(rows => rows.length > 0);
    return tables.flatMap(rows => rows.filter(r => cells(r) !== cells(rows[0])));
  },
};

describe('the PR report holds hostile values as text (shipped bin, the Markdown the actions post)', () => {
  let markdown: string;
  beforeAll(async () => {
    const repo = await dataRepoCopy();
    const base = makeHostilePullRequest(repo);
    const out = join(mkdtempSync(join(tmpdir(), 'md-')), 'report.json');
    const run = await runBin(['report', '--base', base, '--format', 'json', '--output', out], repo);
    expect(run.status).toBe(1);
    markdown = JSON.parse(readFileSync(out, 'utf8')).markdown;
  }, 120_000);

  it('the hostile values are in the report (so each row below can fail)', () => {
    expect(markdown).toContain('add\\-mask');
    expect(markdown).toContain('acme/platform');
    expect(markdown).toContain('evil');
    expect(markdown).toContain('evil.example');
    expect(markdown).toContain('textsf');
  });

  it.each(Object.keys(harms) as (keyof typeof harms)[])('%s: none', harm => {
    expect(harms[harm](markdown)).toEqual([]);
  });

  it('no section is hidden: every heading after the hostile values is still there', () => {
    expect(markdown.startsWith(REPORT_MARKER)).toBe(true);
    for (const heading of ['### Findings', '### Impact on other teams', '### Reviews needed', '### Scorecards', '### Entity changes', '### Graph of the change']) expect(markdown).toContain(`\n${heading}\n`);
  });
});

describe('the scorecard report holds hostile check names as text (shipped bin)', () => {
  it('hostile check names in the Teams table: every harm none', async () => {
    const repo = await dataRepoCopy();
    const dir = join(repo, 'scorecards/checks');
    const hostile = Object.values(HOSTILE).join(' ').replace(/\r|\n/g, ' ');
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), 'utf8');
      writeFileSync(join(dir, file), text.replace(/^name: .*$/m, `name: ${JSON.stringify(`Check ${hostile}`)}`).replace(/^solution: .*$/m, `solution: ${JSON.stringify(`Add the \`x\` annotation ${hostile}`)}`));
    }
    const out = join(mkdtempSync(join(tmpdir(), 'md-')), 'scorecards.md');
    await runBin(['scorecards', '--today', '2026-11-23', '--output', out], repo);
    const markdown = readFileSync(out, 'utf8');
    expect(markdown).toContain('Check ');
    expect(markdown).toContain('acme/platform');
    expect(markdown).toContain('textsf');
    for (const harm of Object.values(harms)) expect(harm(`${REPORT_MARKER}${markdown}`)).toEqual([]);
  }, 120_000);
});

describe('Markdown budgets count the escaped text', () => {
  // Each message its own (` ${i}`): stylish and markdown show findings that differ only by place as one group.
  const finding = (i: number): Diagnostic => ({
    ruleId: 'ref-unresolved', severity: 'error', file: `catalog/${'<'.repeat(200)}${i}.yaml`,
    message: `${HOSTILE.hiddenComment}${'<|@`#'.repeat(400)} ${i}`, hint: '&'.repeat(500), range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
  });

  it('formatMarkdown: thousands of findings whose escapes quadruple them stay under the cap, rows whole, the rest counted', () => {
    const md = formatMarkdown(Array.from({ length: 3000 }, (_, i) => finding(i)), { color: false, checkedFiles: 1, entityCount: 1, rules: [], toolName: 't', toolVersion: '0' });
    expect(md.length).toBeLessThanOrEqual(60_500);
    const rows = md.split('\n').filter(l => l.startsWith('| ❌'));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.endsWith(' |')).toBe(true);
    expect(md).toMatch(new RegExp(`…and ${3000 - rows.length} more findings`));
    expect(harms.hiddenSections(`${REPORT_MARKER}${md}`)).toEqual([]);
    expect(harms.tableBreaks(md)).toEqual([]);
  });

  it('formatPlan (the sync job summary) lists a bounded number of entities, escaped', () => {
    const add = Array.from({ length: 5000 }, (_, i) => ({ ref: `component:default/a${i}`, file: `catalog/${HOSTILE.hiddenComment}${HOSTILE.teamMention}-${i}.yaml` }));
    // A refused entity names its holding location, which comes from the server.
    const held = [{ desired: { ref: 'component:default/billing', file: `catalog/${HOSTILE.teamMention}.yaml` } as never, holder: `url:https://x/${HOSTILE.hiddenComment}${HOSTILE.teamMention}` }];
    const md = formatPlan({ origins: [], add: add as never, update: [], remove: [], unchanged: 0, conflicts: [], adopt: [], replace: [], held });
    expect(md).toContain('1 refused (held by a location this repo does not own)');
    expect(md.split('\n').filter(l => l.startsWith('- ⛔'))).toHaveLength(1);
    expect(md.split('\n').filter(l => l.startsWith('- ➕'))).toHaveLength(200);
    expect(md).toContain('- …and 4800 more');
    expect(harms.hiddenSections(`${REPORT_MARKER}${md}`)).toEqual([]);
    expect(harms.mentions(md)).toEqual([]);
  });
});
