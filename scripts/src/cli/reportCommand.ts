import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../config/gitopsConfig.ts';
import { prepareReport } from '../pr/prepareReport.ts';
import { renderPrReport } from '../pr/renderPrReport.ts';
import { checkCommand } from './checkCommand.ts';
import type { CliIo } from './io.ts';
import { version } from './version.ts';
import { catalogRules } from '../catalog/catalogRules.ts';
import { scorecardRules } from '../scorecards/scorecardRules.ts';

export const REPORT_HELP = `Usage: backstage-gitops report --base REF [options]

The pull-request report: the gate's findings, entities added, changed and removed against REF, who is
affected (dependents of removed or deprecated entities, APIs that lose consumers), which CODEOWNERS must
review, scorecard changes per team, and a Mermaid graph of the changed neighbourhood. One Markdown body
for GitHub and Azure DevOps, within their comment limits.

Options:
  --base REF          the target branch's revision (e.g. origin/main)
  --format NAME       markdown (default) | json (report, diagnostics and exit code, for the CI adapters)
  --output FILE       write there instead of stdout
  --today YYYY-MM-DD  date for scorecard exemptions and due dates
  --root DIR          repository root (default: current folder)

Exit codes as for check: 0 clean, 1 findings at or above the failing severity, 2 usage error.
`;

export async function reportCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { base: { type: 'string' }, format: { type: 'string', default: 'markdown' }, output: { type: 'string' }, today: { type: 'string' }, root: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return io.stdout.write(REPORT_HELP), 0;
  if (!values.base) throw new UsageError('--base is required');
  const root = resolve(io.cwd, values.root ?? '.');
  const today = values.today ?? new Date().toISOString().slice(0, 10);
  let gateJson = '';
  const gateIo: CliIo = { ...io, stdout: { write: t => void (gateJson += t) } };
  const exitCode = await checkCommand(['--root', root, '--base', values.base, '--today', today, '--format', 'json'], gateIo);
  if (exitCode === 2) return 2;
  const gate = JSON.parse(gateJson) as { summary: { checkedFiles: number; entities: number }; diagnostics: Parameters<typeof renderPrReport>[0]['diagnostics'] };
  const details = await prepareReport(root, values.base, today);
  const markdown = renderPrReport({
    ...details,
    diagnostics: gate.diagnostics,
    failing: exitCode === 1,
    formatOptions: { color: false, checkedFiles: gate.summary.checkedFiles, entityCount: gate.summary.entities, rules: [...catalogRules.list(), ...scorecardRules.list()], toolName: 'backstage-gitops', toolVersion: version },
  });
  const text = values.format === 'json' ? `${JSON.stringify({ exitCode, markdown, changedFiles: details.changedFiles, diagnostics: gate.diagnostics }, null, 2)}\n` : markdown;
  if (values.output) await io.writeFile(resolve(io.cwd, values.output), text);
  else io.stdout.write(text, values.format === 'json' ? 'json' : 'text');
  return exitCode;
}
