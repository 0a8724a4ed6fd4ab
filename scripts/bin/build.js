#!/usr/bin/env node
// npm run build (also run by `npm ci` through `prepare`): bundles the CLI into scripts/src/.build/cli.mjs,
// which starts faster than transpiling through tsx. It sits two folders under scripts/ like the sources,
// so their import.meta.url-relative paths still hold. The bin falls back to tsx when it is stale.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Packages stay external (loaded from node_modules), except those Node's ESM loader cannot load as
// published: @actions/workflow-parser imports its JSON schema without an import attribute.
const INLINED = new Set(['@actions/workflow-parser']);
const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const external = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter(name => !INLINED.has(name)).flatMap(name => [name, `${name}/*`]);
await build({
  entryPoints: [`${root}scripts/src/cli/main.ts`],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  outfile: `${root}scripts/src/.build/cli.mjs`,
  logLevel: 'warning',
});

// Build-time data the CLI would otherwise compute at every start (scripts/src/prebuilt/), keyed by the
// installed package versions so a stale value is never used.
const prebuild = `${root}scripts/src/.build/prebuild.mjs`;
await build({ entryPoints: [`${root}scripts/src/prebuilt/buildPrebuilt.ts`], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: prebuild, logLevel: 'warning' });
try {
  (await import(pathToFileURL(prebuild).href)).buildPrebuilt();
} finally {
  rmSync(prebuild, { force: true });
}
