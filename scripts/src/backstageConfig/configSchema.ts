import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export interface ConfigSchemaLike {
  process(configs: { data: unknown; context: string }[], options?: { visibility?: string[] }): { data: unknown; context: string }[];
  serialize(): object;
}

const CACHE = fileURLToPath(new URL('../../../node_modules/.cache/backstage-gitops/', import.meta.url));

/**
 * The config schema of the plugins the managed Backstage runs, collected by @backstage/config-loader
 * from the installed packages. Collecting it reads every package's config.d.ts (seconds), so the
 * result is cached per plugin list and installed versions.
 */
export async function loadPluginConfigSchema(plugins: readonly string[]): Promise<ConfigSchemaLike> {
  const { loadConfigSchema } = require('@backstage/config-loader');
  const versions = plugins.map(p => `${p}@${require(`${p}/package.json`).version}`);
  const file = join(CACHE, `config-schema-${createHash('sha256').update(versions.join('\n')).digest('hex').slice(0, 16)}.json`);
  try {
    return await loadConfigSchema({ serialized: JSON.parse(await readFile(file, 'utf8')) });
  } catch {
    const schema: ConfigSchemaLike = await loadConfigSchema({ dependencies: [...plugins] });
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(schema.serialize()));
    return schema;
  }
}
