import { countDiagnostics, sortDiagnostics, type Diagnostic } from '../diagnostic.ts';
import { boundDiagnostics } from './boundDiagnostics.ts';
import type { FormatOptions } from './formatOptions.ts';

export function formatJson(diagnostics: readonly Diagnostic[], options: FormatOptions): string {
  const report = {
    summary: { ...countDiagnostics(diagnostics), checkedFiles: options.checkedFiles, entities: options.entityCount },
    diagnostics: sortDiagnostics(diagnostics),
    // Bounded as the findings are (formatters' boundDiagnostics): a base's message is a pull request's text too.
    ...(options.fixed ? { fixed: boundDiagnostics(options.fixed) } : {}),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
