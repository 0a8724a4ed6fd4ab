import { gitChangedFiles } from './gitChangedFiles.ts';
import { regularFileThroughFolders, regularRepoFileText } from '../load/repoFiles.ts';
import { ownersOf, parseCodeowners } from '../codeowners/codeowners.ts';
import { CODEOWNERS_PATHS, hasScorecards, runScorecards } from '../scorecards/prepareScorecards.ts';
import { RevisionReads } from './revisionReads.ts';
import { diffTeams, type TeamChange } from '../scorecards/teamScores.ts';
import { loadConfig } from '../config/gitopsConfig.ts';
import { isAtLeast, type Diagnostic } from '../diagnostic.ts';
import type { Check, Level } from '../scorecards/model.ts';
import { definitionLimits } from '../catalog/apiRefs.ts';
import { readRepoFile } from '../load/repoPath.ts';
import { apiChanges, type ApiChange, type ApiChangeInput } from './apiChanges.ts';
import { strictestPolicy } from './apiPolicy.ts';
import { entityChanges, impact, lostConsumers, type EntityChanges, type Impact, type Rename } from './entityChanges.ts';
import { lintTargetOf } from './lintApiDefinitions.ts';
import { lintApiDefinitionsBounded, type LintJob } from './boundedLint.ts';
import { markAlreadyOnBase } from './alreadyOnBase.ts';
import type { RepoFiles } from './repoRefResolver.ts';
import { changeGraph, type ChangeGraph } from './mermaidGraph.ts';
import { newRelations, type NewRelation } from './newRelations.ts';
import { ownerReviews, type OwnerReview } from './ownerReviews.ts';
import { templateChanges, type TemplateCaseChange } from './templateChanges.ts';
import { templateFiles } from '../templates/templateFiles.ts';

/** A team whose level or score this change moves, as the report shows it. */
export interface ScoreMove {
  team: string;
  /** `Silver (99%)`, or `not scored`. */
  before: string;
  after: string;
  direction: 'up' | 'down' | 'same';
  newlyFailing: { entityRef: string; check: string; level?: string; solution?: string }[];
  fixed: { entityRef: string; check: string }[];
  /** Base failures an exemption takes out of the head's score: they still fail, and are not fixed. */
  exempted?: { entityRef: string; check: string }[];
}

/** Everything the PR report shows besides the gate's findings: plain data, carried whole by the JSON report. */
export interface PrReportData {
  changedFiles: string[];
  changes: EntityChanges;
  impacts: Impact[];
  lostConsumers: { api: string; consumer: string; owner?: string }[];
  apiChanges: ApiChange[];
  /** CODEOWNERS of the base branch: who GitHub asks, per group of changed files. */
  reviewers: { owners: string[]; files: string[] }[];
  /**
   * Teams to ask besides CODEOWNERS: they own what depends on something this change breaks, or what one
   * of its entities newly relates to (another team's system, API, component, or a group handed an entity).
   */
  teamReviews: { team: string; reasons: string[] }[];
  /** Absent when the repo keeps no scorecards. */
  scoreMoves?: ScoreMove[];
  /** The test cases of the templates the change touches (templateChanges); absent when it touches none. */
  templates?: TemplateCaseChange[];
  graph: ChangeGraph;
}

/**
 * Compares the repo at `root` (the head) with `baseRef` and returns the report's data and the
 * Diagnostics the comparison itself finds (breaking API changes, Spectral findings on changed
 * definitions). `lintTimeoutSeconds`: how long Spectral may take per changed definition (boundedLint,
 * LINT_TIMEOUT_SECONDS by default). `shared`: the revisions as the gate already read them (`report` passes
 * its RevisionReads, and removes the base afterwards); without it, both are read here and the base removed.
 * `platformTeam`: the base config's codeowners.platformTeam, whom the report asks to review what CODEOWNERS
 * leaves to one team (repoSettingReviews). Reads git and the file system; throws UsageError when the base cannot be read.
 */
