import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintSecrets } from '../../src/secrets/lintSecrets.ts';

// A fresh user's `check <paths>` over a template repository with a vendored Go tree (2,854 files) ran out of the
// secret scan's 60 s, 44 s of it in secretlint's profiler: it keeps every perf_hooks mark and searches all of
// them at each new one, so one thread's scan grew with the square of the texts it linted. Now 9 s.
describe("secretlint's profiler is off in the secret scan", () => {
  it('linting texts leaves no perf_hooks mark and nothing in the profiler core marks on, and still finds a credential', async () => {
    const token = ['ghp', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'].join('_');
    for (let i = 0; i < 20; i++) await lintSecrets('/file.txt', `line ${i}\n`);
    const found = await lintSecrets('/file.txt', `token: ${token}\n`);
    expect(found.map(d => d.ruleId)).toEqual(['secret-written']);
    // Let the profiler's PerformanceObserver run, were it still fed.
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(performance.getEntriesByType('mark').filter(m => m.name.includes('::') || m.name.includes('||'))).toEqual([]);
    const fromCore = createRequire(createRequire(import.meta.url).resolve('@secretlint/core'));
    const { secretLintProfiler } = (await import(pathToFileURL(fromCore.resolve('@secretlint/profiler')).href)) as { secretLintProfiler: { entries: unknown[] } };
    expect(secretLintProfiler.entries).toEqual([]);
  }, 60_000);
});
