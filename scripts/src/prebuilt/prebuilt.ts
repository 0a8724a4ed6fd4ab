import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

// Beside the bundle (scripts/src/.build/), which sits two folders under scripts/ like this file.
const FILE = fileURLToPath(new URL('../.build/prebuilt.json', import.meta.url));

/** One entry of build-time data: valid only for the `key` it was computed for (package versions, hashes). */
interface Entry {
  key: string;
  value: unknown;
}

let entries: Record<string, Entry> | null | undefined;

/**
 * A value `npm run build` computed from the installed packages, when it was computed for the same
 * `key`; `undefined` when there is none or it is stale (the caller then computes it as the build did).
 */
export function prebuilt<T>(name: string, key: string): T | undefined {
  if (entries === undefined) {
    try {
      entries = JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, Entry>;
    } catch {
      entries = null;
    }
  }
  const entry = entries?.[name];
  return entry && entry.key === key ? (entry.value as T) : undefined;
}

/** Writes the build-time data (called by scripts/bin/build.js), atomically. */
export function writePrebuilt(values: Record<string, Entry>): string {
  mkdirSync(dirname(FILE), { recursive: true });
  const temporary = `${FILE}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(values));
  renameSync(temporary, FILE);
  entries = undefined;
  return FILE;
}
