import { createRequire } from 'node:module';

/**
 * One repository, several spellings. Backstage's GitHub and GitLab readers take a URL apart with
 * git-url-parse and fetch the file through the host's API, which finds an owner, group or repository
 * whatever its capitals; GitHub's reader takes `tree/` and `raw/` for `blob/` (getGithubFileFetchUrl), and
 * Azure DevOps finds an organisation, project and repository in any capitals too. So
 * `https://github.com/Acme/Control/tree/main/skel` and repoUrl `https://github.com/acme/control/blob/main/`
 * name one folder, and every place that maps a URL to a file of this repository has to see that, or a
 * Location target, a fetch:* url or a techdocs-ref written so goes unchecked (taken for another repository's).
 */

interface GitUrl { resource: string; full_name: string; ref: string; filepathtype: string; filepath: string }
const require = createRequire(import.meta.url);
let gitUrlParse: ((url: string) => GitUrl) | undefined;

// The hosts Backstage's default integrations serve, by type: a GitHub Enterprise or self-hosted GitLab host
// is known only to the deployment's `integrations:`, and an unknown host is read by FetchUrlReader, which
// fetches the URL as written, so those spellings are never rewritten.
const HOST_TYPES = new Map([['github.com', 'github'], ['gitlab.com', 'gitlab'], ['dev.azure.com', 'azure']]);
// What each reader takes for a file: GitHub's blob, tree or raw (one file, one folder alike); GitLab's `-/blob/`.
const FILE_FORMS: Record<string, ReadonlySet<string>> = { github: new Set(['blob', 'tree', 'raw']), gitlab: new Set(['blob']) };
// A folder (fetch:template's, fetch:plain's url) GitLab's readTree takes by either: it reads only ref and path.
const GITLAB_FOLDER_FORMS: ReadonlySet<string> = new Set(['blob', 'tree']);

/**
 * `url` in repoUrl's own spelling when the host's reader reads it as a file (or folder) under repoUrl:
 * host, owner and repository (GitLab: its whole group path) compared without regard to capitals, the
 * reader's other words for a file (GitHub's `tree`, `raw`), %-escapes decoded, all as git-url-parse (the
 * parser Backstage's readers use) takes the URL apart; the branch and the file path stay exact, as git's
 * are. Azure Repos: organisation, project and repository in any capitals, `_git` and `version` exact.
 * `HEAD` is not repoUrl's branch: it is whichever branch the host's setting names. With `options.folders`
 * (a url read as a tree, as the fetch actions read theirs), GitLab's `-/tree/` counts as `-/blob/`;
 * `options.parsed` is `new URL(url)` when the caller has it (read only, never changed).
 * Takes an absolute URL and repoUrl (undefined: no repository known); returns the rewritten URL, or `url`
 * itself when it already has repoUrl's spelling, names something else, is on a host the default
 * integrations do not serve, or either is no URL. Pure; never throws.
 */
export function toRepoUrlForm(url: string, repoUrl: string | undefined, options: { folders?: boolean; parsed?: URL } = {}): string {
  if (!repoUrl || url.startsWith(repoUrl)) return url;
  let target: URL;
  let repo: URL;
  try {
    target = options.parsed ?? new URL(url);
    repo = repoUrlParsed(repoUrl);
  } catch {
    return url;
  }
  // WHATWG URL lowercases the host; a reader is picked by host and speaks https.
  const type = HOST_TYPES.get(repo.hostname) ?? (repo.hostname.endsWith('.visualstudio.com') ? 'azure' : undefined);
  if (!type || target.protocol !== repo.protocol || target.host !== repo.host) return url;
  return type === 'azure' ? azureForm(url, target, repo) : pathForm(url, target, repoUrl, options.folders && type === 'gitlab' ? GITLAB_FOLDER_FORMS : FILE_FORMS[type]);
}

// A run sets every URL against one repoUrl: its parse is kept (read only, never handed out).
let lastRepo: { repoUrl: string; url: URL } | undefined;

/** `new URL(repoUrl)`, kept for the last repoUrl asked. Throws TypeError as the constructor does. */
function repoUrlParsed(repoUrl: string): URL {
  if (lastRepo?.repoUrl !== repoUrl) lastRepo = { repoUrl, url: new URL(repoUrl) };
  return lastRepo.url;
}

/**
 * The ref at which `url` names this repository (repoUrl's host and repository, any capitals, as git-url-parse,
 * the parser Backstage's readers use, reads both): repoUrl's ref as `branch` and the one written as `written`
 * (empty for none: Azure Repos without `version`, a bare repository URL, which the host reads at its default
 * branch), and the path it names in the repository as `path` (empty for its root). Undefined for another
 * repository, a repoUrl without a ref, or no URL. Pure; never throws.
 */
export function thisRepositoryRef(url: string, repoUrl: string | undefined): { branch: string; written: string; path: string } | undefined {
  if (!repoUrl) return undefined;
  const written = parsed(url);
  const base = parsed(repoUrl);
  // `repo.git/tree/…`: git-url-parse keeps the .git in the name there; it is the same repository.
  const name = (n: string) => n.toLowerCase().replace(/\.git$/, '');
  if (!written || !base || !base.full_name || !base.ref || written.resource.toLowerCase() !== base.resource.toLowerCase() || name(written.full_name) !== name(base.full_name)) return undefined;
  return { branch: base.ref, written: written.ref ?? '', path: written.filepath ?? '' };
}

