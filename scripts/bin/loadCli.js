// The CLI module: the prebuilt bundle when it is newer than every source file, else the TypeScript
// sources through tsx, so an edited source is never run from a stale bundle.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bundle = join(root, 'scripts/src/.build/cli.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.build') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  try {
    const built = statSync(bundle).mtimeMs;
    return built >= Math.max(newestSource(join(root, 'scripts/src')), newestSource(join(root, 'schemas')), statSync(join(root, 'package.json')).mtimeMs);
  } catch {
    return false;
  }
}

export async function loadCli() {
  if (process.env.GITOPS_NO_BUNDLE === undefined && bundleIsFresh()) return import(bundle);
  const { register } = await import('tsx/esm/api');
  register();
  return import('../src/cli/main.ts');
}
