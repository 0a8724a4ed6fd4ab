import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { FILE_START } from '../diagnostic.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { checkBackstageConfig, type ConfigFile } from './checkBackstageConfig.ts';
import { loadPluginConfigSchema, rememberedFindings } from './configSchema.ts';

/** Reads the app-config files named in gitops.config.yaml and checks them. */
export async function backstageConfigGate(config: GitopsConfig): Promise<Diagnostic[]> {
  if (!config.backstageConfig) return [];
  const diagnostics: Diagnostic[] = [];
  const files: ConfigFile[] = [];
  const texts: { file: string; text: string }[] = [];
  for (const file of config.backstageConfig.files) {
    const path = join(config.root, file);
    if (!existsSync(path)) {
      diagnostics.push({ ruleId: 'config-schema', severity: 'error', message: `${file} is missing.`, hint: 'Create it or remove it from backstageConfig.files.', file: 'gitops.config.yaml', range: FILE_START });
      continue;
    }
    const text = readFileSync(path, 'utf8');
    const parsed = parseYaml(text, file);
    diagnostics.push(...parsed.problems);
    const data = parsed.documents[0];
    if (isRecord(data)) {
      files.push({ source: { file, documents: parsed.documents, problems: parsed.problems, locate: parsed.locate }, data });
      texts.push({ file, text });
    }
  }
  if (files.length === 0) return diagnostics;
  const { plugins } = config.backstageConfig;
  return [...diagnostics, ...(await rememberedFindings(plugins, texts, async () => checkBackstageConfig(files, await loadPluginConfigSchema(plugins))))];
}
