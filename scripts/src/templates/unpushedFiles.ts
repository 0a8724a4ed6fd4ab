import { readFile, readdir, lstat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, posix } from 'node:path';
import * as fs from 'node:fs';
import { skeletonFilePath, skeletonFolder } from './skeletonFolder.ts';
import type { Diagnostic, Range } from '../diagnostic.ts';

const require = createRequire(import.meta.url);

/**
 * How a publish action hands the workspace to the new repository, from the actions' own code:
 * - `git-add`: initRepoAndPush (plugin-scaffolder-node) runs isomorphic-git's `init`, then
 *   `add({ filepath: '.' })` in getRepoSourceDirectory(workspacePath, input.sourcePath), which skips every
 *   path a .gitignore there ignores (GitIgnoreManager, with the `ignore` package).
 * - `serialize`: the pull/merge request actions send serializeDirectoryContents(fileRoot, { gitignore: true }),
 *   globby's gitignore option.
 * publish:github and github:repo:push (initRepoPushAndProtect), publish:azure and publish:github:pull-request
 * are read from the installed modules' dist code; the others are the same calls in Backstage's modules the
 * toolkit does not ship (gitlab, bitbucket, gerrit, gitea).
 */
const PUSHING_ACTIONS: Readonly<Record<string, { push: 'git-add' | 'serialize'; root: (input: Record<string, unknown>) => unknown }>> = {
  'publish:github': { push: 'git-add', root: input => input.sourcePath },
  'github:repo:push': { push: 'git-add', root: input => input.sourcePath },
  'publish:azure': { push: 'git-add', root: input => input.sourcePath },
  'publish:gitlab': { push: 'git-add', root: input => input.sourcePath },
  'publish:bitbucket': { push: 'git-add', root: input => input.sourcePath },
  'publish:bitbucketCloud': { push: 'git-add', root: input => input.sourcePath },
  'publish:bitbucketServer': { push: 'git-add', root: input => input.sourcePath },
  'publish:gerrit': { push: 'git-add', root: input => input.sourcePath },
  'publish:gitea': { push: 'git-add', root: input => input.sourcePath },
  'publish:github:pull-request': { push: 'serialize', root: input => input.sourcePath },
  // gitlabMergeRequest: sourcePath, else (for backward compatibility) targetPath, else the workspace.
  'publish:gitlab:merge-request': { push: 'serialize', root: input => input.sourcePath || input.targetPath },
};

/** A file in the workspace that a publish step leaves out of the repository because a .gitignore ignores it. */
export interface UnpushedFile {
  stepId: string;
  stepAction: string;
  /** Workspace-relative posix path of the file. */
  path: string;
  /** Workspace-relative posix path of the .gitignore whose line ignores it, when one line is found. */
  gitignore?: string;
  /** 1-based line of that .gitignore, and the pattern written there. */
  line?: number;
  pattern?: string;
}

/** Whether `action` pushes the workspace through a .gitignore (PUSHING_ACTIONS). */
export function pushesThroughGitignore(action: string): boolean {
  return Object.hasOwn(PUSHING_ACTIONS, action);
}

/**
 * The files under the folder a publish step pushes (its sourcePath, as the action resolves it) that the step
 * leaves out because a .gitignore there ignores them, computed with the action's own library on the
 * workspace as it stands when the step runs: isomorphic-git's isIgnored walked as its `add` walks (an
 * ignored folder is not entered), or serializeDirectoryContents with and without `gitignore`. Each is named
 * with the .gitignore line that ignores it (the `ignore` package, line by line, the last match winning, as
 * gitignore reads). Empty for an action that pushes no workspace, a sourcePath that is not a folder of the
 * workspace (the action fails on it; other checks say so), or a workspace without a .gitignore.
 */
