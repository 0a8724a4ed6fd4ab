import { depthExceeded, mappingKeysExceeded, MAX_MAPPING_KEYS, nodeBudgetExceeded } from '../load/yamlNodeBudget.ts';
import { isStackExhaustion, MAX_DOCUMENT_DEPTH } from '../load/tooDeep.ts';
import { aliasesExplode } from '../load/aliasExpansion.ts';
import { sanitizeAsTechdocs } from '../techdocs/techdocsSanitizer.ts';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { parseAllDocuments } from 'yaml';
import { azurePipelineProblems } from '../ci/azurePipelineProblems.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { checkMkdocs } from '../techdocs/checkMkdocs.ts';
import { checkRenderedCatalogInfo, type OrgCatalog } from './renderedCatalog.ts';
import { callsStandIn, leftoversAllStandIn } from './standIn.ts';
import { workflowSecurityFindings, type WorkflowFinding } from './workflowSecurity.ts';

export interface RenderedFile {
  path: string;
  content: Buffer;
  /** Copied as the fetch step read it (fetch:plain, copyWithoutTemplating): any `${{ }}` in it is kept on purpose. */
  verbatim?: boolean;
}

/**
 * What is wrong with a rendered tree, regardless of the case's own expectations. With the org's
 * catalog, a rendered catalog-info.yaml must also meet the org's policies and refer only to entities it holds.
 * Files copied verbatim keep their `${{ }}` on purpose; another tool's templates (isForeignTemplate) are not
 * parsed; JSONC files (isJsonc) may hold comments and trailing commas. Each problem is one line, starting
 * with the file's path (and line, where the parser gives one). `standIns` names the declared filters and
 * functions the render had no code for: a leftover or quoted expression calling one is the stand-in's doing.
 */
export async function checkRendered(files: readonly RenderedFile[], org?: OrgCatalog, standIns: readonly string[] = []): Promise<string[]> {
  const problems: string[] = [];
  const paths = new Set(files.map(f => f.path));
  let texts: Map<string, string | null> | undefined;
  const generated = generatedTemplates(files);
  for (const file of files) {
    const text = file.content.toString('utf8');
    // A leftover expression that calls a stand-in is the stand-in's doing (its value fed a filter that threw,
    // and the runner kept the raw text): Backstage, with the real filter, renders it.
    const leftover = unrenderedExpression(file.path, text, generated);
    const judged = MARKDOWN.test(file.path) ? withoutCode(text) : text;
    if (!file.verbatim && leftover.test(judged) && !leftoversAllStandIn(judged, leftover, standIns)) problems.push(`${file.path} still contains a template expression: it was not rendered`);
    const foreign = /\.(ya?ml|json)$/.test(file.path) && isForeignTemplate(file.path, text, paths);
    const deep = /\.ya?ml$/.test(file.path) && !foreign ? depthExceeded(text, MAX_DOCUMENT_DEPTH) : undefined;
    if (deep) {
      // Every YAML parser below recurses once per level; past this V8 may abort the process outright.
      problems.push(`${file.path}:${deep.line}: nested more than ${MAX_DOCUMENT_DEPTH} levels deep: YAML parsers, Backstage's and CI's included, run out of stack on it; it is not read`);
      continue;
    }
    const wide = /\.ya?ml$/.test(file.path) && !foreign ? mappingKeysExceeded(text) : undefined;
    if (wide) problems.push(`${file.path}:${wide.line}: a mapping of more than ${MAX_MAPPING_KEYS} keys: Backstage's YAML parser compares each key with every earlier one and takes seconds on it`);
    else if (/\.ya?ml$/.test(file.path) && !foreign) {
      const error = parseAllDocuments(text, { logLevel: 'error', prettyErrors: false }).flatMap(d => ('errors' in d ? d.errors : []))[0];
      if (error) problems.push(`${file.path}:${lineOf(text, error.pos[0])}: not valid YAML: ${error.message.split('\n')[0]}`);
    }
    if (!foreign && isJsonc(file.path)) {
      const error = jsonError(text, true);
      if (error) problems.push(`${file.path}:${error.line}: not valid JSON (comments and trailing commas allowed here): ${error.reason}`);
    } else if (!foreign && (file.path.endsWith('.json') || file.path.endsWith('.ipynb'))) {
      const error = jsonError(text, false);
      if (error) problems.push(`${file.path}:${error.line}: not valid JSON: ${error.reason}`);
    }
    const ci = GITHUB_WORKFLOW.test(file.path) ? 'GitHub workflow' : AZURE_PIPELINE.test(file.path) ? 'Azure pipeline' : undefined;
    const unbounded = ci && ciDefinitionTooLarge(text);
    if (ci && unbounded) problems.push(`${file.path}: not checked as a${ci.startsWith('A') ? 'n' : ''} ${ci}: ${unbounded}. A template never needs one that large; look for a skeleton loop that writes it`);
    else if (ci) {
      try {
        if (ci === 'GitHub workflow') problems.push(...firstFew(file.path, (await workflowErrors(file.path, text)).map(error => `${file.path} is not a valid GitHub workflow: ${error}`)));
        else problems.push(...firstFew(file.path, (await azurePipelineProblems(file.path, text)).map(p => `${file.path}:${p.line}: not a valid Azure pipeline: ${p.message}`)));
      } catch (error) {
        if (!isStackExhaustion(error)) throw error;
        problems.push(`${file.path}: not checked as a${ci.startsWith('A') ? 'n' : ''} ${ci}: its validator ran out of stack on it (too many or too deeply nested entries)`);
      }
    }
    const mkdocs = /(^|\/)mkdocs\.ya?ml$/.test(file.path);
    const exploding = mkdocs ? aliasesExplode(text) : undefined;
    if (exploding) problems.push(`${file.path}: not checked as a TechDocs mkdocs.yml: ${exploding}`);
    else if (mkdocs) {
      const parsed = parseYaml(text, file.path);
      // A rendered mkdocs.yml is judged as TechDocs will build it: through techdocs-node's own sanitizer.
      const sanitized = await sanitizeAsTechdocs(text);
      for (const d of checkMkdocs({ file: file.path, documents: parsed.documents, problems: parsed.problems, locate: parsed.locate }, paths, { text, sanitized })) {
        if (d.severity === 'error') problems.push(`${file.path}:${d.range.start.line}: ${d.ruleId}: ${d.message}`);
      }
    }
    if (/(^|\/)catalog-info\.ya?ml$/.test(file.path)) {
      const parsed = parseYaml(text, file.path);
      const source = { file: file.path, documents: parsed.documents, problems: parsed.problems, locate: parsed.locate };
      texts ??= new Map(files.map(f => [f.path, f.content.toString('utf8')] as [string, string | null]));
      for (const d of await checkRenderedCatalogInfo(source, paths, org, texts)) {
        if (d.severity === 'error') problems.push(`${file.path}:${d.range.start.line}: ${d.ruleId}: ${d.message}`);
      }
    }
  }
  // A problem quoting an expression that calls a stand-in (a project-slug left as the raw text) is the stand-in's doing too.
  return standIns.length ? problems.filter(p => !callsStandIn(p, standIns)) : problems;
}

