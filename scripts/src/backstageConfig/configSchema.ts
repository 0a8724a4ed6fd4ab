import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { installedPackagesFingerprint } from '../cache/cacheKey.ts';
import { remembered } from '../load/remembered.ts';
import { validDiagnostic } from '../cache/resultCache.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { readsUnchanged, type ConfigRead } from './resolveAppConfig.ts';

const require = createRequire(import.meta.url);

export interface ConfigSchemaLike {
  process(configs: { data: unknown; context: string }[], options?: { visibility?: string[]; ignoreSchemaErrors?: boolean }): { data: unknown; context: string }[];
  serialize(): object;
}

const CACHE = fileURLToPath(new URL('../../../node_modules/.cache/backstage-gitops/', import.meta.url));

/** The plugins' merged config schema, and the named plugins whose schema it lacks. */
export interface PluginConfigSchema {
  schema: ConfigSchemaLike;
  /** Named plugins not installed beside the toolkit, or whose own declared schema was not collected: their config goes unchecked. */
  unchecked: { plugin: string; reason: string }[];
}

interface Serialized {
  backstageConfigSchemaVersion: 1;
  schemas: { packageName: string; value: unknown; path: string }[];
}

/**
 * The config schema of the plugins the managed Backstage runs, collected by @backstage/config-loader
 * (loadConfigSchema) from the packages installed beside the toolkit, whatever the working directory:
 * config-loader resolves `dependencies` from process.cwd() (schema/collect.cjs.js), so the plugins are
 * handed over as the package.json paths the toolkit resolves (`packagePaths`), from which it walks
 * their dependencies. Collecting reads every package's schema (seconds for a config.d.ts), so the result
 * is cached per installed tree and resolved package paths; a collection that misses a named plugin's
 * own declared schema is never cached, and a cached one is trusted only when it holds them all.
 */
export async function loadPluginConfigSchema(plugins: readonly string[]): Promise<PluginConfigSchema> {
  const { loadConfigSchema } = require('@backstage/config-loader');
  const unchecked: { plugin: string; reason: string }[] = [];
  const resolved: { plugin: string; path: string; declares: boolean }[] = [];
  for (const plugin of plugins) {
    if (!isPackageName(plugin)) {
      unchecked.push({ plugin, reason: 'is not an npm package name (nothing is resolved for it)' });
      continue;
    }
    try {
      const path = require.resolve(`${plugin}/package.json`);
      resolved.push({ plugin, path, declares: 'configSchema' in JSON.parse(await readFile(path, 'utf8')) });
    } catch {
      unchecked.push({ plugin, reason: 'is not installed beside backstage-gitops' });
    }
  }
  const expected = resolved.filter(r => r.declares).map(r => r.plugin);
  const complete = (serialized: Serialized) => expected.every(p => serialized.schemas.some(s => s.packageName === p));
  const collect = async (): Promise<{ schema: ConfigSchemaLike; serialized: Serialized }> => {
    const schema: ConfigSchemaLike = await loadConfigSchema({ dependencies: [], packagePaths: resolved.map(r => r.path) });
    return { schema, serialized: schema.serialize() as Serialized };
  };
  const file = schemaCacheFile(resolved.map(r => r.path));
  let found: { schema: ConfigSchemaLike; serialized: Serialized } | undefined;
  if (file) {
    try {
      const serialized = JSON.parse(await readFile(file, 'utf8')) as Serialized;
      if (Array.isArray(serialized?.schemas) && serialized.schemas.length > 0 && complete(serialized)) found = { schema: await loadConfigSchema({ serialized }), serialized };
    } catch {
      // Not cached yet, or unreadable: collected again.
    }
  }
  if (!found) {
    found = await collect();
    if (file && found.serialized.schemas.length > 0 && complete(found.serialized)) {
      try {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, JSON.stringify(found.serialized));
      } catch {
        // A read-only install: the schema is right, only not cached.
      }
    }
  }
  for (const plugin of expected) {
    if (!found.serialized.schemas.some(s => s.packageName === plugin)) unchecked.push({ plugin, reason: 'declares a config schema that config-loader did not collect' });
  }
  return { schema: found.schema, unchecked };
}

/**
 * Where loadPluginConfigSchema caches the schema it collects for `plugins` (undefined: an install without
 * npm's record of its tree is never cached). The key holds the installed tree and where each plugin
 * resolves from the toolkit, so a schema collected elsewhere never meets this install.
 */
export function configSchemaCacheFile(plugins: readonly string[]): string | undefined {
  return schemaCacheFile(plugins.flatMap(p => {
    if (!isPackageName(p)) return [];
    try {
      return [require.resolve(`${p}/package.json`)];
    } catch {
      return [];
    }
  }));
}

function schemaCacheFile(packagePaths: readonly string[]): string | undefined {
  const fingerprint = installedPackagesFingerprint();
  if (fingerprint === '') return undefined;
  return join(CACHE, `config-schema-${createHash('sha256').update(fingerprint).update(packagePaths.join('\n')).digest('hex').slice(0, 16)}.json`);
}

/**
 * What the config gate finds for some app-config texts: each file's YAML problems (in the files' order),
 * then the schema's findings, and the files their `$include`/`$file` read (repo-relative, sha256).
 */
export interface RememberedFindings {
  problems: Diagnostic[][];
  findings: Diagnostic[];
  reads: ConfigRead[];
}

function isRemembered(value: unknown, files: number, root: string): value is RememberedFindings {
  const diagnostics = (list: unknown) => Array.isArray(list) && list.every(d => validDiagnostic(undefined, d));
  const { problems, findings, reads } = (value ?? {}) as Partial<RememberedFindings>;
  const readList = Array.isArray(reads) && reads.every(r => typeof r?.path === 'string' && (typeof r.sha256 === 'string' || r.sha256 === null));
  return Array.isArray(problems) && problems.length === files && problems.every(diagnostics) && diagnostics(findings) && readList && readsUnchanged(root, reads);
}

/**
 * The config gate's findings, remembered (load/remembered.ts) per app-config text, plugin versions,
 * toolkit code and installed tree, while the files their includes read are unchanged (`root`: the repo): compiling the plugins' merged schema costs about a second at every
 * run, and for the same inputs the findings are the same. `check` calls it for `npm run check` on every
 * edit. Returns what `compute` returns (or returned for the same inputs); rethrows what it throws.
 */
export function rememberedFindings(root: string, plugins: readonly string[], files: readonly { file: string; text: string }[], compute: () => Promise<RememberedFindings>): Promise<RememberedFindings> {
  const inputs = JSON.stringify([plugins.map(p => `${p}@${installedVersion(p)}`), files.map(f => [f.file, f.text])]);
  return remembered('config-gate', inputs, (value): value is RememberedFindings => isRemembered(value, files.length, root), compute);
}

// npm's rule for a package name (scope optional): a plugin name from the repo never becomes a path to resolve.
const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

function isPackageName(name: string): boolean {
  return name.length <= 214 && PACKAGE_NAME.test(name) && !name.split('/').some(part => part === '.' || part === '..' || part.startsWith('.'));
}

function installedVersion(plugin: string): string {
  if (!isPackageName(plugin)) return 'not a package name';
  try {
    return String(require(`${plugin}/package.json`).version);
  } catch {
    return 'not installed';
  }
}
