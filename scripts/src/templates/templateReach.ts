import { posix, sep } from 'node:path';
import { urlToPath } from './offlineScaffolder.ts';
import { skeletonFolder } from './skeletonFolder.ts';
import { trimTrailingSlashes } from '../load/trailingSlashes.ts';

/** The base the offline scaffolder renders against when gitops.config.yaml names no repoUrl (runCase's stand-in). */
export const OFFLINE_REPO_URL = 'https://github.com/offline/template/blob/main/';

/**
 * What a step's fetch url reads in this repository: a repo folder or file (`{ folder }`, in skeletonFolder's
 * form: no trailing slash, `.` for the root, `../…` out of the repository) or a repo path prefix
 * (`{ prefix }`: every repo file whose path starts with it; `''` is the whole repository).
 */
export type StepReach = { folder: string } | { prefix: string };

/**
 * What a template step's `input.url` reads of this repository, the one reach every caller uses (report's
 * templates a change touches, check's and discovery's skeleton files, CODEOWNERS' skeleton lines). A plain
 * relative url is the folder skeletonFolder names, joined to the template file as the scaffolder resolves
 * it against the template's location. Otherwise (fetchedReads): a url into this repository (GitHub's blob or
 * tree form, or Azure Repos' `path`, as the offline scaffolder maps it: urlToPath) reads the folder or file
 * it names; a url the scaffolder builds from `${{ … }}` expressions reads what its text before the first
 * expression starts (`../../skeletons/${{ parameters.language }}-service` reads files starting with
 * `skeletons/`), and the whole repository when that text names no path in it (`${{ parameters.skeleton }}`,
 * a climb out of the repository, or a url whose ref is an expression). Returns undefined for no url, or
 * another repository's url, which the offline render does not read. `repoUrl` is gitops.config.yaml's
 * (runCase's stand-in without one). Pure; never throws.
 */
export function stepReach(templateFile: string, url: unknown, repoUrl?: string): StepReach | undefined {
  if (typeof url !== 'string') return undefined;
  const folder = skeletonFolder(templateFile, url);
  return folder !== undefined ? { folder } : fetchedReads(templateFile, url, repoUrl);
}

/** Whether the repo file `file` is one `reach` reads (stepReach's folder holds it or is it, or it starts with the prefix). */
export function reachHolds(reach: StepReach, file: string): boolean {
  if ('prefix' in reach) return file.startsWith(reach.prefix);
  return reach.folder === '.' || file === reach.folder || file.startsWith(`${reach.folder}/`);
}

/**
 * The narrowest repo folder that holds everything `reach` reads (skeletonFolder's form): the folder itself,
 * or for a prefix the folder it ends in (`skeletons/go-` → `skeletons`, `''` → `.`). For callers that
 * give a folder a line of its own (CODEOWNERS).
 */
export function reachFolder(reach: StepReach): string {
  if ('folder' in reach) return reach.folder;
  if (reach.prefix === '') return '.';
  return reach.prefix.endsWith('/') ? trimTrailingSlashes(reach.prefix) : posix.dirname(reach.prefix);
}

function fetchedReads(templateFile: string, url: string, repoUrl = OFFLINE_REPO_URL): StepReach | undefined {
  const at = url.indexOf('${{');
  const literal = at < 0 ? url : url.slice(0, at);
  const everything = { prefix: '' };
  let path: string | undefined;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(literal)) {
    // Relative (skeletonFolder names the plain ones): joined as skeletonFolder joins them.
    if (literal === '') return everything;
    path = posix.normalize(posix.join(posix.dirname(templateFile), literal));
  } else {
    try {
      path = posix.normalize(urlToPath({ root: '', baseUrl: repoUrl }, literal).split(sep).join('/'));
    } catch {
      // The text stops inside this repository's own url (or an expression chooses its ref): any file of it.
      // GitHub's repository url, or another host's without its query (Azure Repos names the file in `path`).
      const repository = /^https:\/\/github\.com\/[^/]+\/[^/]+\//.exec(repoUrl)?.[0] ?? repoUrl.replace(/[?#].*$/, '');
      // Host, owner and repository in any capitals: the host reads them alike (toRepoUrlForm).
      const [known, written] = [repository.toLowerCase(), literal.toLowerCase()];
      return at >= 0 && (known.startsWith(written) || written.startsWith(known)) ? everything : undefined;
    }
  }
  if (path === '.' || path === './' || path === '..' || path.startsWith('../')) return everything;
  return at >= 0 ? { prefix: path } : { folder: trimTrailingSlashes(path) };
}
