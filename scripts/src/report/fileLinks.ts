import { UsageError } from '../config/gitopsConfig.ts';

/**
 * Where a report's `file:line` points on the pull request's platform: GitHub's blob view of the file at the
 * pull request's head commit, with a `#L<line>` anchor; Azure Repos' file view of the pull request, which
 * shows the file's diff where reviewers comment (it takes a path, no line). Built by the CI adapters from
 * the platform's own variables, never from what the pull request commits.
 */
export type FileLinks = { platform: 'github'; blob: string } | { platform: 'azure'; pullRequest: string };

// A base URL is put into Markdown as a link target: only characters that need no escaping there (no
// space, parenthesis, quote, pipe or angle bracket) are taken, so no value can end the link or the table row.
// `_` included: GitHub repositories and Azure projects are often named with one (acme/control_repo).
const SAFE_URL = /^https?:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9_.~%!$&+,;=:@-]*)*$/;

/** The CLI's `--link-github URL` / `--link-azure URL`: an absolute http(s) URL, or a usage error. */
export function parseFileLinks(github: string | undefined, azure: string | undefined): FileLinks | undefined {
  if (github !== undefined && azure !== undefined) throw new UsageError('--link-github and --link-azure exclude each other: a pull request is on one platform');
  const [flag, value] = github !== undefined ? ['--link-github', github] : azure !== undefined ? ['--link-azure', azure] : [];
  if (!flag || value === undefined) return undefined;
  const base = value.replace(/\/+$/, '');
  const example = flag === '--link-github' ? 'https://github.com/OWNER/REPO/blob/HEAD_SHA' : 'https://dev.azure.com/ORG/PROJECT/_git/REPO/pullrequest/ID';
  if (!SAFE_URL.test(base)) throw new UsageError(`${flag} takes an http(s) URL such as ${example}, without spaces, quotes, parentheses, a query or a fragment`);
  return flag === '--link-github' ? { platform: 'github', blob: base } : { platform: 'azure', pullRequest: base };
}

const encodePath = (file: string) => file.split('/').map(s => encodeURIComponent(s).replace(/[!'()*]/g, ch => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)).join('/');

/**
 * The URL of `file` (repo-relative, `/`-separated) at `line`, or undefined where the platform has no view
 * for it: Azure's pull request view shows only the files the pull request changes. Every character a
 * Markdown link or table could read as syntax is percent-encoded.
 */
export function fileUrl(links: FileLinks | undefined, file: string, line: number | undefined, changed: ReadonlySet<string>): string | undefined {
  if (!links || !file || file.startsWith('/') || file.split('/').includes('..')) return undefined;
  if (links.platform === 'github') return `${links.blob}/${encodePath(file)}${line && line > 0 ? `#L${Math.floor(line)}` : ''}`;
  if (!changed.has(file)) return undefined;
  return `${links.pullRequest}?_a=files&path=${encodePath(`/${file}`).replace(/\//g, '%2F')}`;
}

/** `shown` (already Markdown) as a link to `url`, or as it is without one. */
export const linked = (shown: string, url: string | undefined) => (url ? `[${shown}](${url})` : shown);
