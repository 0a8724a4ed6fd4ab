import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UsageError, type GitopsConfig } from '../config/gitopsConfig.ts';
import { loadCatalog, type LoadedCatalog, type SourceFile } from '../load/loadCatalog.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { readSource } from '../load/readSource.ts';
import { mkdocsFileIn, techdocsSites } from '../techdocs/techdocsSites.ts';
import { loadTechdocsPolicy } from '../techdocs/mkdocsSafety.ts';
import { collectEntities } from './catalogEntity.ts';
import type { CatalogCheckInput } from './checkCatalog.ts';
import { compilePolicies, type PolicySchema } from './checkPolicies.ts';

/** Everything the catalog gate reads from disk, read once, before any check runs. */
export async function prepareCatalogCheck(config: GitopsConfig, paths: readonly string[]): Promise<CatalogCheckInput> {
  const [loaded, policies, appConfig] = await Promise.all([loadCatalog(config, paths), loadPolicies(config), readAppConfig(config)]);
  return { loaded, config, policies, appConfig, mkdocs: readMkdocsFiles(config, loaded), techdocsPolicy: loadTechdocsPolicy(config.root) };
}

export async function loadPolicies(config: GitopsConfig) {
  const schemas = await readPolicySchemas(config);
  try {
    return compilePolicies(schemas);
  } catch (error) {
    throw new UsageError(`A policy schema in ${config.catalog.policies} does not compile: ${(error as Error).message}`);
  }
}

export async function readPolicySchemas(config: GitopsConfig): Promise<PolicySchema[]> {
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

/** The mkdocs.yml of every TechDocs site the reported entities point at with `dir:`. */
function readMkdocsFiles(config: GitopsConfig, loaded: LoadedCatalog): (SourceFile & { text?: string })[] {
  const repoFiles = new Set(loaded.repoFiles);
  const { entities } = collectEntities(loaded.files, loaded, config.repoUrl);
  const files = new Set(techdocsSites(entities, config.repoUrl).map(site => mkdocsFileIn(site.folder, repoFiles)).filter((f): f is string => Boolean(f)));
  return [...files].sort().map(file => {
    // PR content like any catalog file: the same byte cap and encoding rules.
    const read = readSource(join(config.root, file), file, config.catalog.maxFileBytes);
    if ('problem' in read) return { file, documents: [], problems: [read.problem], locate: () => read.problem.range };
    const { text } = read;
    const parsed = parseYaml(text, file);
    return { file, text, documents: parsed.documents, problems: parsed.problems, locate: parsed.locate };
  });
}

async function readAppConfig(config: GitopsConfig): Promise<unknown> {
  if (!config.catalog.appConfig) return undefined;
  const text = await readFile(join(config.root, config.catalog.appConfig), 'utf8');
  return parse(text, { merge: false }) ?? {};
}
