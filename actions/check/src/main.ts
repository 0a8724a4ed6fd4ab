// The GitHub adapter of `backstage-gitops report`: inputs in, the toolkit's JSON out to annotations,
// the job summary, one sticky PR comment and SARIF. No catalog logic lives here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import * as github from '@actions/github';
import type { Diagnostic } from '../../../scripts/src/diagnostic.ts';
import { countDiagnostics } from '../../../scripts/src/diagnostic.ts';
import { pickAnnotations } from '../../../scripts/src/report/annotationBudget.ts';
import { formatSarif } from '../../../scripts/src/report/formatSarif.ts';
import { catalogRules } from '../../../scripts/src/catalog/catalogRules.ts';
import { scorecardRules } from '../../../scripts/src/scorecards/scorecardRules.ts';
import { templateRules } from '../../../scripts/src/templates/templateRules.ts';
import { apiRules } from '../../../scripts/src/pr/apiRules.ts';
import { GITHUB_ANNOTATIONS_PER_LEVEL, neutralise } from '../../../scripts/src/report/formatGithub.ts';
import { REPORT_MARKER } from '../../../scripts/src/pr/reportMarker.ts';
import { upsertStickyComment } from './stickyComment.ts';

const CLI = fileURLToPath(new URL('../../../scripts/bin/backstage-gitops.js', import.meta.url));

async function main(): Promise<void> {
  const root = resolve(core.getInput('working-directory') || '.');
  const pullRequest = github.context.payload.pull_request;
  const base = core.getInput('base-ref') || pullRequest?.base?.sha;
  const out = join(mkdtempSync(join(tmpdir(), 'gitops-')), 'report.json');
  const args = base ? ['report', '--base', base, '--format', 'json', '--output', out, '--root', root] : ['check', '--format', 'json', '--output', out, '--root', root];
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.status === 2 || run.status === null) return core.setFailed(`backstage-gitops ${args[0]} could not run (exit ${run.status}); see the log above.`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as { markdown?: string; summaryMarkdown?: string; changedFiles?: string[]; diagnostics: Diagnostic[]; summary?: { checkedFiles: number; entities: number } };
  const diagnostics = result.diagnostics;
  const markdown = result.markdown ?? `${REPORT_MARKER}\n## Backstage catalog gate\n\n${diagnostics.length} findings.\n`;

  for (const d of pickAnnotations(diagnostics, new Set(result.changedFiles ?? []), GITHUB_ANNOTATIONS_PER_LEVEL)) {
    // @actions/core escapes CR, LF and %; values must not carry an Azure command either (one rule for every log).
    const props = { title: neutralise(d.ruleId), file: neutralise(d.file), startLine: d.range.start.line, endLine: d.range.end.line, ...(d.range.start.line === d.range.end.line ? { startColumn: d.range.start.column, endColumn: Math.max(d.range.start.column, d.range.end.column) } : {}) };
    const text = neutralise(d.hint ? `${d.message}\n${d.hint}` : d.message);
    if (d.severity === 'error') core.error(text, props);
    else if (d.severity === 'warning') core.warning(text, props);
    else core.notice(text, props);
  }
  // The comment is cut to fit GitHub's 65,536 characters; the job summary (1 MiB) takes the full lists.
  await core.summary.addRaw(result.summaryMarkdown ?? markdown, true).write();
  const sarif = resolve(root, core.getInput('sarif-file') || 'backstage-gitops.sarif');
  // Code scanning shows each rule's descriptions and help from the registries (org policies: from their findings).
  const rules = [...catalogRules.list(), ...scorecardRules.list(), ...templateRules.list(), ...apiRules.list()];
  writeFileSync(sarif, formatSarif(diagnostics, { color: false, checkedFiles: 0, entityCount: 0, rules, toolName: 'backstage-gitops', toolVersion: '0.1.0' }));
  const reportFile = join(root, 'backstage-gitops-report.md');
  writeFileSync(reportFile, markdown);

  if (pullRequest && core.getInput('comment') !== 'false') {
    const octokit = github.getOctokit(core.getInput('github-token'));
    try {
      const outcome = await upsertStickyComment(octokit, { ...github.context.repo, issue_number: pullRequest.number }, markdown);
      core.info(`Report comment ${outcome}.`);
    } catch (error) {
      // GitHub gives a pull_request workflow run for a fork's pull request a read-only token: no comment can
      // be posted, and the gate's verdict must not turn on that. The report is in the job summary.
      if (isForkPullRequest(pullRequest) && (error as { status?: number }).status === 403) {
        core.notice(`No report comment: pull request #${Number(pullRequest.number)} comes from a fork, and GitHub gives such runs a read-only token. The report is in this job's summary.`);
        return finish(run.status, diagnostics, reportFile);
      }
      // Octokit's own words ("bad port", "ECONNREFUSED") say nothing of what failed or what to do.
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Could not post the report comment on pull request #${pullRequest.number} through the GitHub API (${process.env.GITHUB_API_URL ?? 'https://api.github.com'}): ${reason}. The job needs a reachable API and a token with pull-requests: write; the report is in the job summary meanwhile.`);
    }
  }
  finish(run.status, diagnostics, reportFile);
}

/** The step's outputs, and its failure when the gate found errors (exit 1). */
function finish(status: number | null, diagnostics: Diagnostic[], reportFile: string): void {
  const totals = countDiagnostics(diagnostics);
  core.setOutput('errors', totals.error);
  core.setOutput('warnings', totals.warning);
  core.setOutput('report', reportFile);
  if (status === 1) core.setFailed(`${totals.error} error(s), ${totals.warning} warning(s): see the annotations and the report.`);
}

/** Whether the event's pull request comes from another repository than its base (a fork), per the webhook payload's head.repo and base.repo. */
function isForkPullRequest(pullRequest: Record<string, any>): boolean {
  const head: unknown = pullRequest.head?.repo?.full_name;
  const base: unknown = pullRequest.base?.repo?.full_name;
  return typeof head === 'string' && typeof base === 'string' && head.toLowerCase() !== base.toLowerCase();
}

main().catch(error => core.setFailed(neutralise(error instanceof Error ? error.message : String(error))));
