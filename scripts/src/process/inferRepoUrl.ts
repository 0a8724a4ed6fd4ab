import { spawnSync } from 'node:child_process';
import { childEnv, type Environment } from './childEnv.ts';
import { defaultBranch } from './defaultBranch.ts';
import { trimTrailingSlashes } from '../load/trailingSlashes.ts';

/**
 * The repoUrl a folder without gitops.config.yaml would set (`https://host/owner/repo/blob/<branch>/<path>/`,
 * GitLab's `/-/blob/`, Azure Repos' `https://dev.azure.com/org/project/_git/repo?version=GB<branch>&path=/<path>/`
 * as `init` writes it), read from its git checkout: the `origin` remote (credentials dropped), the
 * branch Backstage reads once a change is merged (defaultBranch: origin/HEAD, the CI run's word for it in
 * `env`, a lone main or master) and where the folder sits in the repository. Absolute targets and
 * placeholders that point at this repository are then read from the checkout, as with a configured repoUrl.
 * Undefined outside a git checkout, without an origin or a known default branch (then no URL is called
 * another revision: the one Backstage reads is not known), and for hosts other than GitHub's, GitLab's and
 * Azure DevOps'. Runs git four times at most; never throws.
 */
export function inferRepoUrl(root: string, env: Environment = process.env): string | undefined {
  const git = (...args: string[]) => {
    const run = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8', env: childEnv(), timeout: 10_000 });
    return run.status === 0 ? run.stdout.trim() : undefined;
  };
  const remote = git('config', '--get', 'remote.origin.url');
  const parsed = remote === undefined ? undefined : parseRemote(remote);
  if (!parsed) return undefined;
  const branch = defaultBranch(git, parsed, env);
  if (!branch || !/^[A-Za-z0-9._/-]+$/.test(branch)) return undefined;
  const prefix = git('rev-parse', '--show-prefix');
  if (prefix === undefined || /[?#%\\]/.test(prefix)) return undefined;
  const path = prefix.split('/').map(encodeURIComponent).join('/');
  if (parsed.azure) return `https://dev.azure.com/${parsed.path}?version=GB${encodeURIComponent(branch)}&path=/${path}`;
  const blob = parsed.gitlab ? '-/blob' : 'blob';
  return `https://${parsed.host}/${parsed.path}/${blob}/${branch}/${path}`;
}

type Remote = { host: string; path: string; gitlab?: boolean; azure?: boolean };

/**
 * host and owner/repo path of a remote URL (https, ssh or scp-like), or undefined for another kind of host.
 * An Azure DevOps remote (https://dev.azure.com/ORG/PROJECT/_git/REPO, ORG.visualstudio.com's older form, or
 * ssh's `v3/ORG/PROJECT/REPO`) gives `ORG/PROJECT/_git/REPO`, each part percent-encoded once, for dev.azure.com.
 */
function parseRemote(remote: string): Remote | undefined {
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
  path = trimTrailingSlashes(path);
  const azure = azureRemote(host.toLowerCase(), path);
  if (azure !== null) return azure;
  path = path.replace(/\.git\/?$/, '');
  const gitlab = /(^|\.)gitlab\./i.test(host);
  const github = /(^|\.)github\./i.test(host) || host === 'github.com';
  const segments = path.split('/');
  if (!segments.every(s => /^[A-Za-z0-9._-]+$/.test(s))) return undefined;
  if (github && segments.length === 2) return { host: host.toLowerCase(), path, gitlab: false };
  if (gitlab && segments.length >= 2) return { host: host.toLowerCase(), path, gitlab: true };
  return undefined;
}

/**
 * An Azure DevOps remote's `ORG/PROJECT/_git/REPO` for dev.azure.com (undefined when its parts are not
 * one org, project and repo name each), or null for a host that is not Azure DevOps'. Project and repo
 * names may hold spaces (percent-encoded in the remote); a part that decodes to a slash, `?`, `#`, a
 * backslash or a control character is refused.
 */
function azureRemote(host: string, path: string): Remote | undefined | null {
  // ORG/PROJECT/_git/REPO, or ORG/_git/REPO for a project named like its repository (Azure's own short form).
  const webParts = (org: string, rest: string[]) =>
    rest.length === 3 && rest[1] === '_git' ? [org, rest[0], rest[2]] : rest.length === 2 && rest[0] === '_git' ? [org, rest[1], rest[1]] : [];
  const segments = path.split('/');
  let parts: string[];
  if (host === 'dev.azure.com') parts = webParts(segments[0], segments.slice(1));
  else if (host === 'ssh.dev.azure.com' || host === 'vs-ssh.visualstudio.com') parts = segments.length === 4 && segments[0] === 'v3' ? segments.slice(1) : [];
  else if (host.endsWith('.visualstudio.com')) {
    const rest = segments[0]?.toLowerCase() === 'defaultcollection' ? segments.slice(1) : segments;
    parts = webParts(host.slice(0, -'.visualstudio.com'.length), rest);
  } else return null;
  if (parts.length !== 3) return undefined;
  const decoded: string[] = [];
  for (const part of parts) {
    let name: string;
    try {
      name = decodeURIComponent(part);
    } catch {
      return undefined;
    }
    if (name === '' || /[/?#\\\u0000-\u001f\u007f]/.test(name)) return undefined;
    decoded.push(name);
  }
  const [org, project, repo] = decoded.map(encodeURIComponent);
  return { host: 'dev.azure.com', path: `${org}/${project}/_git/${repo}`, azure: true };
}
