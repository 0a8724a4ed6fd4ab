import { countDiagnostics, isAtLeast, type Diagnostic, type Severity } from '../diagnostic.ts';
import { clipText } from '../report/boundDiagnostics.ts';
import { fileUrl, linked, type FileLinks } from '../report/fileLinks.ts';
import { groupFindings, groupKey, groupMessage } from '../report/groupFindings.ts';
import { mdCode, mdInline, mdText } from '../report/safeText.ts';
import { fitText, GITHUB_COMMENT_CHARS, GITHUB_SUMMARY_BYTES, textSize, truncatedNote, type TextUnit } from '../report/fitText.ts';
import type { ApiChange } from './apiChanges.ts';
import { renderMermaid } from './mermaidGraph.ts';
import type { PrReportData } from './prepareReport.ts';

import { REPORT_MARKER } from './reportMarker.ts';
import { pushesIntoFixedRepository, weakensRepositories } from './repoSettingReviews.ts';

export { REPORT_MARKER };
// GitHub refuses comments over 65,536 characters; Azure DevOps allows 150,000. Stay under both.
export const MAX_REPORT_CHARS = 65_000;

/** Sizes per section (after escaping, counted in `unit`) and list lengths, for one rendering of the report. */
export interface ReportBudget {
  /** What the sizes count: bytes where the platform counts bytes (GitHub's job summary), else characters. */
  unit: TextUnit;
  total: number;
  findings: number;
  impact: number;
  reviews: number;
  scorecards: number;
  entities: number;
  graph: number;
  /** The Templates section, shown when the change touches a template or its skeleton. */
  templates: number;
  /** Items shown inside one entry (dependents of one subject, changes of one API, locations of one finding). */
  perEntry: number;
  /** Entities listed per kind of change (added, removed, …). */
  perKind: number;
  graphNodes: number;
  graphEdges: number;
  /** Locations listed per group of findings, and the characters they may take in its row. */
  locations: number;
  locationChars: number;
}

/** The sticky PR comment (GitHub) and PR thread (Azure DevOps): every section fits in its share. */
export const COMMENT_BUDGET: ReportBudget = { unit: 'chars', total: MAX_REPORT_CHARS, findings: 22_000, impact: 10_000, templates: 2_000, reviews: 5_000, scorecards: 6_000, entities: 7_000, graph: 11_000, perEntry: 8, perKind: 25, graphNodes: 40, graphEdges: 60, locations: 3, locationChars: 2_000 };
// GitHub's job summary holds 1 MiB per step, counted in bytes: a PR's CJK text takes three per character, and
// a summary over the limit is dropped whole. The Azure run summary is a Markdown attachment of the same text.
export const SUMMARY_BUDGET: ReportBudget = { unit: 'bytes', total: 1_000_000, findings: 420_000, impact: 180_000, templates: 20_000, reviews: 60_000, scorecards: 80_000, entities: 180_000, graph: 50_000, perEntry: 200, perKind: 5_000, graphNodes: 150, graphEdges: 250, locations: Infinity, locationChars: 100_000 };

export interface PrReportInput extends PrReportData {
  diagnostics: readonly Diagnostic[];
  failing: boolean;
  /** The revision `--base` names: findings marked alreadyOnBase are listed apart as "already on" it. */
  baseRef?: string;
  /** The lowest severity that fails the gate (config's failOn; default error). */
  failOn?: Severity;
  /** The base's warnings and errors the head no longer has (pairWithBase), as the base reports them. */
  fixed?: readonly Diagnostic[];
  /** Where each `file:line` links to on the pull request's platform (CI adapters only); no links without it. */
  links?: FileLinks;
}

const ICON = { error: '❌', warning: '⚠️', info: 'ℹ️' } as const;
// One value never takes a section: a PR can put a megabyte into a message; the JSON report keeps it whole.
const MAX_VALUE = 400;
const clip = (value: string) => clipText(value, MAX_VALUE);
const code = (value: string) => mdCode(clip(value));
const text = (value: string) => mdText(clip(value));
const plural = (n: number, word: string) => `${n} ${n === 1 ? word : word.endsWith('y') ? `${word.slice(0, -1)}ies` : `${word}s`}`;

/**
 * One Markdown body: the sticky PR comment on GitHub and the PR thread on Azure DevOps with
 * COMMENT_BUDGET, the job or run summary with SUMMARY_BUDGET. Every section is always present, in the
 * order a reviewer reads it (verdict, findings, impact on other teams, reviews, scorecards, templates
 * when the change touches one, entity changes, graph); each stays within its own budget, counted in the
 * unit its platform counts (SUMMARY_BUDGET in UTF-8 bytes, COMMENT_BUDGET in characters), by grouping and
 * capping its list with "…and N more". Should the sum still pass the total, the body is cut at a line
 * with a "truncated" note (fitText), the verdict first. Every PR-derived value goes through mdText or mdCode first.
 */
