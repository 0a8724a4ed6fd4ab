import { todayFlag } from './todayFlag.ts';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { removeTemporary } from '../process/temporaryCheckouts.ts';
import { loadConfig, UsageError, repoRoot } from '../config/gitopsConfig.ts';
import { isAtLeast, type Diagnostic } from '../diagnostic.ts';
import { logText } from '../report/safeText.ts';
import { boundDiagnostics } from '../report/boundDiagnostics.ts';
import { formatters } from '../report/formatters.ts';
import { renderScorecardReport } from '../scorecards/renderScorecardReport.ts';
import { checkoutBase, hasScorecards, loadEntities, repoFactsAt, runScorecards, touchedEntities } from '../scorecards/prepareScorecards.ts';
import type { ScopeSide } from '../scorecards/scopeLeft.ts';
import { diffTeams } from '../scorecards/teamScores.ts';
import { entityChanges } from '../pr/entityChanges.ts';
import { colorFlag, wantsColor, type CliIo } from './io.ts';
import { version } from './version.ts';
import { repoWriteTarget } from './writeTarget.ts';

export const SCORECARDS_HELP = `Usage: backstage-gitops scorecards [options]

Evaluates scorecards/ over the catalog with Tech Insights' semantics and prints a report per team.

Options:
  --root DIR          repository root (default: current folder)
  --base REF          compare with a git revision: which teams' levels and scores the change moves,
                      blocking checks fail for the entities the change touches, and an entity the
                      change moves out of a blocking check's scope is scorecard-scope-left
  --format NAME       text | markdown | json (default: text on a terminal, else markdown)
  --output FILE       write the report to FILE
  --write-config      regenerate the Tech Insights app-config (scorecards/config.yaml: output); refused,
                      with exit 1, while scorecards/ has errors that would be deployed with it
  --today YYYY-MM-DD  evaluate exemptions, enableOn and due dates as of this day (default: today)
  --color / --no-color  force colours on or off (default: on for a TTY unless NO_COLOR is set)
  -h, --help          show this help

Exit codes: 0 clean, 1 scorecard errors (invalid data, expired exemption, stale config, blocking failure), 2 usage error.
`;

// Findings about the entities or the day, not about what --write-config compiles: the config is the same
// with or without them (exemptions, golden cases and blocking results are not deployed), and writing it is
// how scorecard-config-stale is fixed.
const NOT_COMPILED = new Set(['scorecard-config-stale', 'scorecard-exemption-expired', 'scorecard-exemption-too-long', 'scorecard-exemption-unknown', 'scorecard-test-failed']);

/**
 * Whether a finding of the scorecard run stops `--write-config`: an error in the scorecard documents the
 * config is compiled from (schema, references, what jsonfc or json-rules-engine refuse or mis-read). The
 * written file would start the tech-insights plugin with it (or stop the backend at start-up), so nothing
 * is written until it is fixed, as `templates render` renders nothing for values Backstage would refuse.
 */
export function blocksConfigWrite(finding: Diagnostic): boolean {
  return finding.severity === 'error' && finding.ruleId.startsWith('scorecard-') && !NOT_COMPILED.has(finding.ruleId);
}

/**
 * `scorecards`: evaluates scorecards/ over the catalog and prints a report per team. Takes argv and the
 * CLI's io; returns the exit code (1 for scorecard errors, and when --write-config refuses to write a
 * config compiled from documents with errors). Throws UsageError for a bad flag or write target.
 */
