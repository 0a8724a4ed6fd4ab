import { join } from 'node:path';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import { plainYamlValue } from '../config/configFile.ts';
import { yamlPackage } from '../load/lazyPackages.ts';
import { readSource } from '../load/readSource.ts';
import { affordableYaml } from '../load/yamlNodeBudget.ts';
import { resolveAppConfig } from './resolveAppConfig.ts';

/**
 * The managed Backstage's app-config files (catalog.appConfig, then backstageConfig.files, in the order
 * config-loader merges several --config files: later wins), each as `{ context: file, data }` for
 * @backstage/config's ConfigReader.fromConfigs, read through config-loader's own transforms as the backend
 * reads it (resolveAppConfig: `${VAR}`, `$env`, `$file`, `$include` at any level; what comes from the
 * environment or an unread file is marked ENV_STRING / UNKNOWN_VALUE). Unloadable files and a file over the
 * catalog's byte cap are skipped (the config gate reports them); a file that cannot be opened throws the
 * file system's error, unless `options.skipMissing` (a render, which never needed the file before).
 */
export async function managedAppConfigs(config: GitopsConfig, options: { skipMissing?: boolean } = {}): Promise<{ context: string; data: Record<string, never> }[]> {
  const files = [...new Set([...(config.catalog.appConfig ? [config.catalog.appConfig] : []), ...(config.backstageConfig?.files ?? [])])];
  const configs = await Promise.all(files.map(async file => {
    let read: ReturnType<typeof readSource>;
    try {
      read = readSource(join(config.root, file), file, config.catalog.maxFileBytes);
    } catch (error) {
      if (options.skipMissing) return [];
      throw error;
    }
    if (!('text' in read)) return [];
    let data: unknown;
    try {
      affordableYaml(read.text);
      // js-yaml for a plain text (the value `yaml` gives, held equal by plainConfigValue.test.ts): the
      // same files are read again by the config gate, and `yaml` costs tens of ms on first use.
      data = (plainYamlValue(read.text) ?? { value: yamlPackage().parse(read.text, { merge: false, logLevel: 'silent', maxAliasCount: 100 }) }).value;
    } catch {
      return [];
    }
    if (!isPlain(data)) return [];
    // config-loader's transforms act only on `${…}` strings and `$…` keys: without a `$` they change nothing,
    // and loading them costs ≈40 ms of every check.
    if (!mayTransform(data)) return [{ context: file, data: data as Record<string, never> }];
    const resolved = await resolveAppConfig(config.root, file, data);
    return resolved.data ? [{ context: file, data: resolved.data as Record<string, never> }] : [];
  }));
  return configs.flat();
}

function mayTransform(data: unknown): boolean {
  try {
    return JSON.stringify(data).includes('$');
  } catch {
    return true;
  }
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}