export function renderPrReport(input: PrReportInput, budget: ReportBudget = COMMENT_BUDGET): string {
  const sections = [verdict(input), findings(input, budget), impactSection(input, budget), reviews(input, budget), scorecards(input, budget), ...(input.templates?.length ? [templates(input, budget)] : []), entities(input, budget), graph(input, budget)];
  const capped = sections.some(s => s.capped);
  const footer = capped && budget === COMMENT_BUDGET ? ['_Lists are shortened to fit a comment: the summary of this run has them in full, and the JSON report (<code>report --format json</code>) has everything._', ''] : [];
  const body = [...sections.map(s => s.text), ...footer].join('\n');
  // Each section keeps to its own budget, whose sum is below the total; this only guards that arithmetic,
  // keeping the verdict at the top.
  return fitText(body, budget.total, budget.unit, truncatedNote(budget.unit === 'bytes' ? `a run summary (${GITHUB_SUMMARY_BYTES} bytes)` : `a comment (${GITHUB_COMMENT_CHARS} characters)`));
}

interface Section {
  text: string;
  capped: boolean;
}

/** A titled list that adds items while they fit in `room` (counted in the budget's unit), then says how many were left out. */
function bounded(unit: TextUnit, title: string, intro: string[], items: readonly string[], room: number, empty: string, noun = 'more', maxItems = Infinity): Section {
  const lines = [title, '', ...intro];
  let size = textSize(lines.join('\n'), unit);
  let shown = 0;
  for (const item of items) {
    const itemSize = textSize(item, unit);
    if (shown >= maxItems || size + itemSize + 120 > room) break;
    lines.push(item);
    size += itemSize + 1;
    shown++;
  }
  if (items.length === 0 && empty) lines.push(empty);
  if (shown < items.length) lines.push(`- …and ${items.length - shown} ${noun}`);
  return { text: `${lines.join('\n')}\n\n`, capped: shown < items.length };
}

const firstOf = <T>(list: readonly T[], n: number, show: (item: T) => string, sep = ', ') => `${list.slice(0, n).map(show).join(sep)}${list.length > n ? `${sep}…and ${list.length - n} more` : ''}`;

