import { parseAllDocuments } from 'yaml';
import { collectEntities } from '../catalog/catalogEntity.ts';
import { checkBackstageModel } from '../catalog/checkBackstageModel.ts';
import { parseYaml } from '../load/parseYaml.ts';

export interface RenderedFile {
  path: string;
  content: Buffer;
}

/** What is wrong with a rendered tree, regardless of the case's own expectations. */
export async function checkRendered(files: readonly RenderedFile[]): Promise<string[]> {
  const problems: string[] = [];
  for (const file of files) {
    const text = file.content.toString('utf8');
    if (/\$\{\{\s*(values|parameters|steps|secrets|user)\b/.test(text)) problems.push(`${file.path} still contains a template expression: it was not rendered`);
    if (/\.ya?ml$/.test(file.path)) {
      const errors = parseAllDocuments(text).flatMap(d => ('errors' in d ? d.errors : []));
      if (errors.length) problems.push(`${file.path} is not valid YAML: ${errors[0].message}`);
    }
    if (file.path.endsWith('.json')) {
      try {
        JSON.parse(text);
      } catch (error) {
        problems.push(`${file.path} is not valid JSON: ${(error as Error).message}`);
      }
    }
    if (/(^|\/)catalog-info\.ya?ml$/.test(file.path)) {
      const parsed = parseYaml(text, file.path);
      const { entities } = collectEntities([{ file: file.path, ...parsed }], { placeholderSources: new Map() });
      for (const entity of entities) for (const d of await checkBackstageModel(entity)) problems.push(`${file.path}:${d.range.start.line}: ${d.ruleId}: ${d.message}`);
    }
  }
  return problems;
}
