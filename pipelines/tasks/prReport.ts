// The Azure DevOps adapter of `backstage-gitops report`: logging commands for the findings, the
// Markdown as the run's summary, one PR comment thread kept up to date, and a PR status that a
// branch policy can require. No catalog logic lives here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebApi, getBearerHandler } from 'azure-devops-node-api';
import { CommentThreadStatus, CommentType, GitStatusState, type GitPullRequestCommentThread, type GitPullRequestIteration } from 'azure-devops-node-api/interfaces/GitInterfaces.js';
import { countDiagnostics } from '../../scripts/src/diagnostic.ts';
import { failingFindings, gateFailureLine, gateTimeoutMs, readGateResult, templatesTimeLimitArgs } from '../../scripts/src/ci/gateOutcome.ts';
import { gateEnvironment } from '../../scripts/src/ci/gateEnvironment.ts';
import { azureLinkArgs } from '../../scripts/src/ci/fileLinkBase.ts';
import { pickAnnotations } from '../../scripts/src/report/annotationBudget.ts';
import { boundDiagnostics, clipText } from '../../scripts/src/report/boundDiagnostics.ts';
import { escapeAzureData } from '../../scripts/src/report/formatAzure.ts';
import { counted } from '../../scripts/src/report/formatOptions.ts';
import { formatters } from '../../scripts/src/report/formatters.ts';
import { logLines, logText, mdCode } from '../../scripts/src/report/safeText.ts';
import { secretScrubber } from '../../scripts/src/report/secretScrubber.ts';
import { REPORT_MARKER } from '../../scripts/src/pr/reportMarker.ts';
import { AZURE_COMMENT_CHARS, AZURE_SUMMARY_BYTES, fitText, truncatedNote } from '../../scripts/src/report/fitText.ts';

const CLI = fileURLToPath(new URL('../../scripts/bin/backstage-gitops.js', import.meta.url));
// The CLI runs in its own toolkit's folder, never in the checkout it gates: nothing the pull request
// commits there (a tsconfig.json, an .npmrc) is taken for the toolkit's own settings.
const TOOLKIT = fileURLToPath(new URL('../../', import.meta.url));
// Azure renders the first ten issues of a task; the rest are in the summary and the PR thread.
const ISSUES_SHOWN = 10;
// One line of the CLI's own error in the thread; a PR status description is shown on one line too.
const MAX_STATUS_DESCRIPTION = 200;

/**
 * The Azure Pipelines PR step: runs the gate (`report` against the target branch, or `check` outside a
 * pull request) from this toolkit's folder on BUILD_SOURCESDIRECTORY, and turns its JSON into logged
 * issues, the run summary, one PR thread and a PR status. Reads the pipeline's predefined variables
 * (SYSTEM_PULLREQUEST_*, SYSTEM_ACCESSTOKEN, BUILD_*, AGENT_TEMPDIRECTORY) and GITOPS_BASE_REF (another
 * base) and GITOPS_GATE_TIMEOUT_MINUTES (the gate's time limit, GATE_TIMEOUT_MINUTES by default: a gate
 * still running then is stopped and the thread says it could not run). Writes logging commands through
 * `write`; returns the exit code (0 clean, 1 findings or a gate that could not run). Throws on a bad setting.
 */
