import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** What `leftoverFiles` found: the first paths in sorted order, their total, and whether the walk stopped early. */
export interface Leftovers {
  paths: string[];
  count: number;
  /** The folder held more than `maxEntries` entries: `count` is a lower bound. */
  partial: boolean;
}

/**
 * The files in `folder` (walked without following symbolic links; a link counts as a file; a top-level
 * `.git` left out, as when a clone of the created repository is rendered into to diff it) whose
 * '/'-separated path relative to it is not in `written`: what an earlier render left in a reused
 * `templates render --out` folder, which Backstage's dry-run, starting from an empty workspace, never shows.
 * Takes the folder's absolute path, the paths this render wrote, how many paths to return and how many
 * entries to visit at most; returns them sorted (`paths` holds at most `show`). Never throws: an unreadable
 * folder counts as empty.
 */
export function leftoverFiles(folder: string, written: ReadonlySet<string>, show = 10, maxEntries = 20_000): Leftovers {
  const found: string[] = [];
  let visited = 0;
  let partial = false;
  const walk = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(rel ? join(folder, rel) : folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (++visited > maxEntries) {
        partial = true;
        return;
      }
      // A clone of the created repository rendered into, to diff the output: its .git is no render's.
      if (!rel && entry.name === '.git') continue;
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else if (!written.has(path)) found.push(path);
      if (partial) return;
    }
  };
  walk('');
  found.sort();
  return { paths: found.slice(0, show), count: found.length, partial };
}
