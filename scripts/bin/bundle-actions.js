#!/usr/bin/env node
// npm run bundle: bundles each action's TypeScript entry into its committed dist/index.mjs.
// `--check` fails when a committed bundle differs from what the sources build to.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ACTIONS = ['check', 'publish-techdocs', 'sync'];

export async function bundle(name) {
  const result = await build({
    entryPoints: [join(ROOT, 'actions', name, 'src', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    legalComments: 'none',
    // @actions/* are ESM but pull CommonJS dependencies that call require().
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return result.outputFiles[0].text;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const name of ACTIONS) {
    const file = join(ROOT, 'actions', name, 'dist', 'index.mjs');
    const text = await bundle(name);
    if (check) {
      let committed = '';
      try { committed = readFileSync(file, 'utf8'); } catch {}
      if (committed !== text) {
        stale++;
        console.error(`actions/${name}/dist/index.mjs is stale: run npm run bundle and commit it.`);
      }
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      console.log(`actions/${name}/dist/index.mjs: ${(text.length / 1024).toFixed(0)} KiB`);
    }
  }
  process.exitCode = stale ? 1 : 0;
}
