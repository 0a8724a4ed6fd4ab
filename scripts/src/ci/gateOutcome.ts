import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../diagnostic.ts';
import { clipText } from '../report/boundDiagnostics.ts';
import { logText } from '../report/safeText.ts';

/** What `report`/`check --format json` writes, as the CI adapters read it. */
export interface GateResult {
  markdown?: string;
  summaryMarkdown?: string;
  changedFiles?: string[];
  diagnostics: Diagnostic[];
}

/** How the gate's process ended, as spawnSync reports it (the adapters start it; this module starts nothing). */
export interface GateProcess {
  status: number | null;
  signal?: string | null;
  error?: Error;
  stderr?: string | null;
  /** The time limit it was started with (milliseconds), to name it when it was reached. */
  timeoutMs?: number;
  /** How long it ran (milliseconds). */
  elapsedMs?: number;
}

/** Longest reason a "could not run" comment, thread or status quotes (characters). */
export const MAX_REASON = 300;

/**
 * How long the adapters let the gate run (minutes) before they stop it and say it could not run: under
 * the PR jobs' own limit (30 minutes in .github/workflows/pull-request.yml), so a gate that never finishes
 * still replaces an earlier push's verdict instead of the runner ending the job with nothing said.
 */
export const GATE_TIMEOUT_MINUTES = 20;

/**
 * The gate's time limit in milliseconds from a setting (an action input or a pipeline variable: a number
 * of minutes, fractions allowed, at most 24 hours), GATE_TIMEOUT_MINUTES when it is empty.
 * Throws an Error naming `name` when the setting is not such a number.
 */
export function gateTimeoutMs(setting: string | undefined, name: string): number {
  if (setting === undefined || setting.trim() === '') return GATE_TIMEOUT_MINUTES * 60_000;
  const minutes = Number(setting);
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 1440) throw new Error(`${name} takes a number of minutes above 0 and at most 1440, not ${JSON.stringify(setting.slice(0, 40))}`);
  return Math.round(minutes * 60_000);
}

/**
 * The `report` arguments that give its template test cases half of the gate's time limit (`--templates-time-limit`,
 * whole seconds, at least 1): with its default 600 s the cases of a slow pull request ran into an adapter
 * limit set lower (a step's timeout-minutes of 8), the adapter stopped the gate and the comment said only that
 * it could not run. Past their half the cases left are template-render-budget errors, and the other half is
 * for everything else the gate does and the report it posts. 20 minutes (the default) give the 600 s as before.
 */
export function templatesTimeLimitArgs(timeoutMs: number): string[] {
  return ['--templates-time-limit', String(Math.max(1, Math.floor(timeoutMs / 2000)))];
}

/**
 * The JSON the gate wrote to `file`, or undefined when it is missing, not JSON or without a diagnostics
 * list (the gate did not finish): the adapters then say the gate could not run instead of passing.
 */
export function readGateResult(file: string): GateResult | undefined {
  try {
    const result = JSON.parse(readFileSync(file, 'utf8')) as GateResult;
    return Array.isArray(result?.diagnostics) ? result : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the gate's process gave no report, in one line of at most MAX_REASON characters, escaped for a log:
 * its stderr (one clear message on exit 2) or how the process ended.
 */
export function gateFailureLine(run: GateProcess): string {
  const said = logText((run.stderr ?? '').split('\n').map(line => line.trim()).filter(Boolean).join(' '));
  // spawnSync's `timeout` ends the process and reports ETIMEDOUT as its error.
  // (Or, on a loaded machine, only the signal is reported: the time it took tells.)
  const timedOut = (run.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT' || (run.signal === 'SIGTERM' && run.timeoutMs !== undefined && (run.elapsedMs ?? 0) >= run.timeoutMs);
  const how = timedOut ? `did not finish within its time limit (${Math.round((run.timeoutMs ?? 0) / 1000)} s) and was stopped` : run.error ? `could not be started (${run.error.message})` : run.signal ? `was ended by ${run.signal}` : `exited with ${run.status}`;
  if (timedOut) return clipText(`the toolkit ${how}`, MAX_REASON);
  return clipText(said || `the toolkit ${how} without a report`, MAX_REASON);
}

/**
 * What made a failing gate (exit 1) fail, for a one-line PR status: the count of the most severe findings
 * present (`3 catalog errors`; with none, `2 catalog warnings`, which fail only under `failOn: warning` or
 * `info`; then info). Exit 1 means at least one finding is at or above the config's failOn, so the most
 * severe kind present is always one that fails. Takes the run's totals (countDiagnostics).
 */
export function failingFindings(totals: { error: number; warning: number; info: number }): string {
  const plural = (n: number) => (n === 1 ? '' : 's');
  if (totals.error > 0) return `${totals.error} catalog error${plural(totals.error)}`;
  if (totals.warning > 0) return `${totals.warning} catalog warning${plural(totals.warning)} (at or above the config's failOn)`;
  if (totals.info > 0) return `${totals.info} catalog info finding${plural(totals.info)} (at or above the config's failOn)`;
  return 'Catalog gate failed: see the run';
}
