#!/usr/bin/env node
// The toolkit is TypeScript run through tsx, so the bin works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { run, processIo } = await import('../src/cli/main.ts');
process.exitCode = await run(process.argv.slice(2), processIo());
