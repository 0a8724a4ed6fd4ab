import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { installedPackagesFingerprint, toolkitFingerprint } from '../cache/cacheKey.ts';
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
 * The config gate's findings, remembered beside the schema per app-config text, plugin versions and
 * toolkit code: compiling the plugins' merged schema costs about a second at every run, and for the
 * same inputs the findings are the same. `check` calls it for `npm run check` on every edit.
 */
export async function rememberedFindings(plugins: readonly string[], files: readonly { file: string; text: string }[], compute: () => Promise<RememberedFindings>): Promise<RememberedFindings> {
  // Without npm's record of the installed tree an upgraded plugin is invisible to the key: never remember.
  if (installedPackagesFingerprint() === '') return compute();
  const hash = createHash('sha256').update(toolkitFingerprint()).update(installedPackagesFingerprint());
  for (const p of plugins) hash.update(`\n${p}@${require(`${p}/package.json`).version}`);
  for (const f of files) hash.update(`\n${f.file}\n${f.text.length}\n`).update(f.text);
  const file = join(CACHE, `config-gate-v2-${hash.digest('hex').slice(0, 32)}.json`);
  try {
    const remembered: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (isRemembered(remembered, files.length)) return remembered;
  } catch {
    // Not remembered yet (or unreadable): compute it.
  }
  const found = await compute();
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(found));
  await rename(temporary, file);
  return found;
}
