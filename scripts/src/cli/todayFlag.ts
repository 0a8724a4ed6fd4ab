import { UsageError } from '../config/usageError.ts';
import { logText } from '../report/safeText.ts';

/**
 * The `--today` day as YYYY-MM-DD (today in UTC when not given). Throws a UsageError for anything that is
 * not a calendar day in that form (`banana`, `2026-13-45`, `2026-02-30`): exemption expiry and due dates
 * judged against a day that does not exist would pass or fail silently.
 */
export function todayFlag(value: string | undefined, now: Date = new Date()): string {
  if (value === undefined) return now.toISOString().slice(0, 10);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const day = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!day || day.toISOString().slice(0, 10) !== value) throw new UsageError(`--today takes a calendar day as YYYY-MM-DD, not '${logText(value.slice(0, 40))}'`);
  return value;
}
