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
}

/** Longest reason a "could not run" comment, thread or status quotes (characters). */
export const MAX_REASON = 300;

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
  const how = run.error ? `could not be started (${run.error.message})` : run.signal ? `was ended by ${run.signal}` : `exited with ${run.status}`;
  return clipText(said || `the toolkit ${how} without a report`, MAX_REASON);
}
