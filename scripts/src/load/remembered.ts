import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { installedPackagesFingerprint, toolkitFingerprint } from '../cache/cacheKey.ts';

// Beside the remembered config-gate results (backstageConfig/configSchema.ts): the toolkit's node_modules.
const FOLDER = fileURLToPath(new URL('../../../node_modules/.cache/backstage-gitops/', import.meta.url));

/**
 * A value computed from the installed packages alone (what scaffolder modules register, the scaffolder's
 * filter names, …), remembered on disk under node_modules/.cache/backstage-gitops/ so later runs skip
 * loading those packages. The key is sha256 of the toolkit's code, the installed dependency tree
 * (node_modules/.package-lock.json) and `inputs` (everything else the value depends on, e.g. the plugin
 * list): a different toolkit, an upgrade or other inputs never meet an old value. `valid` guards what is
 * read back; a value JSON cannot carry exactly, or an install without npm's record of its tree, is
 * computed every time and never remembered. Returns what `compute` returns (or did return for the same
 * key); rethrows what `compute` throws, and then remembers nothing.
 */
export async function remembered<T>(name: string, inputs: string, valid: (value: unknown) => value is T, compute: () => Promise<T>): Promise<T> {
  const file = rememberedFile(name, inputs);
  const known = file === undefined ? undefined : readRemembered(file, valid);
  if (known) return known.value;
  const value = await compute();
  if (file !== undefined) remember(file, value);
  return value;
}

/** remembered() for a value computed synchronously. */
export function rememberedSync<T>(name: string, inputs: string, valid: (value: unknown) => value is T, compute: () => T): T {
  const file = rememberedFile(name, inputs);
  const known = file === undefined ? undefined : readRemembered(file, valid);
  if (known) return known.value;
  const value = compute();
  if (file !== undefined) remember(file, value);
  return value;
}

function rememberedFile(name: string, inputs: string): string | undefined {
  const installed = installedPackagesFingerprint();
  if (installed === '') return undefined;
  return join(FOLDER, `${name}-${createHash('sha256').update(toolkitFingerprint()).update(`\n${installed}\n`).update(inputs).digest('hex').slice(0, 32)}.json`);
}

function readRemembered<T>(file: string, valid: (value: unknown) => value is T): { value: T } | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (valid(value)) return { value };
  } catch {
    // Not remembered yet, or unreadable: computed again.
  }
  return undefined;
}

function remember(file: string, value: unknown): void {
  const text = JSON.stringify(value);
  if (text === undefined || !isDeepStrictEqual(JSON.parse(text), value)) return;
  try {
    mkdirSync(FOLDER, { recursive: true });
    // Atomic: a parallel run reads the old file, none, or the whole new one.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } catch {
    // A read-only install: the value is right, only not remembered.
  }
}