/**
 * What GitHub's "Security hardening for GitHub Actions" warns about in the rendered workflows: script
 * injection and a pull_request_target checkout of the pull request's head (workflowSecurityFindings). A
 * workflow checkRendered refuses unparsed (too large, too deep, aliases that explode) is not read here either.
 * Verbatim copies count: they are what the new repository runs.
 */
export function renderedWorkflowFindings(files: readonly RenderedFile[]): WorkflowFinding[] {
  return files.flatMap(file => {
    if (!GITHUB_WORKFLOW.test(file.path)) return [];
    const text = file.content.toString('utf8');
    if (depthExceeded(text, MAX_DOCUMENT_DEPTH) || mappingKeysExceeded(text) || ciDefinitionTooLarge(text)) return [];
    return workflowSecurityFindings(file.path, text);
  });
}

/**
 * The first error in a JSON (or, with `jsonc`, JSONC) text: its 1-based line and jsonc-parser's error
 * name, undefined when it parses. A leading byte order mark is allowed, as npm, .NET and VS Code read
 * one. Plain JSON is judged by JSON.parse; jsonc-parser only places the error (V8's message quotes the
 * text instead of a line).
 */
function jsonError(text: string, jsonc: boolean): { line: number; reason: string } | undefined {
  const body = text.replace(/^\uFEFF/, '');
  const errors: ParseError[] = [];
  // jsonc-parser recurses once per level: a rendered file nested some thousands deep ran it out of stack.
  const deep = jsonDepthExceeded(body, MAX_DOCUMENT_DEPTH);
  if (deep !== undefined) return { line: lineOf(body, deep), reason: `nested more than ${MAX_DOCUMENT_DEPTH} levels deep (no tool that reads it needs that; parsers run out of stack on it), not read` };
  if (!jsonc) {
    try {
      JSON.parse(body);
      return undefined;
    } catch {
      // located below
    }
  }
  parseJsonc(body, errors, { allowTrailingComma: jsonc, disallowComments: !jsonc });
  if (errors.length) return { line: lineOf(body, errors[0].offset), reason: printParseErrorCode(errors[0].error) };
  return jsonc ? undefined : { line: 1, reason: 'not JSON as JSON.parse reads it' };
}

