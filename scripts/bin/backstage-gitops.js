#!/usr/bin/env node
// The CLI users run: always the bundle that `npm ci` (prepare) or `npm run build` wrote, never a choice by
// file dates. The test suite rebuilds it before any test, so what the tests run is what ships.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { enableCompileCache } from './compileCache.js';

const bundle = fileURLToPath(new URL('../src/.build/cli.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('backstage-gitops: the CLI is not built (scripts/src/.build/cli.mjs is missing). Run `npm run build` (npm ci runs it) and try again.\n');
  process.exit(2);
}
enableCompileCache();
const { main } = await import(bundle);
process.exitCode = await main(process.argv.slice(2));
