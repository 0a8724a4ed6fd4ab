#!/usr/bin/env node
// npm run build (also run by `npm ci` through `prepare`, and by the test suite's global setup before any
// test): bundles the CLI into scripts/src/.build/cli.mjs, the one module the bin runs. It sits two folders
// under scripts/ like the sources, so their import.meta.url-relative paths (schemas, policies) still hold.
// Dependencies stay in node_modules and load as Node loads them, except the few in BUNDLED: ESM packages
// that import their own JSON without an import attribute, which Node's loader refuses
// (ERR_IMPORT_ASSERTION_TYPE_MISSING) but esbuild inlines.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildIsCurrent, writeBuildManifest } from './buildManifest.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outdir = `${root}scripts/src/.build`;
export const CLI_BUNDLE = `${outdir}/cli.mjs`;
const BUNDLED = ['@actions/workflow-parser'];

/** The package a bare specifier names: `@scope/name` or `name`. */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const dependenciesStayExternal = {
  name: 'dependencies-stay-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, args => {
      if (args.path.startsWith('node:') || BUNDLED.includes(packageOf(args.path))) return undefined;
      // Imports made from inside a bundled package resolve from the root node_modules as well.
      return { path: args.path, external: true };
    });
  },
};

/**
 * Writes the bundle (cli.mjs and one chunk per command, loaded when that command runs, all in one folder
 * so relative paths hold in each); throws with esbuild's messages when the sources do not build.
 */
export async function buildCli() {
  const { build } = await import('esbuild');
  // Chunks are content-hashed: clear the previous build's so none lingers.
  rmSync(outdir, { recursive: true, force: true });
  const cli = await build({
    // The thread that reads a big catalog's files while the main thread parses them (load/fileReader.ts).
    entryPoints: { cli: `${root}scripts/src/cli/main.ts`, readerWorker: `${root}scripts/src/load/readerWorker.ts`, apiLintWorker: `${root}scripts/src/pr/apiLintWorker.ts` },
    bundle: true,
    splitting: true,
    chunkNames: '[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [dependenciesStayExternal],
    outdir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
    metafile: true,
  });
  // Build-time data the CLI would otherwise compute at every start (scripts/src/prebuilt/), keyed by the
  // installed package versions so a stale value is never used; written beside the bundle.
  const prebuild = `${outdir}/prebuild.mjs`;
  const pre = await build({ entryPoints: [`${root}scripts/src/prebuilt/buildPrebuilt.ts`], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: prebuild, logLevel: 'warning', metafile: true });
  try {
    (await import(pathToFileURL(prebuild).href)).buildPrebuilt();
  } finally {
    rmSync(prebuild, { force: true });
  }
  // esbuild names its inputs relative to the working folder.
  writeBuildManifest(root, outdir, [cli, pre].flatMap(r => Object.keys(r.metafile.inputs).map(file => resolve(file))));
}

/**
 * `npm run build` and `npm run check`: builds unless the bundle is already what the current sources,
 * installed packages and this script make (buildManifest.js decides by content); `--force` always
 * builds. Returns whether it built.
 */
export async function buildCliIfChanged(force = false) {
  if (!force && buildIsCurrent(root, outdir)) return false;
  await buildCli();
  return true;
}

/**
 * `npm ci` (prepare, `--warm`): one gate run over the repo after the build, so that what the CLI remembers
 * under node_modules/.cache/backstage-gitops (the scaffolder's actions and filter names, the Backstage
 * config schema and the config gate's findings: load/remembered.ts) is there before the first `npm run
 * check`, which would otherwise load the scaffolder and config-loader to compute them (about 1 s). Its
 * verdict and output are not this script's concern: a repo with findings still installs. Returns the
 * gate's exit status (null when it was stopped after `timeoutMs`).
 */
export function warmRemembered(timeoutMs = 120_000) {
  const bin = fileURLToPath(new URL('./backstage-gitops.js', import.meta.url));
  return spawnSync(process.execPath, [bin, 'check', '--root', root, '--format', 'json'], { cwd: root, stdio: 'ignore', timeout: timeoutMs }).status;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildCliIfChanged(process.argv.includes('--force'));
  if (process.argv.includes('--warm')) warmRemembered();
}
