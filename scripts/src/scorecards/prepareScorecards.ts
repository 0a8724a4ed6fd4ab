import { spawn, type ChildProcess } from 'node:child_process';
import { makeTemporary, removeTemporary, trackWriter } from '../process/temporaryCheckouts.ts';
import { checkoutPlace } from '../process/checkoutParent.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { collectEntities } from '../catalog/catalogEntity.ts';
import { loadCatalog } from '../load/loadCatalog.ts';
import { regularFileThroughFolders, regularRepoFileText } from '../load/repoFiles.ts';
import { checkBackstageModel } from '../catalog/checkBackstageModel.ts';
import { docsSiteFacts, type RepoFacts } from './computeFacts.ts';
import { scorecardScopeLeft, type ScopeSide } from './scopeLeft.ts';
import { ownersOf, parseCodeowners } from '../codeowners/codeowners.ts';
import { loadConfig, UsageError } from '../config/gitopsConfig.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { adoption } from './adoption.ts';
import { compileTechInsights } from './compileTechInsights.ts';
import { lintScorecards } from './lintScorecards.ts';
import { loadScorecards } from './loadScorecards.ts';
import type { ScorecardData } from './model.ts';
import { runCheckTests } from './runCheckTests.ts';
import { scoreCatalog, type EntityScore } from './scoreCatalog.ts';
import { scorecardGate } from './scorecardGate.ts';
import { teamScores, type TeamScore } from './teamScores.ts';
import { childEnv } from '../process/childEnv.ts';
import { logText } from '../report/safeText.ts';
import { GITHUB_CODEOWNERS_PATHS } from '../codeowners/githubCodeownersPaths.ts';

export const CODEOWNERS_PATHS = GITHUB_CODEOWNERS_PATHS;

export interface ScorecardRun {
  data: ScorecardData;
  diagnostics: Diagnostic[];
  scores: EntityScore[];
  teams: Map<string, TeamScore>;
  adoption: ReturnType<typeof adoption>;
  compiled: string;
  testsPassed: number;
  testsFailed: number;
}

export { hasScorecards } from './hasScorecards.ts';

// GitHub ignores a CODEOWNERS file of this size or more ("About code owners").
const GITHUB_CODEOWNERS_MAX_BYTES = 3 * 1024 * 1024;

/**
 * Loads scorecards/ and scores the given catalog with them: everything the gate and the report need.
 * `codeowners`: the CODEOWNERS text coverage is judged by, instead of the committed file (the gate passes
 * the generated one when the committed file is stale). A committed file of 3 MB or more counts as none,
 * as GitHub ignores it. `refused`: refs of entities Backstage would not store (loadEntities), scored as having no facts.
 * `base`: the base revision's entities and facts' inputs (with `touched`): the entities the change moves out of
 * a check the gate enforces are scorecard-scope-left findings.
 */
export async function runScorecards(root: string, entities: readonly CatalogEntity[], repoFiles: readonly string[], options: { today: string; touched?: ReadonlySet<string>; codeowners?: string; refused?: ReadonlySet<string>; base?: ScopeSide }): Promise<ScorecardRun> {
  const { data, diagnostics } = await loadScorecards(root);
  const repo = repoFactsAt(root, repoFiles, options.codeowners);
  const refs = new Set(entities.map(e => e.ref).filter((r): r is string => Boolean(r)));
  diagnostics.push(...lintScorecards(data, refs, options.today));
  const tests = await runCheckTests(data);
  diagnostics.push(...tests.failed);
  const scores = await scoreCatalog(data, entities, repo, options.refused, options.today);
  const compiled = compileTechInsights(data);
  const output = data.config?.value.output;
  const committed = output ? regularRepoFileText(root, output) : undefined;
  diagnostics.push(...scorecardGate({ data, scores, touched: options.touched, compiled, committed, today: options.today }));
  if (options.base && options.touched) diagnostics.push(...(await scorecardScopeLeft(data, options.base, { entities, repo, refused: options.refused }, options.touched, options.today)));
  const groups = entities.filter(e => e.kind === 'Group');
  return { data, diagnostics, scores, teams: teamScores(scores, groups), adoption: adoption(entities, new Set(groups.map(g => g.ref!))), compiled, testsPassed: tests.passed, testsFailed: tests.failed.length };
}

