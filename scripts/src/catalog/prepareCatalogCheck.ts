import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UsageError, type GitopsConfig } from '../config/gitopsConfig.ts';
import { loadCatalog } from '../load/loadCatalog.ts';
import type { CatalogCheckInput } from './checkCatalog.ts';
import { compilePolicies, type PolicySchema } from './checkPolicies.ts';

/** Everything the catalog gate reads from disk, read once, before any check runs. */
export async function prepareCatalogCheck(config: GitopsConfig, paths: readonly string[]): Promise<CatalogCheckInput> {
  const [loaded, policies, appConfig] = await Promise.all([loadCatalog(config, paths), loadPolicies(config), readAppConfig(config)]);
  return { loaded, config, policies, appConfig };
}

export async function loadPolicies(config: GitopsConfig) {
  const schemas = await readPolicySchemas(config);
  try {
    return compilePolicies(schemas);
  } catch (error) {
    throw new UsageError(`A policy schema in ${config.catalog.policies} does not compile: ${(error as Error).message}`);
  }
}

async function readPolicySchemas(config: GitopsConfig): Promise<PolicySchema[]> {
  if (!config.catalog.policies) return [];
  const folder = join(config.root, config.catalog.policies);
  const names = (await readdir(folder)).filter(n => n.endsWith('.json')).sort();
  return Promise.all(
    names.map(async name => {
      const file = `${config.catalog.policies}/${name}`;
      try {
        return { file, schema: JSON.parse(await readFile(join(folder, name), 'utf8')) };
      } catch (error) {
        throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
      }
    }),
  );
}

async function readAppConfig(config: GitopsConfig): Promise<unknown> {
  if (!config.catalog.appConfig) return undefined;
  const text = await readFile(join(config.root, config.catalog.appConfig), 'utf8');
  return parse(text, { merge: false }) ?? {};
}