export async function prepareReport(root: string, baseRef: string, today: string, lintTimeoutSeconds?: number, shared?: RevisionReads, templateSeconds?: number): Promise<{ data: PrReportData; diagnostics: Diagnostic[]; platformTeam?: string }> {
  // The gate's list when it ran in this process (shared): git diff and ls-files --others walk the tree once.
  const changedFiles = shared ? await shared.changedFiles() : gitChangedFiles(root, baseRef);
  const config = await loadConfig(root);
  const reads = shared ?? new RevisionReads(root, baseRef);
  try {
    const dir = await reads.baseDir();
    const base = await reads.baseEntities();
    const head = await reads.headEntities();
    const changes = entityChanges(base.entities, head.entities);
    // GitHub asks the code owners named in the base branch's CODEOWNERS.
    // Only a regular file reached through real folders: the base's link would be followed out of the checkout.
    const codeownersFile = CODEOWNERS_PATHS.find(p => regularFileThroughFolders(dir, p));
    const rules = parseCodeowners((codeownersFile && regularRepoFileText(dir, codeownersFile)) ?? '');
    const byOwners = new Map<string, string[]>();
    for (const file of changedFiles) {
      const key = (ownersOf(rules, file)?.owners ?? []).join(' ');
      (byOwners.get(key) ?? byOwners.set(key, []).get(key)!).push(file);
    }
    let scoreMoves: ScoreMove[] | undefined;
    if (hasScorecards(root)) {
      const after = await runScorecards(root, head.entities, head.repoFiles, { today });
      const before = hasScorecards(dir) ? (await runScorecards(dir, base.entities, base.repoFiles, { today })).teams : new Map();
      const checks = new Map(after.data.checks.map(c => [c.value.id, c.value]));
      scoreMoves = scoreMovesOf(diffTeams(before, after.teams, { renamed: changes.renamed, checkIds: new Set(after.data.checks.map(c => c.value.id)), entityRefs: new Set(head.entities.map(e => e.ref).filter((r): r is string => Boolean(r))) }), after.data.config?.value.levels ?? [], after.data.config?.value.baseLevel?.name ?? 'Stone', checks, changes.renamed);
    }
    const limits = definitionLimits(config.catalog.maxFileBytes);
    const repoFileSet = new Set(head.repoFiles);
    const readHead = readerOf(root, repoFileSet);
    const baseFileSet = new Set(base.repoFiles);
    // Each side's $refs are resolved from its own tree: the base from the base checkout, never the head's files.
    const revisions = { base: { repoFileSet: baseFileSet, read: readerOf(dir, baseFileSet) }, head: { repoFileSet, read: readHead }, changedFiles: new Set(changedFiles) };
    // A change that also loosens apiChanges is judged by what the base's policy allows too (strictestPolicy).
    const baseConfig = await loadConfig(dir, { checkout: root }).catch(() => undefined);
    const judging = strictestPolicy(baseConfig?.apiChanges, config.apiChanges);
    const api = changedFiles.length ? await apiChanges({ base: base.entities, head: head.entities, renamed: changes.renamed, policy: judging.policy, policyRelaxed: judging.relaxed, repoUrl: config.repoUrl, limits, revisions, ...(await apiSmartDiff()) }) : { changes: [], diagnostics: [], definitions: [], baseOf: new Map() };
    const headLint = await lintApiDefinitionsBounded(api.definitions.map(lintTargetOf), { root, files: head.repoFiles, limits, rulesetPath: config.apiChanges.ruleset }, { repoFileSet, read: readHead, limits }, lintTimeoutSeconds);
    // What Spectral already finds in a definition on the base is not the change's: only when the head has a finding.
    const lint = headLint.some(d => d.ruleId === 'api-lint') && baseConfig ? await markLintOnBase(headLint, api, { root: dir, files: base.repoFiles, limits, rulesetPath: baseConfig.apiChanges.ruleset }, { repoFileSet: baseFileSet, read: revisions.base.read, limits }, lintTimeoutSeconds, d => isAtLeast(d.severity, config.failOn)) : headLint;
    const impacts = impact(changes, head.entities);
    const templates = await templateChanges(root, dir, changedFiles, config, { baseConfig, changes, baseRef, seconds: templateSeconds, catalogTemplateFiles: templateFiles(head.entities) });
    return {
      data: {
        changedFiles,
        changes,
        impacts,
        lostConsumers: lostConsumers(base.entities, head.entities, changes.renamed),
        apiChanges: api.changes,
        reviewers: [...byOwners].map(([owners, files]) => ({ owners: owners ? owners.split(' ') : [], files })),
        teamReviews: teamReviews(impacts, api.changes, newRelations(changes, base.entities, head.entities), ownerReviews(changes, base.entities, head.entities, rules, baseConfig?.codeowners?.platformTeam)),
        ...(scoreMoves ? { scoreMoves } : {}),
        ...(templates.cases.length ? { templates: templates.cases } : {}),
        graph: changeGraph(changes, base.entities, head.entities),
      },
      diagnostics: [...api.diagnostics, ...lint, ...templates.diagnostics],
      // The base's: a pull request cannot name another platform team to ask.
      platformTeam: baseConfig?.codeowners?.platformTeam,
    };
  } finally {
    // A shared base is removed by whoever made it, once everything that reads it is done.
    if (!shared) await reads.dispose();
  }
}

