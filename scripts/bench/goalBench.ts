import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FINDINGS_MARK, generateCatalog, withFindings } from './generateCatalog.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'scripts/bin/backstage-gitops.js');
const PEAK = join(REPO, 'scripts/bench/peakMemory.mjs');
// npm's own CLI script, as `npm run bench` names it to its children; run with this Node.
const NPM_CLI = process.env.npm_execpath ?? join(dirname(process.execPath), '../lib/node_modules/npm/bin/npm-cli.js');
const NPM_RUN_CHECK = [NPM_CLI, 'run', '-s', 'check'];

interface Row {
  work: string;
  args: string[];
  cwd: string;
  /** Exit codes that mean the command ran (anything else fails the bench). */
  codes: number[];
  goal?: (seconds: number, mb: number, wall: Map<string, number>, cpu: Map<string, number>) => [string, boolean];
  seconds: number[];
  /** User plus system CPU time of each run: what the command costs, whatever the machine's load. */
  cpu: number[];
  mb: number;
  /** Runs before each measurement, outside the timing (puts back the cache a run starts from). */
  before?: () => void;
  /** Run through npm (`args` start with npm's CLI script): every Node process it starts is measured. */
  npm?: boolean;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * The issue's goal table, measured in one run: every command a whole fresh process (through the bin
 * as `npm ci` leaves it, or the bare catalog-model loop), each run once per round and the rounds
 * interleaved, so a shared machine's load falls on all rows alike; medians of `runs` rounds after
 * `warmup` untimed ones (hyperfine's --warmup). Returns the Markdown table.
 */
export async function runGoalBench(runs: number, dataDir: string, log: (line: string) => void, warmup = 1): Promise<string> {
  const clean = join(dataDir, '10000-single');
  const findings = join(dataDir, '10000-findings-7000');
  const big = join(dataDir, '100000-single');
  if (!existsSync(join(clean, 'gitops.config.yaml'))) await generateCatalog(clean, 10_000, 'single');
  if (!existsSync(join(findings, FINDINGS_MARK))) await withFindings(clean, findings, 7000);
  if (!existsSync(join(big, 'gitops.config.yaml'))) await generateCatalog(big, 100_000, 'single');
  // The clean catalog with the first 1 or 100 entity files edited: a pull request's second run.
  const changed = (n: number) => join(dataDir, `10000-changed-${n}`);
  for (const n of [1, 100]) if (!existsSync(join(changed(n), 'gitops.config.yaml'))) editedCopy(clean, changed(n), n);
  // A git repository of the clean catalog with a pull request that edits 100 entity files: what CI runs `report --base` on.
  const pullRequest = join(dataDir, '10000-pull-request-100');
  if (!existsSync(join(pullRequest, '.git', 'bench-ready'))) pullRequestRepo(clean, pullRequest, 100);
  const cacheFile = join(dataDir, 'cache-10000.json');
  rmSync(cacheFile, { force: true });
  const check = (root: string, ...extra: string[]) => [BIN, 'check', '--root', root, '--format', 'json', ...extra];

  const rows: Row[] = [
    { work: 'bare catalog-model loop, 10k entities (reference)', args: [join(REPO, 'scripts/bench/bareLoop.cjs'), join(clean, 'catalog')], cwd: REPO, codes: [0], seconds: [], cpu: [], mb: 0 },
    // What no gate that parses every file can go below: read and parse (js-yaml, no scalar typing), nothing else.
    ...[1, 2].map((threads): Row => ({ work: `floor: read and parse the same files with js-yaml, nothing else, ${threads === 1 ? 'one thread' : 'split over two threads'} (reference)`, args: [join(REPO, 'scripts/bench/parseFloor.cjs'), join(clean, 'catalog'), String(threads)], cwd: REPO, codes: [0], seconds: [], cpu: [], mb: 0 })),
    { work: '`check`, 10k entities one per file, clean', args: check(clean), cwd: REPO, codes: [0], seconds: [], cpu: [], mb: 0,
      goal: (s, _mb, r, c) => [`< 1.0 s and ≤ 0.25× bare (wall ${(s / r.get('bare')!).toFixed(2)}×, CPU ${(c.get('clean')! / c.get('bare')!).toFixed(2)}×; reading and parsing alone: ${(Math.min(r.get('floor1')!, r.get('floor2')!) / r.get('bare')!).toFixed(2)}×)`, s < 1 && s / r.get('bare')! <= 0.25] },
    { work: '`check`, the same with a finding in 7,000 files', args: check(findings), cwd: REPO, codes: [1], seconds: [], cpu: [], mb: 0,
      goal: (s, _mb, r, c) => [`≤ 1.3× clean (wall ${(s / r.get('clean')!).toFixed(2)}×, CPU ${(c.get('findings')! / c.get('clean')!).toFixed(2)}×)`, s / r.get('clean')! <= 1.3] },
    { work: '`check --cache`, 10k, second run, nothing changed', args: check(clean, '--cache', cacheFile), cwd: REPO, codes: [0], seconds: [], cpu: [], mb: 0,
      goal: s => ['< 0.3 s', s < 0.3] },
    ...[1, 100].map((n): Row => ({
      work: `\`check --cache\`, 10k, ${n} of the files changed since the cached run`, args: check(changed(n), '--cache', join(dataDir, `cache-changed-${n}.json`)), cwd: REPO, codes: [0], seconds: [], cpu: [], mb: 0,
      before: () => copyFileSync(cacheFile, join(dataDir, `cache-changed-${n}.json`)),
      goal: (s, _mb, r, c) => changedGoal(n, s, r, c),
    })),
    { work: '`check`, 100k entities one per file', args: check(big), cwd: REPO, codes: [0], seconds: [], cpu: [], mb: 0,
      goal: (s, mb) => ['< 6 s, < 1 GB peak', s < 6 && mb < 1024] },
    // Not a goal of the issue: what every pull request's CI job runs (the gate against the base, and the report).
    { work: '`report --base`, 10k entities, a pull request editing 100 of the files (reference)', args: [BIN, 'report', '--root', pullRequest, '--base', 'main', '--format', 'json'], cwd: REPO, codes: [0], seconds: [], cpu: [], mb: 0 },
    // npm itself, the build script's up-to-date check and the gate: what a developer waits for.
    { work: '`npm run check` on this repo', args: NPM_RUN_CHECK, npm: true, cwd: REPO, codes: [0], seconds: [], cpu: [], mb: 0, goal: s => ['< 1.0 s', s < 1] },
    { work: "`templates test`, this repo's cases", args: [BIN, 'templates', 'test'], cwd: REPO, codes: [0], seconds: [], cpu: [], mb: 0, goal: s => ['< 2 s', s < 2] },
  ];
  const ids = ['bare', 'floor1', 'floor2', 'clean', 'findings', 'cached', 'changed1', 'changed100', 'big', 'report', 'repo', 'templates'];
  const work = mkdtempSync(join(tmpdir(), 'gitops-bench-'));
  const load = [loadavg()[0]];
  try {
    // The cached rows measure a second run: the first one writes the cache (of the clean catalog, which
    // the changed rows start from).
    const cached = rows[ids.indexOf('cached')];
    measure(cached, work);
    cached.seconds = [];
    cached.cpu = [];
    // Untimed rounds first, as hyperfine's --warmup: the generated files are read into the page cache, as a CI
    // job's checkout has just written them (this machine's kernel evicts cold pages, and a first round read
    // the catalogs from disk: 1.3-1.9x the next rounds on the findings and changed rows).
    for (let round = 0; round < warmup; round++) {
      for (const [i, row] of rows.entries()) {
        measure(row, work);
        log(`warm-up ${round + 1}, ${ids[i]}: ${row.seconds[row.seconds.length - 1].toFixed(2)} s (not counted)`);
      }
    }
    for (const row of rows) Object.assign(row, { seconds: [], cpu: [], mb: 0 });
    for (let round = 0; round < runs; round++) {
      for (const [i, row] of rows.entries()) {
        measure(row, work);
        log(`round ${round + 1}, ${ids[i]}: ${row.seconds[row.seconds.length - 1].toFixed(2)} s`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  load.push(loadavg()[0]);
  const medians = new Map(rows.map((row, i) => [ids[i], median(row.seconds)]));
  const cpuMedians = new Map(rows.map((row, i) => [ids[i], median(row.cpu)]));
  const lines = rows.map((row, i) => {
    const s = medians.get(ids[i])!;
    const [goal, met] = row.goal ? row.goal(s, row.mb, medians, cpuMedians) : ['—', true];
    return `| ${row.work} | ${s.toFixed(2)} s | ${row.seconds.map(x => x.toFixed(2)).join(', ')} | ${cpuMedians.get(ids[i])!.toFixed(2)} s | ${row.mb.toFixed(0)} MB | ${goal} | ${row.goal ? (met ? 'met' : 'not met') : ''} |`;
  });
  return [
    `${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}; load average ${load.map(l => l.toFixed(1)).join(' → ')} during the run; median of ${runs} interleaved rounds${warmup ? ` after ${warmup} untimed warm-up round${warmup > 1 ? 's' : ''}` : ''}, each command a fresh process. Goals are judged on wall time; CPU is user + system time of the process.`,
    '',
    '| Work | Wall (median) | Runs (s) | CPU (median) | Peak RSS | Goal | |',
    '|---|---:|---|---:|---:|---|---|',
    ...lines,
    '',
  ].join('\n');
}

/**
 * The goal of a `--cache` row with `n` files changed (1 or 100), from the medians by row id (wall `r`,
 * CPU `c`, seconds): "proportional to changed files" as two bounds. One changed file costs at most half a
 * cold run (what is not per-file, the walk that finds the change and the checks across entities over
 * cached entities, must stay well under the cold run's per-file work); each file beyond the first costs at
 * most three times its share of a cold clean run (cold wall / 10,000), plus 0.05 s for noise over the 99.
 * Returns the goal text with the measured figures, and whether it is met.
 */
function changedGoal(n: number, s: number, r: ReadonlyMap<string, number>, c: ReadonlyMap<string, number>): [string, boolean] {
  const cold = r.get('clean')!;
  const cpu = `CPU ${(c.get(`changed${n}`)! / c.get('clean')!).toFixed(2)}× a cold run`;
  if (n === 1) return [`≤ 0.5× a cold clean run (wall ${(s / cold).toFixed(2)}×, ${cpu})`, s <= 0.5 * cold];
  const extra = s - r.get('changed1')!;
  const allowed = (n - 1) * (cold / 10_000) * 3 + 0.05;
  return [`${n} − 1 changed ≤ ${n - 1} × 3 × (cold / 10,000) + 0.05 s = ${allowed.toFixed(2)} s (wall ${extra.toFixed(2)} s more than 1 changed, ${cpu})`, extra <= allowed];
}

function measure(row: Row, work: string): void {
  const rssFile = join(work, 'rss');
  rmSync(rssFile, { force: true });
  row.before?.();
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_RSS_FILE: rssFile };
  // Through npm every Node process (npm, the build script, the bin) loads the recorder; figures add up.
  const args = row.npm ? row.args : ['--import', PEAK, ...row.args];
  if (row.npm) env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(PEAK).href}`.trim();
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { cwd: row.cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (!row.codes.includes(child.status ?? -1)) throw new Error(`${row.work} exited ${child.status}: ${child.stderr.slice(-2000)}`);
  row.seconds.push(seconds);
  const usages = readFileSync(rssFile, 'utf8').trim().split('\n').map(line => JSON.parse(line) as { maxRssKb: number; cpuSeconds: number });
  row.mb = Math.max(row.mb, ...usages.map(u => u.maxRssKb / 1024));
  row.cpu.push(usages.reduce((sum, u) => sum + u.cpuSeconds, 0));
}

/** A copy of the catalog at `from` with the first `count` entity files' descriptions edited. */
function editedCopy(from: string, to: string, count: number): void {
  cpSync(from, to, { recursive: true, dereference: true });
  editEntities(to, count);
}

function editEntities(root: string, count: number): void {
  const folder = join(root, 'catalog/entities');
  for (const name of readdirSync(folder).sort().slice(0, count)) {
    const file = join(folder, name);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/(description: [^\n]*)/, '$1 Edited in a pull request.'));
  }
}

/** `from` committed on `main` in a new git repository at `to`, and a branch `pull-request` editing `count` entity files, checked out. */
function pullRequestRepo(from: string, to: string, count: number): void {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true, dereference: true });
  const git = (...args: string[]) => {
    const run = spawnSync('git', ['-C', to, '-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', ...args], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`git ${args.join(' ')}: ${run.stderr}`);
  };
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'base');
  git('checkout', '-qb', 'pull-request');
  editEntities(to, count);
  git('commit', '-qam', 'pull request');
  writeFileSync(join(to, '.git', 'bench-ready'), '');
}
