// Shared by the sync and publish-techdocs actions: the CLI's Markdown outcome as the step's job summary.
import * as core from '@actions/core';
import { fitText, GITHUB_SUMMARY_BYTES } from '../../scripts/src/report/fitText.ts';

// Room for a heading the action writes above the outcome and the line break addRaw adds.
const HEADING_ROOM = 256;

/**
 * Writes `markdown` (what the CLI printed, already scrubbed) to the job summary under an optional level-3
 * `heading`, cut at a line to fit GitHub's 1 MiB: past it GitHub drops the step's whole summary ("upload
 * aborted"), and the outcome's lines quote the merged repo's paths (a `|` is six bytes escaped), so a merge
 * could wipe the record of what the step did. The counts on top stay; a note says the log has the rest
 * (`what` names the outcome, e.g. "plan").
 */
export async function writeStepSummary(markdown: string, what: string, heading?: string): Promise<void> {
  const note = `\n_…truncated: the rest of this ${what} does not fit in a GitHub job summary (1 MiB); the job log has all of it._\n`;
  const text = fitText(markdown, GITHUB_SUMMARY_BYTES - HEADING_ROOM, 'bytes', note);
  await (heading === undefined ? core.summary : core.summary.addHeading(heading, 3)).addRaw(text, true).write();
}
