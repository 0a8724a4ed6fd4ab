import { UsageError } from '../config/usageError.ts';
import { TEMPLATE_TESTS_SECONDS } from '../templates/testTimeLimit.ts';

/** A time limit flag for a run's template test cases: whole seconds from 1 to a day (TEMPLATE_TESTS_SECONDS when not given). */
export function templateTestSeconds(value: string | undefined, flag: string): number {
  if (value === undefined) return TEMPLATE_TESTS_SECONDS;
  const seconds = Number(value);
  if (!(Number.isInteger(seconds) && seconds >= 1 && seconds <= 86_400)) throw new UsageError(`${flag} takes whole seconds from 1 to 86400`);
  return seconds;
}