function verdict(input: PrReportInput): Section {
  const totals = countDiagnostics(input.diagnostics);
  const { added, changed, removed, renamed, deprecated } = input.changes;
  const renames = renamed.filter(r => r.from !== r.to).length;
  const breaking = input.apiChanges.filter(a => a.diff?.some(d => d.type === 'breaking')).length;
  const stillUsed = input.impacts.filter(i => i.why !== 'deprecated').length;
  // Findings already on the base still fail the gate (main must not stay broken, and the merge result is
  // what Backstage reads); the verdict only says when they alone do, so a team knows the failure is not theirs.
  const old = input.diagnostics.filter(d => d.alreadyOnBase);
  const oldBlocking = old.filter(d => isAtLeast(d.severity, input.failOn ?? 'error')).length;
  const baseOnly = input.failing && oldBlocking > 0 && !input.diagnostics.some(d => !d.alreadyOnBase && isAtLeast(d.severity, input.failOn ?? 'error'));
  const base = code(input.baseRef ?? 'the base revision');
  const lines = [
    REPORT_MARKER,
    `## ${input.failing ? '❌' : '✅'} Backstage catalog: ${baseOnly ? 'blocked by findings already on the base branch' : input.failing ? 'changes needed' : 'ready to merge'}`,
    '',
    `${added.length} added · ${changed.length} changed · ${removed.length} removed · ${renames} renamed · ${renamed.length - renames} moved · ${deprecated.length} deprecated · ${plural(totals.error, 'error')} · ${plural(totals.warning, 'warning')}`,
    '',
  ];
  const weakened = input.diagnostics.filter(d => d.ruleId === 'config-weakened' && d.file === 'gitops.config.yaml').length;
  // Every repository a template creates from now on is public, has an admin or lacks protection: said on the first screen.
  const repoWeakened = new Set(input.diagnostics.filter(weakensRepositories).map(d => d.file)).size;
  // Every run of a template from now on writes into a repository its user does not choose: said there too.
  const fixedPushes = new Set(input.diagnostics.filter(pushesIntoFixedRepository).map(d => d.file)).size;
  const policies = input.diagnostics.filter(d => d.ruleId === 'config-weakened' && d.file !== 'gitops.config.yaml').length;
  const notes = [
    ...(old.length ? [`- ${plural(old.length, 'finding')} ${old.length === 1 ? 'is' : 'are'} already on ${base}, not introduced by this pull request (listed apart under Findings)${oldBlocking ? `; ${old.length === 1 ? 'it fails' : `${oldBlocking} of them ${oldBlocking === 1 ? 'fails' : 'fail'}`} the gate until fixed on ${base}${baseOnly ? ': this pull request adds no blocking finding of its own' : ''}` : ''}.`] : []),
    ...(weakened ? [`- This change loosens the gate's own config (gitops.config.yaml, ${plural(weakened, 'change')}, \`config-weakened\` below): the verdict is given under the loosened config.`] : []),
    ...(policies ? [`- This change rewrites ${plural(policies, 'policy file')} the gate judges by (\`config-weakened\` below): the verdict is given under the policy it writes.`] : []),
    ...input.diagnostics.filter(d => d.ruleId === 'baseline-fixed').map(d => `- ✨ ${mdInline(clip(d.message))} ${mdInline(clip(d.hint ?? ''))}`),
    ...fixedNote(input, base),
    ...(stillUsed ? [`- ${plural(stillUsed, 'entity')} that this change removes or renames ${stillUsed === 1 ? 'is' : 'are'} still used by others.`] : []),
    ...(breaking ? [`- ${plural(breaking, 'API')} ${breaking === 1 ? 'has' : 'have'} breaking changes.`] : []),
    ...(repoWeakened ? [`- This change weakens the repositories ${plural(repoWeakened, 'template')} ${repoWeakened === 1 ? 'creates' : 'create'} (made public, an admin named, or branch protection removed: \`template-repo-*\` under Findings): a warning, since an organisation may mean it, for the platform team to review.`] : []),
    ...(fixedPushes ? [`- This change makes ${plural(fixedPushes, 'template')} push into an existing repository that the user running ${fixedPushes === 1 ? 'it' : 'them'} does not choose (\`template-push-fixed-repo\` under Findings): every run writes there with Backstage's credentials, CI workflows included, which that repository's owners never reviewed; for the platform team to review.`] : []),
    ...(input.teamReviews.length ? [`- ${plural(input.teamReviews.length, 'team')} outside CODEOWNERS should review.`] : []),
    ...levelMoves(input),
  ];
  return { text: `${[...lines, ...(notes.length ? [...notes, ''] : [])].join('\n')}\n`, capped: false };
}

/**
 * The verdict's lines on scorecard levels: which teams this change moves down (or up), so the first screen
 * says it; the Scorecards section lower down has the checks. A check made stricter drops every team's level
 * and was said only there, below findings, impact and reviews.
 */
function levelMoves(input: PrReportInput): string[] {
  const moves = input.scoreMoves ?? [];
  const line = (list: typeof moves, how: string) => {
    if (!list.length) return [];
    // A parent group's score holds its sub-groups' entities: each entity's check is counted once.
    const count = (pick: (m: (typeof list)[number]) => readonly { entityRef: string; check: string }[]) => new Set(list.flatMap(m => pick(m).map(f => `${f.entityRef}\u0000${f.check}`))).size;
    const checks = count(m => (how === 'lowers' ? m.newlyFailing : m.fixed));
    // An exemption raises a level as a fix does, but the entity still fails: said apart, so "now passing" stays true.
    const exempted = how === 'raises' ? count(m => m.exempted ?? []) : 0;
    const what = exempted && !checks ? `${plural(exempted, 'entity check')} exempted by this change, none fixed` : `${plural(checks, 'entity check')} now ${how === 'lowers' ? 'failing' : 'passing'}${exempted ? `, ${exempted} exempted, not fixed` : ''}`;
    return [`- ${how === 'lowers' ? '⬇️ Lowers' : '⬆️ Raises'} the scorecard level of ${plural(list.length, 'team')} (${firstOf(list, 3, m => code(m.team))}; ${what}): see Scorecards.`];
  };
  return [...line(moves.filter(m => m.direction === 'down'), 'lowers'), ...line(moves.filter(m => m.direction === 'up'), 'raises')];
}

/** The verdict's line on what the change fixes: a pull request that only fixes findings said "No findings" and nothing more. */
function fixedNote(input: PrReportInput, base: string): string[] {
  const fixed = input.fixed ?? [];
  if (!fixed.length) return [];
  const totals = countDiagnostics(fixed);
  const kinds = [totals.error ? plural(totals.error, 'error') : '', totals.warning ? plural(totals.warning, 'warning') : ''].filter(Boolean).join(' and ');
  return [`- ✨ Fixes ${kinds} that ${base} has (listed under Findings, where they were on ${base}).`];
}

