import { describe, expect, it } from 'vitest';
import { todayFlag } from '../../src/cli/todayFlag.ts';
import { runBin } from '../helpers/runBin.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

describe('--today takes a calendar day', () => {
  it.each(['banana', '2026-13-45', '2026-02-30', '2026-2-3', '26-02-03', '2026-02-03T00:00', ''])('refuses %j', value => {
    expect(() => todayFlag(value)).toThrow(/--today takes a calendar day as YYYY-MM-DD/);
  });

  it('keeps a real day, and gives today in UTC when none is given', () => {
    expect(todayFlag('2024-02-29')).toBe('2024-02-29');
    expect(todayFlag(undefined, new Date('2026-12-01T23:30:00Z'))).toBe('2026-12-01');
  });

  // A fresh user's `check --today banana` ran and judged exemptions as of no day (exit 0 or 1).
  it.each([['check'], ['scorecards'], ['report', '--base', 'HEAD']])('%s --today 2026-13-45: one line, exit 2, through the bin', async (...command) => {
    const run = await runBin([...command, '--today', '2026-13-45'], REPO_ROOT);
    expect(run.stderr).toMatch(/^[^\n]*--today takes a calendar day as YYYY-MM-DD, not '2026-13-45'\n$/);
    expect(run.status).toBe(2);
  }, 60_000);
});
