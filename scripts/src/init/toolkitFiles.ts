import { existsSync, statSync } from 'node:fs';
import { chmod, readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of the toolkit this code runs from: the nearest parent holding `scripts/bin/backstage-gitops.js`
 * (the sources and the bundle in scripts/src/.build sit at different depths).
 */
export function toolkitRoot(from = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  while (!existsSync(join(dir, 'scripts/bin/backstage-gitops.js'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the toolkit folder (scripts/bin/backstage-gitops.js)');
    dir = parent;
  }
  return dir;
}

/** Reads the listed files and every file under the listed folders of `root` (path → text), skipping builds and node_modules. */
export async function readToolkitFiles(root: string, paths: { dirs: string[]; files: string[] }): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const file of paths.files) found.set(file, await readFile(join(root, file), 'utf8'));
  for (const dir of paths.dirs) for (const file of await walk(join(root, dir))) found.set(relative(root, file).split(sep).join('/'), await readFile(file, 'utf8'));
  return found;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === '.build' || entry.name === 'node_modules' || entry.name === '__pycache__') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Gives each of `paths` (repo-relative, written under `root`) the executable bits its toolkit file under
 * `source` has (scripts/bin/*.js are run directly): git records the mode, so a copy without it shows as a
 * mode change after the first commit.
 */
export async function keepExecutableBits(source: string, root: string, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    let mode: number;
    try {
      mode = statSync(join(source, path)).mode;
    } catch {
      continue;
    }
    if (mode & 0o111) await chmod(join(root, path), 0o755);
  }
}
