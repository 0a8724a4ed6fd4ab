import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const SKIPPED_FOLDERS = new Set(['.git', 'node_modules', '.cache', 'site', 'dist']);

/**
 * Every regular file below `root`, as sorted forward-slash paths relative to it. Symbolic links are
 * never followed (a pull request can link to host files); `symlinks`, when given, collects their paths.
 */
export async function listRepoFiles(root: string, symlinks?: string[]): Promise<string[]> {
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
