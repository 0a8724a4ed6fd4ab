/** What one `import` may spend reading Backstage and the source files, in all. */
export interface ImportBudget {
  /** Date.now() after which nothing more is read. */
  readonly deadline: number;
  readonly minutes: number;
  /** Bytes of catalog pages and source files still allowed. */
  bytesLeft: number;
  readonly totalBytes: number;
}

// One page of by-query is at most 500 entities: tens of KiB each at the very most.
export const MAX_PAGE_BYTES = 64 * 1024 * 1024;
// Every page and every source file together: a catalog of 100,000 entities with their sources fits.
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;
export const DEFAULT_IMPORT_MINUTES = 15;

/** The one-line reason an import stopped at its budget. */
export class BudgetExceeded extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BudgetExceeded';
  }
}

/** A fresh budget of `minutes` from now and `totalBytes`. */
export function importBudget(minutes = DEFAULT_IMPORT_MINUTES, totalBytes = MAX_IMPORT_BYTES, now = Date.now()): ImportBudget {
  return { deadline: now + minutes * 60_000, minutes, bytesLeft: totalBytes, totalBytes };
}

/** The error for a budget whose time is up. */
export function outOfTime(budget: ImportBudget): BudgetExceeded {
  return new BudgetExceeded(`reading Backstage and the entities' source files took longer than ${budget.minutes} minute${budget.minutes === 1 ? '' : 's'} in all (--timeout-minutes); nothing was written`);
}

/** The error for a budget whose bytes are spent. */
export function outOfBytes(budget: ImportBudget): BudgetExceeded {
  return new BudgetExceeded(`the catalog's pages and the entities' source files passed ${Math.round(budget.totalBytes / 1024 / 1024)} MiB in all; nothing was written. Import part of the catalog at a time (--kind, --owner, --location)`);
}

/**
 * `fetcher` held to the budget's deadline: a call after it fails with BudgetExceeded at once, and a call
 * (its body included: fetch's signal covers the stream) still running at it is aborted. Never retried past
 * it: `sleep` for a RetryPolicy refuses a wait that ends after the deadline.
 */
export function budgetedFetch(fetcher: typeof fetch, budget: ImportBudget): typeof fetch {
  return (input, init) => {
    const left = budget.deadline - Date.now();
    if (left <= 0) return Promise.reject(outOfTime(budget));
    const signals = [AbortSignal.timeout(left), ...(init?.signal ? [init.signal] : [])];
    return fetcher(input, { ...init, signal: AbortSignal.any(signals) });
  };
}

/** A RetryPolicy's sleep that refuses to wait past the budget's deadline (the retry would only be aborted). */
export function budgetedSleep(budget: ImportBudget, sleep: (ms: number) => Promise<void>): (ms: number) => Promise<void> {
  return ms => (Date.now() + ms >= budget.deadline ? Promise.reject(outOfTime(budget)) : sleep(ms));
}

/** Whether the budget's time is up. */
export function expired(budget: ImportBudget): boolean {
  return Date.now() >= budget.deadline;
}
