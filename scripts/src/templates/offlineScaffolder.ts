import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { deferModule } from '../load/deferredModule.ts';
import { archiveEol, eolConverted, normalizeEol, withCrlf } from '../load/eolConverted.ts';
import { OutsideRepositoryError, realRepoPath } from '../load/repoPath.ts';
import { toRepoUrlForm } from '../load/toRepoUrlForm.ts';
import { extractAsArchive, linkLeavingTree, throughLink } from './archiveExtract.ts';
import { gitIgnoredUnder } from './gitIgnored.ts';
import { notAllowedMessage } from './skeletonFolder.ts';

const require = createRequire(import.meta.url);

/**
 * Where the template's files live on disk, and the URL Backstage would read them from. Relative
 * `url:` inputs resolve against that URL through Backstage's own SCM integrations, exactly as in
 * production; only the final read is mapped to local files, and nothing outside the root is readable.
 */
export interface TemplateSource {
  root: string;
  /** e.g. https://github.com/acme/backstage-control/blob/main/ (ends with /). */
  baseUrl: string;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** What the error of a url the offline render cannot read (another repository's, another revision of this one) says; the runner wraps the error, its message stays. */
export const OUTSIDE_REPOSITORY = "is outside the template's repository; offline rendering reads only";

/**
 * A URL under baseUrl as a path under root; GitHub's blob and tree forms of one ref are the same files.
 * An Azure Repos baseUrl (`…/_git/REPO?version=GBmain&path=/`) names files by its `path` parameter: the
 * Azure integration's resolveUrl turns a relative `url:` into the same repository and version with
 * another, encoded, `path` (`?version=GBmain&path=%2Fskeletons%2Fx`), which is what Backstage reads.
 */
export function urlToPath(source: TemplateSource, written: string): string {
  // This repository in other capitals, GitHub's tree form or at HEAD: the host's reader reads the same file.
  const url = toRepoUrlForm(written, source.baseUrl, { folders: true });
  const github = /^(https:\/\/github\.com\/[^/]+\/[^/]+\/)(?:blob|tree)\/([^/]+)\/(.*)$/.exec(source.baseUrl);
  const prefix = github ? `^${escape(github[1])}(?:blob|tree)/${escape(github[2])}/${escape(github[3])}(.*)$` : `^${escape(source.baseUrl)}(.*)$`;
  const match = new RegExp(prefix).exec(url);
  // As Backstage's GitHub/GitLab/Bitbucket readers parse a url (git-url-parse): the path ends before a query
  // or fragment (`…/tree/main/skeleton?ref=v0.1.0` is the folder skeleton of main); a `?` of a file name is %3F.
  const relative = match ? decodeURIComponent(match[1].replace(/[?#].*$/s, '')) : azureRepoPath(source.baseUrl, url);
  if (relative === undefined || relative.split('/').includes('..')) {
    throw new Error(`${url} ${OUTSIDE_REPOSITORY} ${source.root}`);
  }
  return join(source.root, relative);
}

/** The file `url` names in the Azure Repos repository and version of `baseUrl` (both with a `path` parameter), relative to baseUrl's path. */
function azureRepoPath(baseUrl: string, url: string): string | undefined {
  let base: URL;
  let target: URL;
  try {
    base = new URL(baseUrl);
    target = new URL(url);
  } catch {
    return undefined;
  }
  const basePath = base.searchParams.get('path');
  const path = target.searchParams.get('path');
  if (basePath === null || path === null || target.origin !== base.origin || target.pathname !== base.pathname) return undefined;
  if (target.searchParams.get('version') !== base.searchParams.get('version')) return undefined;
  const under = basePath.endsWith('/') ? basePath : `${basePath}/`;
  return path.startsWith(under) ? path.slice(under.length) : undefined;
}

/**
 * Backstage's UrlReader over the local checkout. A skeleton file or folder that is (or holds) a symbolic
 * link leading outside the repository is refused (OutsideRepositoryError), so fetch:plain / fetch:template
 * never copy a host file into the rendered output or its snapshot. `onRead` sees each file's content as
 * read (every file of a tree), e.g. to know later which rendered files were copied verbatim. `onTree`
 * hears a tree's folder (absolute), byte and file count before the tree is copied, e.g. so a render budget
 * can allow for what the repository's own skeleton holds. `onElsewhere` hears the url of a folder outside
 * this checkout (another repository, another revision): when it returns true, that tree is read as empty
 * instead of refused (a file outside is always refused).
 */
export function localReader(source: TemplateSource, onRead?: (content: Buffer) => void, onTree?: (folder: string, bytes: number, files: number) => void, onElsewhere?: (url: string) => boolean) {
  const toPath = (url: string) => urlToPath(source, url);
  const repoRelative = (path: string) => relative(source.root, path).split(sep).join('/');
  return {
    async readUrl(url: string) {
      if (!/^https?:/i.test(url)) throw notAllowed(url);
      const path = repoRelative(toPath(url));
      if (inGitDir(path)) throw notOnHost(path);
      // The git host serves only what was committed: a file git ignores is not found there.
      if (gitIgnoredUnder(source.root, path)(path)) throw Object.assign(new Error(`${path} is not in the repository: git ignores it and it is not committed, so Backstage cannot read it from the git host`), { name: 'NotFoundError' });
      const read = await readFile(realRepoPath(source.root, path));
      // As the git host stores it: LF where a CRLF checkout (core.autocrlf) wrote CRLF.
      const buffer = read.includes(13) && eolConverted(source.root, path).has(path) ? normalizeEol(read) : read;
      onRead?.(buffer);
      return { buffer: async () => buffer };
    },
    async readTree(url: string) {
      let from: string;
      // Backstage's reader mux reads http(s) alone: a file: (or other) URL is refused, whatever it names.
      if (!/^https?:/i.test(url)) throw notAllowed(url);
      try {
        from = toPath(url);
      } catch (error) {
        // A folder another repository (or another revision of this one) holds: Backstage fetches it, the
        // offline render cannot. With onElsewhere the step copies nothing and the render goes on, so a case
        // of a template that takes shared files from elsewhere still renders (and says what it left out).
        if (!onElsewhere || !(error instanceof Error) || !error.message.includes(OUTSIDE_REPOSITORY) || !onElsewhere(url)) throw error;
        return { dir: async ({ targetDir }: { targetDir: string }) => (await mkdir(targetDir, { recursive: true }), targetDir) };
      }
      if (inGitDir(repoRelative(from))) throw notOnHost(repoRelative(from));
      // The folder itself must lie in the repository; what is in it is judged as the host's archive is extracted.
      realRepoPath(source.root, repoRelative(from));
      // The host's archive holds what was committed: what git ignores (and does not track) is left out,
      // and so is git's own folder (a fetch of the repository's root, or of a folder holding a nested one).
      const ignored = gitIgnoredUnder(source.root, repoRelative(from));
      const committed = (path: string) => !inGitDir(repoRelative(path)) && !ignored(repoRelative(path));
      return {
        dir: async ({ targetDir }: { targetDir: string }) => {
          if (onTree) {
            let bytes = 0;
            let files = 0;
            for (const entry of await readdir(from, { recursive: true, withFileTypes: true })) {
              if (!entry.isFile() || !committed(join(entry.parentPath, entry.name))) continue;
              files++;
              bytes += (await lstat(join(entry.parentPath, entry.name))).size;
            }
            onTree(from, bytes, files);
          }
          // As Backstage extracts the host's archive: a link whose target leaves the folder is left out (wherever
          // it leads, existing or not), one inside is kept as a link; the dry-run then gives a broken one as a
          // file holding its target. One that reads as inside but leaves through another link is refused.
          const tree = await extractAsArchive(from, targetDir, committed);
          // The host's archive holds each file as git archive writes it, or the render differs from the task's
          // (and its snapshots with it): LF where a CRLF checkout (core.autocrlf, Git for Windows' default) wrote
          // CRLF, and CRLF where the attributes say eol=crlf (a .bat), even when the checkout predates them.
          const folder = repoRelative(from);
          const written = new Set(tree.files);
          const { toLf, toCrlf } = archiveEol(source.root, folder);
          for (const path of [...toLf, ...toCrlf]) {
            const inTree = relative(folder, path).split(sep).join('/');
            // Only a file this extraction wrote, never a path that climbs out of it or goes through a link.
            if (!written.has(inTree)) continue;
            const copy = join(targetDir, ...inTree.split('/'));
            if (!copy.startsWith(`${targetDir}${sep}`) || (await throughLink(targetDir, copy))) continue;
            const entry = await lstat(copy).catch(() => undefined);
            if (entry?.isFile()) await writeFile(copy, toCrlf.has(path) ? withCrlf(await readFile(copy)) : normalizeEol(await readFile(copy)));
          }
          const leaving = linkLeavingTree(targetDir, tree.links);
          if (leaving !== undefined) throw new OutsideRepositoryError(repoRelative(join(from, ...leaving.split('/'))));
          if (onRead) for (const entry of await readdir(targetDir, { recursive: true, withFileTypes: true })) if (entry.isFile()) onRead(await readFile(join(entry.parentPath, entry.name)));
          return targetDir;
        },
      };
    },
    async search(): Promise<never> {
      throw new Error('search is not available offline');
    },
  };
}

/**
 * Whether a repo-relative posix path lies in a `.git` folder (or is one): git's own bookkeeping, which no
 * commit can hold (git refuses a `.git` path segment), so the git host never serves it, while a checkout's
 * `.git/config` holds the job's credentials (actions/checkout's extraheader, a token in a remote URL).
 * The gate's file listing leaves `.git` out too, so `check` already calls such a skeleton missing.
 */
function inGitDir(path: string): boolean {
  return path.split('/').includes('.git');
}

/** The error Backstage's reader mux gives for a URL none of its readers reads (NotAllowedError, @backstage/errors'). */
function notAllowed(url: string): Error {
  const { NotAllowedError } = createRequire(require.resolve('@backstage/plugin-scaffolder-backend'))('@backstage/errors') as { NotAllowedError: new (message: string) => Error };
  return new NotAllowedError(notAllowedMessage(url));
}

/** The error Backstage's readers give for a file or folder the git host does not hold (NotFoundError). */
function notOnHost(path: string): Error {
  return Object.assign(new Error(`${path} is not in the repository: it is git's own folder, which no commit holds, so Backstage cannot read it from the git host`), { name: 'NotFoundError' });
}

const scaffolderDist = () => dirname(require.resolve('@backstage/plugin-scaffolder-backend'));

/** A module the scaffolder's render modules require but never read in full: see deferModule. */
export interface UnreadModule {
  /** The requiring file (absolute), the request as it writes it. */
  from: string;
  request: string;
  /** The exports read while rendering, from the package's own smaller module that the entry re-exports. */
  served?: (filename: string) => Record<string, unknown>;
}

/**
 * What the modules a render uses require but never read beyond a few names, deferred (deferModule):
 * - scaffolder-common's alpha entry: the workflow runner and scaffolder-node's alpha entry (through the
 *   parseRepoUrl filter) read only its permissions; its Template catalog-model layer requires catalog-model's
 *   alpha entry, whose AiResource kinds compile their Ajv validators on load (about a third of a second);
 * - scaffolder-common's index: scaffolder-node's scaffolderService reads its ScaffolderClient only when
 *   called; its Template kind validator compiles on load;
 * - catalog-model's index: the parseEntityRef filter reads parseEntityRef; the index builds the kinds'
 *   model layers on load;
 * - @azure/identity and @octokit/auth-app: Backstage's integrations build Azure credentials or sign in as a
 *   GitHub App only for a configured integration, and the render's integrations have no configuration;
 * - isomorphic-git's PGP plugin: scaffolder-node's git helpers read it only to sign a commit.
 */
export function unreadScaffolderModules(): UnreadModule[] {
  const node = require.resolve('@backstage/plugin-scaffolder-node');
  const sibling = (name: string) => (filename: string) => require(join(dirname(filename), name)) as Record<string, unknown>;
  return [
    { from: join(scaffolderDist(), 'scaffolder/tasks/NunjucksWorkflowRunner.cjs.js'), request: '@backstage/plugin-scaffolder-common/alpha', served: sibling('permissions.cjs.js') },
    { from: node, request: '@backstage/plugin-scaffolder-common' },
    { from: join(scaffolderDist(), 'lib/templating/filters/parseEntityRef/filter.cjs.js'), request: '@backstage/catalog-model', served: sibling('entity/ref.cjs.js') },
    { from: require.resolve('@backstage/integration'), request: '@azure/identity' },
    { from: join(dirname(require.resolve('@backstage/integration')), 'github/SingleInstanceGithubCredentialsProvider.cjs.js'), request: '@octokit/auth-app' },
    { from: join(dirname(node), 'scm/git.cjs.js'), request: '@isomorphic-git/pgp-plugin' },
  ];
}

let deferred = false;

/** Defers each of unreadScaffolderModules once per process (a no-op for one already loaded). */
export function deferUnreadScaffolderModules(): void {
  if (deferred) return;
  deferred = true;
  for (const m of unreadScaffolderModules()) deferModule(m.from, m.request, m.served);
}

/** The scaffolder's own workflow runner (the one its dry-run uses), at the pinned version. */
export function workflowRunnerClass(): new (options: object) => { execute(task: object): Promise<{ output: Record<string, unknown> }> } {
  deferUnreadScaffolderModules();
  return require(join(scaffolderDist(), 'scaffolder/tasks/NunjucksWorkflowRunner.cjs.js')).NunjucksWorkflowRunner;
}

type ActionFactory = (options?: object) => { id: string; supportsDryRun?: boolean; schema?: { input?: object; output?: object }; handler: Function };

/** Where scaffolder-backend's dist keeps each built-in action's factory (under scaffolder/actions/builtin/). */
export const BUILTIN_ACTION_MODULES = {
  createFetchPlainAction: 'fetch/plain.cjs.js',
  createFetchPlainFileAction: 'fetch/plainFile.cjs.js',
  createFetchTemplateAction: 'fetch/template.cjs.js',
  createFetchTemplateFileAction: 'fetch/templateFile.cjs.js',
  createDebugLogAction: 'debug/log.cjs.js',
  createWaitAction: 'debug/wait.cjs.js',
  createCatalogRegisterAction: 'catalog/register.cjs.js',
  createFetchCatalogEntityAction: 'catalog/fetch.cjs.js',
  createCatalogWriteAction: 'catalog/write.cjs.js',
  createFilesystemDeleteAction: 'filesystem/delete.cjs.js',
  createFilesystemRenameAction: 'filesystem/rename.cjs.js',
  createFilesystemReadDirAction: 'filesystem/read.cjs.js',
} as const;

export type BuiltinActionFactoryName = keyof typeof BUILTIN_ACTION_MODULES;

/**
 * A built-in action's factory from its own module in scaffolder-backend's dist: the very function the
 * package's index re-exports, without the index's ScaffolderPlugin (router, database, permissions: about a
 * hundred milliseconds and 240 modules no action needs). When the module is not where this version keeps
 * it, or lacks the function, the index's.
 */
export function builtinActionFactory(name: BuiltinActionFactoryName): ActionFactory {
  deferUnreadScaffolderModules();
  let factory: unknown;
  try {
    factory = require(join(scaffolderDist(), 'scaffolder/actions/builtin', BUILTIN_ACTION_MODULES[name]))[name];
  } catch {
    factory = undefined;
  }
  return typeof factory === 'function' ? (factory as ActionFactory) : require('@backstage/plugin-scaffolder-backend')[name];
}

const RENDER_ACTIONS = ['createFetchTemplateAction', 'createFetchTemplateFileAction', 'createFetchPlainAction', 'createFetchPlainFileAction', 'createFilesystemRenameAction', 'createFilesystemDeleteAction', 'createFilesystemReadDirAction', 'createCatalogWriteAction', 'createDebugLogAction'] as const;

/** The built-in actions a render runs (builtinActionFactory each). */
export function renderActionFactories(): Record<(typeof RENDER_ACTIONS)[number], ActionFactory> {
  return Object.fromEntries(RENDER_ACTIONS.map(name => [name, builtinActionFactory(name)])) as Record<(typeof RENDER_ACTIONS)[number], ActionFactory>;
}