export async function scorecardsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      root: { type: 'string' }, base: { type: 'string' }, format: { type: 'string' }, output: { type: 'string' },
      'write-config': { type: 'boolean' }, today: { type: 'string' }, color: { type: 'boolean' }, 'no-color': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return io.stdout.write(SCORECARDS_HELP), 0;
  const color = colorFlag(values);
  const root = repoRoot(io.cwd, values.root);
  // A repo `init` wrote has none: say how to start rather than only what is missing.
  if (!hasScorecards(root)) throw new UsageError(`${logText(root)} has no scorecards/config.yaml, so it keeps no scorecards yet (init writes none): add scorecards/config.yaml and checks under scorecards/checks/ (format: schemas/scorecards.schema.json) to score the catalog; check and report run without them.`);
  // A person at a terminal reads columns; a pipe, a file or CI gets Markdown for a comment or summary.
  const format = values.format ?? (io.stdout.isTTY && !values.output ? 'text' : 'markdown');
  if (format !== 'text' && format !== 'markdown' && format !== 'json') throw new UsageError('--format takes text, markdown or json');
  const today = todayFlag(values.today);

  const head = await loadEntities(root);
  let base: Awaited<ReturnType<typeof loadEntities>> | undefined;
  let baseRun;
  let baseSide: ScopeSide | undefined;
  if (values.base) {
    const dir = await checkoutBase(root, values.base);
    try {
      base = await loadEntities(dir, root);
      baseRun = hasScorecards(dir) ? await runScorecards(dir, base.entities, base.repoFiles, { today, refused: base.refused }) : undefined;
      // Read while the base is extracted: which checks judged its entities there (scorecard-scope-left).
      baseSide = { entities: base.entities, repo: repoFactsAt(dir, base.repoFiles), refused: base.refused };
    } finally {
      await removeTemporary(dir);
    }
  }
  const touched = base ? touchedEntities(base.entities, head.entities, { base: base.repoFiles, head: head.repoFiles }) : undefined;
  const run = await runScorecards(root, head.entities, head.repoFiles, { today, touched, refused: head.refused, ...(baseSide ? { base: baseSide } : {}) });
  let refusal: string | undefined;
  if (values['write-config'] && run.data.config) {
    const output = run.data.config.value.output;
    const target = repoWriteTarget(root, output, 'the Tech Insights config');
    const blocking = run.diagnostics.filter(blocksConfigWrite);
    if (blocking.length > 0) {
      refusal = `backstage-gitops scorecards: refusing to write ${logText(output.slice(0, 200))}: scorecards/ has ${blocking.length} error${blocking.length === 1 ? '' : 's'} (${logText([...new Set(blocking.map(d => d.ruleId))].join(', '))}, listed above) that Tech Insights would be deployed with; nothing was written. Fix them, then run again.\n`;
    } else {
      await io.writeFile(target, run.compiled);
      run.diagnostics = run.diagnostics.filter(d => d.ruleId !== 'scorecard-config-stale');
    }
  }
  const context = base && { renamed: entityChanges(base.entities, head.entities).renamed, checkIds: new Set(run.data.checks.map(c => c.value.id)), entityRefs: new Set(head.entities.map(e => e.ref).filter((r): r is string => Boolean(r))) };
  const changes = base ? diffTeams(baseRun?.teams ?? new Map(), run.teams, context) : undefined;
  const text = format === 'json'
    ? `${JSON.stringify({ teams: [...run.teams.values()], changes, adoption: run.adoption, entities: run.scores.map(s => ({ ref: s.ref, rank: s.rank, scorecards: s.scorecards, results: s.results })), diagnostics: boundDiagnostics(run.diagnostics) }, null, 2)}\n`
    : renderScorecardReport({
        teams: run.teams, changes, adoption: run.adoption, levels: run.data.config?.value.levels ?? [],
        baseLevelName: run.data.config?.value.baseLevel?.name ?? 'Stone', checks: new Map(run.data.checks.map(c => [c.value.id, c.value])), testsPassed: run.testsPassed, testsFailed: run.testsFailed,
      }, format);
  if (values.output) await io.writeFile(resolve(io.cwd, values.output), text);
  else io.stdout.write(text, format === 'json' ? 'json' : 'text');
  if (run.diagnostics.length > 0) {
    io.stderr.write(formatters.stylish(run.diagnostics, { color: wantsColor(io, color), checkedFiles: run.data.checks.length, checkedUnit: 'check', entityCount: run.scores.length, rules: [], toolName: 'backstage-gitops', toolVersion: version }));
  }
  if (refusal) return io.stderr.write(refusal), 1;
  const { failOn } = await loadConfig(root);
  return run.diagnostics.some(d => isAtLeast(d.severity, failOn)) ? 1 : 0;
}
