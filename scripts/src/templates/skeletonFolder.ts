import { resolveRelative } from '../catalog/locationTargets.ts';
import { posix } from 'node:path';
import { trimTrailingSlashes } from '../load/trailingSlashes.ts';
import { leavesRoot } from '../load/leavesRoot.ts';
import { toRepoUrlForm } from '../load/toRepoUrlForm.ts';

/**
 * The repo-relative folder (or file) a fetch step's `url` names, as Backstage resolves it against the
 * template's location: fetchContents resolves a relative url with the integration's resolveUrl
 * (@backstage/integration's defaultScmResolveUrl), as a URL, so `%2e%2e` is `..`, a backslash is a slash,
 * one that starts with `/` (`//x` and `/\x` too) is put under the repository's root, and a relative one
 * against the template file's folder. resolveRelative does exactly that (Backstage's own function for
 * anything but a plain relative path). `.` for the repository's root; `..` for a url that leaves this
 * repository (a climb past its root, `\\host\x`, `\owner\repo`) or that Backstage cannot read, so the
 * checks say no such skeleton exists here. An absolute URL is the folder it names under `repoUrl` (given),
 * else undefined, as is one built from expressions, which only the running scaffolder can resolve.
 */
export function skeletonFolder(templateFile: string, url: unknown, repoUrl?: string): string | undefined {
  if (typeof url !== 'string' || url.includes('${{')) return undefined;
  // An absolute url is this repository's folder only under repoUrl (in any spelling its host reads alike,
  // GitLab's -/tree/ included: the fetch actions read a tree).
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(url);
  const path = resolveRelative(templateFile, absolute ? toRepoUrlForm(url, repoUrl, { folders: true }) : url, absolute ? repoUrl : undefined);
  if (path === undefined) return undefined;
  if (path === null) return '..';
  return trimTrailingSlashes(path) || '.';
}

/**
 * Whether the repo file `file` lies in the repo folder `folder` as skeletonFolder gives it: `.` (a template
 * at the repo root whose url is `./`) holds every repo file, since fetch:template then copies the whole
 * repository, as Backstage's dry-run does.
 */
export function inSkeletonFolder(file: string, folder: string): boolean {
  return folder === '.' || file.startsWith(`${folder}/`);
}

/** A skeleton file's repo path from its path inside `folder` (skeletonFolder's form, `.` for the root). */
export function skeletonFilePath(folder: string, relative: string): string {
  return folder === '.' ? relative : `${folder}/${relative}`;
}

/**
 * The message and hint for a fetch step whose relative `url` leaves this repository (skeletonFolder gave
 * `..`). Backstage resolves it against the template's own URL (defaultScmResolveUrl; for a file location,
 * resolveSafeChildPath refuses it), so it names no folder of the reviewed repository and the task fails at
 * this step. Takes the template's repo path, the url as written, what the step fetches ('folder' or 'file')
 * and the repository's files; the hint names the path from the template to a folder (or file) of this
 * repository that the url's tail after its leading `./` and `../` names, when there is one (a template
 * copied from a deeper folder keeps its old climb). Pure; the url is shown bounded.
 */
export function outsideSkeletonFinding(templateFile: string, url: string, fetches: 'folder' | 'file', repoFiles: ReadonlySet<string>): { message: string; hint: string } {
  const shown = JSON.stringify(url.length > 120 ? `${url.slice(0, 119)}…` : url);
  const from = posix.dirname(templateFile);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1].toLowerCase();
  // No URL reader of Backstage's reads another scheme (file:, ftp:): its reader mux refuses it.
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    return { message: `The url ${shown} is a ${scheme}: URL, which no URL reader of Backstage reads (they read http(s) URLs of its integrations and of backend.reading.allow), so the task fails here (NotAllowedError: ${notAllowedMessage(url.length > 120 ? `${url.slice(0, 119)}…` : url)}).`, hint: `Fetch the ${fetches} by a url relative to ${templateFile}, or by its URL on the git host.` };
  }
  const message = `The url ${shown} leads outside this repository: resolved from ${from === '.' ? 'the repository root' : `${from}/`} (where ${posix.basename(templateFile)} is), its ../ climb above the repository's root, so Backstage fetches no ${fetches} of this repository and the task fails here.`;
  const tail = trimTrailingSlashes(url.replace(/\\/g, '/').replace(/^(\.{1,2}\/+)+/, ''));
  const exists = tail !== '' && !tail.startsWith('.') && (fetches === 'file' ? repoFiles.has(tail) : [...repoFiles].some(f => f.startsWith(`${tail}/`)));
  if (exists) {
    const relative = posix.relative(from, tail);
    const suggested = leavesRoot(relative) ? relative : `./${relative}`;
    return { message, hint: `The url is relative to ${templateFile}: this repository's ${tail}${fetches === 'folder' ? '/' : ''} is ${suggested}${fetches === 'folder' && url.endsWith('/') ? '/' : ''} from there.` };
  }
  return { message, hint: `The url is relative to ${templateFile}: count its ../ from that file's folder, and keep the skeleton inside this repository.` };
}

/** What Backstage's URL reader mux (UrlReaderPredicateMux) says of a URL none of its readers reads. */
export function notAllowedMessage(url: string): string {
  return `Reading from '${url}' is not allowed. You may need to configure an integration for the target host, or add it to the configured list of allowed hosts at 'backend.reading.allow'`;
}
