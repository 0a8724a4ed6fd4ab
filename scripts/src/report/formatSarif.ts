import { sortDiagnostics, type Diagnostic } from '../diagnostic.ts';
import type { FormatOptions } from './formatOptions.ts';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** SARIF 2.1.0 for GitHub code scanning and Azure DevOps' SARIF viewer. */
export function formatSarif(diagnostics: readonly Diagnostic[], options: FormatOptions): string {
  const ruleIds = [...new Set([...options.rules.map(r => r.id), ...diagnostics.map(d => d.ruleId)])];
  const known = new Map(options.rules.map(r => [r.id, r]));
  const rules = ruleIds.map(id => {
    const rule = known.get(id);
    return {
      id,
      shortDescription: { text: rule?.description ?? id },
      defaultConfiguration: { level: LEVEL[rule?.severity ?? 'error'] },
      ...(rule ? { help: { text: `Example that triggers it:\n${rule.example}` } } : {}),
    };
  });
  const results = sortDiagnostics(diagnostics).map(d => ({
    ruleId: d.ruleId,
    ruleIndex: ruleIds.indexOf(d.ruleId),
    level: LEVEL[d.severity],
    message: { text: d.hint ? `${d.message}\nHint: ${d.hint}` : d.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: d.file, uriBaseId: '%SRCROOT%' },
          region: { startLine: d.range.start.line, startColumn: d.range.start.column, endLine: d.range.end.line, endColumn: Math.max(d.range.end.column, d.range.start.column) },
        },
      },
    ],
    ...(d.entityRef ? { properties: { entityRef: d.entityRef } } : {}),
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: options.toolName, version: options.toolVersion, informationUri: 'https://backstage.io/docs/features/software-catalog/descriptor-format', rules } }, results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
