import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { FILE_START } from '../diagnostic.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { checkBackstageConfig, type ConfigFile } from './checkBackstageConfig.ts';
import { loadPluginConfigSchema, rememberedFindings } from './configSchema.ts';

/**
 * Reads the app-config files named in gitops.config.yaml and checks them. A missing file is a finding;
 * for the others, each file's YAML problems and the schema findings are remembered per text (see
 * rememberedFindings), so an unchanged config is neither parsed nor checked again.
 */
export async function backstageConfigGate(config: GitopsConfig): Promise<Diagnostic[]> {
  if (!config.backstageConfig) return [];
  const present: { file: string; text: string }[] = [];
  const missing = new Map<number, Diagnostic>();
  config.backstageConfig.files.forEach((file, i) => {
    const path = join(config.root, file);
    if (existsSync(path)) present.push({ file, text: readFileSync(path, 'utf8') });
    else missing.set(i, { ruleId: 'config-schema', severity: 'error', message: `${file} is missing.`, hint: 'Create it or remove it from backstageConfig.files.', file: 'gitops.config.yaml', range: FILE_START });
  });
  const { plugins } = config.backstageConfig;
  const remembered = present.length ? await rememberedFindings(plugins, present, async () => checkTexts(present, plugins)) : { problems: [], findings: [] };
  // In the order of backstageConfig.files: each file's own problems, then what the schema says.
  let next = 0;
  const perFile = config.backstageConfig.files.flatMap((_, i) => missing.get(i) ?? remembered.problems[next++]);
  return [...perFile, ...remembered.findings];
}

/** Parses each app-config text (its YAML problems, per file) and checks those holding a mapping against the plugins' schema. */
async function checkTexts(texts: readonly { file: string; text: string }[], plugins: readonly string[]): Promise<{ problems: Diagnostic[][]; findings: Diagnostic[] }> {
  const files: ConfigFile[] = [];
  const problems = texts.map(({ file, text }) => {
    const parsed = parseYaml(text, file);
    const data = parsed.documents[0];
    if (isRecord(data)) files.push({ source: { file, documents: parsed.documents, problems: parsed.problems, locate: parsed.locate }, data });
    return parsed.problems;
  });
  return { problems, findings: files.length ? checkBackstageConfig(files, await loadPluginConfigSchema(plugins)) : [] };
}
