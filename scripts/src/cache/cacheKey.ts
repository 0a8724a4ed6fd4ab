import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import { readRepoFile } from '../load/repoPath.ts';

const require = createRequire(import.meta.url);

// The packages whose code decides a file's cached results: parsing, Backstage's model, the policy engine.
const PACKAGES = ['@backstage/catalog-model', '@backstage/plugin-scaffolder-common', 'yaml', 'js-yaml', 'ajv', 'ajv-formats', 'ajv-errors'];

/**
 * Everything besides a file's own text that decides its cached results, as one sha256: the toolkit's
 * code (the running bundle, or every source file when run from source), the versions of the packages
 * above, the org policy schemas and the config. Reads files; throws only if the toolkit's own files
 * cannot be read.
 */
export function cacheKey(config: GitopsConfig): string {
  const hash = createHash('sha256');
  hash.update(toolkitKey());
  const { root: _root, ...settings } = config;
  hash.update(`\n${JSON.stringify(settings)}`);
  if (config.catalog.policies) {
    const folder = join(config.root, config.catalog.policies);
    let names: string[] = [];
    try {
      names = readdirSync(folder).filter(n => n.endsWith('.json')).sort();
    } catch {
      // No policy folder: the policies load step reports that.
    }
    for (const name of names) hash.update(`\n${name}\n`).update(policyBytes(config.root, `${config.catalog.policies}/${name}`));
  }
  return hash.digest('hex');
}

/**
 * A policy file's bytes for the key, read as loadPolicies reads it: only a regular file inside the repository.
 * The names come from a listing of a folder a pull request writes: one can be a link to /dev/zero or a FIFO
 * (a read that never ends held `check --cache` until the job's time limit, where `check` refused the link at
 * once), to a file of the machine, or a folder. Such a name is keyed by what it is; loadPolicies then stops the
 * run with the message `check` gives.
 */
function policyBytes(root: string, file: string): Buffer | string {
  try {
    return readRepoFile(root, file);
  } catch (error) {
    return `\0unreadable ${(error as NodeJS.ErrnoException)?.code ?? (error as Error)?.name}`;
  }
}

/**
 * sha256 of the toolkit as it runs: its code (toolkitFingerprint), the installed dependency tree
 * (installedPackagesFingerprint) and the versions of the packages that parse and judge entities.
 * Reads files; throws only if the toolkit's own files cannot be read.
 */
export function toolkitKey(): string {
  const hash = createHash('sha256');
  hash.update(toolkitFingerprint()).update(installedPackagesFingerprint());
  for (const name of PACKAGES) hash.update(`\n${name}@${require(`${name}/package.json`).version}`);
  return hash.digest('hex');
}

let fingerprint: string | undefined;

/** sha256 of the toolkit's own code: the running bundle, or every source file when run from source. */
export function toolkitFingerprint(): string {
  if (fingerprint) return fingerprint;
  const here = fileURLToPath(import.meta.url);
  const hash = createHash('sha256');
  if (here.endsWith('.mjs')) {
    // The bundle is split per command: the toolkit is every module of the folder, not only this chunk.
    const folder = dirname(here);
    for (const file of readdirSync(folder).filter(name => name.endsWith('.mjs')).sort()) hash.update(`\n${file}\n`).update(readFileSync(join(folder, file)));
  } else {
    const sources = fileURLToPath(new URL('../', import.meta.url));
    for (const file of listFiles(sources)) hash.update(`\n${file}\n`).update(readFileSync(join(sources, file)));
  }
  return (fingerprint = hash.digest('hex'));
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .filter(e => e.name !== '.build')
    .flatMap(e => (e.isDirectory() ? listFiles(dir, `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

let installed: string | undefined;

/**
 * sha256 of the installed dependency tree as npm records it (node_modules/.package-lock.json, rewritten by
 * every `npm ci` / `npm install`), so an upgrade of any package, transitive ones included (catalog modules,
 * the plugins whose config.d.ts make the config schema), invalidates what was remembered. Empty when npm
 * left no such file.
 */
export function installedPackagesFingerprint(): string {
  if (installed !== undefined) return installed;
  try {
    const lock = readFileSync(join(dirname(require.resolve('yaml/package.json')), '../.package-lock.json'));
    installed = createHash('sha256').update(lock).digest('hex');
  } catch {
    installed = '';
  }
  return installed;
}
