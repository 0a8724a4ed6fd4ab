// The GitHub adapter of `backstage-gitops report`: inputs in, the toolkit's JSON out to annotations,
// the job summary, one sticky PR comment and SARIF. No catalog logic lives here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import * as github from '@actions/github';
import type { Diagnostic } from '../../../scripts/src/diagnostic.ts';
import { countDiagnostics } from '../../../scripts/src/diagnostic.ts';
import { gateFailureLine, gateTimeoutMs, readGateResult, templatesTimeLimitArgs } from '../../../scripts/src/ci/gateOutcome.ts';
import { pickAnnotations } from '../../../scripts/src/report/annotationBudget.ts';
import { boundDiagnostics } from '../../../scripts/src/report/boundDiagnostics.ts';
import { formatters } from '../../../scripts/src/report/formatters.ts';
import { gateEnvironment } from '../../../scripts/src/ci/gateEnvironment.ts';
import { githubLinkArgs } from '../../../scripts/src/ci/fileLinkBase.ts';
import { logLines, mdCode } from '../../../scripts/src/report/safeText.ts';
import { catalogRules } from '../../../scripts/src/catalog/catalogRules.ts';
import { scorecardRules } from '../../../scripts/src/scorecards/scorecardRules.ts';
import { templateRules } from '../../../scripts/src/templates/templateRules.ts';
import { apiRules } from '../../../scripts/src/pr/apiRules.ts';
import { GITHUB_ANNOTATIONS_PER_LEVEL, neutralise } from '../../../scripts/src/report/formatGithub.ts';
import { REPORT_MARKER } from '../../../scripts/src/pr/reportMarker.ts';
import { fitText, GITHUB_COMMENT_CHARS, GITHUB_SUMMARY_BYTES, truncatedNote } from '../../../scripts/src/report/fitText.ts';
import { upsertStickyComment } from './stickyComment.ts';

/** What `report`/`check --format json` writes (the fields this adapter reads). */

const CLI = fileURLToPath(new URL('../../../scripts/bin/backstage-gitops.js', import.meta.url));
// The CLI runs in its own toolkit's folder, never in the checkout it gates: nothing the pull request
// commits there (a tsconfig.json, an .npmrc) is taken for the toolkit's own settings.
const TOOLKIT = fileURLToPath(new URL('../../../', import.meta.url));
// One line of the CLI's own error in the comment: long enough for a file, a position and the reason.

async function main(): Promise<void> {
  const root = resolve(core.getInput('working-directory') || '.');
  const pullRequest = github.context.payload.pull_request;
  const base = core.getInput('base-ref') || pullRequest?.base?.sha;
  // Every file the step writes goes to a folder it has just created outside the checkout: a path the pull
  // request commits (a link `backstage-gitops.sarif -> /somewhere`) is never written through.
  const work = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'backstage-gitops-'));
  // The runner empties RUNNER_TEMP after the job, and later steps read the files its outputs name. Without
  // it (a run outside GitHub's runners) nothing would: the folder goes when the step ends.
  if (!process.env.RUNNER_TEMP) process.on('exit', () => rmSync(work, { recursive: true, force: true }));
  const out = join(work, 'report.json');
  // Each file:line of the report links to the file at the pull request's head (blob view, #L anchor).
  const timeoutMs = gateTimeoutMs(core.getInput('timeout-minutes'), 'The timeout-minutes input');
  // Template test cases get half of the step's limit, so a slow pull request still gets its report.
  const args = base ? ['report', '--base', base, ...githubLinkArgs(process.env, pullRequest?.head?.sha), ...templatesTimeLimitArgs(timeoutMs), '--format', 'json', '--output', out, '--root', root] : ['check', '--format', 'json', '--output', out, '--root', root];
  // The gate needs no token: the step's inputs and every credential stay out of its environment
  // (gateEnvironment; its own children get childEnv's allow-list anyway).
  const env = gateEnvironment(process.env);
  const started = Date.now();
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: TOOLKIT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs });
  // The CLI escapes what it prints, but not what a library inside it may print on its own (console, a
  // thread's streams): both streams reach this job's log through logLines, so no line of them is a CI
  // command in the job that holds the token. stderr is kept for the comment.
  if (run.stdout) process.stdout.write(logLines(run.stdout, { color: true }));
  if (run.stderr) process.stderr.write(logLines(run.stderr, { color: true }));
  const result = run.status === 0 || run.status === 1 ? readGateResult(out) : undefined;
  if (!result) return couldNotRun(pullRequest, args[0], gateFailureLine({ ...run, timeoutMs, elapsedMs: Date.now() - started }));
  const diagnostics = boundDiagnostics(result.diagnostics);
  const markdown = result.markdown ?? `${REPORT_MARKER}\n## Backstage catalog gate\n\n${diagnostics.length} findings.\n`;

  // The pull request's own findings first; the base's errors and warnings after them, titled so; the base's info none.
  for (const d of pickAnnotations(diagnostics, new Set(result.changedFiles ?? []), GITHUB_ANNOTATIONS_PER_LEVEL)) {
    // @actions/core escapes CR, LF and %; values must not carry an Azure command either (one rule for every log).
    const props = { title: neutralise(d.alreadyOnBase ? `${d.ruleId} (already on the base branch)` : d.ruleId), file: neutralise(d.file), startLine: d.range.start.line, endLine: d.range.end.line, ...(d.range.start.line === d.range.end.line ? { startColumn: d.range.start.column, endColumn: Math.max(d.range.start.column, d.range.end.column) } : {}) };
    const text = neutralise(d.hint ? `${d.message}\n${d.hint}` : d.message);
    if (d.severity === 'error') core.error(text, props);
    else if (d.severity === 'warning') core.warning(text, props);
    else core.notice(text, props);
  }
  // The comment is cut to fit GitHub's 65,536 characters; the job summary (1 MiB) takes the full lists.
  await writeSummary(result.summaryMarkdown ?? markdown);
  const sarif = join(work, 'backstage-gitops.sarif');
  // Code scanning shows each rule's descriptions and help from the registries (org policies: from their findings).
  const rules = [...catalogRules.list(), ...scorecardRules.list(), ...templateRules.list(), ...apiRules.list()];
  writeFileSync(sarif, formatters.sarif(diagnostics, { color: false, checkedFiles: 0, entityCount: 0, rules, toolName: 'backstage-gitops', toolVersion: '0.1.0' }), { flag: 'wx' });
  const reportFile = join(work, 'backstage-gitops-report.md');
  writeFileSync(reportFile, markdown, { flag: 'wx' });
  core.setOutput('sarif', sarif);
  core.setOutput('report', reportFile);

  await postComment(pullRequest, markdown);
  finish(run.status, diagnostics);
}