function findings(input: PrReportInput, budget: ReportBudget): Section {
  const fixed = input.fixed ?? [];
  if (!fixed.length) return currentFindings(input, budget, budget.findings);
  // What the change fixes comes last and takes at most a sixth: what still fails is what the author acts on.
  const room = Math.floor(budget.findings / 6);
  const current = currentFindings(input, budget, budget.findings - room, true);
  const base = code(input.baseRef ?? 'the base revision');
  // A fixed finding needs no fix hint: its message says what it was.
  const rows = findingRows(fixed, budget, undefined, false);
  const part = boundedFindings(budget.unit, '#### Fixed by this pull request', [`On ${base}, not on this pull request's head: locations are where they were on ${base}.`, '', ...tableIntro(fixed.length, rows.length)], rows, room, '');
  return { text: `${current.text}${part.text}`, capped: current.capped || part.capped || locationsCut(fixed, budget) };
}

function currentFindings(input: PrReportInput, budget: ReportBudget, room: number, split = false): Section {
  // In the comment, info on files the pull request does not touch is no news to its reviewers (external
  // Locations, providers' groups): counted, not listed. The job summary and the JSON report list them.
  const changed = new Set(input.changedFiles ?? []);
  const aside = budget === COMMENT_BUDGET && input.changedFiles ? input.diagnostics.filter(d => d.severity === 'info' && !changed.has(d.file)) : [];
  const listed = aside.length ? input.diagnostics.filter(d => !(d.severity === 'info' && !changed.has(d.file))) : input.diagnostics;
  const asideNote = aside.length ? [`${plural(aside.length, 'info finding')} on files this pull request does not change ${aside.length === 1 ? 'is' : 'are'} left out here; the summary of this run lists ${aside.length === 1 ? 'it' : 'them'}.`, ''] : [];
  const old = listed.filter(d => d.alreadyOnBase);
  // Each left-out count goes to the part it belongs to: the verdict's "N already on <base> (listed apart)"
  // must add up to what that part says, and the part must exist even when all of them are left out.
  const asideOld = aside.filter(d => d.alreadyOnBase).length;
  const asideNew = aside.length - asideOld;
  const leftOut = (n: number, where: string) => (n ? [`${plural(n, 'info finding')} on files this pull request does not change ${n === 1 ? 'is' : 'are'} ${where}; the summary of this run lists ${n === 1 ? 'it' : 'them'}.`, ''] : []);
  if (old.length === 0 && asideOld === 0 && !split) {
    const rows = findingRows(listed, budget, linker(input));
    const intro = rows.length ? [...asideNote, ...tableIntro(listed.length, rows.length)] : asideNote;
    const section = boundedFindings(budget.unit, '### Findings', intro, rows, room, aside.length ? '' : 'No findings.');
    return { ...section, capped: section.capped || locationsCut(listed, budget) };
  }
  // The change's own findings first, with most of the room; those already on the base after them, apart.
  const fresh = listed.filter(d => !d.alreadyOnBase);
  const freshRows = findingRows(fresh, budget, linker(input));
  const own = boundedFindings(budget.unit, '### Findings', ['#### Introduced by this pull request', '', ...leftOut(asideNew, 'left out here'), ...(freshRows.length ? tableIntro(fresh.length, freshRows.length) : [])], freshRows, old.length || asideOld ? Math.floor((room * 2) / 3) : room, asideNew ? '' : 'None.');
  if (old.length === 0 && asideOld === 0) return { ...own, capped: own.capped || locationsCut(listed, budget) };
  const oldRows = findingRows(old, budget, linker(input));
  const base = code(input.baseRef ?? 'the base revision');
  const before = boundedFindings(budget.unit, `#### Already on ${base}`, ['Not introduced by this pull request: the base revision has the same finding (same rule, file, entity and message). Errors among them still fail the gate until they are fixed there.', '', ...leftOut(asideOld, 'counted here, not listed'), ...(oldRows.length ? tableIntro(old.length, oldRows.length) : [])], oldRows, room - textSize(own.text, budget.unit), '');
  return { text: `${own.text}${before.text}`, capped: own.capped || before.capped || locationsCut(listed, budget) };
}

