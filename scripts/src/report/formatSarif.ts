import { sortDiagnostics, type Diagnostic } from '../diagnostic.ts';
import { findingKeys, fingerprint } from './findingKey.ts';
import type { FormatOptions } from './formatOptions.ts';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/**
 * SARIF 2.1.0 for GitHub code scanning and Azure DevOps' SARIF viewer, valid against the OASIS schema:
 * every rule with shortDescription, fullDescription and help; file paths as percent-encoded URI
 * references; `partialFingerprints` that ignore line numbers, so a finding keeps its identity when the
 * lines above it change; with check --base, `baselineState` (unchanged: already on the base, else new)
 * when some finding is already on the base.
 */
export function formatSarif(diagnostics: readonly Diagnostic[], options: FormatOptions): string {
  const ruleIds = [...new Set([...options.rules.map(r => r.id), ...diagnostics.map(d => d.ruleId)])];
  const known = new Map(options.rules.map(r => [r.id, r]));
  const rules = ruleIds.map(id => {
    const rule = known.get(id);
    const full = rule?.description ?? `Findings of ${id}.`;
    return {
      id,
      shortDescription: { text: rule?.title ?? firstSentence(full) },
      fullDescription: { text: full },
      defaultConfiguration: { level: LEVEL[rule?.severity ?? 'error'] },
      help: { text: rule?.hint ?? (rule?.example ? `Example that triggers it:\n${rule.example}` : `Each finding's message says what to change.`) },
    };
  });
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const keys = findingKeys(diagnostics);
  // SARIF's own words for what check --base found already on the base: unchanged, and new for the rest
  // (only in a run that has such findings, so every other run's log is as it was).
  const split = diagnostics.some(d => d.alreadyOnBase);
  const results = sortDiagnostics(diagnostics).map(d => ({
    ruleId: d.ruleId,
    ruleIndex: ruleIndex.get(d.ruleId)!,
    level: LEVEL[d.severity],
    message: { text: d.hint ? `${d.message}\nHint: ${d.hint}` : d.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: fileUri(d.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: d.range.start.line, startColumn: d.range.start.column, endLine: d.range.end.line, endColumn: Math.max(d.range.end.column, d.range.start.column) },
        },
      },
    ],
    partialFingerprints: { 'backstageGitopsFinding/v1': fingerprint(keys.get(d)!.key) },
    ...(split ? { baselineState: d.alreadyOnBase ? 'unchanged' : 'new' } : {}),
    ...(d.entityRef ? { properties: { entityRef: d.entityRef } } : {}),
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: options.toolName, version: options.toolVersion, informationUri: 'https://backstage.io/docs/features/software-catalog/descriptor-format', rules } }, results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/**
 * A repo-relative path as a SARIF `uri` (an RFC 3986 URI reference): each segment percent-encoded, so a
 * space, `#`, `?`, `%` or a control character in a file name is data, not URI syntax.
 */
export function fileUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

function firstSentence(text: string): string {
  const end = text.search(/[.;:](\s|$)/);
  return end > 0 ? text.slice(0, end) : text;
}
