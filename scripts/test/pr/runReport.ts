import { runBin as runShippedBin } from '../helpers/runBin.ts';

export interface ReportRun {
  status: number | null;
  stderr: string;
  json: { exitCode: number; markdown: string; summaryMarkdown: string; report: Record<string, any>; diagnostics: { ruleId: string; severity: string; file: string; message: string; hint?: string; range: { start: { line: number } } }[] };
}

/** Runs the shipped bin's `report --format json` in `root` as CI does, in a child process. */
export async function runReport(root: string, base: string, extra: string[] = []): Promise<ReportRun> {
  const { status, stdout, stderr } = await runBin(root, base, extra);
  if (status === 2 || !stdout) throw new Error(`report failed (${status}): ${stderr}`);
  return { status, stderr, json: JSON.parse(stdout) };
}

/** The same run, raw: exit code, stdout and stderr. */
export function runBin(root: string, base: string, extra: string[] = []): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return runShippedBin(['report', '--base', base, '--today', '2026-11-23', '--format', 'json', ...extra], root);
}
