import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCatalog } from '../../src/catalog/checkCatalog.ts';
import { prepareCatalogCheck } from '../../src/catalog/prepareCatalogCheck.ts';
import { applyRuleSettings } from '../../src/cli/checkCommand.ts';
import { loadConfig } from '../../src/config/gitopsConfig.ts';
import type { ResultCache } from '../../src/cache/resultCache.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Writes an inline file tree to a fresh temporary folder; `policies: true` copies this repo's org policies in. */
export async function tempRepo(files: Record<string, string | Buffer>, options: { policies?: boolean } = {}): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gitops-repo-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  if (options.policies) await cp(join(REPO_ROOT, 'schemas/policy'), join(root, 'schemas/policy'), { recursive: true });
  return root;
}

export async function checkTree(root: string, paths: string[] = [], cache?: ResultCache) {
  const config = await loadConfig(root);
  const input = await prepareCatalogCheck(config, paths.map(p => join(root, p)), cache);
  const result = await checkCatalog(input);
  return applyRuleSettings(result.diagnostics, config);
}

/** `rule@line:column` for each finding, the shape the tables assert on. */
export function summarise(diagnostics: { ruleId: string; file: string; range: { start: { line: number; column: number } } }[]) {
  return diagnostics.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column}`).sort();
}