/**
 * The offset of the first bracket that opens level `maxDepth + 1` of a JSON or JSONC text, or undefined: one
 * pass over the characters, skipping strings and comments as jsonc-parser's scanner reads them (a bracket
 * inside them opens nothing). Pure.
 */
function jsonDepthExceeded(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      // As jsonc-parser's scanner reads them: a line break ends a string unless escaped.
      for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n' && text[i] !== '\r'; i++) if (text[i] === '\\') i++;
      if (text[i] !== '"') i--;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i + 1 < text.length && text[i + 1] !== '\n' && text[i + 1] !== '\r') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else if (c === '[' || c === '{') {
      if (++depth > maxDepth) return i;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

/** 1-based line of a character offset. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Files whose format is JSON with comments (JSONC), as the tools that read them parse them: TypeScript's
 * tsconfig / jsconfig (and their variants), VS Code's settings folder and .code-workspace, Dev Containers'
 * devcontainer.json, ESLint's .eslintrc.json, tslint.json, api-extractor.json, turbo.json and any *.jsonc.
 */
export function isJsonc(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return /^(tsconfig|jsconfig)([.-].*)?\.json$/.test(name)
    || /(^|\/)\.vscode\/[^/]+\.json$/.test(path)
    || /\.(jsonc|code-workspace)$/.test(name)
    || ['devcontainer.json', '.devcontainer.json', '.eslintrc.json', 'tslint.json', 'api-extractor.json', 'turbo.json'].includes(name);
}

/**
 * A YAML or JSON file that is a template for another tool, to be rendered after the scaffolder: a Helm chart's
 * templates (any file under `templates/` beside a Chart.yaml), or a file that still holds Go-template or
 * Jinja syntax (`{{ .Values.x }}`, `{{- include … }}`, `{% if %}`) that the scaffolder passes through.
 * Such a file is YAML (or JSON) only once that tool has rendered it, so it is not parsed here. `{{ values.… }}`,
 * `{{ parameters.… }}` and `{{ cookiecutter.… }}` do not count: they are the scaffolder's own names,
 * left unrendered by mistake.
 */
export function isForeignTemplate(path: string, text: string, paths: ReadonlySet<string>): boolean {
  const parts = path.split('/');
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] === 'templates' && paths.has([...parts.slice(0, i), 'Chart.yaml'].join('/'))) return true;
  }
  // `(?=(\s*))\1` takes the spaces atomically: a plain \s* before the lookahead (which scans them again)
  // made a `{{` followed by a long run of spaces quadratic.
  return /(?<!\$)\{\{-?(?=(\s*))\1(?!-?\s*(?:values|parameters|cookiecutter)\b)[^}\s]|\{%-?\s*\w/.test(text);
}

// At the output's root or under a folder of it: a template writing several repositories (targetPath: ./source
// and ./gitops, each published on its own with sourcePath) has each one's CI files at the root of its folder.
const GITHUB_WORKFLOW = /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/;
const AZURE_PIPELINE = /(^|\/)azure-pipelines\.ya?ml$|(^|\/)\.azure-pipelines\/.+\.ya?ml$/;

/** One broken line can cascade into hundreds of parser errors: the first few say what to fix. */
function firstFew(path: string, problems: string[], few = 5): string[] {
  return problems.length <= few ? problems : [...problems.slice(0, few), `${path}: … and ${problems.length - few} more like these`];
}

/**
 * The rendered files that are themselves software templates (scaffolder.backstage.io Template entities),
 * mapped to their folders: a template that scaffolds a template repository writes `${{ parameters.… }}`
 * in it, and `${{ values.… }}` in that template's skeleton beside or below it, on purpose (with
 * `{% raw %}` or copyWithoutTemplating).
 */
function generatedTemplates(files: readonly RenderedFile[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of files) {
    if (!/\.ya?ml$/.test(file.path)) continue;
    const text = file.content.toString('utf8');
    if (/^apiVersion:\s*['"]?scaffolder\.backstage\.io\//m.test(text) && /^kind:\s*['"]?Template\b/m.test(text)) found.set(file.path, file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/')) : '');
  }
  return found;
}

/**
 * A scaffolder expression left in the output. CI files share the `${{ }}` syntax: GitHub workflows and
 * actions have their own steps and secrets contexts, Azure pipelines and their templates their own
 * parameters, so only the names those platforms never define count there. A CI file is known by its path
 * (.github/workflows, .github/actions, an action.yml, azure-pipelines.yml) or, since an Azure pipeline or
 * template may live at any path its pipeline names (pipelines/build.yml, .azuredevops/ci.yml), by a
 * top-level key only CI definitions have (on, jobs, stages, steps, extends, runs): in such a file only
 * values and user are the scaffolder's.
 */
function unrenderedExpression(path: string, text: string, generated: ReadonlyMap<string, string> = new Map()): RegExp {
  // A generated template's own expressions are for the scaffolder that runs it later; `values` has no
  // meaning in a template.yaml, so there it is still one the outer render left behind.
  if (generated.has(path)) return /\$\{\{\s*values\b/;
  for (const folder of generated.values()) if (folder === '' || path.startsWith(`${folder}/`)) return /(?!)/;
  if (GITHUB_ACTIONS_FILE.test(path)) return /\$\{\{\s*(values|parameters|user)\b/;
  if (AZURE_PIPELINE.test(path)) return /\$\{\{\s*(values|steps|secrets|user)\b/;
  if (/\.ya?ml$/.test(path) && CI_TOP_LEVEL_KEY.test(text.slice(0, 64 * 1024))) return /\$\{\{\s*(values|user)\b/;
  return /\$\{\{\s*(values|parameters|steps|secrets|user)\b/;
}

// GitHub Actions files: workflows, an organisation's workflow templates, and actions (action.yml,
// a composite action's `${{ steps.x.outputs.y }}`).
const GITHUB_ACTIONS_FILE = /(^|\/)\.github\/(workflows|actions)\/|(^|\/)workflow-templates\/[^/]+\.ya?ml$|(^|\/)action\.ya?ml$/;
// A top-level key of a GitHub workflow or action (on, jobs, runs) or an Azure pipeline or template (stages,
// jobs, steps, extends), block style, at the start of a line.
const CI_TOP_LEVEL_KEY = /^(on|jobs|runs|stages|steps|extends)\s*:/m;
const MARKDOWN = /\.(md|markdown|mdx)$/i;

/**
 * A Markdown text with its code left out: fenced blocks (``` or ~~~, CommonMark's rules for opening and
 * closing fences) and inline code spans (a run of backticks closed by a run of the same length). A skeleton's
 * docs show template syntax there on purpose (`{% raw %}${{ values.name }}{% endraw %}` in a how-to);
 * prose is where a leftover expression reads as a value that was never filled in. Pure.
 */
function withoutCode(text: string): string {
  const kept: string[] = [];
  let fence: { char: string; length: number } | undefined;
  for (const line of text.split('\n')) {
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (open && open[1][0] === fence.char && open[1].length >= fence.length && line.trim() === open[1]) fence = undefined;
      kept.push('');
      continue;
    }
    if (open && !(open[1][0] === '`' && line.slice(open[0].length).includes('`'))) {
      fence = { char: open[1][0], length: open[1].length };
      kept.push('');
      continue;
    }
    kept.push(line);
  }
  // Inline spans may not cross a blank line (a paragraph's end); the spans are matched within the text that is left.
  return kept.join('\n').replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, match => (/\n\s*\n/.test(match) ? match : ''));
}

// Rendered CI definitions go to GitHub's and Azure's own parsers, which are neither linear nor bounded: GitHub's
// took 38 s and 2 GB for a 3.5 MB workflow; Azure's language service ran out of stack (an internal error, no
// report) on 30,000 steps. A real one is a few KB with a few hundred values.
const CI_DEFINITION_MAX_BYTES = 512 * 1024;
const CI_DEFINITION_MAX_NODES = 20_000;

/** Why a rendered workflow or pipeline is too large to hand to its parser, or undefined. Pure. */
function ciDefinitionTooLarge(text: string): string | undefined {
  const bytes = Buffer.byteLength(text);
  if (bytes > CI_DEFINITION_MAX_BYTES) return `it is ${Math.round(bytes / 1024)} KB, over the ${CI_DEFINITION_MAX_BYTES / 1024} KB the gate parses`;
  const at = nodeBudgetExceeded(text, CI_DEFINITION_MAX_NODES);
  if (at) return `it holds more than ${CI_DEFINITION_MAX_NODES.toLocaleString('en-US')} values (passed at line ${at.line}), more than the gate parses`;
  return aliasesExplode(text);
}


/** GitHub's own workflow parser (@actions/workflow-parser), as the Actions service reads workflows. */
async function workflowErrors(name: string, content: string): Promise<string[]> {
  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import('@actions/workflow-parser');
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e: { message: string }) => e.message);
  if (result.value) {
    const template = await convertWorkflowTemplate(result.context, result.value);
    errors.push(...(template.errors ?? []).map((e: { Message: string }) => e.Message));
  }
  return [...new Set(errors)];
}
