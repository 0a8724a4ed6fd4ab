import type { Adoption } from './adoption.ts';
import type { Check, Level } from './model.ts';
import type { TeamChange, TeamScore } from './teamScores.ts';
import { mdCode, mdInline, mdText } from '../report/safeText.ts';

export interface ReportInput {
  teams: ReadonlyMap<string, TeamScore>;
  changes?: readonly TeamChange[];
  adoption: Adoption;
  levels: readonly Level[];
  baseLevelName: string;
  checks: ReadonlyMap<string, Check>;
  testsPassed: number;
}

const pct = (part: number, whole: number) => (whole === 0 ? '–' : `${Math.round((100 * part) / whole)}%`);

/**
 * One Markdown report: what changes per team (with --base), team levels, adoption. Refs are code
 * (mdCode), names plain text (mdText), a check's solution Markdown with code spans only (mdInline).
 */
export function renderScorecardReport(input: ReportInput): string {
  const levelName = (rank: number) => mdText(input.levels.find(l => l.rank === rank)?.name ?? input.baseLevelName);
  const check = (id: string) => input.checks.get(id);
  const out: string[] = ['## Scorecards', ''];
  if (input.changes) {
    out.push('### What this change does to each team', '');
    if (input.changes.length === 0) out.push('No team\'s level or score changes.', '');
    for (const c of input.changes) {
      const before = c.before ? `${levelName(c.before.rank)} (${pct(c.before.passed, c.before.applicable)})` : 'not scored';
      const after = c.after ? `${levelName(c.after.rank)} (${pct(c.after.passed, c.after.applicable)})` : 'not scored';
      const arrow = c.before && c.after ? (c.after.rank < c.before.rank ? ' ⬇️' : c.after.rank > c.before.rank ? ' ⬆️' : '') : '';
      out.push(`- **${mdCode(c.team)}**: ${before} → ${after}${arrow}`);
      for (const f of c.newlyFailing) out.push(`  - ❌ now failing: ${mdCode(f.entityRef)} ${mdText(check(f.checkId)?.name ?? f.checkId)} (${mdText(String(check(f.checkId)?.level ?? ''))}). Fix: ${mdInline(check(f.checkId)?.solution ?? '')}`);
      for (const f of c.fixed) out.push(`  - ✅ fixed: ${mdCode(f.entityRef)} ${mdText(check(f.checkId)?.name ?? f.checkId)}`);
    }
    out.push('');
  }
  out.push('### Teams', '', '| Team | Level | Score | Entities | Failing checks |', '|---|---|---:|---:|---|');
  for (const t of input.teams.values()) {
    const counts = new Map<string, number>();
    t.failing.forEach(f => counts.set(f.checkId, (counts.get(f.checkId) ?? 0) + 1));
    const failing = [...counts].sort((a, b) => b[1] - a[1]).map(([id, n]) => `${mdText(check(id)?.name ?? id)} ×${n}`).join(', ') || '–';
    out.push(`| ${mdCode(t.team)} | ${levelName(t.rank)} | ${pct(t.passed, t.applicable)} (${t.passed}/${t.applicable}) | ${t.entities} | ${failing} |`);
  }
  const a = input.adoption;
  out.push(
    '',
    '### Catalog adoption',
    '',
    '| Measure | Value |',
    '|---|---:|',
    `| Components with an owner | ${pct(a.withOwner, a.components)} (${a.withOwner}/${a.components}) |`,
    `| Components in a system | ${pct(a.withSystem, a.components)} (${a.withSystem}/${a.components}) |`,
    `| Components with a lifecycle | ${pct(a.withLifecycle, a.components)} (${a.withLifecycle}/${a.components}) |`,
    `| TechDocs coverage (components) | ${pct(a.withTechDocs, a.components)} (${a.withTechDocs}/${a.components}) |`,
    `| Entities owned by a team | ${Object.values(a.ownedByTeam).reduce((s, n) => s + n, 0)}; not owned by a team: ${a.unownedOrUserOwned} |`,
    ...Object.entries(a.ownedByTeam).sort().map(([team, n]) => `| owned by ${mdCode(team)} | ${n} |`),
    '',
    `Golden cases of the checks: ${input.testsPassed} passed.`,
    '',
  );
  return out.join('\n');
}
