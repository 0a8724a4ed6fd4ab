import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { PlannedFile } from './planInit.ts';
import { UsageError } from '../config/usageError.ts';
import { logText } from '../report/safeText.ts';
import { linkedFolder } from '../cli/writeTarget.ts';

export interface WriteOutcome {
  written: string[];
  unchanged: string[];
  /** Files that exist with other content and may not be replaced: nothing at all was written. */
  refused: string[];
}

/**
 * Writes `files` under `root`, all or nothing: a file whose current content differs is replaced
 * only when `mayReplace(path, current)` allows it (or `force`); otherwise nothing is written and the
 * refused paths are returned. Identical files are left alone (re-runs are no-ops). Never follows a
 * symlink: a file that is one is refused, and a folder on the way that is one is a UsageError (one line,
 * exit 2) before anything is written, with or without `force`.
 */
export async function writePlannedFiles(root: string, files: readonly PlannedFile[], force: boolean, mayReplace: (path: string, current: string) => boolean): Promise<WriteOutcome> {
  const outcome: WriteOutcome = { written: [], unchanged: [], refused: [] };
  const changes: PlannedFile[] = [];
  for (const file of files) {
    const path = resolve(root, file.path);
    if (!path.startsWith(resolve(root) + sep)) throw new Error(`refusing to write outside ${root}: ${file.path}`);
    const link = linkedFolder(root, file.path);
    if (link !== undefined) throw new UsageError(`refusing to write ${logText(file.path)}: ${logText(link)} is a symbolic link, and nothing is written through one (it could lead out of the repository). Replace the link with a folder, then run again.`);
    if (!existsSync(path)) {
      changes.push(file);
      continue;
    }
    if (lstatSync(path).isSymbolicLink()) {
      outcome.refused.push(file.path);
      continue;
    }
    const current = readFileSync(path, 'utf8');
    if (current === file.text) outcome.unchanged.push(file.path);
    else if (force || mayReplace(file.path, current)) changes.push(file);
    else outcome.refused.push(file.path);
  }
  if (outcome.refused.length) return outcome;
  for (const file of changes) {
    await mkdir(dirname(join(root, file.path)), { recursive: true });
    await writeFile(join(root, file.path), file.text, 'utf8');
    outcome.written.push(file.path);
  }
  return outcome;
}