/**
 * Whether `url` names this repository at a branch, tag or commit other than repoUrl's. None written (a bare
 * repository URL, Azure Repos without `version`) or HEAD reads the default branch, which GithubUrlReader and
 * the other readers ask the host for: taken as repoUrl's, the branch a repository's pull requests merge
 * into. Returns repoUrl's ref and the one written, or undefined for another repository, the same or the
 * default branch, or no URL. Pure; never throws.
 */
export function otherRevision(url: string, repoUrl: string | undefined): { branch: string; written: string; path: string } | undefined {
  const ref = thisRepositoryRef(url, repoUrl);
  return ref && ref.written !== ref.branch && ref.written !== '' && ref.written !== 'HEAD' ? ref : undefined;
}

function pathForm(url: string, target: URL, repoUrl: string, forms: ReadonlySet<string>): string {
  const base = parsed(repoUrl);
  if (!base || namesOtherRepository(target, base.full_name)) return url;
  const written = parsed(url);
  if (!written || !forms.has(written.filepathtype) || !forms.has(base.filepathtype)) return url;
  if (written.full_name.toLowerCase() !== base.full_name.toLowerCase() || written.ref !== base.ref || !written.ref) return url;
  // repoUrl may name a folder of the repository (…/blob/main/backstage/): the file must lie under it.
  const folder = base.filepath.replace(/\/+$/, '');
  const path = written.filepath;
  // git-url-parse drops a trailing `.git` (…/blob/main/.git reads as the root): only a path it keeps as
  // written is respelled, so such a url keeps its own reading (git's folder, which no host serves).
  const literalPath = decoded(target.pathname).replace(/\/+$/, '');
  if (!literalPath.endsWith(path ? `/${path}` : `/${written.ref}`)) return url;
  if (folder && path !== folder && !path.startsWith(`${folder}/`)) return url;
  const rest = folder ? path.slice(folder.length).replace(/^\//, '') : path;
  const prefix = repoUrl.endsWith('/') ? repoUrl : `${repoUrl}/`;
  return `${prefix}${rest.split('/').map(encodeURIComponent).join('/')}${target.search}${target.hash}`;
}

/**
 * Whether git-url-parse cannot read `target` (a github.com or gitlab.com URL, WHATWG-parsed) as a repository
 * named `fullName` in any capitals, told without parsing it (10-20 µs a URL: a catalog's every techdocs-ref
 * and url target is set against repoUrl). On those hosts git-url-parse takes the full name from the front of
 * the path, percent-decoded with one leading `/` dropped (owner segments, then the name; a leading `scm/`
 * dropped), except for a Bitbucket Server path (`…/repos/…`), an owner from the URL's user part (taken for
 * a path of one segment) and an empty owner (a path starting `//` or `/%2F`): those are left to the parser.
 * False means "parse it"; a test holds it to the parser on many URLs.
 */
export function namesOtherRepository(target: URL, fullName: string): boolean {
  if (target.username || target.password || target.pathname.includes('/repos/')) return false;
  let path: string;
  try {
    path = decodeURIComponent(target.pathname.replace(/^\//, ''));
  } catch {
    return false;
  }
  if (path.startsWith('/')) return false;
  const name = fullName.toLowerCase();
  const lower = path.toLowerCase();
  return !lower.startsWith(name) && !(lower.startsWith('scm/') && lower.slice(4).startsWith(name));
}

function azureForm(url: string, target: URL, repo: URL): string {
  const segments = target.pathname.split('/');
  const own = repo.pathname.split('/');
  // Backstage's AzureUrl requires `_git` as written; the names around it are found in any capitals.
  if (segments.length !== own.length || !segments.every((s, i) => (own[i] === '_git' ? s === '_git' : decoded(s).toLowerCase() === decoded(own[i]).toLowerCase()))) return url;
  const version = repo.searchParams.get('version');
  if (target.searchParams.get('version') !== version || target.pathname === repo.pathname) return url;
  const out = new URL(target.href);
  out.pathname = repo.pathname;
  return out.href;
}

// git-url-parse takes 10-20 µs a URL, and every url-form target, techdocs-ref and fetch url of a catalog is
// set against repoUrl: its reading is kept, by URL, so that repoUrl and a URL written again are parsed once.
const PARSED_KEPT = 1024;
const parsedUrls = new Map<string, GitUrl | undefined>();

function parsed(url: string): GitUrl | undefined {
  if (parsedUrls.has(url)) return parsedUrls.get(url);
  gitUrlParse ??= require('git-url-parse') as (url: string) => GitUrl;
  let reading: GitUrl | undefined;
  try {
    reading = gitUrlParse(url);
  } catch {
    reading = undefined;
  }
  if (parsedUrls.size >= PARSED_KEPT) parsedUrls.clear();
  parsedUrls.set(url, reading);
  return reading;
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