/**
 * What the facts of the tree at `root` are computed from besides its entities: its files, and which of them a
 * CODEOWNERS rule covers: `codeowners` when given, else the file GitHub reads (the first of CODEOWNERS_PATHS
 * that is a regular file; one of 3 MB or more counts as none, as GitHub ignores it). Reads the file now; the
 * result reads nothing.
 */
export function repoFactsAt(root: string, repoFiles: readonly string[], codeowners?: string): RepoFacts {
  // GitHub reads the first of these that is a file: a folder of that name is skipped (and reading it stopped check).
  const codeownersFile = codeowners === undefined ? CODEOWNERS_PATHS.find(p => regularFileThroughFolders(root, p)) : undefined;
  const text = codeowners ?? (codeownersFile ? regularRepoFileText(root, codeownersFile, GITHUB_CODEOWNERS_MAX_BYTES - 1) : undefined);
  const rules = text !== undefined ? parseCodeowners(text) : [];
  return { isCovered: (file: string) => Boolean(ownersOf(rules, file)?.owners.length), repoFiles: new Set(repoFiles) };
}

/**
 * The repo as it was at `ref`, extracted to a new temporary folder, for before/after comparisons: `git
 * archive` (the repo's attributes and config applied, as gitArchive reads it) streamed into `tar -x`, both
 * child processes, so the caller's thread goes on meanwhile (`report` starts it before its gate runs).
 * The folder is made in memory where the machine has room (checkoutPlace: /dev/shm unless TMPDIR is set),
 * else in os.tmpdir(); an extraction the memory file system cannot hold, or that outgrows its budget there
 * (a quarter of the room), is made again on disk.
 * Returns the folder, which the caller removes with removeTemporary (a SIGTERM or SIGINT first removes it
 * too: temporaryCheckouts.ts). Throws UsageError with git's or tar's message when the
 * revision cannot be read or extracted, and then leaves no folder behind.
 */
export async function checkoutBase(root: string, ref: string): Promise<string> {
  const { parent, budget } = checkoutPlace(root, ref);
  try {
    return await checkoutUnder(parent, root, ref, budget);
  } catch (error) {
    // The memory file system filled up since it was measured, refused the folder, or the archive outgrew its
    // budget (a filter or eol conversion made the files bigger than git stores them): the disk, once more.
    // (A revision git cannot read fails there too, with the message it always had: a failing tar makes
    // git's write fail as well, so which of the two failed first cannot tell the cases apart.)
    if (parent === tmpdir()) throw error;
    return checkoutUnder(tmpdir(), root, ref);
  }
}

async function checkoutUnder(parent: string, root: string, ref: string, budget?: number): Promise<string> {
  // Registered as it is made, the signal listeners first (makeTemporary): no signal can leave it behind.
  const dir = makeTemporary(join(parent, 'gitops-base-'));
  try {
    await extractRevision(root, ref, dir, budget);
    return dir;
  } catch (error) {
    await removeTemporary(dir);
    throw error;
  }
}

// Enough of a failing git's or tar's stderr for its message; the rest is dropped, not buffered.
const MAX_STDERR = 16 * 1024;

/**
 * `budget`: the most bytes of archive tar may be given (a file's headers and its content rounded to 512 bytes: never
 * more than the page a file and the whole pages checkoutPlace counted for it); past it both are stopped and this
 * throws, before a filter's or a conversion's output fills the memory file system.
 */
