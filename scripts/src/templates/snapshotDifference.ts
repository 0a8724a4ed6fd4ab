import { parse } from 'yaml';
import { boundedText } from '../report/safeText.ts';
import { affordableYaml } from '../load/yamlNodeBudget.ts';

// How much of a difference a finding names: enough to find it, never a whole rendered tree in one line.
const MAX_PATHS = 5;
const MAX_PATH = 120;
const MAX_LINE = 80;

/**
 * What differs between a case's golden snapshot and its render, as a sentence for the template-snapshot
 * finding: the rendered files added, removed and changed (at most five of each, then "and N more"), and for
 * a changed text file the first line that differs, as it was and as it is now. Without it a reviewer
 * of a skeleton change learns only that "the rendered tree differs" and has to diff two YAML files by hand.
 * Takes the snapshot's text and the new render's (both a YAML mapping of rendered path to content, binary
 * files as `sha256:…`); returns the sentence, or undefined when the old snapshot is not such a mapping
 * (then only the fact of the difference can be said). Never throws. Paths and lines are cut to a bounded
 * length; escaping stays the formatters' job.
 */
export function snapshotDifference(expected: string, actual: string): string | undefined {
  const before = tree(expected);
  const after = tree(actual);
  if (!before || !after) return undefined;
  const added = Object.keys(after).filter(path => !(path in before));
  const removed = Object.keys(before).filter(path => !(path in after));
  const changed = Object.keys(after).filter(path => path in before && before[path] !== after[path]);
  const parts: string[] = [];
  if (changed.length) parts.push(`${count(changed.length, 'file')} changed (${listed(changed, path => `${boundedText(path, MAX_PATH)}${firstChange(before[path], after[path])}`)})`);
  if (added.length) parts.push(`${count(added.length, 'file')} added (${listed(added, path => boundedText(path, MAX_PATH))})`);
  if (removed.length) parts.push(`${count(removed.length, 'file')} no longer rendered (${listed(removed, path => boundedText(path, MAX_PATH))})`);
  // Equal maps whose texts differ: key order, quoting or a comment someone added to the snapshot by hand.
  return parts.length ? parts.join('; ') : 'the same files and contents, written differently (edited by hand?)';
}

function tree(text: string): Record<string, string> | undefined {
  let value: unknown;
  try {
    affordableYaml(text);
    value = parse(text, { maxAliasCount: 0 });
  } catch {
    return undefined;
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.every(([, content]) => typeof content === 'string') ? Object.fromEntries(entries) as Record<string, string> : undefined;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function listed(paths: string[], show: (path: string) => string): string {
  const shown = paths.slice(0, MAX_PATHS).map(show).join(', ');
  return paths.length > MAX_PATHS ? `${shown} and ${paths.length - MAX_PATHS} more` : shown;
}

/** `: line 9 was "USER node", now "HEALTHCHECK …"` for two texts; nothing for a binary file's digests. */
function firstChange(before: string, after: string): string {
  if (before.startsWith('sha256:') || after.startsWith('sha256:')) return ' (binary)';
  const old = before.split('\n');
  const now = after.split('\n');
  let i = 0;
  while (i < old.length && i < now.length && old[i] === now[i]) i++;
  const quote = (line: string | undefined) => (line === undefined ? 'the end of the file' : JSON.stringify(boundedText(line, MAX_LINE)));
  return `: line ${i + 1} was ${quote(old[i])}, now ${quote(now[i])}${lineCounts(old, now)}`;
}

/** ` (+2 −1 lines)`: lines only the new text has and lines only the old one has, counted as multisets (linear, no diff). */
function lineCounts(old: readonly string[], now: readonly string[]): string {
  const left = new Map<string, number>();
  for (const line of old) left.set(line, (left.get(line) ?? 0) + 1);
  let added = 0;
  for (const line of now) {
    const n = left.get(line) ?? 0;
    if (n > 0) left.set(line, n - 1);
    else added++;
  }
  const removed = [...left.values()].reduce((sum, n) => sum + n, 0);
  return ` (+${added} −${removed} line${added + removed === 1 ? '' : 's'})`;
}
