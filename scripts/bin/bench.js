#!/usr/bin/env node
// npm run bench [-- --sizes 1000,10000 --runs 3 | --sync 1000,10000 | --templates]: synthetic catalogs under
// bench-data/; times the gate and scorecards, a sync into a local Backstage, or template renders.
import { register } from 'tsx/esm/api';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

register();
const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,10000,100000' }, runs: { type: 'string', default: '3' }, sync: { type: 'string' }, templates: { type: 'boolean' } } });
const dataDir = join(fileURLToPath(new URL('../../', import.meta.url)), 'bench-data');
if (values.templates) {
  // npm run bench -- --templates: each template case offline and through a local Backstage's dry-run.
  const { runTemplatesBench } = await import('../bench/templatesBench.ts');
  process.stdout.write(await runTemplatesBench(join(dataDir, '..'), Number(values.runs)));
} else if (values.sync) {
  // npm run bench -- --sync 1000,10000: sync into a local Backstage instead of timing the gate.
  const { runSyncBench } = await import('../bench/syncBench.ts');
  process.stdout.write(await runSyncBench(values.sync.split(',').map(Number), dataDir, line => process.stderr.write(`${line}\n`)));
} else {
  // Time what `npm ci` leaves behind: the bin runs the prebuilt bundle, so build it from the current sources.
  await (await import('./build.js')).buildCli();
  const { runBench } = await import('../bench/runBench.ts');
  process.stdout.write(await runBench(values.sizes.split(',').map(Number), Number(values.runs), dataDir));
}
