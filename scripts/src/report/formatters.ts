import type { Diagnostic } from '../diagnostic.ts';
import { boundDiagnostics } from './boundDiagnostics.ts';
import { formatAzure } from './formatAzure.ts';
import { formatGithub } from './formatGithub.ts';
import { formatJson } from './formatJson.ts';
import { formatJunit } from './formatJunit.ts';
import { formatMarkdown } from './formatMarkdown.ts';
import type { FormatOptions } from './formatOptions.ts';
import { formatSarif } from './formatSarif.ts';
import { formatStylish } from './formatStylish.ts';

export type Formatter = (diagnostics: readonly Diagnostic[], options: FormatOptions & { sourceRoot?: string }) => string;

/** A formatter given every finding bounded first (boundDiagnostics): no format writes an unbounded value. */
const bounded = (format: Formatter): Formatter => (diagnostics, options) => format(boundDiagnostics(diagnostics), options);

/** Every output format by its `--format` name; each clips findings' values at the same bound (MAX_FINDING_TEXT). */
export const formatters: Record<string, Formatter> = {
  stylish: bounded(formatStylish),
  json: bounded(formatJson),
  junit: bounded(formatJunit),
  sarif: bounded(formatSarif),
  markdown: bounded(formatMarkdown),
  github: bounded(formatGithub),
  azure: bounded(formatAzure),
};
