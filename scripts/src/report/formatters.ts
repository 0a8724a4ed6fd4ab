import type { Diagnostic } from '../diagnostic.ts';
import { formatAzure } from './formatAzure.ts';
import { formatGithub } from './formatGithub.ts';
import { formatJson } from './formatJson.ts';
import { formatJunit } from './formatJunit.ts';
import { formatMarkdown } from './formatMarkdown.ts';
import type { FormatOptions } from './formatOptions.ts';
import { formatSarif } from './formatSarif.ts';
import { formatStylish } from './formatStylish.ts';

export type Formatter = (diagnostics: readonly Diagnostic[], options: FormatOptions & { sourceRoot?: string }) => string;

export const formatters: Record<string, Formatter> = {
  stylish: formatStylish,
  json: formatJson,
  junit: formatJunit,
  sarif: formatSarif,
  markdown: formatMarkdown,
  github: formatGithub,
  azure: formatAzure,
};
