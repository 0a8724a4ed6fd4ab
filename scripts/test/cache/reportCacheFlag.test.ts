import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';

// The README's --cache paragraph says `report` honours the cache; a developer who ran `check --cache` then
// `report --base main --cache …` got "Unknown option '--cache'" (only $BACKSTAGE_GITOPS_CACHE worked).
describe('report --cache FILE', () => {
  it('is the gate\'s cache, as check --cache: written on the first run, used on the next, same report', async () => {
    const repo = await dataRepoCopy();
    const dir = mkdtempSync(join(tmpdir(), 'report-cache-'));
    const cache = join(dir, 'check.json');
    try {
      const first = await runBin(['report', '--base', 'HEAD', '--cache', cache, '--today', '2026-11-23'], repo);
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      expect(existsSync(cache)).toBe(true);
      const second = await runBin(['report', '--base', 'HEAD', '--cache', cache, '--today', '2026-11-23'], repo);
      expect(second).toEqual(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(repo, { recursive: true, force: true });
    }
  }, 120_000);
});
