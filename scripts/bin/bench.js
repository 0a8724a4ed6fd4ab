#!/usr/bin/env node
// npm run bench [-- --sizes 1000,10000 --runs 3]: generates synthetic catalogs under bench-data/ and times the gate.
import { register } from 'tsx/esm/api';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

register();
const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,10000,100000' }, runs: { type: 'string', default: '3' } } });
const { runBench } = await import('../src/bench/runBench.ts');
const dataDir = join(fileURLToPath(new URL('../../', import.meta.url)), 'bench-data');
process.stdout.write(await runBench(values.sizes.split(',').map(Number), Number(values.runs), dataDir));
