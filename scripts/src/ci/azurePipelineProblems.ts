import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { closest, distance } from 'fastest-levenshtein';
import { isScalar, LineCounter, parseDocument, visit } from 'yaml';

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
let builtIn: Promise<{ tasks: Set<string>; names: Map<string, string> }> | undefined;

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

/** The schema's own tasks: every `name@version` (lower case), and each task name (lower case) as the schema spells it. */
function builtInTasks(): Promise<{ tasks: Set<string>; names: Map<string, string> }> {
  builtIn ??= (async () => {
    const schema = JSON.parse(await readFile(require.resolve(SCHEMA), 'utf8')) as { definitions?: { task?: { properties?: { task?: { anyOf?: { enum?: unknown[] }[] } } } } };
    const tasks = new Set<string>();
    const names = new Map<string, string>();
    for (const choice of schema.definitions?.task?.properties?.task?.anyOf ?? []) {
      for (const value of choice.enum ?? []) {
        if (typeof value !== 'string') continue;
        tasks.add(value.toLowerCase());
        names.set(value.split('@')[0].toLowerCase(), value.split('@')[0]);
      }
    }
    return { tasks, names };
  })();
  return builtIn;
}

/**
 * The `task:` steps naming a task the schema does not list, with the lines their step spans (1-based).
 * The schema knows Azure's built-in tasks only; a task from a Marketplace extension (SonarCloudPrepare@3,
 * an organisation's own) is one Azure runs wherever the extension is installed, and the schema's
 * "does not match the pattern of ^PowerShell@2$" and "Unexpected property" for each of its inputs say
 * nothing true of it. A name that differs from a built-in one by a typo or two is said as such.
 */
async function foreignTaskSteps(text: string): Promise<{ from: number; to: number; line: number; column: number; name: string; meant?: string }[]> {
  const { tasks, names } = await builtInTasks();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  const found: { from: number; to: number; line: number; column: number; name: string; meant?: string }[] = [];
  visit(doc, {
    Map(_, node) {
      const task = node.items.find(pair => isScalar(pair.key) && pair.key.value === 'task');
      if (!task || !isScalar(task.value) || typeof task.value.value !== 'string' || !node.range) return;
      const name = task.value.value.trim();
      // A templated name ($(var), ${{ parameters.x }}) is Azure's to resolve; a built-in one the schema judges.
      if (!name || /\$[({]/.test(name) || tasks.has(name.toLowerCase())) return;
      const at = lines.linePos(task.value.range?.[0] ?? node.range[0]);
      const bare = name.split('@')[0].toLowerCase();
      const near = names.has(bare) ? undefined : closest(bare, [...names.keys()]);
      const close = near !== undefined && distance(bare, near) <= 2 && bare.length > 4 ? names.get(near) : undefined;
      const version = name.includes('@') ? name.slice(name.indexOf('@')) : '';
      const meant = close !== undefined && tasks.has(`${close}${version}`.toLowerCase()) ? `${close}${version}` : close;
      found.push({ from: lines.linePos(node.range[0]).line, to: lines.linePos(node.range[1]).line, line: at.line, column: at.col, name, meant });
    },
  });
  return found;
}

/** What Azure Pipelines would reject in a pipeline or template file, with 1-based positions. */
export async function azurePipelineProblems(path: string, text: string): Promise<PipelineProblem[]> {
  const ls = require('azure-pipelines-language-service');
  const validator = await languageService();
  const document = ls.TextDocument.create(`file:///${path}`, 'azure-pipelines', 1, text);
  // The service traces schema lookups with console.log; a CLI whose stdout may be JSON cannot let that through.
  const log = console.log;
  console.log = () => {};
  let found: { range: { start: { line: number; character: number } }; message: string }[];
  try {
    found = await validator.doValidation(document, ls.parse(text));
  } finally {
    console.log = log;
  }
  const problems = found.map(d => ({ line: d.range.start.line + 1, column: d.range.start.character + 1, message: d.message }));
  const foreign = problems.length ? await foreignTaskSteps(text) : [];
  // Within an extension's task step the schema judges the task by the built-in ones: its findings there are not Azure's.
  const kept = problems.filter(p => !foreign.some(step => p.line >= step.from && p.line <= step.to));
  const typos = foreign.filter(step => step.meant !== undefined).map(step => ({ line: step.line, column: step.column, message: `Task ${step.name.slice(0, 100)} is not one of Azure's built-in tasks: did you mean ${step.meant}? (A task from an extension installed in your organization is not judged here; this name is a typo or two from a built-in one.)` }));
  return [...kept, ...typos].sort((a, b) => a.line - b.line || a.column - b.column);
}
