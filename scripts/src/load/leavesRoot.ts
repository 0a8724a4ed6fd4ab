import { isAbsolute, sep } from 'node:path';

/**
 * Whether `relativePath` (path.relative's or posix.relative's answer, either separator) leads out of the folder
 * it is relative to: `..` as a whole first segment, or an absolute path. A name that only starts with two dots
 * (`..skel`, `..env`) is inside: testing `startsWith('..')` took such a folder for one outside the repository,
 * and its skeleton files were never judged (red team). Takes any string; never throws.
 */
export function leavesRoot(relativePath: string): boolean {
  return relativePath === '..' || relativePath.startsWith('../') || relativePath.startsWith(`..${sep}`) || isAbsolute(relativePath);
}
