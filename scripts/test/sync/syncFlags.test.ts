import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/freePort.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { runBin } from '../helpers/runBin.ts';

// Number('10%') is NaN: as --max-delete-fraction it switched the mass-deletion guard off (no count is
// above NaN: a dry-run planned 33 of 299 removals without refusing), as --wait it never ended. Each is
// refused before anything is sent, naming the flag and what it takes.
describe('sync: numeric flags are checked before anything runs', () => {
  it.each([
    [['--max-delete-fraction', '10%'], "--max-delete-fraction takes a share from 0 to 1, e.g. 0.1 for 10 %, not '10%'"],
    [['--max-delete-fraction', '5'], "--max-delete-fraction takes a share from 0 to 1, e.g. 0.1 for 10 %, not '5'"],
    [['--wait', '5m'], "--wait takes seconds, e.g. 300, not '5m'"],
    [['--wait', ''], "--wait takes seconds, e.g. 300, not ''"],
    [['--format', 'yaml'], "--format takes markdown or json, not 'yaml'"],
  ])('%j', async (flags, message) => {
    const port = await freePort();
    const run = await runBin(['sync', '--url', `http://127.0.0.1:${port}`, '--dry-run', ...flags], REPO_ROOT, { BACKSTAGE_TOKEN: 'token-0123456789' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(`backstage-gitops sync: ${message}`);
  });
});
