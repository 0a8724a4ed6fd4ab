import { readFileSync, statSync } from 'node:fs';
import type { Environment } from './childEnv.ts';

type Git = (...args: string[]) => string | undefined;

/** The repository origin names, as inferRepoUrl parsed it: `owner/name` (GitHub), `org/project/_git/repo` (Azure). */
export interface Origin {
  path: string;
  gitlab?: boolean;
  azure?: boolean;
}

// A GitHub event payload holds a pull request's body and a push's commits: a few hundred KiB at most.
const MAX_EVENT_BYTES = 8 * 1024 * 1024;
const MAX_BRANCH_LENGTH = 255;

/**
 * The branch Backstage reads once a change is merged, from what says it: origin's HEAD as a clone records
 * it; in CI the run's own word for this repository (GitHub's event payload, repository.default_branch;
 * GITHUB_BASE_REF on a pull request; Azure Pipelines' SYSTEM_PULLREQUEST_TARGETBRANCH); then origin's main
 * or master when only one of them is known, else the local main or master when only one exists (or is checked
 * out before its first commit). Undefined
 * otherwise: the branch checked out is never taken for it (a CI checkout of a pull request's branch, with
 * no origin/HEAD and no main, made every placeholder naming main "another revision"). `env` is hostile
 * input: a value for another repository than origin's is ignored, and a name git would refuse as a branch
 * (validBranchName) is no answer. Never throws.
 */
export function defaultBranch(git: Git, origin: Origin, env: Environment): string | undefined {
  const head = git('symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD');
  if (head?.startsWith('origin/') && validBranchName(head.slice('origin/'.length))) return head.slice('origin/'.length);
  for (const named of [githubEventBranch(origin, env), githubBaseRef(origin, env), azureTargetBranch(origin, env)]) if (named !== undefined) return named;
  const refs = (git('for-each-ref', '--format=%(refname)', 'refs/remotes/origin/main', 'refs/remotes/origin/master', 'refs/heads/main', 'refs/heads/master') ?? '').split('\n');
  // A main or master checked out before its first commit has no ref yet (a new repository): it counts as local.
  const current = git('symbolic-ref', '--quiet', 'HEAD');
  if ((current === 'refs/heads/main' || current === 'refs/heads/master') && !refs.includes(current)) refs.push(current);
  for (const prefix of ['refs/remotes/origin/', 'refs/heads/']) {
    const known = refs.filter(ref => ref.startsWith(prefix));
    if (known.length === 1) return known[0].slice(prefix.length);
  }
  return undefined;
}

/**
 * Whether `name` is a branch name git accepts (`git check-ref-format --branch`), at most 255 characters: no
 * control character, space, `~ ^ : ? * [ \`, `..` or `@{`; not `@`; no leading `-`; no empty part, no part
 * starting with `.` or ending with `.lock`; no trailing `.` or `/`.
 */
export function validBranchName(name: string): boolean {
  if (name === '' || name.length > MAX_BRANCH_LENGTH || name === '@' || name.startsWith('-') || name.endsWith('.')) return false;
  if (/[\u0000-\u0020\u007f~^:?*[\\]|\.\.|@\{/.test(name)) return false;
  return name.split('/').every(part => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'));
}

/** GitHub Actions' event payload's repository.default_branch, when the payload is origin's repository's. */
function githubEventBranch(origin: Origin, env: Environment): string | undefined {
  const path = env.GITHUB_EVENT_PATH;
  if (!path || origin.gitlab || origin.azure || !sameName(env.GITHUB_REPOSITORY, origin.path, true)) return undefined;
  let event: unknown;
  try {
    if (statSync(path).size > MAX_EVENT_BYTES) return undefined;
    event = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  const repository = (event as { repository?: { full_name?: unknown; default_branch?: unknown } } | null)?.repository;
  if (!repository || !sameName(repository.full_name, origin.path)) return undefined;
  return branch(repository.default_branch);
}

/** GITHUB_BASE_REF (set on pull_request events only): the branch the pull request merges into. */
function githubBaseRef(origin: Origin, env: Environment): string | undefined {
  if (origin.gitlab || origin.azure || !sameName(env.GITHUB_REPOSITORY, origin.path)) return undefined;
  return branch(env.GITHUB_BASE_REF);
}

/**
 * Azure Pipelines' SYSTEM_PULLREQUEST_TARGETBRANCH (`refs/heads/main` for Azure Repos, `main` for GitHub),
 * when BUILD_REPOSITORY_NAME (the repository's name; `owner/name` for GitHub) is origin's.
 */
function azureTargetBranch(origin: Origin, env: Environment): string | undefined {
  const name = env.BUILD_REPOSITORY_NAME;
  let repository = origin.path;
  if (origin.azure) {
    try {
      repository = decodeURIComponent(origin.path.slice(origin.path.lastIndexOf('/') + 1));
    } catch {
      return undefined;
    }
  }
  if (origin.gitlab || !sameName(name, repository)) return undefined;
  const target = env.SYSTEM_PULLREQUEST_TARGETBRANCH;
  if (target?.startsWith('refs/') && !target.startsWith('refs/heads/')) return undefined;
  return branch(target?.replace(/^refs\/heads\//, ''));
}

/** Whether `value` names `path` (repository names compare without case, as the hosts read them); `absent`: what an unset value gives. */
function sameName(value: unknown, path: string, absent = false): boolean {
  if (value === undefined || value === '') return absent;
  return typeof value === 'string' && value.length <= 300 && value.toLowerCase() === path.toLowerCase();
}

function branch(value: unknown): string | undefined {
  return typeof value === 'string' && validBranchName(value) ? value : undefined;
}
