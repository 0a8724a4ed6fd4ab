// Loaded with `node --import` in front of the measured command (or through NODE_OPTIONS, so that every
// Node process of `npm run ...` loads it): appends the process's peak memory (max RSS, kB) and CPU time
// (user + system, s) as one JSON line to $BENCH_RSS_FILE on exit, leaving the command unchanged.
import { appendFileSync } from 'node:fs';

process.on('exit', () => {
  const usage = process.resourceUsage();
  if (process.env.BENCH_RSS_FILE) appendFileSync(process.env.BENCH_RSS_FILE, `${JSON.stringify({ maxRssKb: usage.maxRSS, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 })}\n`);
});
