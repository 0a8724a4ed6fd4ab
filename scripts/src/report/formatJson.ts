import { countDiagnostics, sortDiagnostics, type Diagnostic } from '../diagnostic.ts';
import type { FormatOptions } from './formatOptions.ts';

export function formatJson(diagnostics: readonly Diagnostic[], options: FormatOptions): string {
  const report = {
    summary: { ...countDiagnostics(diagnostics), checkedFiles: options.checkedFiles, entities: options.entityCount },
    diagnostics: sortDiagnostics(diagnostics),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