/** The findings grouped by severity, rule and message (groupFindings), one table row per group, biggest groups first. */
function findingRows(list: readonly Diagnostic[], budget: ReportBudget, link: Linker | undefined, hints = true): FindingRow[] {
  const ordered = groupFindings(list, { bySize: true });
  // Each group's locations get an equal share of the section (at most locationChars): grouped by entity, a few
  // groups of 2,000 could each take locationChars and push every other group out of the summary.
  const room = Math.max(2_000, Math.min(budget.locationChars, Math.floor(budget.findings / (ordered.length + 1))));
  return ordered.map(group => {
    const d = group[0];
    // Messages are the toolkit's own text with values in backticks: rendered as code (mdInline), as hints are;
    // mdText showed each backtick escaped.
    return { severity: d.severity, text: `| ${ICON[d.severity]} | ${code(d.ruleId)} | ${mdInline(clip(groupMessage(group)))}${hints && d.hint ? `<br>_${mdInline(clip(d.hint))}_` : ''} | ${group.length} | ${locationsOf(group, budget, link, room)} |` };
  });
}

interface FindingRow {
  severity: Severity;
  text: string;
}

const SEVERITIES = ['error', 'warning', 'info'] as const;
const GROUPS_OF = { error: 'errors', warning: 'warnings', info: 'info findings' } as const;

/**
 * A findings table within `room`, each severity present given an equal share of it (a share a severity does
 * not need goes to the others): a pull request with more than 40 groups of errors filled the table with
 * errors and its warnings were one "…and N more groups of findings". What is left out is counted per severity.
 */
function boundedFindings(unit: TextUnit, title: string, intro: string[], rows: readonly FindingRow[], room: number, empty: string): Section {
  const lines = [title, '', ...intro];
  const present = SEVERITIES.filter(s => rows.some(r => r.severity === s));
  const need = new Map(present.map(s => [s, rows.filter(r => r.severity === s).reduce((n, r) => n + textSize(r.text, unit) + 1, 0)]));
  const share = new Map<Severity, number>();
  let pool = Math.max(0, room - textSize(lines.join('\n'), unit) - 250);
  let open: Severity[] = [...present];
  while (open.length) {
    const equal = pool / open.length;
    const small = open.filter(s => need.get(s)! <= equal);
    if (!small.length) {
      for (const s of open) share.set(s, equal);
      break;
    }
    for (const s of small) {
      share.set(s, need.get(s)!);
      pool -= need.get(s)!;
    }
    open = open.filter(s => !small.includes(s));
  }
  const cut: string[] = [];
  for (const s of present) {
    const list = rows.filter(r => r.severity === s);
    let used = 0;
    let shown = 0;
    for (const r of list) {
      const size = textSize(r.text, unit) + 1;
      // A row longer than what is left is counted, not shown; the shorter rows after it still are.
      if (used + size > share.get(s)!) continue;
      lines.push(r.text);
      used += size;
      shown++;
    }
    if (shown < list.length) cut.push(`${list.length - shown} more groups of ${GROUPS_OF[s]}${shown ? '' : ' (none shown)'}`);
  }
  if (rows.length === 0 && empty) lines.push(empty);
  if (cut.length) lines.push(`- …and ${cut.join(', ')}: the summary of this run lists them`);
  return { text: `${lines.join('\n')}\n\n`, capped: cut.length > 0 };
}

/** Whether the comment names only the first locations of some group (the footer then says where the rest are). */
function locationsCut(list: readonly Diagnostic[], budget: ReportBudget): boolean {
  if (budget !== COMMENT_BUDGET) return false;
  const counts = new Map<string, number>();
  for (const d of list) counts.set(groupKey(d), (counts.get(groupKey(d)) ?? 0) + 1);
  return [...counts.values()].some(n => n > budget.locations);
}

/**
 * Where a group's findings are: the comment names the first few (COMMENT_BUDGET.locations); the job
 * summary (`--full`) every one while they fit in `locationChars`, then says how many are left and where
 * they all are. A cut list in the summary says so in the row, since the summary is the "full" rendering.
 */
function locationsOf(group: readonly Diagnostic[], budget: ReportBudget, link?: Linker, room = budget.locationChars): string {
  const where = (d: Diagnostic) => linked(code(`${d.file}:${d.range.start.line}:${d.range.start.column}`), link?.(d.file, d.range.start.line));
  if (budget === COMMENT_BUDGET) return firstOf(group, budget.locations, where);
  const shown: string[] = [];
  let size = 0;
  for (const d of group.slice(0, budget.locations)) {
    const item = where(d);
    const itemSize = textSize(item, budget.unit);
    if (size + itemSize + 2 > room) break;
    shown.push(item);
    size += itemSize + 2;
  }
  const left = group.length - shown.length;
  return left ? `${shown.join(', ')}, …and ${left} more (<code>report --format json</code> lists every one)` : shown.join(', ');
}

