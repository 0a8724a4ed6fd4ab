import { FILE_START, type Diagnostic } from '../diagnostic.ts';

/**
 * What the template test cases of one run may take together, in seconds. One render may run 60 s
 * (renderBudget), and a case of a real template renders in well under a second; without a total, a pull
 * request adding many cases of a skeleton that loops just under Nunjitsu's work limit (40 such files: 17 s a
 * case, and it passes) held the gate until its step timed out, which shows no report at all. Ten minutes
 * leaves the rest of the gate's 20 (the check action's timeout-minutes) for everything else.
 */
export const TEMPLATE_TESTS_SECONDS = 600;

/**
 * The clock of one run's template test cases: `spent()` once `seconds` have passed since it was made,
 * `took(caseFile, ms)` records what a case cost, `notRun(caseFile)` is the finding of a case left unrendered
 * because the time was spent, naming the cases that took longest. Reads the clock only.
 */
export function testTimeLimit(seconds = TEMPLATE_TESTS_SECONDS, now: () => number = Date.now) {
  const started = now();
  const costs: { caseFile: string; ms: number }[] = [];
  return {
    spent: () => now() - started >= seconds * 1000,
    took: (caseFile: string, ms: number) => void costs.push({ caseFile, ms }),
    notRun(caseFile: string): Diagnostic {
      const slowest = [...costs].sort((a, b) => b.ms - a.ms).slice(0, 3).map(c => `${c.caseFile} (${Math.round(c.ms / 1000)} s)`);
      return {
        ruleId: 'template-render-budget',
        severity: 'error',
        message: `This case was not rendered: the template test cases before it took the ${describe(seconds)} one run may spend on them${slowest.length ? `; the slowest: ${slowest.join(', ')}` : ''}. A case of a real template renders in well under a second.`,
        hint: 'Find what makes those cases slow (an each: loop, a skeleton loop that runs close to the work limit in many files) and remove it. Very many cases can be spread over CI jobs with `templates test --shard i/n`.',
        file: caseFile,
        range: FILE_START,
      };
    },
  };
}

export type TestTimeLimit = ReturnType<typeof testTimeLimit>;

function describe(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} minute${seconds === 60 ? '' : 's'}` : `${seconds} s`;
}

