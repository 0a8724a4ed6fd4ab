import { countDiagnostics, type Diagnostic } from '../diagnostic.ts';
import { formatMarkdown } from '../report/formatMarkdown.ts';
import type { FormatOptions } from '../report/formatOptions.ts';
import { mdCode, mdText } from '../report/safeText.ts';
import type { EntityChanges, Impact } from './entityChanges.ts';

export const REPORT_MARKER = '<!-- backstage-gitops:pr-report v1 -->';
// GitHub refuses comments over 65,536 characters; Azure DevOps allows 150,000. Stay under both.
export const MAX_REPORT_CHARS = 65_000;

export interface PrReportInput {
  diagnostics: readonly Diagnostic[];
  failing: boolean;
  changes: EntityChanges;
  impacts: readonly Impact[];
  lostConsumers: readonly { api: string; consumer: string }[];
  reviewers: readonly { owners: string[]; files: string[] }[];
  scorecards?: string;
  graph: string;
  formatOptions: FormatOptions;
}

/** One Markdown body for the sticky PR comment on GitHub and the PR thread on Azure DevOps. */
export function renderPrReport(input: PrReportInput): string {
  const totals = countDiagnostics(input.diagnostics);
  const { added, changed, removed, deprecated } = input.changes;
  const head = [
    REPORT_MARKER,
    `## ${input.failing ? '❌' : '✅'} Backstage catalog: ${input.failing ? 'changes needed' : 'ready to merge'}`,
    '',
    `${added.length} added · ${changed.length} changed · ${removed.length} removed · ${totals.error} errors · ${totals.warning} warnings`,
    '',
  ].join('\n');
  const sections: string[] = [];
  if (input.diagnostics.length) sections.push(formatMarkdown(input.diagnostics, input.formatOptions).replace(/^### Catalog gate: .*\n\n.*\n\n/, '### Findings\n\n'));
  const list = (title: string, entities: EntityChanges['added']) => (entities.length ? [`**${title}**`, ...entities.map(e => `- ${mdCode(e.ref ?? '')} (${mdText(e.file)})`), ''] : []);
  const changesSection = [...list('Added', added), ...list('Changed', changed), ...list('Removed', removed), ...list('Deprecated', deprecated)];
  if (changesSection.length) sections.push(['### Entities', '', ...changesSection].join('\n'));
  if (input.impacts.length || input.lostConsumers.length) {
    sections.push([
      '### Impact on other teams',
      '',
      ...input.impacts.flatMap(i => [`- ${mdCode(i.subject)} is ${mdText(i.why)}; still used by:`, ...i.dependents.map(d => `  - ${mdCode(d.ref)} (${mdText(d.field)})${d.owner ? `, owned by ${mdCode(d.owner)}` : ''}`)]),
      ...input.lostConsumers.map(l => `- ${mdCode(l.api)} loses its consumer ${mdCode(l.consumer)}`),
      '',
    ].join('\n'));
  }
  if (input.reviewers.length) {
    sections.push(['### Reviews needed (CODEOWNERS)', '', '| Owners | Files |', '|---|---|', ...input.reviewers.map(r => `| ${r.owners.map(mdCode).join(' ') || '_no owner_'} | ${r.files.slice(0, 8).map(mdCode).join(', ')}${r.files.length > 8 ? `, …and ${r.files.length - 8} more` : ''} |`), ''].join('\n'));
  }
  if (input.scorecards) sections.push(input.scorecards);
  if (input.graph) sections.push(['### Neighbourhood of the changed entities', '', input.graph, ''].join('\n'));
  let body = head;
  for (const section of sections) {
    if (body.length + section.length + 200 > MAX_REPORT_CHARS) {
      body += '\n_The rest of the report is too long for a comment; see the job summary or the JSON report._\n';
      break;
    }
    body += `${section}\n`;
  }
  return body;
}
