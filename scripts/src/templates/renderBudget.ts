import { lstatSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What one template render may produce: bytes and files in its workspace, and wall-clock time. */
export interface RenderBudget {
  maxBytes: number;
  maxFiles: number;
  maxMilliseconds: number;
}

/**
 * A real repository skeleton is a few hundred files and a few MB; a hostile one (an `each:` over
 * range(0, 400) of a skeleton whose loop writes 350 KB per file) wrote 144 MB in 26 s before this.
 */
export const DEFAULT_RENDER_BUDGET: RenderBudget = { maxBytes: 20 * 1024 * 1024, maxFiles: 2000, maxMilliseconds: 60_000 };

/** Thrown by renderTemplate when a render spends its budget; the message says which limit and how to fix it. */
export class RenderBudgetExceeded extends Error {
  constructor(reason: string) {
    super(`The render was stopped: ${reason}. A template that creates a repository never needs that much; look for an each: loop or a skeleton loop that multiplies output.`);
    this.name = 'RenderBudgetExceeded';
  }
}

/**
 * Watches the render's working folder (workspace and the steps' temporary folders) every `everyMs`.
 * Once the budget is spent it makes every further write fail (each folder is renamed away and a plain
 * file takes its place, which stops writes even for root) and calls `onExceeded` once. `check()` runs
 * the same test on demand and returns the reason, if any; `stop()` ends the watch.
 */
export function watchRenderBudget(folder: string, budget: RenderBudget, onExceeded: (reason: string) => void, everyMs = 200) {
  const started = Date.now();
  let reason: string | undefined;
  const measure = (): string | undefined => {
    if (reason) return reason;
    let bytes = 0;
    let files = 0;
    const walk = (dir: string) => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else {
          files++;
          try {
            bytes += lstatSync(path).size;
          } catch {
            // Deleted while we looked (fs:delete); it no longer counts.
          }
        }
      }
    };
    walk(folder);
    if (bytes > budget.maxBytes) return `it wrote more than ${Math.round(budget.maxBytes / 1024 / 1024)} MB (${Math.round(bytes / 1024 / 1024)} MB so far)`;
    if (files > budget.maxFiles) return `it wrote more than ${budget.maxFiles} files (${files} so far)`;
    if (Date.now() - started > budget.maxMilliseconds) return `it ran longer than ${budget.maxMilliseconds / 1000} s`;
    return undefined;
  };
  const check = () => {
    const found = measure();
    if (found && !reason) {
      reason = found;
      starve(folder);
      onExceeded(found);
    }
    return reason;
  };
  const timer = setInterval(check, everyMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}

function starve(folder: string) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.endsWith('.stopped')) continue;
    const path = join(folder, entry.name);
    try {
      renameSync(path, `${path}.stopped`);
      writeFileSync(path, '');
    } catch {
      // Gone already: nothing more can be written there either.
    }
  }
}
