import { UsageError } from './config/usageError.ts';

/** The i-th of n shares of `items` (`--shard i/n`), for splitting work across CI matrix jobs. */
export function shard<T>(items: readonly T[], spec: string | undefined): T[] {
  if (!spec) return [...items];
  const match = /^(\d+)\/(\d+)$/.exec(spec);
  if (!match || Number(match[1]) < 1 || Number(match[1]) > Number(match[2])) throw new UsageError(`--shard takes i/n with 1 <= i <= n, not '${spec}'`);
  const [i, n] = [Number(match[1]), Number(match[2])];
  return items.filter((_, index) => index % n === i - 1);
}