export async function prReport(env: NodeJS.ProcessEnv, write: (text: string) => void): Promise<number> {
  const root = resolve(env.BUILD_SOURCESDIRECTORY ?? '.');
  const target = env.SYSTEM_PULLREQUEST_TARGETBRANCH?.replace(/^refs\/heads\//, '');
  // The full name: a short origin/main loses to a tag of that name, which a pull request's author may push.
  const base = env.GITOPS_BASE_REF ?? (target ? `refs/remotes/origin/${target}` : undefined);
  const work = mkdtempSync(join(env.AGENT_TEMPDIRECTORY ?? tmpdir(), 'gitops-'));
  const out = join(work, 'report.json');
  // Each changed file of the report links to the pull request's Files view.
  // Under the job's own limit (timeoutInMinutes in pr-validation.yml), so a gate that hangs still rewrites the thread.
  const timeoutMs = gateTimeoutMs(env.GITOPS_GATE_TIMEOUT_MINUTES, 'GITOPS_GATE_TIMEOUT_MINUTES');
  // Template test cases get half of it, so a slow pull request still gets its report.
  const args = base ? ['report', '--base', base, ...azureLinkArgs(env), ...templatesTimeLimitArgs(timeoutMs), '--format', 'json', '--output', out, '--root', root] : ['check', '--format', 'json', '--output', out, '--root', root];
  // The gate needs no token: the access token and every other credential stay out of its environment
  // (gateEnvironment; its own children get childEnv's allow-list anyway).
  const gateEnv = gateEnvironment(env);
  const started = Date.now();
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: TOOLKIT, env: gateEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs });
  // The CLI escapes what it prints, but not what a library inside it may print on its own (console, a
  // thread's streams): both streams reach this job's log through logLines, so no line of them is a CI
  // command in the job that holds the token. stderr is kept for the thread.
  if (run.stdout) process.stdout.write(logLines(run.stdout, { color: true }));
  if (run.stderr) process.stderr.write(logLines(run.stderr, { color: true }));
  const parsed = run.status === 0 || run.status === 1 ? readGateResult(out) : undefined;
  if (!parsed) return couldNotRun(env, args[0], gateFailureLine({ ...run, timeoutMs, elapsedMs: Date.now() - started }), write);
  const result = { ...parsed, diagnostics: boundDiagnostics(parsed.diagnostics) };
  const options = { color: false, checkedFiles: 0, entityCount: 0, rules: [], toolName: 'backstage-gitops', toolVersion: '0.1.0', sourceRoot: root };
  const shown = pickAnnotations(result.diagnostics, new Set(result.changedFiles ?? []), ISSUES_SHOWN);
  write(formatters.azure(shown, options).split('\n').filter(l => !l.startsWith('##vso[task.complete')).join('\n'));
  const markdown = result.markdown ?? `${REPORT_MARKER}\n## Backstage catalog gate\n\n${result.diagnostics.length} findings.\n`;
  const summary = join(work, 'backstage-catalog.md');
  // The run summary takes the full lists; the PR thread gets the comment-sized report.
  writeFileSync(summary, fitText(result.summaryMarkdown ?? markdown, AZURE_SUMMARY_BYTES, 'bytes', truncatedNote('a run summary (1 MiB)')));
  write(`##vso[task.addattachment type=Distributedtask.Core.Summary;name=Backstage catalog;]${summary}\n`);
  const junit = join(env.BUILD_ARTIFACTSTAGINGDIRECTORY ?? work, 'junit', 'backstage-gitops.xml');
  // Made here, not by `mkdir -p`: a program found on PATH would start with this step's environment, the token in it.
  mkdirSync(dirname(junit), { recursive: true });
  writeFileSync(junit, formatters.junit(result.diagnostics, options));

  const pullRequestId = Number(env.SYSTEM_PULLREQUEST_PULLREQUESTID);
  if (pullRequestId && env.SYSTEM_ACCESSTOKEN && env.SYSTEM_COLLECTIONURI) {
    const failing = run.status === 1;
    try {
      const warning = await publishToPullRequest(env, pullRequestId, markdown, {
        thread: failing ? CommentThreadStatus.Active : CommentThreadStatus.Closed,
        state: failing ? GitStatusState.Failed : GitStatusState.Succeeded,
        description: failing ? failingFindings(countDiagnostics(result.diagnostics)) : 'Catalog gate passed',
      });
      if (warning) write(`##vso[task.logissue type=warning;]${escapeAzureData(warning)}\n`);
    } catch (error) {
      // A fork's pull request builds with a token that cannot write to the pull request (Azure's default for
      // forks, System.PullRequest.IsFork): no thread, and the gate's verdict must not turn on that.
      const status = (error as { statusCode?: number }).statusCode;
      if (env.SYSTEM_PULLREQUEST_ISFORK?.toLowerCase() === 'true' && (status === 401 || status === 403)) {
        write(`##vso[task.logissue type=warning;]No report thread: pull request ${pullRequestId} comes from a fork, and Azure gives builds of forks a token that cannot write to it. The report is in this run's summary.\n`);
        const totals = countDiagnostics(result.diagnostics);
        write(`##vso[task.complete result=${run.status === 1 ? 'Failed' : 'SucceededWithIssues'};]${counted(totals.error, 'error')}, ${counted(totals.warning, 'warning')}\n`);
        return run.status ?? 1;
      }
      // The server's answer may echo anything, the token included: scrubbed and escaped to one command.
      const message = secretScrubber([env.SYSTEM_ACCESSTOKEN])((error as Error).message ?? String(error));
      // The first run of a new control repo: the build service may not write to pull requests (TF401027).
      const grant = status === 401 || status === 403 ? ` Allow "Contribute to pull requests" for the pipeline's build service identity ("${env.SYSTEM_TEAMPROJECT ?? '<project>'} Build Service (<organisation>)", or Project Collection Build Service when the job authorization scope is the collection) on this repository: Project settings → Repositories → the repository → Security.` : '';
      write(`##vso[task.logissue type=error;]${escapeAzureData(`Posting the report to pull request ${pullRequestId} failed: ${message}${grant}`)}\n##vso[task.complete result=Failed;]\n`);
      return 2;
    }
  }
  const totals = countDiagnostics(result.diagnostics);
  write(`##vso[task.complete result=${run.status === 1 ? 'Failed' : totals.warning ? 'SucceededWithIssues' : 'Succeeded'};]${counted(totals.error, 'error')}, ${counted(totals.warning, 'warning')}\n`);
  return run.status ?? 1;
}




