import { posix } from 'node:path';
import { OutsideRepositoryError, realRepoPath } from '../load/repoPath.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { trimTrailingSlashes } from '../load/trailingSlashes.ts';

/** One path-valued setting of gitops.config.yaml: where it is and what it says. */
interface ConfigPath {
  path: PathSegment[];
  value: string;
  /** Globs are checked as text only: they name no single file to resolve. */
  glob?: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every path-valued key of a (schema-valid) gitops.config.yaml: codeowners.file, editorSchema.file,
 * baseline, backstageConfig.files[], catalog.roots[], catalog.include[] (globs), catalog.policies,
 * catalog.appConfig and apiChanges.ruleset. The config comes with pull requests, so each is PR input.
 */
function configPaths(raw: Record<string, unknown>): ConfigPath[] {
  const found: ConfigPath[] = [];
  const one = (path: PathSegment[], value: unknown, glob = false) => {
    if (typeof value === 'string') found.push({ path, value, glob });
  };
  const list = (path: PathSegment[], value: unknown, glob = false) => {
    if (Array.isArray(value)) value.forEach((v, i) => one([...path, i], v, glob));
  };
  const section = (key: string) => (isRecord(raw[key]) ? raw[key] : {});
  one(['codeowners', 'file'], section('codeowners').file);
  one(['editorSchema', 'file'], section('editorSchema').file);
  one(['baseline'], raw.baseline);
  list(['backstageConfig', 'files'], section('backstageConfig').files);
  one(['apiChanges', 'ruleset'], section('apiChanges').ruleset);
  const catalog = section('catalog');
  one(['catalog', 'policies'], catalog.policies);
  one(['catalog', 'appConfig'], catalog.appConfig);
  list(['catalog', 'roots'], catalog.roots);
  list(['catalog', 'include'], catalog.include, true);
  return found;
}

function leavesLexically(value: string): boolean {
  if (value.includes('\0') || value.includes('\\') || posix.isAbsolute(value) || /^[a-z]:/i.test(value)) return true;
  const normal = posix.normalize(value);
  return normal === '..' || normal.startsWith('../');
}

// The real path of the file, or of its nearest existing folder (a file `--write` is about to create).
function leavesReally(root: string, value: string): boolean {
  let path = trimTrailingSlashes(posix.normalize(value));
  for (;;) {
    try {
      realRepoPath(root, path === '.' ? '' : path);
      return false;
    } catch (error) {
      if (error instanceof OutsideRepositoryError) return true;
      if (path === '.' || path === '') return false;
      path = posix.dirname(path);
    }
  }
}

/**
 * The first path-valued key of gitops.config.yaml (see configPaths) that resolves outside `root`, as
 * one message naming the key, its line and why; undefined when all stay inside. Resolution is by real
 * path, so a committed symbolic link out of the repository counts as outside (see load/repoPath.ts).
 * `raw` is the parsed config, `lineOf` the 1-based line of a key path in it.
 */
export function configPathOutside(root: string, file: string, raw: unknown, lineOf: (path: PathSegment[]) => number): string | undefined {
  if (!isRecord(raw)) return undefined;
  for (const entry of configPaths(raw)) {
    if (!leavesLexically(entry.value) && (entry.glob || !leavesReally(root, entry.value))) continue;
    const line = lineOf(entry.path);
    const key = entry.path.map(p => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
    return `${file}:${line}: ${key} is ${JSON.stringify(entry.value.slice(0, 200))}, which leads outside the repository; every path in ${file} is relative to the repo root and must stay inside it (symbolic links included).`;
  }
  return undefined;
}
