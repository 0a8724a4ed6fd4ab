import type { Adoption } from './adoption.ts';
import type { Check, Level } from './model.ts';
import type { TeamChange, TeamScore } from './teamScores.ts';
import { logText, mdCode, mdInline, mdText } from '../report/safeText.ts';

export interface ReportInput {
  teams: ReadonlyMap<string, TeamScore>;
  changes?: readonly TeamChange[];
  adoption: Adoption;
  levels: readonly Level[];
  baseLevelName: string;
  checks: ReadonlyMap<string, Check>;
  testsPassed: number;
  /** Golden cases that did not hold (each a scorecard-test-failed finding); absent is none. */
  testsFailed?: number;
}

/** `markdown` for PR comments and job summaries; `text` for a terminal (aligned columns, no HTML). */
export type ReportFormat = 'markdown' | 'text';

const pct = (part: number, whole: number) => (whole === 0 ? '–' : `${Math.round((100 * part) / whole)}%`);

/**
 * How each format writes values from the repo: Markdown makes refs code (mdCode), names plain text
 * (mdText) and a check's solution Markdown with code spans only (mdInline); a terminal gets each value
 * through logText (no control character, workflow or logging command survives).
 */
const WRITERS = {
  markdown: { code: mdCode, text: mdText, inline: mdInline, strong: (s: string) => `**${s}**`, heading: (s: string, level: number) => [`${'#'.repeat(level + 1)} ${s}`, ''] },
  text: { code: logText, text: logText, inline: logText, strong: (s: string) => s, heading: (s: string, level: number) => [s, (level === 1 ? '=' : '-').repeat(s.length), ''] },
};

/**
 * The scorecard report: what changes per team (with --base), team levels, adoption. `markdown`
 * (default): one Markdown document; `text`: the same for a terminal, tables as padded columns.
 * Returns the whole report, ending in a line break.
 */
export function renderScorecardReport(input: ReportInput, format: ReportFormat = 'markdown'): string {
  const w = WRITERS[format];
  const levelName = (rank: number) => w.text(input.levels.find(l => l.rank === rank)?.name ?? input.baseLevelName);
  const check = (id: string) => input.checks.get(id);
  const out: string[] = [...w.heading('Scorecards', 1)];
  if (input.changes) {
    out.push(...w.heading('What this change does to each team', 2));
    if (input.changes.length === 0) out.push('No team\'s level or score changes.', '');
    for (const c of input.changes) {
      const before = c.before ? `${levelName(c.before.rank)} (${pct(c.before.passed, c.before.applicable)})` : 'not scored';
      const after = c.after ? `${levelName(c.after.rank)} (${pct(c.after.passed, c.after.applicable)})` : 'not scored';
      const arrow = c.before && c.after ? (c.after.rank < c.before.rank ? ' ⬇️' : c.after.rank > c.before.rank ? ' ⬆️' : '') : '';
      out.push(`- ${w.strong(w.code(c.team))}: ${before} → ${after}${arrow}`);
      for (const f of c.newlyFailing) out.push(`  - ❌ now failing: ${w.code(f.entityRef)} ${w.text(check(f.checkId)?.name ?? f.checkId)} (${w.text(String(check(f.checkId)?.level ?? ''))}). Fix: ${w.inline(check(f.checkId)?.solution ?? '')}`);
      for (const f of c.fixed) out.push(`  - ✅ fixed: ${w.code(f.entityRef)} ${w.text(check(f.checkId)?.name ?? f.checkId)}`);
      for (const f of c.exempted ?? []) out.push(`  - 🛡️ exempted: ${w.code(f.entityRef)} ${w.text(check(f.checkId)?.name ?? f.checkId)} (failing before this change; an exemption now takes it out of the score, which is not a fix)`);
      for (const f of c.noLongerCounted ?? []) out.push(`  - ➖ no longer counted (${f.why}): ${w.code(f.entityRef)} ${w.text(check(f.checkId)?.name ?? f.checkId)}`);
    }
    out.push('');
  }
  const teams = [...input.teams.values()].map(t => {
    const counts = new Map<string, number>();
    t.failing.forEach(f => counts.set(f.checkId, (counts.get(f.checkId) ?? 0) + 1));
    const failing = [...counts].sort((a, b) => b[1] - a[1]).map(([id, n]) => `${w.text(check(id)?.name ?? id)} ×${n}`).join(', ') || '–';
    return [w.code(t.team), levelName(t.rank), `${pct(t.passed, t.applicable)} (${t.passed}/${t.applicable})`, String(t.entities), failing];
  });
  out.push(...w.heading('Teams', 2), ...table(format, ['Team', 'Level', 'Score', 'Entities', 'Failing checks'], 'llrrl', teams));
  const a = input.adoption;
  out.push(
    '',
    ...w.heading('Catalog adoption', 2),
    ...table(format, ['Measure', 'Value'], 'lr', [
      ['Components with an owner', `${pct(a.withOwner, a.components)} (${a.withOwner}/${a.components})`],
      ['Components in a system', `${pct(a.withSystem, a.components)} (${a.withSystem}/${a.components})`],
      ['Components with a lifecycle', `${pct(a.withLifecycle, a.components)} (${a.withLifecycle}/${a.components})`],
      ['TechDocs coverage (components)', `${pct(a.withTechDocs, a.components)} (${a.withTechDocs}/${a.components})`],
      ['Entities owned by a team', `${Object.values(a.ownedByTeam).reduce((s, n) => s + n, 0)}; not owned by a team: ${a.unownedOrUserOwned}`],
      ...Object.entries(a.ownedByTeam).sort().map(([team, n]) => [`owned by ${w.code(team)}`, String(n)]),
    ]),
    '',
    `Golden cases of the checks: ${input.testsPassed} passed${input.testsFailed ? `, ${input.testsFailed} failed (scorecard-test-failed)` : ''}.`,
    '',
  );
  return out.join('\n');
}

/**
 * A table of cells already written for `format`: a Markdown table, or for a terminal columns padded
 * to their widest cell (`align`: one `l` or `r` per column).
 */
function table(format: ReportFormat, header: string[], align: string, rows: string[][]): string[] {
  if (format === 'markdown') {
    return [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (align[i] === 'r' ? '---:' : '---')).join('|')}|`, ...rows.map(r => `| ${r.join(' | ')} |`)];
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 && align[i] !== 'r' ? c : align[i] === 'r' ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(header), widths.map(n => '-'.repeat(n)).join('  '), ...rows.map(line)];
}
