import type { CheckResult } from './evaluateChecks.ts';

/**
 * The maturity plugin's rank over returned results: start at the highest rank present, and every
 * failing check of rank r at or below the current rank lowers it to r - 1. Not-applicable results
 * are not "returned" and do not count.
 */
export function maturityRank(results: readonly CheckResult[], rankOf: (checkId: string) => number): number {
  const returned = results.filter(r => r.outcome !== 'not-applicable');
  let rank = Math.max(0, ...returned.map(r => rankOf(r.checkId)));
  for (const result of returned) {
    const r = rankOf(result.checkId);
    if (result.outcome === 'fail' && r <= rank) rank = r - 1;
  }
  return Math.max(0, rank);
}

export function score(results: readonly CheckResult[]): { passed: number; applicable: number } {
  const returned = results.filter(r => r.outcome !== 'not-applicable');
  return { passed: returned.filter(r => r.outcome === 'pass').length, applicable: returned.length };
}
