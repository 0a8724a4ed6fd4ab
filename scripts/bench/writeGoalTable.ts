import { readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:goals -->';
const END = '<!-- /bench:goals -->';

/** Replaces the text between the goal-table markers of `file` (docs/benchmarks.md) with `table` and a date. */
export function writeGoalTable(file: string, table: string, now = new Date()): void {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start === -1 || end < start) throw new Error(`${file} has no ${START} … ${END} section`);
  const stamp = `Measured ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench -- --write\`.`;
  writeFileSync(file, `${text.slice(0, start + START.length)}\n${stamp}\n\n${table}${text.slice(end)}`);
}
