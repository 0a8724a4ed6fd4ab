import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { installedPackagesFingerprint } from '../cache/cacheKey.ts';
import { remembered } from '../load/remembered.ts';
import { validDiagnostic } from '../cache/resultCache.ts';
import type { Diagnostic } from '../diagnostic.ts';

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
  // Every installed package counts: the schema also holds the config.d.ts of the plugins' dependencies.
  if (installedPackagesFingerprint() === '') return loadConfigSchema({ dependencies: [...plugins] });
  const file = join(CACHE, `config-schema-${createHash('sha256').update(installedPackagesFingerprint()).update(versions.join('\n')).digest('hex').slice(0, 16)}.json`);
  try {
    return await loadConfigSchema({ serialized: JSON.parse(await readFile(file, 'utf8')) });
  } catch {
    const schema: ConfigSchemaLike = await loadConfigSchema({ dependencies: [...plugins] });
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(schema.serialize()));
    return schema;
  }
}

/** What the config gate finds for some app-config texts: each file's YAML problems (in the files' order), then the schema's findings. */
export interface RememberedFindings {
  problems: Diagnostic[][];
  findings: Diagnostic[];
}

function isRemembered(value: unknown, files: number): value is RememberedFindings {
  const diagnostics = (list: unknown) => Array.isArray(list) && list.every(d => validDiagnostic(undefined, d));
  const { problems, findings } = (value ?? {}) as Partial<RememberedFindings>;
  return Array.isArray(problems) && problems.length === files && problems.every(diagnostics) && diagnostics(findings);
}

/**
 * The config gate's findings, remembered (load/remembered.ts) per app-config text, plugin versions,
 * toolkit code and installed tree: compiling the plugins' merged schema costs about a second at every
 * run, and for the same inputs the findings are the same. `check` calls it for `npm run check` on every
 * edit. Returns what `compute` returns (or returned for the same inputs); rethrows what it throws.
 */
export function rememberedFindings(plugins: readonly string[], files: readonly { file: string; text: string }[], compute: () => Promise<RememberedFindings>): Promise<RememberedFindings> {
  const inputs = JSON.stringify([plugins.map(p => `${p}@${require(`${p}/package.json`).version}`), files.map(f => [f.file, f.text])]);
  return remembered('config-gate', inputs, (value): value is RememberedFindings => isRemembered(value, files.length), compute);
}
