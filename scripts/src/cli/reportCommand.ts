import { todayFlag } from './todayFlag.ts';
import { templateTestSeconds } from './timeLimitFlag.ts';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, repoRoot, UsageError } from '../config/gitopsConfig.ts';
import { isAtLeast, type Diagnostic } from '../diagnostic.ts';
import { prepareReport } from '../pr/prepareReport.ts';
import { RevisionReads } from '../pr/revisionReads.ts';
import { COMMENT_BUDGET, renderPrReport, SUMMARY_BUDGET } from '../pr/renderPrReport.ts';
import { boundDiagnostics } from '../report/boundDiagnostics.ts';
import { parseFileLinks } from '../report/fileLinks.ts';
import { applyRuleSettings, checkCommand } from './checkCommand.ts';
import type { CliIo } from './io.ts';
import { repoSettingReviews, withReviews } from '../pr/repoSettingReviews.ts';

export const REPORT_HELP = `Usage: backstage-gitops report --base REF [options]

The pull-request report: the gate's findings, entities added, changed, removed, renamed and moved against
REF, who is affected (what still depends, in the head, on what the change removes, renames or
deprecates; consumers of APIs whose definitions change, with breaking changes classified and changed
definitions, and those of added APIs, linted by Spectral), which teams must review, scorecard moves per team, and a Mermaid graph
of the changed neighbourhood. Every section is always there and fits the PR comment limits of GitHub
and Azure DevOps; the job summary gets the full lists and the JSON report everything.

Options:
  --base REF          the target branch's revision (e.g. origin/main)
  --format NAME       markdown (default) | json (comment and summary Markdown, report data, diagnostics
                      and exit code, for the CI adapters)
  --full              markdown: the summary rendering (full lists, up to 1 MB) instead of the comment
  --output FILE       write there instead of stdout
  --today YYYY-MM-DD  date for scorecard exemptions and due dates
  --catalog-url URL   the gate also asks this live Backstage, as check --catalog-url does: references,
                      and entities the change adds that a location outside this repo already holds
                      (entity-held-elsewhere: sync would refuse them)
  --token-env NAME    environment variable holding the Backstage token (default: BACKSTAGE_TOKEN)
  --lint-timeout SECONDS
                      how long Spectral may take per changed definition before it is stopped
                      (api-lint-timeout; default 20, all of them together ten times that)
  --templates-time-limit SECONDS
                      what the test cases of the templates the change touches may take together
                      (default 600); the cases left then are not rendered (template-render-budget)
  --cache FILE        the gate's results cache, as check --cache (default: $BACKSTAGE_GITOPS_CACHE)
  --link-github URL   link each file:line to GitHub's view of the file at the pull request's head:
                      https://github.com/OWNER/REPO/blob/HEAD_SHA (the check action passes it)
  --link-azure URL    link each changed file to the pull request's Files view on Azure Repos:
                      https://dev.azure.com/ORG/PROJECT/_git/REPO/pullrequest/ID (the pipeline passes it)
  --root DIR          repository root (default: current folder)

Exit codes as for check: 0 clean, 1 findings at or above the failing severity (breaking API changes
and Spectral findings on changed and added definitions included), 2 usage error.
`;

export async function reportCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { base: { type: 'string' }, format: { type: 'string', default: 'markdown' }, full: { type: 'boolean' }, output: { type: 'string' }, today: { type: 'string' }, root: { type: 'string' }, 'catalog-url': { type: 'string' }, 'token-env': { type: 'string' }, 'lint-timeout': { type: 'string' }, 'templates-time-limit': { type: 'string' }, cache: { type: 'string' }, 'link-github': { type: 'string' }, 'link-azure': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return io.stdout.write(REPORT_HELP), 0;
  const lintTimeout = values['lint-timeout'] === undefined ? undefined : Number(values['lint-timeout']);
  if (lintTimeout !== undefined && !(Number.isInteger(lintTimeout) && lintTimeout >= 1 && lintTimeout <= 3600)) throw new UsageError('--lint-timeout takes whole seconds from 1 to 3600');
  const templateSeconds = templateTestSeconds(values['templates-time-limit'], '--templates-time-limit');
  if (!values.base) throw new UsageError('--base is required');
  if (values.format !== 'markdown' && values.format !== 'json') throw new UsageError(`--format takes markdown or json, not '${values.format}'`);
  const links = parseFileLinks(values['link-github'], values['link-azure']);
  const root = repoRoot(io.cwd, values.root);
  const today = todayFlag(values.today);
  let gateJson = '';
  const gateIo: CliIo = { ...io, stdout: { write: t => void (gateJson += t) } };
  const live = [...(values['catalog-url'] !== undefined ? ['--catalog-url', values['catalog-url']] : []), ...(values['token-env'] !== undefined ? ['--token-env', values['token-env']] : [])];
  // The gate's own --cache (default $BACKSTAGE_GITOPS_CACHE, which it reads itself), as `check --cache` takes it.
  const cache = values.cache !== undefined ? ['--cache', values.cache] : [];
  // The gate and the report read the same two revisions: the base extracted and each side loaded once.
  const reads = new RevisionReads(root, values.base);
  reads.prefetchBase();
  let gateExit: number;
  let details: Awaited<ReturnType<typeof prepareReport>>;
  let gate: { diagnostics: Diagnostic[]; fixed?: Diagnostic[] };
  try {
    gateExit = await checkCommand(['--root', root, '--base', values.base, '--today', today, '--format', 'json', ...live, ...cache], gateIo, reads);
    if (gateExit === 2) return 2;
    gate = JSON.parse(gateJson) as { diagnostics: Diagnostic[]; fixed?: Diagnostic[] };
    details = await prepareReport(root, values.base, today, lintTimeout, reads, templateSeconds);
  } finally {
    await reads.dispose();
  }
  const config = await loadConfig(root);
  // The gate already reports a refused $ref or an over-limit definition on the same line; the report's own check of it is not a second finding.
  const at = (d: Diagnostic) => `${d.ruleId}|${d.file}|${d.range.start.line}|${d.range.start.column}`;
  const gateHas = new Set(gate.diagnostics.map(at));
  const extra = applyRuleSettings(details.diagnostics, config).filter(d => !gateHas.has(at(d)));
  const diagnostics = [...gate.diagnostics, ...extra];
  const exitCode = gateExit === 1 || extra.some(d => isAtLeast(d.severity, config.failOn)) ? 1 : 0;
  // A template that newly weakens the repositories it creates, or pushes into one its user does not choose, asks the platform team, whom CODEOWNERS may not ask.
  const teamReviews = withReviews(details.data.teamReviews, repoSettingReviews(diagnostics, details.data.reviewers, details.platformTeam));
  const input = { ...details.data, teamReviews, diagnostics, fixed: gate.fixed ?? [], failing: exitCode === 1, baseRef: values.base, failOn: config.failOn, ...(links ? { links } : {}) };
  const markdown = renderPrReport(input, COMMENT_BUDGET);
  const summary = renderPrReport(input, SUMMARY_BUDGET);
  const text = values.format === 'json'
    ? `${JSON.stringify({ exitCode, markdown, summaryMarkdown: summary, changedFiles: details.data.changedFiles, report: { ...details.data, teamReviews }, diagnostics: boundDiagnostics(diagnostics), fixed: gate.fixed ?? [] }, null, 2)}\n`
    : values.full ? summary : markdown;
  if (values.output) await io.writeFile(resolve(io.cwd, values.output), text);
  else io.stdout.write(text, values.format === 'json' ? 'json' : 'text');
  return exitCode;
}
