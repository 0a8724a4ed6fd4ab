import { spawnSync } from 'node:child_process';
import { childEnv } from './childEnv.ts';
import { trimTrailingSlashes } from '../load/trailingSlashes.ts';

/**
 * The repoUrl a folder without gitops.config.yaml would set (`https://host/owner/repo/blob/<branch>/<path>/`,
 * GitLab's `/-/blob/`), read from its git checkout: the `origin` remote (credentials dropped), the branch
 * origin's HEAD names (what Backstage reads once a change is merged; else the branch checked out) and
 * where the folder sits in the repository. Absolute targets and placeholders that point at this repository are then read from the
 * checkout, as with a configured repoUrl. Undefined outside a git checkout, without an origin or a known
 * branch (a detached CI checkout), and for hosts other than GitHub's and GitLab's. Runs git four
 * times at most; never throws.
 */
export function inferRepoUrl(root: string): string | undefined {
  const git = (...args: string[]) => {
    const run = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8', env: childEnv(), timeout: 10_000 });
    return run.status === 0 ? run.stdout.trim() : undefined;
  };
  const remote = git('config', '--get', 'remote.origin.url');
  const parsed = remote === undefined ? undefined : parseRemote(remote);
  if (!parsed) return undefined;
  // origin's default branch as a clone records it, else the branch checked out (none when detached, as in CI).
  const branch = git('symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD')?.replace(/^origin\//, '') ?? git('symbolic-ref', '--quiet', '--short', 'HEAD');
  if (!branch || !/^[A-Za-z0-9._/-]+$/.test(branch)) return undefined;
  const prefix = git('rev-parse', '--show-prefix');
  if (prefix === undefined || /[?#%\\]/.test(prefix)) return undefined;
  const blob = parsed.gitlab ? '-/blob' : 'blob';
  return `https://${parsed.host}/${parsed.path}/${blob}/${branch}/${prefix.split('/').map(encodeURIComponent).join('/')}`;
}

/** host and owner/repo path of a remote URL (https, ssh or scp-like), or undefined for another kind of host. */
function parseRemote(remote: string): { host: string; path: string; gitlab: boolean } | undefined {
  const scp = /^[^@/\s]+@([A-Za-z0-9.-]+):(?!\/)(.+)$/.exec(remote);
  let host: string;
  let path: string;
  if (scp) [host, path] = [scp[1], scp[2]];
  else {
    let url: URL;
    try {
      url = new URL(remote);
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git:'].includes(url.protocol)) return undefined;
    [host, path] = [url.hostname, url.pathname.replace(/^\/+/, '')];
  }
  path = trimTrailingSlashes(path.replace(/\.git\/?$/, ''));
  const gitlab = /(^|\.)gitlab\./i.test(host);
  const github = /(^|\.)github\./i.test(host) || host === 'github.com';
  const segments = path.split('/');
  if (!segments.every(s => /^[A-Za-z0-9._-]+$/.test(s))) return undefined;
  if (github && segments.length === 2) return { host: host.toLowerCase(), path, gitlab: false };
  if (gitlab && segments.length >= 2) return { host: host.toLowerCase(), path, gitlab: true };
  return undefined;
}