export async function unpushedFiles(workspacePath: string, stepId: string, action: string, input: Record<string, unknown>): Promise<UnpushedFile[]> {
  const how = PUSHING_ACTIONS[action];
  if (!how) return [];
  const given = how.root(input);
  if (given !== undefined && given !== null && given !== '' && typeof given !== 'string') return [];
  const sub = typeof given === 'string' && given ? posix.normalize(given.replace(/\\/g, '/')).replace(/^(\.\.(\/|$))+/, '').replace(/^\/+|\/+$/g, '') : '';
  if (sub === '..' || sub.startsWith('../')) return [];
  const root = sub && sub !== '.' ? join(workspacePath, ...sub.split('/')) : workspacePath;
  const prefix = sub && sub !== '.' ? `${sub}/` : '';
  if (!(await lstat(root).catch(() => undefined))?.isDirectory()) return [];
  const all = await filesUnder(root);
  // Nothing can be ignored without a .gitignore: the common case costs one walk.
  if (!all.some(f => posix.basename(f) === '.gitignore')) return [];
  let left: string[];
  if (how.push === 'git-add') left = await gitAddSkips(root);
  else {
    // From its own dist module: the package's index evaluates every export (Azure and GitHub App sign-in among
    // them, ≈0.3 s) for this one function.
    const { serializeDirectoryContents } = require(join(posix.dirname(require.resolve('@backstage/plugin-scaffolder-node').split('\\').join('/')), 'files/serializeDirectoryContents.cjs.js'));
    const kept = new Set((await serializeDirectoryContents(root, { gitignore: true })).map((f: { path: string }) => f.path));
    left = (await serializeDirectoryContents(root)).map((f: { path: string }) => f.path).filter((p: string) => !kept.has(p));
  }
  const found: UnpushedFile[] = [];
  for (const path of left.sort()) {
    const rule = await ignoringLine(root, path);
    found.push({ stepId, stepAction: action, path: prefix + path, ...(rule ? { gitignore: prefix + rule.gitignore, line: rule.line, pattern: rule.pattern } : {}) });
  }
  return found;
}

/** Every file (not folder) under `dir`, relative posix paths, symbolic links as files. */
async function filesUnder(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...await filesUnder(dir, path));
    else out.push(path);
  }
  return out;
}

/**
 * The files isomorphic-git's `add({ dir, filepath: '.' })` leaves out in a fresh repository (initRepoAndPush
 * runs it right after `init`, so nothing is tracked): addToIndex asks GitIgnoreManager.isIgnored of each path
 * from `.` down and does not enter an ignored folder, so everything under one is left out. `.git` is always
 * ignored; it is no file the template wrote to push, so it is not reported.
 */
async function gitAddSkips(dir: string): Promise<string[]> {
  const git = require(require.resolve('isomorphic-git', { paths: [require.resolve('@backstage/plugin-scaffolder-node')] }));
  const skipped: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    const entries = await readdir(rel ? join(dir, rel) : dir, { withFileTypes: true });
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.name === '.git') continue;
      if (await git.isIgnored({ fs, dir, filepath: path })) {
        skipped.push(...(entry.isDirectory() ? await filesUnder(dir, path) : [path]));
      } else if (entry.isDirectory()) await visit(path);
    }
  };
  await visit('');
  return skipped;
}

/**
 * The .gitignore line that ignores `path` (relative to `dir`): of the .gitignore files from `dir` down to the
 * file's folder (those isomorphic-git and globby read), the last line whose pattern alone ignores the path
 * (or a folder above it) relative to that file's folder, tested with the `ignore` package. Undefined when no
 * single line does (a combination of negations).
 */
