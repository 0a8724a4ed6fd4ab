import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface PipelineProblem {
  line: number;
  column: number;
  message: string;
}

interface PipelineLanguageService {
  doValidation(document: unknown, yamlDocument: unknown): PromiseLike<{ range: { start: { line: number; character: number } }; message: string }[]>;
}

// Microsoft's pipeline schema, as the Azure Pipelines VS Code extension ships it (SchemaStore's offline copy).
const SCHEMA = 'schemastore/schemas/json/raw.githubusercontent.com/microsoft/azure-pipelines-vscode/master/service-schema.json';

let service: Promise<PipelineLanguageService> | undefined;

/**
 * Azure's own pipeline language service (the one behind the VS Code extension) with Azure's schema:
 * it knows what plain JSON Schema cannot, such as case-insensitive keys, `${{ }}` template
 * expressions and scalars that Azure reads as strings.
 */
function languageService(): Promise<PipelineLanguageService> {
  service ??= (async () => {
    const ls = require('azure-pipelines-language-service');
    const schema = JSON.parse(await readFile(require.resolve(SCHEMA), 'utf8'));
    const created = ls.getLanguageService(async () => schema, [], undefined);
    created.configure({ validate: true, schemas: [{ uri: 'file:///azure-pipelines-service-schema.json', fileMatch: ['*'], schema }] });
    return created as PipelineLanguageService;
  })();
  return service;
}

/** What Azure Pipelines would reject in a pipeline or template file, with 1-based positions. */
export async function azurePipelineProblems(path: string, text: string): Promise<PipelineProblem[]> {
  const ls = require('azure-pipelines-language-service');
  const validator = await languageService();
  const document = ls.TextDocument.create(`file:///${path}`, 'azure-pipelines', 1, text);
  // The service traces schema lookups with console.log; a CLI whose stdout may be JSON cannot let that through.
  const log = console.log;
  console.log = () => {};
  try {
    const found = await validator.doValidation(document, ls.parse(text));
    return found.map(d => ({ line: d.range.start.line + 1, column: d.range.start.character + 1, message: d.message }));
  } finally {
    console.log = log;
  }
}