/**
 * The gate did not finish (exit 2, a crash, no report): the PR thread says so (active) and the status is
 * Error, replacing a "Succeeded" an earlier push left; the task fails with exit 2.
 */
async function couldNotRun(env: NodeJS.ProcessEnv, command: string, reason: string, write: (text: string) => void): Promise<number> {
  write(`##vso[task.logissue type=error;]${escapeAzureData(`The gate could not run: ${reason}`)}\n`);
  const pullRequestId = Number(env.SYSTEM_PULLREQUEST_PULLREQUESTID);
  if (pullRequestId && env.SYSTEM_ACCESSTOKEN && env.SYSTEM_COLLECTIONURI) {
    const markdown = `${REPORT_MARKER}\n## ⚠️ Backstage catalog: the gate could not run\n\n\`backstage-gitops ${command}\` stopped before it had checked this pull request, so no earlier verdict applies to it:\n\n> ${mdCode(reason)}\n\nFix the cause (the run's log has the details) and push again.\n`;
    try {
      const warning = await publishToPullRequest(env, pullRequestId, markdown, { thread: CommentThreadStatus.Active, state: GitStatusState.Error, description: clipText(`The gate could not run: ${reason}`, MAX_STATUS_DESCRIPTION) });
      if (warning) write(`##vso[task.logissue type=warning;]${escapeAzureData(warning)}\n`);
    } catch (error) {
      const message = secretScrubber([env.SYSTEM_ACCESSTOKEN])((error as Error).message ?? String(error));
      write(`##vso[task.logissue type=error;]${escapeAzureData(`Posting to pull request ${pullRequestId} failed: ${message}`)}\n`);
    }
  }
  write('##vso[task.complete result=Failed;]the gate could not run\n');
  return 2;
}

/**
 * The id of the pull request iteration whose head is `sourceCommit` (System.PullRequest.SourceCommitId);
 * without that variable, the latest iteration (GET …/pullRequests/{id}/iterations lists them oldest first).
 * Undefined when no iteration matches: the run checked a commit the pull request no longer points at.
 */
export function iterationOf(iterations: readonly GitPullRequestIteration[], sourceCommit: string | undefined): number | undefined {
  if (!sourceCommit) return iterations.reduce<number | undefined>((latest, i) => (i.id !== undefined && (latest === undefined || i.id > latest) ? i.id : latest), undefined);
  return iterations.filter(i => i.sourceRefCommit?.commitId?.toLowerCase() === sourceCommit.toLowerCase()).at(-1)?.id;
}

/**
 * Whether a PR thread is this task's report: its first comment starts with the marker (a quote of it
 * does not) and was written by `identityId`, the identity the token authenticates as (for
 * $(System.AccessToken), the project's build service). Threads of people and other services are never
 * touched.
 */