/**
 * The head's lint findings with `alreadyOnBase` on those Spectral also reports for the same definition on the
 * base (linted there under the base's own ruleset, from the base's files): the same rule, definition file (a
 * moved definition under its new path) and message (Spectral's rule code, message and JSON path, which do not
 * move with lines), counted (markAlreadyOnBase). A definition the change added has no base text: all of its
 * findings are the change's. A base that cannot be linted (its ruleset refused, Spectral failing) marks
 * nothing, which is never laxer. Takes the head's lint findings, the API changes, the base's lint job and
 * files, the time bound and the failing test; returns the findings.
 */
async function markLintOnBase(headLint: Diagnostic[], api: Awaited<ReturnType<typeof apiChanges>>, job: LintJob, repo: RepoFiles, lintTimeoutSeconds: number | undefined, isFailing: (d: Diagnostic) => boolean): Promise<Diagnostic[]> {
  const pairs = api.definitions.flatMap(d => (api.baseOf.has(d) ? [[d, api.baseOf.get(d)!] as const] : []));
  if (pairs.length === 0) return headLint;
  let baseLint: Diagnostic[];
  try {
    baseLint = (await lintApiDefinitionsBounded(pairs.map(([, before]) => lintTargetOf(before)), job, repo, lintTimeoutSeconds)).filter(d => d.ruleId !== 'api-lint-timeout');
  } catch {
    return headLint;
  }
  const renames = new Map(pairs.filter(([after, before]) => after.file !== before.file).map(([after, before]) => [before.file, after.file]));
  // The base's timeouts are left out above, so a head timeout is never marked.
  return markAlreadyOnBase(headLint, baseLint, renames, isFailing);
}

/** api-smart-diff's compare and which documents it classifies with a specification's rules (apiChanges), loaded only when a file changed. */
async function apiSmartDiff(): Promise<Pick<ApiChangeInput, 'compare' | 'classifies'>> {
  const diff = await import('api-smart-diff');
  return { compare: diff.apiCompare as never, classifies: document => diff.discoverCompareEngine(document) !== diff.compareJsonSchema };
}

/** A reader of the listed files of the tree at `root` (symbolic links out refused): the text, or null. */
const readerOf = (root: string, listed: ReadonlySet<string>) => (path: string): string | null => {
  if (!listed.has(path)) return null;
  try {
    return readRepoFile(root, path, 'utf8');
  } catch {
    return null;
  }
};

const pct = (part: number, whole: number) => (whole === 0 ? '–' : `${Math.round((100 * part) / whole)}%`);