async function extractRevision(root: string, ref: string, dir: string, budget?: number): Promise<void> {
  const git = spawn('git', ['-C', root, 'archive', '--format=tar', '--end-of-options', ref], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const tar = spawn('tar', ['-x', '-C', dir], { env: childEnv(), stdio: ['pipe', 'ignore', 'pipe'] });
  trackWriter(git);
  trackWriter(tar);
  // tar may stop reading (it failed, say on a full disk): writing to it then fails with EPIPE, and pipe()
  // stops reading git. git's output is let go when tar ends, so that git ends too (by SIGPIPE) instead of
  // waiting on a full pipe for ever; after a tar that read everything, git's output has already ended.
  tar.stdin.on('error', () => undefined);
  git.stdout.pipe(tar.stdin);
  tar.once('close', () => git.stdout.destroy());
  let given = 0;
  let overBudget = false;
  if (budget !== undefined) {
    git.stdout.on('data', (chunk: Buffer) => {
      given += chunk.length;
      if (given <= budget || overBudget) return;
      overBudget = true;
      tar.kill('SIGKILL');
      git.kill('SIGKILL');
    });
  }
  const [archived, extracted] = await Promise.all([finished(git), finished(tar)]);
  if (overBudget) throw new Error(`the archive of ${logText(ref)} is over ${budget} bytes`);
  // The ref is the caller's (CI passes the event's base SHA; a person passes anything) and git echoes it
  // in its stderr: both are one escaped line, so a ref holding a line break cannot start a log line of its own.
  // A tar that failed before git ended cut git off (a write error, or SIGPIPE): tar's message says why.
  const cutOff = extracted.code !== 0 && extracted.ended < archived.ended;
  if (archived.code !== 0 && !cutOff) throw new UsageError(`Cannot read base ${logText(ref)}: ${logText(archived.stderr.trim())}`);
  if (extracted.code !== 0) throw new UsageError(`Cannot extract base ${logText(ref)}: ${logText(extracted.stderr.trim())}`);
}

let endings = 0;

/** A child's exit code (null when it could not start or was killed), when it ended (a count: which child of two ended first), and the start of its stderr. */
function finished(child: ChildProcess): Promise<{ code: number | null; ended: number; stderr: string }> {
  return new Promise(resolve => {
    const chunks: Buffer[] = [];
    let kept = 0;
    child.stderr?.on('data', (chunk: Buffer) => {
      if (kept < MAX_STDERR) chunks.push(chunk.subarray(0, MAX_STDERR - kept));
      kept += chunk.length;
    });
    let failed: Error | undefined;
    child.on('error', error => (failed = error));
    child.on('close', code => resolve({ code: failed ? null : code, ended: ++endings, stderr: failed ? failed.message : Buffer.concat(chunks).toString().trim() }));
  });
}

/**
 * The catalog's entities at a root, loaded but not checked against the org's policies: for scoring and for
 * comparing revisions. `checkout`: for an extracted revision (checkoutBase), the git checkout it came from,
 * whose origin gives its repoUrl when it has no gitops.config.yaml (loadConfig). `refused`: refs of entities
 * Backstage's own validators refuse (checkBackstageModel).
 */
export async function loadEntities(root: string, checkout?: string) {
  const config = await loadConfig(root, { checkout });
  const loaded = await loadCatalog(config, []);
  const entities = collectEntities(loaded.files, loaded, config.repoUrl).entities;
  // Backstage stores no entity its validators refuse, so no retriever ever gives it a fact (measured:
  // a Component without spec, or with tags: java, has no facts and every check is N/A).
  const apiGroups = new Set(config.catalog.apiGroups.map(g => g.toLowerCase()));
  const refused = new Set<string>();
  for (const entity of entities) {
    if (entity.ref && (await checkBackstageModel(entity, loaded.model, { apiGroups })).some(d => d.severity === 'error')) refused.add(entity.ref);
  }
  return { entities, repoFiles: loaded.repoFiles, refused };
}

/**
 * Entities the head adds or changes compared with the base (refs): by anything their facts are computed
 * from, not only what their own document says. The entity as the catalog stores it (placeholders such as
 * `$text` filled in: a whitespace-only definition file changes hasApiDefinition while the document stays
 * the same), the file it is in (CODEOWNERS coverage, the docs folder a `dir:` techdocs-ref names), and,
 * given both trees' files, whether that docs site exists; of a ref defined twice in one file, the later document,
 * which Backstage keeps. `base`/`head`: the revisions' loaded entities;
 * `files`: their repo-relative files.
 */
export function touchedEntities(base: readonly CatalogEntity[], head: readonly CatalogEntity[], files?: { base: readonly string[]; head: readonly string[] }): Set<string> {
  const baseFiles = files && new Set(files.base);
  const headFiles = files && new Set(files.head);
  const inputs = (e: CatalogEntity, repoFiles: ReadonlySet<string> | undefined) =>
    JSON.stringify([e.file, e.raw, e.entity, repoFiles ? docsSiteFacts(e, repoFiles) : null]);
  // A ref defined twice in one file is, on each side, the document Backstage keeps (the later one replaces the
  // earlier): compared document by document, an untouched file of two made the entity touched. Copies in
  // other files are each compared, as before.
  const before = new Map(base.map(e => [`${e.ref}\u0000${e.file}`, inputs(e, baseFiles)]));
  const after = new Map(head.filter(e => e.ref).map(e => [`${e.ref}\u0000${e.file}`, e]));
  const touched = new Set<string>();
  for (const [key, e] of after) if (before.get(key) !== inputs(e, headFiles)) touched.add(e.ref!);
  return touched;
}