/**
 * The gate did not finish (exit 2, a crash, no report): the sticky comment and the job summary say so,
 * replacing a "ready to merge" an earlier push left, and the step fails.
 */
async function couldNotRun(pullRequest: Record<string, any> | undefined, command: string, reason: string): Promise<void> {
  const markdown = `${REPORT_MARKER}\n## ⚠️ Backstage catalog: the gate could not run\n\n\`backstage-gitops ${command}\` stopped before it had checked this pull request, so no earlier verdict applies to it:\n\n> ${mdCode(reason)}\n\nFix the cause (the job log has the details) and push again.\n`;
  await writeSummary(markdown);
  await postComment(pullRequest, markdown);
  core.setFailed(`The gate could not run: ${neutralise(reason)}`);
}

/**
 * The job summary: GitHub drops a step's whole summary past 1 MiB (in bytes, with the line break addRaw
 * adds), so a report that would pass it is cut at a line, its verdict kept, with a note.
 */
async function writeSummary(markdown: string): Promise<void> {
  await core.summary.addRaw(fitText(markdown, GITHUB_SUMMARY_BYTES - 2, 'bytes', truncatedNote('a GitHub job summary (1 MiB)')), true).write();
}

/** The report as the pull request's one sticky comment, unless `comment: false` or outside a pull request. */
async function postComment(pullRequest: Record<string, any> | undefined, markdown: string): Promise<void> {
  if (!pullRequest || core.getInput('comment') === 'false') return;
  const octokit = github.getOctokit(core.getInput('github-token'));
  try {
    // GitHub refuses a longer body ("maximum is 65536 characters"); the marker upsertStickyComment may add counts too.
    const body = fitText(markdown, GITHUB_COMMENT_CHARS - REPORT_MARKER.length - 1, 'chars', truncatedNote('a GitHub comment (65,536 characters)'));
    const outcome = await upsertStickyComment(octokit, { ...github.context.repo, issue_number: pullRequest.number }, body);
    core.info(`Report comment ${outcome}.`);
  } catch (error) {
    // GitHub gives a pull_request workflow run for a fork's pull request a read-only token: no comment can
    // be posted, and the gate's verdict must not turn on that. The report is in the job summary.
    if (isForkPullRequest(pullRequest) && (error as { status?: number }).status === 403) {
      core.notice(`No report comment: pull request #${Number(pullRequest.number)} comes from a fork, and GitHub gives such runs a read-only token. The report is in this job's summary.`);
      return;
    }
    // Octokit's own words ("bad port", "ECONNREFUSED") say nothing of what failed or what to do.
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not post the report comment on pull request #${Number(pullRequest.number)} through the GitHub API (${process.env.GITHUB_API_URL ?? 'https://api.github.com'}): ${reason}. The job needs a reachable API and a token with pull-requests: write; the report is in the job summary meanwhile.`);
  }
}

/** The step's counts, and its failure when the gate found errors (exit 1). */
function finish(status: number | null, diagnostics: Diagnostic[]): void {
  const totals = countDiagnostics(diagnostics);
  core.setOutput('errors', totals.error);
  core.setOutput('warnings', totals.warning);
  if (status === 1) core.setFailed(`${totals.error} error(s), ${totals.warning} warning(s): see the annotations and the report.`);
}

/** Whether the event's pull request comes from another repository than its base (a fork), per the webhook payload's head.repo and base.repo. */
function isForkPullRequest(pullRequest: Record<string, any>): boolean {
  const head: unknown = pullRequest.head?.repo?.full_name;
  const base: unknown = pullRequest.base?.repo?.full_name;
  return typeof head === 'string' && typeof base === 'string' && head.toLowerCase() !== base.toLowerCase();
}

main().catch(error => core.setFailed(neutralise(error instanceof Error ? error.message : String(error))));
