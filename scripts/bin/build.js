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
import { buildIsCurrent, inputHashes, writeBuildManifest } from './buildManifest.js';

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
 * so relative paths hold in each); throws with esbuild's messages when the sources do not build. esbuild
 * prints its own report at `logLevel` ('warning'; `npm run check` passes 'silent' and says it in one line).
 */
export async function buildCli({ logLevel = 'warning' } = {}) {
  const { build } = await import('esbuild');
  // Before esbuild reads anything: a source saved while it runs must not be vouched for as built.
  const before = inputHashes(root, outdir);
  // Chunks are content-hashed: clear the previous build's so none lingers.
  rmSync(outdir, { recursive: true, force: true });
  const cli = await build({
    // The threads: one reads a big catalog's files while the main thread parses them (load/fileReader.ts); the
    // others run Spectral (pr/boundedLint.ts) and secretlint (secrets/secretScanThread.ts) under a time bound.
    entryPoints: { cli: `${root}scripts/src/cli/main.ts`, readerWorker: `${root}scripts/src/load/readerWorker.ts`, apiLintWorker: `${root}scripts/src/pr/apiLintWorker.ts`, secretScanWorker: `${root}scripts/src/secrets/secretScanWorker.ts` },
    bundle: true,
    splitting: true,
    chunkNames: '[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [dependenciesStayExternal],
    outdir,
    outExtension: { '.js': '.mjs' },
    logLevel,
    metafile: true,
  });
  // Build-time data the CLI would otherwise compute at every start (scripts/src/prebuilt/), keyed by the
  // installed package versions so a stale value is never used; written beside the bundle.
  const prebuild = `${outdir}/prebuild.mjs`;
  const pre = await build({ entryPoints: [`${root}scripts/src/prebuilt/buildPrebuilt.ts`], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: prebuild, logLevel, metafile: true });
  try {
    (await import(pathToFileURL(prebuild).href)).buildPrebuilt();
  } finally {
    rmSync(prebuild, { force: true });
  }
  // esbuild names its inputs relative to the working folder.
  writeBuildManifest(root, outdir, [cli, pre].flatMap(r => Object.keys(r.metafile.inputs).map(file => resolve(file))), before);
}

/**
 * `npm run build` and `npm run check`: builds unless the bundle is already what the current sources,
 * installed packages and this script make (buildManifest.js decides by content); `--force` always
 * builds. Returns whether it built; throws as buildCli does.
 */
export async function buildCliIfChanged(force = false, options = {}) {
  if (!force && buildIsCurrent(root, outdir)) return false;
  await buildCli(options);
  return true;
}

// What would act in a terminal or a CI log (control characters, ANSI escapes, Azure's `##vso[` anywhere,
// GitHub's `::` at the start): a PR can change the sources whose messages this line quotes.
const logSafe = text => text
  .replace(/[\u0000-\u001f\u007f-\u009f]/g, ch => (ch === '\n' ? '\\n' : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`))
  .replace(/##(vso)?\[/gi, m => `${m.slice(0, -1)}\u200b[`)
  .replace(/^(\s*)::/, '$1:\u200b:');

/**
 * One line for a build that failed, as the CLI words its tool errors: esbuild's first error with its file,
 * line and column (and how many more), or any other error's first line; escaped for a log and bounded.
 * Takes what buildCli threw and what to say after esbuild's error (where its full report is); returns the
 * line without a trailing newline. Never throws.
 */
export function buildFailureLine(error, after = "Fix them, or run `npm run build` for esbuild's full report.") {
  const errors = Array.isArray(error?.errors) ? error.errors : [];
  if (errors.length) {
    const [first] = errors;
    const at = first.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    return logSafe(`the toolkit's own sources do not build: ${at}${String(first.text).slice(0, 300)}${more}. ${after}`);
  }
  const message = String(error?.message ?? error).split('\n')[0].slice(0, 300);
  return logSafe(`the CLI could not be built: ${message}`);
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
  try {
    await buildCliIfChanged(process.argv.includes('--force'));
  } catch (error) {
    // esbuild has printed its report above; then one line, no stack trace, exit 2 as for any tool error.
    process.stderr.write(`build: ${buildFailureLine(error, "esbuild's report is above.")}\n`);
    process.exit(2);
  }
  if (process.argv.includes('--warm')) warmRemembered();
}