type Linker = (file: string, line?: number) => string | undefined;

/** The link of a file (at a line) on the pull request's platform, for the head's files: none without `links`. */
function linker(input: PrReportInput): Linker | undefined {
  if (!input.links) return undefined;
  const changed = new Set(input.changedFiles ?? []);
  return (file, line) => fileUrl(input.links, file, line, changed);
}

const tableIntro = (findingCount: number, groupCount: number) => [`${plural(findingCount, 'finding')} in ${plural(groupCount, 'group')} (same rule and message).`, '', '| | Rule | Finding | Count | Where |', '|---|---|---|---:|---|'];

function apiEntry(a: ApiChange, budget: ReportBudget): string {
  const count = (type: string) => a.diff?.filter(d => d.type === type).length ?? 0;
  const dangerous = (a.diff ?? []).filter(d => d.dangerous !== undefined);
  const summary = a.diff
    ? `${count('breaking')} breaking, ${count('non-breaking')} non-breaking${dangerous.length ? ` (${dangerous.length} dangerous)` : ''}, ${count('annotation')} annotation-only${count('deprecated') ? `, ${count('deprecated')} deprecations` : ''}`
    : `definition changed (${a.format}: no breaking-change diff for this format)`;
  const verdictText = a.verdict === 'error' ? ' — ❌ blocked by policy' : a.verdict === 'warning' ? ' — ⚠️ needs the consumers\' agreement' : a.verdict === 'allowed' ? ` — allowed: ${text(a.reason ?? '')}` : '';
  const breaking = (a.diff ?? []).filter(d => d.type === 'breaking');
  const owners = a.ownerBefore ? `, owned by ${code(a.owner ?? '(none)')} (${code(a.ownerBefore)} before this change)` : a.owner ? `, owned by ${code(a.owner)}` : '';
  const lines = [`- ${code(a.api)}${a.renamedFrom ? ` (renamed from ${code(a.renamedFrom)})` : ''} (${a.format}, ${code(a.file)}${owners}): ${summary}${verdictText}`];
  for (const d of breaking.slice(0, budget.perEntry)) lines.push(`  - breaking: ${d.operation ? `${code(d.operation)} ` : ''}${d.field ? `field ${code(d.field)} ` : ''}— ${text(d.description)}`);
  if (breaking.length > budget.perEntry) lines.push(`  - …and ${breaking.length - budget.perEntry} more breaking changes`);
  // GraphQL Inspector's DANGEROUS changes break no query, but a client that does not expect the new case may misbehave.
  for (const d of dangerous.slice(0, budget.perEntry)) lines.push(`  - dangerous (not breaking): ${d.operation ? `${code(d.operation)} ` : ''}${d.field ? `field ${code(d.field)} ` : ''}— ${text(d.description)} (${text(d.dangerous ?? '')})`);
  if (dangerous.length > budget.perEntry) lines.push(`  - …and ${dangerous.length - budget.perEntry} more dangerous changes`);
  lines.push(a.consumers.length ? `  - consumed by: ${firstOf(a.consumers, budget.perEntry, c => `${code(c.ref)}${consumerNotes(c)}`)}` : '  - no component in the catalog consumes it');
  return lines.join('\n');
}

/** ` (owner; owned by … before this change; consumed it before this change)`: why a consumer counts. */
function consumerNotes(c: ApiChange['consumers'][number]): string {
  const notes = [c.owner ? code(c.owner) : '', c.ownerBefore ? `owned by ${code(c.ownerBefore)} before this change` : '', c.onlyBefore ? 'consumed it before this change' : ''].filter(Boolean);
  return notes.length ? ` (${notes.join('; ')})` : '';
}

function impactSection(input: PrReportInput, budget: ReportBudget): Section {
  // Under "Impact on other teams", a dependent of the subject's own team says so: a team renaming its own
  // component read its own two deployments there as another team's breakage.
  const dependent = (d: PrReportInput['impacts'][number]['dependents'][number], owner?: string) => `  - ${code(d.ref)} (${d.field})${d.owner ? `, owned by ${code(d.owner)}${d.owner === owner ? ' (the same team)' : ''}` : ''}`;
  const items = [
    ...input.apiChanges.map(a => apiEntry(a, budget)),
    ...input.impacts.map(i => {
      const head = i.why === 'renamed' ? `- ${code(i.subject)} is renamed to ${code(i.renamedTo!)}; still pointing at the old name:` : `- ${code(i.subject)} is ${i.why}; still used by:`;
      const more = i.dependents.length > budget.perEntry ? [`  - …and ${i.dependents.length - budget.perEntry} more`] : [];
      return [head, ...i.dependents.slice(0, budget.perEntry).map(d => dependent(d, i.owner)), ...more].join('\n');
    }),
    ...input.lostConsumers.map(l => `- ${code(l.api)} loses its consumer ${code(l.consumer)}${l.owner ? `, owned by ${code(l.owner)}` : ''}`),
  ];
  return bounded(budget.unit, '### Impact on other teams', [], items, budget.impact, 'Nothing this change removes, renames or deprecates is still used by another entity, and no API definition changed.', 'more affected entities or APIs');
}

