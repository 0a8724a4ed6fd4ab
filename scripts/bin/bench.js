#!/usr/bin/env node
// npm run bench [-- --runs 3 --warmup 1 --write | --sizes 1000,10000 | --sync 1000,10000 | --templates]: synthetic
// catalogs in $BENCH_DATA (default: backstage-gitops-bench in the system's temporary folder); the speed goals (default; --write puts the table into docs/benchmarks.md),
// the gate and scorecards by size, a sync into a local Backstage, or template renders.
import { register } from 'tsx/esm/api';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

register();
const options = { sizes: { type: 'string' }, runs: { type: 'string', default: '3' }, warmup: { type: 'string', default: '1' }, sync: { type: 'string' }, templates: { type: 'boolean' }, write: { type: 'boolean' } };
let values;
try {
  ({ values } = parseArgs({ options }));
} catch (error) {
  process.stderr.write(`bench: ${error.message.split('\n')[0]}\n`);
  process.exit(2);
}
// A median needs at least one round, and a warm-up count is a whole number: anything else is a typo, and a
// table measured under it would say something it did not measure.
const count = (name, min) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`bench: --${name} takes a whole number of at least ${min}, not '${String(values[name]).slice(0, 40)}'\n`);
    process.exit(2);
  }
  return n;
};
const runs = count('runs', 1);
const warmup = count('warmup', 0);
const repo = fileURLToPath(new URL('../../', import.meta.url));
// Outside the repo: 140,000 generated files inside it would be part of the repo every gate walks (the
// `npm run check` row would time this repo with the bench's own data in it).
const dataDir = process.env.BENCH_DATA || join(tmpdir(), 'backstage-gitops-bench');
if (values.templates) {
  // npm run bench -- --templates: each template case offline and through a local Backstage's dry-run.
  const { runTemplatesBench } = await import('../bench/templatesBench.ts');
  process.stdout.write(await runTemplatesBench(repo, runs));
} else if (values.sync) {
  // npm run bench -- --sync 1000,10000: sync into a local Backstage instead of timing the gate.
  const { runSyncBench } = await import('../bench/syncBench.ts');
  process.stdout.write(await runSyncBench(values.sync.split(',').map(Number), dataDir, line => process.stderr.write(`${line}\n`)));
} else if (values.sizes) {
  // npm run bench -- --sizes 1000,10000,100000: check and scorecards by catalog size and layout.
  await (await import('./build.js')).buildCli();
  const { runBench } = await import('../bench/runBench.ts');
  process.stdout.write(await runBench(values.sizes.split(',').map(Number), runs, dataDir));
} else {
  // npm run bench [-- --write]: the speed goals, each row against its goal, the bare catalog-model loop
  // measured in the same run. Times what `npm ci` leaves behind: the bin runs the prebuilt bundle.
  await (await import('./build.js')).buildCli();
  const { runGoalBench } = await import('../bench/goalBench.ts');
  const table = await runGoalBench(runs, dataDir, line => process.stderr.write(`${line}\n`), warmup);
  process.stdout.write(table);
  if (values.write) {
    const { writeGoalTable } = await import('../bench/writeGoalTable.ts');
    writeGoalTable(join(repo, 'docs/benchmarks.md'), table);
  }
}
