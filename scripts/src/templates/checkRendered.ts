import { parseAllDocuments } from 'yaml';
import { azurePipelineProblems } from '../ci/azurePipelineProblems.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { checkMkdocs } from '../techdocs/checkMkdocs.ts';
import { checkRenderedCatalogInfo, type OrgCatalog } from './renderedCatalog.ts';

export interface RenderedFile {
  path: string;
  content: Buffer;
}

/**
 * What is wrong with a rendered tree, regardless of the case's own expectations. With the org's
 * catalog, a rendered catalog-info.yaml must also meet the org's policies and refer only to entities it holds.
 */
export async function checkRendered(files: readonly RenderedFile[], org?: OrgCatalog): Promise<string[]> {
  const problems: string[] = [];
  const paths = new Set(files.map(f => f.path));
  let texts: Map<string, string | null> | undefined;
  for (const file of files) {
    const text = file.content.toString('utf8');
    if (unrenderedExpression(file.path).test(text)) problems.push(`${file.path} still contains a template expression: it was not rendered`);
    if (/\.ya?ml$/.test(file.path)) {
      const errors = parseAllDocuments(text, { logLevel: 'error' }).flatMap(d => ('errors' in d ? d.errors : []));
      if (errors.length) problems.push(`${file.path} is not valid YAML: ${errors[0].message}`);
    }
    if (file.path.endsWith('.json') || file.path.endsWith('.ipynb')) {
      try {
        JSON.parse(text);
      } catch (error) {
        problems.push(`${file.path} is not valid JSON: ${(error as Error).message}`);
      }
    }
    if (GITHUB_WORKFLOW.test(file.path)) {
      problems.push(...firstFew(file.path, (await workflowErrors(file.path, text)).map(error => `${file.path} is not a valid GitHub workflow: ${error}`)));
    }
    if (AZURE_PIPELINE.test(file.path)) {
      problems.push(...firstFew(file.path, (await azurePipelineProblems(file.path, text)).map(p => `${file.path}:${p.line}: not a valid Azure pipeline: ${p.message}`)));
    }
    if (/(^|\/)mkdocs\.ya?ml$/.test(file.path)) {
      const parsed = parseYaml(text, file.path);
      for (const d of checkMkdocs({ file: file.path, documents: parsed.documents, problems: parsed.problems, locate: parsed.locate }, paths, { text })) {
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
  return problems;
}

const GITHUB_WORKFLOW = /^\.github\/workflows\/[^/]+\.ya?ml$/;
const AZURE_PIPELINE = /(^|\/)azure-pipelines\.ya?ml$|^\.azure-pipelines\/.+\.ya?ml$/;

/** One broken line can cascade into hundreds of parser errors: the first few say what to fix. */
function firstFew(path: string, problems: string[], few = 5): string[] {
  return problems.length <= few ? problems : [...problems.slice(0, few), `${path}: … and ${problems.length - few} more like these`];
}

/**
 * A scaffolder expression left in the output. CI files share the `${{ }}` syntax: GitHub workflows have
 * their own steps and secrets contexts, Azure pipelines their own parameters, so only the names those
 * platforms never define count there.
 */
function unrenderedExpression(path: string): RegExp {
  if (/^\.github\/(workflows|actions)\//.test(path)) return /\$\{\{\s*(values|parameters|user)\b/;
  if (AZURE_PIPELINE.test(path)) return /\$\{\{\s*(values|steps|secrets|user)\b/;
  return /\$\{\{\s*(values|parameters|steps|secrets|user)\b/;
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