function reviews(input: PrReportInput, budget: ReportBudget): Section {
  const teams = input.teamReviews.map(t => `- ${code(t.team)}: ${firstOf(t.reasons, Math.min(3, budget.perEntry), text, '; ')}`);
  const rows = input.reviewers.map(r => `| ${r.owners.map(code).join(' ') || '_no owner_'} | ${firstOf(r.files, budget.perEntry, code)} |`);
  const half = Math.floor(budget.reviews / 2);
  const asked = bounded(budget.unit, '### Reviews needed', teams.length ? ['Teams whose entities depend on what this change removes, renames or breaks, that own what its entities newly relate to, or whose own entities it changes where CODEOWNERS lets another team approve; the platform team, when a template this change edits newly weakens the repositories it creates or pushes into a repository its user does not choose:', ''] : [], teams, half, 'No team outside CODEOWNERS is affected.', 'more teams');
  const owners = bounded(budget.unit, '#### CODEOWNERS', rows.length ? ['| Owners | Files |', '|---|---|'] : [], rows, budget.reviews - half, 'No file changed.', 'more owner groups');
  return { text: `${asked.text}${owners.text}`, capped: asked.capped || owners.capped };
}

function scorecards(input: PrReportInput, budget: ReportBudget): Section {
  if (!input.scoreMoves) return bounded(budget.unit, '### Scorecards', [], [], budget.scorecards, 'This repo keeps no scorecards.');
  const items = input.scoreMoves.map(m => {
    const arrow = m.direction === 'down' ? ' ⬇️' : m.direction === 'up' ? ' ⬆️' : '';
    const lines = [`- ${code(m.team)}: ${text(m.before)} → ${text(m.after)}${arrow}`];
    // One line per check, its fix said once: a check made stricter failed a dozen entities of one team, each
    // line repeating the same hint, and the repetition pushed most teams out of the section.
    for (const g of byCheck(m.newlyFailing)) lines.push(`  - ❌ now failing ${text(g.check)}${g.level ? ` (${text(g.level)})` : ''}: ${entityList(g.refs, budget)}${g.solution ? `. Fix: ${mdInline(clip(g.solution))}` : ''}`);
    for (const g of byCheck(m.fixed)) lines.push(`  - ✅ fixed ${text(g.check)}: ${entityList(g.refs, budget)}`);
    for (const g of byCheck(m.exempted ?? [])) lines.push(`  - 🛡️ exempted ${text(g.check)}: ${entityList(g.refs, budget)}. Failing before this change; an exemption now takes it out of the score, which is not a fix`);
    return lines.join('\n');
  });
  return bounded(budget.unit, '### Scorecards', ['What this change does to each team whose level or score moves:', ''], items, budget.scorecards, 'No team\'s level or score moves.', 'more teams');
}

/** A team's entity checks grouped by check, in the order each check first appears. */
function byCheck(list: readonly { entityRef: string; check: string; level?: string; solution?: string }[]) {
  const groups = new Map<string, { check: string; level?: string; solution?: string; refs: string[] }>();
  for (const f of list) {
    const key = `${f.check}\u0000${f.level ?? ''}\u0000${f.solution ?? ''}`;
    (groups.get(key) ?? groups.set(key, { check: f.check, level: f.level, solution: f.solution, refs: [] }).get(key)!).refs.push(f.entityRef);
  }
  return [...groups.values()];
}

const entityList = (refs: readonly string[], budget: ReportBudget) => `${plural(refs.length, 'entity')} (${firstOf(refs, budget.perEntry, code)})`;

/**
 * The test cases of the templates the change touches: whether each passes, and what its render now does
 * differently from the base's snapshot (files changed with their first differing line, added, no longer
 * rendered), so a reviewer of a skeleton change sees what teams will get.
 */
