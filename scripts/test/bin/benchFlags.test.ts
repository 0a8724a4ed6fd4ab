import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

const BENCH = join(REPO_ROOT, 'scripts/bin/bench.js');

// A table measured under a mistyped count would say something it did not measure: refused before any work.
describe('npm run bench refuses counts it cannot measure', () => {
  it.each([
    [['--warmup', '-1'], "bench: Option '--warmup' argument is ambiguous."],
    [['--warmup=-1'], "bench: --warmup takes a whole number of at least 0, not '-1'"],
    [['--runs', '0'], "bench: --runs takes a whole number of at least 1, not '0'"],
    [['--runs', '2.5'], "bench: --runs takes a whole number of at least 1, not '2.5'"],
    [['--runs', 'three'], "bench: --runs takes a whole number of at least 1, not 'three'"],
    [['--rounds', '3'], "bench: Unknown option '--rounds'"],
  ])('%j: one line, exit 2', (args, message) => {
    const child = spawnSync(process.execPath, [BENCH, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, BENCH_DATA: '/nonexistent-bench-data' } });
    expect([child.status, child.stdout, child.stderr]).toEqual([2, '', `${message}\n`]);
  });
});
