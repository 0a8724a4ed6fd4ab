import { lstatSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const SKIPPED_FOLDERS = new Set(['.git', 'node_modules', '.cache', 'site', 'dist']);

/**
 * Every regular file below `root`, as sorted forward-slash paths relative to it. Symbolic links are
 * never followed (a pull request can link to host files); `symlinks`, when given, collects their paths.
 * Names that are not valid UTF-8 cannot be opened by the name Node gives them (their bytes read as
 * U+FFFD): they are left out, files and folders alike, and `undecodable`, when given, collects them.
 */
export async function listRepoFiles(root: string, symlinks?: string[], undecodable?: string[]): Promise<string[]> {
  const found: string[] = [];
  async function walk(relative: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(join(root, relative), { withFileTypes: true });
    } catch {
      return;
    }
    const folders: Promise<void>[] = [];
    for (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      // A real U+FFFD in a name is valid UTF-8 and opens; a name of invalid bytes does not.
      if (entry.name.includes('\uFFFD') && !exists(join(root, path))) {
        undecodable?.push(path);
        continue;
      }
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) folders.push(walk(path));
      } else if (entry.isFile()) {
        found.push(path);
      } else if (entry.isSymbolicLink()) {
        symlinks?.push(path);
      }
    }
    await Promise.all(folders);
  }
  await walk('');
  return found.sort();
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

export function isYamlFile(path: string): boolean {
  return path.endsWith('.yaml') || path.endsWith('.yml');
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the input order in the result. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