function templates(input: PrReportInput, budget: ReportBudget): Section {
  const base = code(input.baseRef ?? 'the base revision');
  const items = (input.templates ?? []).map(c => {
    const rendered = c.rendered === 'same' ? `renders as on ${base}`
      : c.rendered === 'new' ? `new case (no snapshot on ${base})`
      : c.rendered === 'unsnapshotted' ? `rendered; the case keeps no snapshot (snapshot: false), so its output is not compared with ${base}`
      : c.rendered === 'differs' ? `renders differently from its snapshot on ${base}`
      : c.rendered === 'unknown' ? 'not rendered' : text(c.rendered);
    // A failing case says by which rules (its findings are under Findings): "❌ … renders as on main" alone read as a pass with a wrong icon.
    const fails = c.passed ? '' : `fails (${c.failedBy?.length ? `${firstOf(c.failedBy, 3, code)}, under Findings` : 'see Findings'}); `;
    return `- ${c.passed ? '✅' : '❌'} ${code(c.template)} / ${code(c.caseFile.split('/').pop() ?? c.caseFile)}: ${fails}${rendered}`;
  });
  // Failing cases first: a long list of cases run for a config change must not push them past the budget.
  const order = (input.templates ?? []).map((c, i) => ({ i, key: c.passed ? 1 : 0 })).sort((a, b) => a.key - b.key || a.i - b.i).map(o => items[o.i]);
  // Cases run for what every case is judged against (templateChanges' sharedInputs) share one reason: said once.
  const reached = (input.templates ?? []).find(c => c.because !== undefined);
  const because = reached?.because;
  const intro = because === undefined
    ? `Each test case of the templates and skeletons this change touches, rendered with the pinned scaffolder and compared with its snapshot on ${base}:`
    : reached?.catalogFetch
      ? `Each test case of the templates and skeletons this change touches and of every template with a catalog:fetch step, rendered with the pinned scaffolder and compared with its snapshot on ${base}: ${text(because)}.`
      : `Each test case of every template, rendered with the pinned scaffolder and compared with its snapshot on ${base}: ${text(because)}, and every case is judged against the config, the org's policies, the pinned packages and the catalog.`;
  return bounded(budget.unit, '### Templates', [intro, ''], order, budget.templates, '', 'more cases');
}

function entities(input: PrReportInput, budget: ReportBudget): Section {
  const { added, changed, removed, renamed, deprecated } = input.changes;
  const link = linker(input);
  const fileOf = (file: string) => linked(code(file), link?.(file));
  const entry = (e: { ref: string; file: string }) => `- ${code(e.ref)} (${fileOf(e.file)})`;
  const kinds: [string, string[]][] = [
    ['Added', added.map(entry)],
    ['Changed', changed.map(entry)],
    // A removed entity's file is the base's: no link to the head.
    ['Removed', removed.map(e => `- ${code(e.ref)} (${code(e.file)})`)],
    ['Renamed', renamed.filter(r => r.from !== r.to).map(r => `- ${code(r.from)} → ${code(r.to)} (${fileOf(r.toFile)})`)],
    ['Moved', renamed.filter(r => r.from === r.to).map(r => `- ${code(r.to)}: ${code(r.fromFile)} → ${fileOf(r.toFile)}`)],
    ['Deprecated', deprecated.map(entry)],
  ];
  const present = kinds.filter(([, list]) => list.length);
  // Each kind gets an equal share, so 300 additions cannot push the removals out of the section.
  const share = Math.floor((budget.entities - 200) / Math.max(1, present.length));
  let capped = false;
  const parts = present.map(([title, list]) => {
    const part = bounded(budget.unit, `**${title}** (${list.length})`, [], list, share, '', `more ${title.toLowerCase()}`, budget.perKind);
    capped ||= part.capped;
    return part.text;
  });
  const section = ['### Entity changes', '', ...(parts.length ? [parts.join('')] : ['No entity added, changed, removed, renamed, moved or deprecated.', '', ''])].join('\n');
  return { text: section, capped };
}

function graph(input: PrReportInput, budget: ReportBudget): Section {
  let nodes = budget.graphNodes;
  let edges = budget.graphEdges;
  let rendered = renderMermaid(input.graph, nodes, edges);
  while (textSize(rendered.text, budget.unit) > budget.graph - 400 && nodes > 2) {
    nodes = Math.floor(nodes / 2);
    edges = Math.floor(edges / 2);
    rendered = renderMermaid(input.graph, nodes, edges);
  }
  const left = rendered.omittedNodes || rendered.omittedEdges ? [`_Showing the neighbourhoods of the most connected changes; ${plural(rendered.omittedNodes, 'changed entity')} and ${plural(rendered.omittedEdges, 'relation')} left out._`, ''] : [];
  const body = rendered.text ? [rendered.text, '', ...left] : ['No entity changed.', ''];
  return { text: `${['### Graph of the change', '', ...body].join('\n')}\n`, capped: left.length > 0 };
}
