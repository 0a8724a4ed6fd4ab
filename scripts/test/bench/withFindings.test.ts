import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCatalog, withFindings } from '../../bench/generateCatalog.ts';
import { runBin } from '../helpers/runBin.ts';

// The bench's findings row is "the same catalog with a finding in 7,000 files" (docs/benchmarks.md): the
// gate must find exactly one finding in each edited file and none elsewhere, or the row times other work.
describe('the bench catalog with findings', () => {
  let dir: string | undefined;
  afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  it('holds one finding in each of `count` files and nothing else: an upper-case tag only where no reference leads', async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-findings-'));
    await generateCatalog(join(dir, 'clean'), 1000, 'single');
    await withFindings(join(dir, 'clean'), join(dir, 'findings'), 700);
    const result = await runBin(['check', '--root', join(dir, 'findings'), '--format', 'json'], dir);
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as { summary: { error: number; warning: number; info: number; files: number }; diagnostics: { ruleId: string; file: string }[] };
    expect(report.summary).toMatchObject({ error: 700, warning: 0, info: 0, files: 700 });
    const rules = new Map<string, number>();
    for (const d of report.diagnostics) rules.set(d.ruleId, (rules.get(d.ruleId) ?? 0) + 1);
    expect(Object.fromEntries(rules)).toEqual({ 'ref-unresolved': 350, 'entity-field-format': 350 });
  }, 120_000);
});
