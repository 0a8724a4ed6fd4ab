import { boundedText } from '../report/safeText.ts';
import type { RenderResult } from './renderTemplate.ts';

/** Rules of a rendered file whose finding says a file is missing from the repository (a placeholder's, a techdocs-ref's, an mkdocs page's). */
const MISSING_FILE_RULES = ['placeholder-target-missing', 'techdocs-ref-missing', 'location-target-missing', 'mkdocs-docs-dir-missing', 'mkdocs-nav-missing', 'mkdocs-index-missing'];

/** What of a render the offline render does not have: its unknown writers (steps it could not run that may write files) and the files a stand-in value fed. */
export type OfflineGaps = Pick<RenderResult, 'workspaceUnknown' | 'standInFed' | 'fetchedElsewhere'>;

/**
 * The steps whose writes to the workspace the render lacks (RenderResult.workspaceUnknown, and the fetch
 * steps whose folder lies elsewhere, which copied nothing): a file missing from the output may be theirs.
 */
export function unknownWriters(gaps: OfflineGaps): { stepId: string; action: string }[] {
  return [...(gaps.workspaceUnknown ?? []), ...(gaps.fetchedElsewhere ?? []).map(f => ({ stepId: f.stepId, action: f.action }))];
}

/** Why a finding that a file is missing is not judged: the steps that may write it in Backstage. */
export function missingFileReason(writers: readonly { stepId: string; action: string }[]): string {
  const shown = writers.slice(0, 3).map(w => `${boundedText(w.stepId, 80)} (${boundedText(w.action, 80)})`).join(', ');
  return `the offline render cannot run step ${shown}${writers.length > 3 ? ', …' : ''}, which may write files to the workspace in Backstage, so a file missing here may be there`;
}

/**
 * Splits checkRendered's problems (each starting with the rendered file's path) into those judged and those
 * that follow from what the offline render does not have, with why: a file said to be missing (a
 * placeholder's `$text: ./openapi.yaml`, a techdocs-ref folder) when a step it cannot run may write it
 * (unknownWriters), and any problem of a file a built-in step wrote from a stand-in output
 * (RenderResult.standInFed: catalog:fetch of an entity no catalog known here holds answers with the
 * dry-run's example, so `owner: ${{ values.owner }}` renders empty where Backstage writes the real owner).
 * Pure.
 */
export function splitOutputProblems(problems: readonly string[], gaps: OfflineGaps): { judged: string[]; notJudged: { problem: string; why: string }[] } {
  const writers = unknownWriters(gaps);
  const judged: string[] = [];
  const notJudged: { problem: string; why: string }[] = [];
  for (const problem of problems) {
    const fed = (gaps.standInFed ?? []).find(f => problem.startsWith(`${f.path}:`) || problem.startsWith(`${f.path} `));
    const missing = writers.length > 0 && MISSING_FILE_RULES.some(rule => problem.includes(`: ${rule}: `));
    if (fed) notJudged.push({ problem, why: `step ${boundedText(fed.stepId, 80)} wrote ${boundedText(fed.path, 200)} from the output of step ${boundedText(fed.source, 80)}${fed.sourceAction ? ` (${boundedText(fed.sourceAction, 80)})` : ''}, which offline is only a stand-in (the dry-run's example, or nothing), not what your Backstage returns` });
    else if (missing) notJudged.push({ problem, why: missingFileReason(writers) });
    else judged.push(problem);
  }
  return { judged, notJudged };
}

/** The hint of an output finding not judged because of a stand-in or an unknown writer. */
export function notJudgedHint(why: string): string {
  return why.includes('stand-in')
    ? "Nothing to fix in the skeleton if Backstage's real output fills it. To judge it here, keep that entity in this repository's catalog (catalog.roots in gitops.config.yaml), or give the case the entities catalog:fetch returns (entities: in the case)."
    : 'Nothing to fix if that step writes the file in Backstage. To judge it here, write the file with a step the toolkit runs (fetch:template), or install the module that provides the action.';
}
