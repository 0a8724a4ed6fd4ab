import { FILE_START, type Diagnostic } from '../diagnostic.ts';
import { boundedText, logText } from '../report/safeText.ts';
import { decodedFindings, inertDirectives } from './decodedFindings.ts';
import { scanLabel, type ScanText } from './scanText.ts';
import type { ValuesRender } from './templateValues.ts';
import { TemplateDeadlineError, templateView } from './templateView.ts';

/** What scanRenders needs of the scan it is part of (scanSecrets). */
export interface RenderScan {
  /** The file's text (or a binary file's, or why it cannot be read; undefined when there is none), as the scan reads it. */
  read(file: string): { text: string } | { binary: unknown } | { problem: string } | undefined;
  /** Lints the texts on the scan's thread, keeping their findings; returns `problems` with why any was not linted. */
  lint(texts: readonly ScanText[], problems: string[]): Promise<string[]>;
  /** The scan's deadline (a Date.now() time) and its seconds, for the messages. */
  deadline: number;
  seconds: number;
}

/**
 * Each skeleton file of `renders` (valuesRenders) read as its fetch:template step renders it with the values its
 * template writes out: templateView seeded with them, with the step's trimBlocks and lstripBlocks, under the
 * scan's deadline (read on the main thread: each file is started only before it, and a file the deadline
 * overtakes is stopped). `scan`: the scan's reader, linter and deadline; `found`: the findings so far, for a
 * credential already said at its place (by the file's own scan) not to be said twice. Returns the new findings:
 * secret-written, at the place the file spells the credential, its message naming the step and the template
 * (the linter hands them to `texts`' findings, which returns them here); and secret-scan-incomplete (renderIncomplete)
 * for each file not read so: gone since it was listed, unreadable or too large (its problem), the deadline
 * passed before or while it was read, or not linted. A binary file is skipped: fetch:template copies it as it
 * is. Never throws.
 */
export async function scanRenders(renders: readonly ValuesRender[], scan: RenderScan, found: readonly Diagnostic[]): Promise<Diagnostic[]> {
  const added: Diagnostic[] = [];
  const late = new Set<string>();
  const said = (d: Diagnostic) => [...found, ...added].some(f => f.file === d.file && f.ruleId.startsWith('secret-') && f.range.start.line === d.range.start.line && f.range.start.column <= d.range.end.column && d.range.start.column <= f.range.end.column);
  for (const render of renders) {
    const step = `step ${logText(boundedText(render.step, 80))} of ${logText(boundedText(render.template, 200))}`;
    const incomplete = (why: string) => added.push(renderIncomplete(render.file, step, why));
    if (Date.now() > scan.deadline) {
      // One finding a file once time is up, however many steps render it.
      if (!late.has(render.file)) incomplete(`the secret scan's ${scan.seconds} s were used up before it was read so`);
      late.add(render.file);
      continue;
    }
    const read = scan.read(render.file);
    if (read === undefined) {
      incomplete('it was gone (or no regular file) when it was to be read');
      continue;
    }
    if ('problem' in read) {
      incomplete(read.problem);
      continue;
    }
    if (!('text' in read)) continue;
    let view;
    try {
      view = templateView(read.text, render.cookiecutter, { [render.cookiecutter ? 'cookiecutter' : 'values']: render.values }, { trimBlocks: render.trimBlocks, lstripBlocks: render.lstripBlocks, deadline: scan.deadline });
    } catch (error) {
      incomplete(error instanceof TemplateDeadlineError ? `the secret scan's ${scan.seconds} s were used up while it was read so` : 'it could not be read so');
      continue;
    }
    if (!view) continue;
    const rendered = { ...view, spelling: `as ${step} renders it with the values it writes out`, reader: `The scaffolder renders the file with those values: the credential whole in every repository the template creates. Keep credentials out of a template's values and its skeleton (a secret store, \`secrets.*\`).` };
    const text = read.text;
    const problems = await scan.lint([{ label: scanLabel(render.file), text: inertDirectives(view.text), findings: result => {
      const mine = decodedFindings(text, rendered, result, []).map(d => ({ ...d, file: render.file })).filter(d => !said(d));
      added.push(...mine);
      return [];
    } }], []);
    if (problems.length) incomplete([...new Set(problems)].join('; '));
  }
  return added;
}

/**
 * secret-scan-incomplete for skeleton `file`, not read as `step` (step … of template …) renders it with the
 * values its template writes out, because of `why`. Pure.
 */
export function renderIncomplete(file: string, step: string, why: string): Diagnostic {
  return {
    ruleId: 'secret-scan-incomplete',
    severity: 'error',
    message: `This file was not read as ${step} renders it with the values the template writes out: ${why}. Its own text is scanned apart from this; a credential those values and the file put together reaches every repository the template creates unchecked.`,
    hint: "A platform reviewer must check by hand what the step renders of the file (the template's values in its expressions); better, keep the skeleton and the step's values small, so that the scan reads them in its time.",
    file,
    range: FILE_START,
  };
}
