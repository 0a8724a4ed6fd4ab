import { countDiagnostics, sortDiagnostics, type Diagnostic } from '../diagnostic.ts';
import { checkedPhrase, counted, type FormatOptions } from './formatOptions.ts';
import { neutralise } from './formatGithub.ts';

/** Azure logging-command data: `%`, CR and LF escaped as the agent expects, `##vso[` broken. */
export const escapeAzureData = (text: string) => neutralise(text).replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (text: string) => escapeAzureData(text).replace(/]/g, '%5D').replace(/;/g, '%3B');

/**
 * Azure Pipelines logging commands; info findings become plain log lines (logissue has no info level). With
 * --base, the change's own findings come first and those the base already has (alreadyOnBase) after them,
 * each saying so; the closing line counts both, as stylish's does.
 */
export function formatAzure(diagnostics: readonly Diagnostic[], options: FormatOptions & { sourceRoot?: string }): string {
  const root = options.sourceRoot ? `${options.sourceRoot.replace(/[\\/]$/, '')}/` : '';
  const base = options.baseRef ?? 'the base revision';
  const sorted = sortDiagnostics(diagnostics);
  const ordered = [...sorted.filter(d => !d.alreadyOnBase), ...sorted.filter(d => d.alreadyOnBase)];
  const lines = ordered.map(d => {
    const said = d.alreadyOnBase ? `(already on ${base}, not introduced by this change) ${d.message}` : d.message;
    const text = escapeAzureData(d.hint ? `${said} (hint: ${d.hint})` : said);
    if (d.severity === 'info') return `${escapeAzureData(`${d.file}:${d.range.start.line}:${d.range.start.column}`)} info ${d.ruleId}: ${text}`;
    const props = [`type=${d.severity}`, `sourcepath=${escapeProperty(root + d.file)}`, `linenumber=${d.range.start.line}`, `columnnumber=${d.range.start.column}`, `code=${escapeProperty(d.ruleId)}`];
    return `##vso[task.logissue ${props.join(';')};]${text}`;
  });
  const totals = countDiagnostics(diagnostics);
  const result = totals.error > 0 ? 'Failed' : totals.warning > 0 ? 'SucceededWithIssues' : 'Succeeded';
  const old = ordered.filter(d => d.alreadyOnBase).length;
  const split = old ? `; ${old} already on ${base}, ${diagnostics.length - old} introduced by this change` : '';
  lines.push(`##vso[task.complete result=${result};]${escapeAzureData(`${counted(totals.error, 'error')}, ${counted(totals.warning, 'warning')} in ${checkedPhrase(options)}${split}`)}`);
  return `${lines.join('\n')}\n`;
}
