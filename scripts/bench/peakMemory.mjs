// Loaded with `node --import` in front of the measured command: writes the process's peak memory (max
// RSS, kB) to $BENCH_RSS_FILE on exit, leaving the command itself unchanged.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
