import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { posix } from 'node:path';
import { matchableSkeletonGlobs } from './skeletonGlobs.ts';

/**
 * What fetch:template renders of each skeleton file (`relative`, a path inside the skeleton), decided as
 * its handler decides (templateActionHandler in scaffolder-backend 4.2.0): `name`, the path it renders as
 * the output name, always (renderFilename is always on): with templateFileExtension a file whose extension
 * (path.extname) is that one loses it first; `contents`, whether it renders the content: with
 * templateFileExtension only for such a file; otherwise for all but those copyWithoutTemplating matches
 * through the scaffolder's own globby (which expands a matched folder to every file in it).
 */
export function renderingOf(input: Record<string, unknown>, folder: string): (relative: string) => { contents: boolean; name: string } {
  const option = input.templateFileExtension;
  // Backstage reads the option by truthiness: false and '' mean no extension, true means .njk.
  const extension = option === true ? '.njk' : typeof option === 'string' && option !== '' ? (option.startsWith('.') ? option : `.${option}`) : undefined;
  if (extension) {
    return relative => (posix.extname(relative) === extension ? { contents: true, name: relative.slice(0, -extension.length) } : { contents: false, name: relative });
  }
  const verbatim = globMatches(input.copyWithoutTemplating, folder);
  return relative => ({ contents: !verbatim.has(relative), name: relative });
}

/** The skeleton entries a list of glob patterns matches, through the scaffolder's own globby and options. */
export function globMatches(list: unknown, folder: string): Set<string> {
  // A pattern that would expand past the bounds or walk outside the folder is checkTemplate's finding, never a
  // walk; every other pattern goes to globby as written, so the set is what Backstage's globby returns.
  const patterns = matchableSkeletonGlobs(list, { folder });
  if (!patterns.length || !existsSync(folder)) return new Set();
  const globby = createRequire(createRequire(import.meta.url).resolve('@backstage/plugin-scaffolder-backend'))('globby') as { sync(patterns: string[], options: object): string[] };
  return new Set(globby.sync(patterns, { cwd: folder, dot: true, onlyFiles: false, markDirectories: true, followSymbolicLinks: false }));
}
