#!/usr/bin/env node
// npm run check: `npm run build` (only when the sources or installed packages changed: buildManifest.js),
// then the CLI's `check` with the arguments given, in this one process. Two processes (the build script,
// then the bin) cost a second Node start-up on every run of the command developers run most.
import { fileURLToPath } from 'node:url';
import { buildCliIfChanged, buildFailureLine } from './build.js';
import { enableCompileCache } from './compileCache.js';

try {
  await buildCliIfChanged(false, { logLevel: 'silent' });
} catch (error) {
  // A tool error, as the CLI's own: one line, exit 2, never Node's stack trace.
  process.stderr.write(`backstage-gitops check: ${buildFailureLine(error)}\n`);
  process.exit(2);
}
enableCompileCache();
const { main } = await import(fileURLToPath(new URL('../src/.build/cli.mjs', import.meta.url)));
process.exitCode = await main(['check', ...process.argv.slice(2)]);
