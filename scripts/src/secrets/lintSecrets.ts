import { createRequire } from 'node:module';
import { posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, Position } from '../diagnostic.ts';
import { decodedFindings, inertDirectives } from './decodedFindings.ts';
import { decodedViews } from './decodedViews.ts';
import { sanctionedFinding, secretFindings, type SecretlintMessage } from './secretFindings.ts';
import { withoutBlockDirectives } from './scanText.ts';

type LintSource = typeof import('@secretlint/core').lintSource;
let loaded: Promise<{ lintSource: LintSource; config: Parameters<LintSource>[0]['options']['config'] }> | undefined;

/**
 * What secretlint's Slack rule may match that is never a Slack token: a placeholder of words with no digit
 * (`xoxb-your-slack-bot-token-here`, `xoxp-XXXX-XXXX`). Every Slack token holds digits (the workspace and user
 * ids of `xoxb-`/`xoxp-`, the version of `xapp-1-`; api.slack.com's token types), so no real one is allowed.
 * Passed as the rule's own `allows` option (secretlint's regex strings), matched against the whole match.
 * A fresh user's sweep found three such placeholders in cnoe-io/stacks' env.example reported as credentials.
 */
const SLACK_PLACEHOLDER = '/^(?:xoxb|xoxp|xapp|xoxa|xoxo|xoxr)-[A-Za-z]+(?:-[A-Za-z]+)*$/';

/** secretlint with its recommended preset, imported once (about 0.35 s) on first use. */
function secretlint() {
  loaded ??= Promise.all([import('@secretlint/core'), import('@secretlint/secretlint-rule-preset-recommend'), quietProfiler()]).then(([{ lintSource }, { creator }]) => ({
    lintSource,
    config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator, rules: [{ id: '@secretlint/secretlint-rule-slack', options: { allows: [SLACK_PLACEHOLDER] } }] }] },
  }));
  return loaded;
}

/**
 * Stops secretlint's profiler (the @secretlint/profiler instance its core marks every lint and rule on): it
 * keeps every perf_hooks mark of the process and, at each new one, searches all kept before it, so a scan's
 * cost grew with the square of the texts linted in one thread (2,854 files of a vendored Go tree: 44 s of a
 * 60 s scan in that search, and secret-scan-incomplete for the rest). Nothing here reads the profile; core
 * only calls mark(). The profiler is resolved from @secretlint/core, so it is the very module core imports.
 */
async function quietProfiler(): Promise<void> {
  // Best effort: a secretlint whose profiler moved is slower on many files, never unable to scan.
  try {
    const fromCore = createRequire(createRequire(import.meta.url).resolve('@secretlint/core'));
    const { secretLintProfiler } = (await import(pathToFileURL(fromCore.resolve('@secretlint/profiler')).href)) as { secretLintProfiler?: { mark?: unknown } };
    if (secretLintProfiler && typeof secretLintProfiler.mark === 'function') secretLintProfiler.mark = () => undefined;
  } catch {
    // Left as secretlint ships it.
  }
}

/**
 * The secret-written findings secretlint's recommended rules give for `text` (file left '': the caller names
 * it), with the rules seeing the path `label` (scanLabel) and the text's block directives made inert
 * (withoutBlockDirectives: only `secretlint-disable-line` and `-next-line` keep a line out); then those of
 * each of its decoded views (decodedViews: a YAML value or a string spelled with escapes, a page's text
 * spelled with character references or split by markup, a template's text split by its tags, a notebook cell's
 * lines), at the raw place each comes from (decodedFindings), a credential two views read at one place said once.
 * A credential on a line the file exempts is a secret-sanctioned warning instead (sanctionedFinding): the
 * exemption is the author's word, and reviewers see it in the report. Positions are those of `text`, in its
 * order. Throws what secretlint throws.
 */
export async function lintSecrets(label: string, text: string): Promise<Diagnostic[]> {
  const found = await lintText(label, withoutBlockDirectives(text));
  const all = [...found, ...(LINE_DIRECTIVE.test(text) ? await sanctionedIn(label, text, found) : [])];
  const views = decodedViews(label, text);
  if (!views.length) return all.sort(byPlace);
  const raw = [...all];
  // Two views may read one credential (a YAML value's escapes are string escapes too) at two places of its
  // spelling: it is said once, by the first view that finds it.
  const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.column < b.column);
  const overlaps = (a: Diagnostic, b: Diagnostic) => !before(a.range.end, b.range.start) && !before(b.range.end, a.range.start);
  const byLine = new Map<number, Diagnostic[]>();
  for (const view of views) {
    for (const d of decodedFindings(text, view, await lintText(label, inertDirectives(view.text)), raw)) {
      const line = byLine.get(d.range.start.line) ?? [];
      if (line.some(said => overlaps(said, d))) continue;
      byLine.set(d.range.start.line, [...line, d]);
      all.push(d);
    }
  }
  return all.sort(byPlace);
}

const byPlace = (a: Diagnostic, b: Diagnostic) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column;
const LINE_DIRECTIVE = /secretlint-disable-(?:next-)?line/;

/**
 * What the per-line directives keep out of `found` (the raw scan's): the findings of `text` with every
 * directive made inert that `found` has no finding at, as secret-sanctioned warnings.
 */
async function sanctionedIn(label: string, text: string, found: readonly Diagnostic[]): Promise<Diagnostic[]> {
  const at = (d: Diagnostic) => `${d.range.start.line}:${d.range.start.column}`;
  const said = new Set(found.map(at));
  return (await lintText(label, inertDirectives(text))).filter(d => !said.has(at(d))).map(sanctionedFinding);
}

async function lintText(label: string, content: string): Promise<Diagnostic[]> {
  const { lintSource, config } = await secretlint();
  // noPhysicFilePath: no rule reads a file of that name from disk (the GCP rule reads a `.p12` it is given).
  const result = await lintSource({ source: { filePath: label, ext: posix.extname(label), content, contentType: 'text' }, options: { config, maskSecrets: true, noPhysicFilePath: true } });
  return secretFindings('', content, result.messages as unknown as SecretlintMessage[]);
}
