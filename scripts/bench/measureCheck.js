// Runs one catalog check in this process and reports its peak memory, for the benchmark.
// The bundle the bin runs (bench.js builds it first).
const { run, processIo } = await import('../src/.build/cli.mjs');
const io = { ...processIo(), stdout: { write() {}, isTTY: false }, writeFile: async () => {} };
const code = await run(['check', '--root', process.argv[2], '--format', 'json'], io);
process.stderr.write(`${JSON.stringify({ code, maxRssKb: process.resourceUsage().maxRSS })}\n`);