export function isOwnThread(thread: GitPullRequestCommentThread, identityId: string): boolean {
  const first = thread.comments?.[0];
  return !thread.isDeleted && Boolean(first?.content?.startsWith(REPORT_MARKER)) && first?.author?.id?.toLowerCase() === identityId.toLowerCase();
}

/**
 * Exactly one comment thread (found by marker and author, see {@link isOwnThread}), updated in place
 * (duplicates of racing runs deleted), and the `backstage-gitops/validate` status. The identity comes from `GET _apis/connectionData`
 * (`authenticatedUser.id`). Returns a warning to log when the thread could not be kept.
 */
async function publishToPullRequest(env: NodeJS.ProcessEnv, pullRequestId: number, markdown: string, verdict: { thread: CommentThreadStatus; state: GitStatusState; description: string }): Promise<string | undefined> {
  // Azure refuses a longer comment ("cannot be longer than 150000 characters"): cut at a line, verdict kept.
  const content = fitText(markdown, AZURE_COMMENT_CHARS, 'chars', truncatedNote('an Azure DevOps comment (150,000 characters)'));
  const connection = new WebApi(env.SYSTEM_COLLECTIONURI!, getBearerHandler(env.SYSTEM_ACCESSTOKEN!));
  const identityId = (await connection.connect()).authenticatedUser?.id;
  const git = await connection.getGitApi();
  const project = env.SYSTEM_TEAMPROJECT;
  const repository = env.BUILD_REPOSITORY_ID!;
  const status = verdict.thread;
  let warning: string | undefined;
  const threads = identityId ? await git.getThreads(repository, pullRequestId, project) : [];
  const mine = identityId ? threads.filter(t => isOwnThread(t, identityId)) : [];
  if (!identityId) {
    warning = 'Azure DevOps did not say which identity the token is (connectionData has no authenticatedUser); the report thread was not updated.';
  } else if (mine.length === 0) {
    await git.createThread({ comments: [{ parentCommentId: 0, content, commentType: CommentType.Text }], status }, repository, pullRequestId, project);
  } else {
    await git.updateComment({ content }, repository, pullRequestId, mine[0].id!, mine[0].comments![0].id!, project);
    await git.updateThread({ status }, repository, pullRequestId, mine[0].id!, project);
    // Two runs of one pull request at once (two quick pushes) both found no thread and both made one: the
    // later copies go, so no stale report stays Active (a comment-resolution policy would block on it). A
    // thread whose only comment is deleted is deleted; where that is refused, it is closed instead.
    for (const extra of mine.slice(1)) {
      try {
        await git.deleteComment(repository, pullRequestId, extra.id!, extra.comments![0].id!, project);
      } catch {
        await git.updateThread({ status: CommentThreadStatus.Closed }, repository, pullRequestId, extra.id!, project);
      }
    }
  }
  // A project's name may hold spaces and other characters a URL path cannot: encoded, as Azure's own links are.
  const runUrl = env.BUILD_BUILDID ? `${env.SYSTEM_COLLECTIONURI}${encodeURIComponent(project ?? '')}/_build/results?buildId=${encodeURIComponent(env.BUILD_BUILDID)}` : undefined;
  // The status speaks for the iteration (push) this run checked, so a status policy with "reset on source
  // update" never takes it for a later push; the build's PR head is System.PullRequest.SourceCommitId.
  const iterations = await git.getPullRequestIterations(repository, pullRequestId, project);
  const iterationId = iterationOf(iterations, env.SYSTEM_PULLREQUEST_SOURCECOMMITID);
  if (iterationId === undefined) {
    return [warning, `No pull request status: none of pull request ${pullRequestId}'s iterations has the commit this run checked (${logText(env.SYSTEM_PULLREQUEST_SOURCECOMMITID ?? 'unknown')}); a later push gets its own run.`].filter(Boolean).join(' ');
  }
  await git.createPullRequestStatus({
    state: verdict.state,
    description: verdict.description,
    context: { genre: 'backstage-gitops', name: 'validate' },
    iterationId,
    ...(runUrl ? { targetUrl: runUrl } : {}),
  }, repository, pullRequestId, project);
  return warning;
}