/** Team changes as the report shows them; a team whose level and shown score stay the same is left out. */
export function scoreMovesOf(changes: readonly TeamChange[], levels: readonly Level[], baseLevelName: string, checks: ReadonlyMap<string, Check>, renamed: readonly Rename[] = []): ScoreMove[] {
  // A renamed entity that fails the same check as before is neither newly failing nor fixed.
  const oldName = new Map(renamed.map(r => [r.to, r.from]));
  const key = (ref: string, check: string) => `${ref}|${check}`;
  const wasFailing = new Set(changes.flatMap(c => c.fixed.map(f => key(f.entityRef, f.checkId))));
  const stillFailing = new Set(changes.flatMap(c => c.newlyFailing.filter(f => oldName.has(f.entityRef) && wasFailing.has(key(oldName.get(f.entityRef)!, f.checkId))).map(f => key(oldName.get(f.entityRef)!, f.checkId))));
  const carried = (f: { entityRef: string; checkId: string }) => stillFailing.has(key(oldName.get(f.entityRef) ?? '', f.checkId));
  const levelName = (rank: number) => levels.find(l => l.rank === rank)?.name ?? baseLevelName;
  const shown = (s: TeamChange['before']) => (s ? `${levelName(s.rank)} (${pct(s.passed, s.applicable)})` : 'not scored');
  return changes
    .map(c => ({
      team: c.team,
      before: shown(c.before),
      after: shown(c.after),
      direction: (c.before && c.after ? (c.after.rank < c.before.rank ? 'down' : c.after.rank > c.before.rank ? 'up' : 'same') : 'same') as ScoreMove['direction'],
      newlyFailing: c.newlyFailing.filter(f => !carried(f)).map(f => ({ entityRef: f.entityRef, check: checks.get(f.checkId)?.name ?? f.checkId, level: checks.get(f.checkId)?.level, solution: checks.get(f.checkId)?.solution })),
      fixed: c.fixed.filter(f => !stillFailing.has(key(f.entityRef, f.checkId))).map(f => ({ entityRef: f.entityRef, check: checks.get(f.checkId)?.name ?? f.checkId })),
      ...(c.exempted?.length ? { exempted: c.exempted.map(f => ({ entityRef: f.entityRef, check: checks.get(f.checkId)?.name ?? f.checkId })) } : {}),
    }))
    .filter(m => m.before !== m.after);
}

/**
 * Teams that own dependents of what this change removes or renames, consumers of APIs it breaks,
 * entities its own entities newly relate to, and entities it touches without CODEOWNERS asking their
 * owner (ownerReviews: an entity in a file several teams own, an entity handed to another group).
 */
function teamReviews(impacts: readonly Impact[], apis: readonly ApiChange[], relations: readonly NewRelation[], owners: readonly OwnerReview[] = []): PrReportData['teamReviews'] {
  const reasons = new Map<string, Set<string>>();
  const ask = (team: string | undefined, why: string) => team && (reasons.get(team) ?? reasons.set(team, new Set()).get(team)!).add(why);
  for (const i of impacts) {
    if (i.why === 'deprecated') continue;
    for (const d of i.dependents) if (d.owner !== i.owner && d.owner !== i.subject) ask(d.owner, `${d.ref} still uses ${i.why} ${i.subject}`);
  }
  for (const a of apis) {
    if (!a.diff?.some(d => d.type === 'breaking') && a.diff !== undefined) continue;
    // The teams apiChanges protects: consumers' owners before and after, but the API's owner before the change.
    const teams = new Set(a.otherTeams);
    const what = a.diff ? 'which has breaking changes' : 'whose definition changed';
    for (const c of a.consumers) {
      for (const team of new Set([c.owner, c.ownerBefore])) if (team && teams.has(team)) ask(team, `${c.ref} ${c.onlyBefore ? 'consumed' : 'consumes'} ${a.api}${c.onlyBefore ? ' before this change' : ''}, ${what}`);
    }
  }
  for (const r of relations) ask(r.team, r.field === 'owner' ? `${r.ref} is now owned by ${r.target}` : `${r.ref} newly names ${r.target} in spec.${r.field}`);
  for (const o of owners) ask(o.team, o.why);
  return [...reasons].sort(([a], [b]) => (a < b ? -1 : 1)).map(([team, why]) => ({ team, reasons: [...why] }));
}

