import { editorSchemaFor, editorSchemaGate } from '../schema/editorSchema.ts';
import { generatedFileCommand } from './generatedFileCommand.ts';
import type { CliIo } from './io.ts';

export const SCHEMA_HELP = `Usage: backstage-gitops schema (--check | --write) [--root DIR]

Generates the JSON Schema editors validate catalog files with (gitops.config.yaml: editorSchema.file,
default schemas/catalog-info.schema.json): Backstage's entity schemas from the pinned packages, the
org's policies from schemas/policy/, and the catalog's groups, systems and domains as suggestions.
  --check   exit 1 when the committed file is stale (the default)
  --write   regenerate the file
`;

export function schemaCommand(argv: string[], io: CliIo): Promise<number> {
  return generatedFileCommand({ help: SCHEMA_HELP, section: { name: 'editorSchema', generates: "the editor's JSON Schema for catalog files", example: 'editorSchema: { file: schemas/catalog-info.schema.json }' }, expected: editorSchemaFor, gate: editorSchemaGate }, argv, io);
}
