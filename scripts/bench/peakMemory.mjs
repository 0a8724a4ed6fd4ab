// Loaded with `node --import` in front of the measured command: writes the process's peak memory (max
// RSS, kB) and CPU time (user + system, s) to $BENCH_RSS_FILE on exit, leaving the command unchanged.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const usage = process.resourceUsage();
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify({ maxRssKb: usage.maxRSS, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 }));
});