async function ignoringLine(dir: string, path: string): Promise<{ gitignore: string; line: number; pattern: string } | undefined> {
  const ignore = require(require.resolve('ignore', { paths: [require.resolve('isomorphic-git', { paths: [require.resolve('@backstage/plugin-scaffolder-node')] })] }));
  const pieces = path.split('/');
  let found: { gitignore: string; line: number; pattern: string } | undefined;
  for (let depth = 0; depth < pieces.length; depth++) {
    const folder = pieces.slice(0, depth).join('/');
    const gitignore = folder ? `${folder}/.gitignore` : '.gitignore';
    const text = await readFile(join(dir, ...gitignore.split('/')), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const relative = pieces.slice(depth).join('/');
    text.split(/\r?\n/).forEach((line, i) => {
      const pattern = line.trim();
      if (!pattern || pattern.startsWith('#')) return;
      if (pattern.startsWith('!')) {
        if (found && ignore().add(pattern.slice(1)).ignores(relative)) found = undefined;
        return;
      }
      if (ignore().add(line).ignores(relative)) found = { gitignore, line: i + 1, pattern };
    });
  }
  return found;
}

/** The files one .gitignore line keeps one publish step from pushing (unpushedFiles, grouped). */
export interface UnpushedGroup {
  stepId: string;
  stepAction: string;
  paths: string[];
  gitignore?: string;
  line?: number;
  pattern?: string;
}

/** unpushedFiles' entries grouped by step and .gitignore line, in the order found. */
export function groupUnpushed(entries: readonly UnpushedFile[]): UnpushedGroup[] {
  const groups = new Map<string, UnpushedGroup>();
  for (const e of entries) {
    const key = JSON.stringify([e.stepId, e.gitignore, e.line]);
    const group = groups.get(key) ?? groups.set(key, { stepId: e.stepId, stepAction: e.stepAction, paths: [], ...(e.gitignore ? { gitignore: e.gitignore, line: e.line, pattern: e.pattern } : {}) }).get(key)!;
    group.paths.push(e.path);
  }
  return [...groups.values()];
}

/**
 * The message and hint of a template-file-not-pushed finding: which publish step leaves which rendered files
 * out, the .gitignore pattern that does it, and why the render still shows them (the dry-run's workspace).
 */
export function unpushedText(group: UnpushedGroup): { message: string; hint: string } {
  const shown = group.paths.slice(0, 5).map(p => JSON.stringify(p)).join(', ') + (group.paths.length > 5 ? ` and ${group.paths.length - 5} more` : '');
  const how = PUSHING_ACTIONS[group.stepAction]?.push === 'serialize' ? 'sends the files serializeDirectoryContents reads with gitignore: true' : "commits what isomorphic-git's add adds";
  const why = group.gitignore ? `${group.gitignore} ignores ${group.paths.length === 1 ? 'it' : 'them'} (line ${group.line}: ${JSON.stringify(group.pattern)})` : `a .gitignore ignores ${group.paths.length === 1 ? 'it' : 'them'}`;
  return {
    message: `Step ${group.stepId} (${group.stepAction}) does not push ${shown} to the repository: ${why}, and the action ${how}, which leaves ignored files out. The rendered files are the task's workspace, as Backstage's dry-run shows it, so ${group.paths.length === 1 ? 'it appears' : 'they appear'} there all the same.`,
    hint: `If the new repository should hold ${group.paths.length === 1 ? 'this file' : 'these files'}, remove ${group.pattern ? `the pattern ${JSON.stringify(group.pattern)}` : 'the pattern'} from the skeleton's .gitignore; otherwise stop writing ${group.paths.length === 1 ? 'it' : 'them'} (take ${group.paths.length === 1 ? 'it' : 'them'} out of the skeleton, or remove ${group.paths.length === 1 ? 'it' : 'them'} with fs:delete before the publish step).`,
  };
}

/**
 * The repo path of the skeleton file a rendered workspace path was fetched from: the last fetch:template or
 * fetch:plain step whose url (a literal, resolved as skeletonFolder resolves it) and targetPath (literal or
 * none) place it there, when `exists` says the repository holds that file. Undefined otherwise (a templated
 * folder name, a url built from expressions): the finding then points at the case.
 */
export function skeletonSourceOf(templateFile: string, steps: readonly unknown[], path: string, exists: (repoPath: string) => boolean, repoUrl?: string): string | undefined {
  for (const step of [...steps].reverse()) {
    const { action, input } = (step ?? {}) as { action?: unknown; input?: { url?: unknown; targetPath?: unknown } };
    if ((action !== 'fetch:template' && action !== 'fetch:plain') || typeof input?.url !== 'string') continue;
    const target = input.targetPath === undefined ? '' : typeof input.targetPath === 'string' && !input.targetPath.includes('${{') ? posix.normalize(input.targetPath).replace(/^\.\/?|\/+$/g, '') : undefined;
    if (target === undefined || (target && !path.startsWith(`${target}/`))) continue;
    const folder = skeletonFolder(templateFile, input.url, repoUrl);
    if (folder === undefined || folder === '..') continue;
    const candidate = skeletonFilePath(folder, target ? path.slice(target.length + 1) : path);
    if (exists(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The template-file-not-pushed warnings of a render (`entries`: RenderResult.unpushed): one per publish step
 * and .gitignore line, at that line of the skeleton's .gitignore (skeletonSourceOf; `exists` tells which repo
 * files exist), else at the skeleton file itself, else at `fallback` (the case's values).
 */
export function unpushedFindings(entries: readonly UnpushedFile[], templateFile: string, steps: readonly unknown[], exists: (repoPath: string) => boolean, fallback: { file: string; range: Range }, repoUrl?: string): Diagnostic[] {
  return groupUnpushed(entries).map(group => {
    const { message, hint } = unpushedText(group);
    const gitignore = group.gitignore && skeletonSourceOf(templateFile, steps, group.gitignore, exists, repoUrl);
    const file = gitignore || skeletonSourceOf(templateFile, steps, group.paths[0], exists, repoUrl);
    const line = gitignore ? group.line ?? 1 : 1;
    const at = file ? { file, range: { start: { line, column: 1 }, end: { line, column: 1 + (gitignore ? group.pattern?.length ?? 0 : 0) } } } : fallback;
    return { ruleId: 'template-file-not-pushed', severity: 'warning', message, hint, ...at };
  });
}
