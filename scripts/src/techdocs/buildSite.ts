import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, posix, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { childEnv } from '../process/childEnv.ts';
import { makeTemporary, removeTemporary } from '../process/temporaryCheckouts.ts';
import { assertTreeInside, realRepoPath } from '../load/repoPath.ts';
import { fileIncludesOutside } from './fileIncludes.ts';
import { docsDirIsConfigFolder, docsDirMissing, docsFolder, isConfigFolder, type SiteFinding } from './docsDirFindings.ts';
import { checkMkdocsSafety, deniedExtensions, policyName, extensionServersNotListed, pluginsOf, includeTarget, loadTechdocsPolicy, mkdocsConfigAsBuilt, mkdocsConfigAsUsed, mkdocsPathsOutside, monorepoIncludes, type MkdocsPathOutside, type TechdocsPolicy } from './mkdocsSafety.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { DEFAULT_GENERATOR_SETTINGS, sanitizeAsTechdocs, type SanitizedMkdocs, type TechdocsGeneratorSettings } from './techdocsSanitizer.ts';
import { isRecord } from '../load/loadCatalog.ts';

const require = createRequire(import.meta.url);
const SHIM = fileURLToPath(new URL('../../techdocs-core-shim/', import.meta.url));

/** A site that did not build; `log` is the whole output of @techdocs/cli and MkDocs, for findings. */
export class SiteBuildError extends Error {
  constructor(message: string, readonly mkdocsFile: string, readonly log: string) {
    super(message);
  }
}

/**
 * A site refused before MkDocs runs, for what `check` reports in its mkdocs.yml (`findings`, the same rule
 * ids and words): a docs_dir that is mkdocs.yml's own folder, or one that does not exist.
 */
export class SiteRefusedError extends Error {
  constructor(readonly mkdocsFile: string, readonly findings: SiteFinding[]) {
    super(`${mkdocsFile}: ${findings.map(f => f.message).join(' ')} The site is not built.`);
  }
}

/** A site refused before anything was copied: paths in its mkdocs.yml lead outside its folder. */
export class SitePathsOutsideError extends Error {
  constructor(readonly mkdocsFile: string, readonly outside: MkdocsPathOutside[]) {
    super(`${mkdocsFile}: ${outside.map(o => o.key).join(', ')} lead${outside.length === 1 ? 's' : ''} outside the site's folder; the site is not built.`);
  }
}

export interface BuiltSite {
  directory: string;
  files: string[];
  seconds: number;
}

export interface TechdocsCore {
  /** `mkdocs-techdocs-core` from PyPI when the Python that runs mkdocs can import it, else the stand-in. */
  plugin: 'mkdocs-techdocs-core' | 'stand-in';
  version?: string;
  /** The Python interpreter behind the `mkdocs` on PATH. */
  python: string;
}

let core: TechdocsCore | undefined;

/**
 * Which techdocs-core plugin builds will use: the real one when the interpreter of the `mkdocs`
 * found on PATH (its shebang) has the package, else this repo's stand-in (scripts/techdocs-core-shim,
 * put on PYTHONPATH by buildSite). Probed once per process.
 */
export function techdocsCore(): TechdocsCore {
  if (core) return core;
  const mkdocs = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map(dir => join(dir, 'mkdocs')).find(file => existsSync(file));
  const shebang = mkdocs ? /^#!\s*(\S+)/.exec(readFileSync(mkdocs, 'utf8').slice(0, 200))?.[1] : undefined;
  const python = shebang && !shebang.endsWith('/env') ? shebang : 'python3';
  const probe = spawnSync(python, ['-c', "import importlib.metadata as m; print(m.version('mkdocs-techdocs-core'))"], { encoding: 'utf8', env: childEnv() });
  const version = probe.status === 0 ? probe.stdout.trim() : undefined;
  return (core = version ? { plugin: 'mkdocs-techdocs-core', version, python } : { plugin: 'stand-in', python });
}

/** The techdocs-core mkdocs plugin if Python has it, else this repo's stand-in (PYTHONPATH). */
export function techdocsCorePath(): string | undefined {
  return techdocsCore().plugin === 'stand-in' ? SHIM : undefined;
}

/** One line for the build log that says loudly which techdocs-core builds use. */
export function describeTechdocsCore(found: TechdocsCore = techdocsCore()): string {
  return found.plugin === 'mkdocs-techdocs-core'
    ? `TechDocs builds use the real mkdocs-techdocs-core ${found.version} (${found.python}), as Backstage's builder does.`
    : `WARNING: mkdocs-techdocs-core is NOT installed for ${found.python}; TechDocs builds use the toolkit's STAND-IN plugin (scripts/techdocs-core-shim: material theme and metadata only, none of techdocs-core's Markdown extensions). Install the pinned plugin (scripts/techdocs-requirements.txt) where PyPI is reachable.`;
}

/**
 * Builds one TechDocs site with @techdocs/cli (no Docker, mkdocs from the machine) from a temporary
 * copy, since the CLI rewrites mkdocs.yml in place. Fails loudly where the CLI would exit 0 anyway.
 * `settings` are the managed Backstage's techdocs.generator.mkdocs settings, applied as its
 * TechdocsGenerator applies them: legacyCopyReadmeMdToIndexMd, omitTechdocsCorePlugin and defaultPlugins
 * through the CLI's own flags; dangerouslyAllowAdditionalPlugins the site lists through --defaultPlugin
 * (which allows a plugin and adds it only where it is missing); disableExternalFonts with techdocs-node's
 * own patch of the copy. A site that uses a key of dangerouslyAllowAdditionalKeys is refused: the CLI
 * cannot keep it, so what it built would not be what Backstage builds.
 * Returns the site's folder (`directory`, inside a folder made with makeTemporary: the caller removes
 * `dirname(directory)` with removeTemporary); when it throws, that folder is already removed.
 */
export async function buildSite(root: string, mkdocsFile: string, commit: string, defaultSiteName?: string, settings: TechdocsGeneratorSettings = DEFAULT_GENERATOR_SETTINGS): Promise<BuiltSite> {
  // The copy of the docs is pull-request content: a refused or failed build, or a signal mid-build, must not
  // leave it in a self-hosted agent's temporary folder. A built site's folder is the caller's to remove
  // (removeTemporary of the directory's parent).
  const work = makeTemporary(join(tmpdir(), 'gitops-techdocs-'));
  try {
    return await buildSiteIn(work, root, mkdocsFile, commit, defaultSiteName, settings);
  } catch (error) {
    await removeTemporary(work);
    throw error;
  }
}

async function buildSiteIn(work: string, root: string, mkdocsFile: string, commit: string, defaultSiteName: string | undefined, settings: TechdocsGeneratorSettings): Promise<BuiltSite> {
  const started = Date.now();
  const folder = posix.dirname(mkdocsFile);
  // Docs are PR content: a link to a host file must not be copied into a public site.
  const text = defaultSiteName === undefined ? await readFile(realRepoPath(root, mkdocsFile), 'utf8') : undefined;
  const config = text === undefined ? {} : readableConfig(text);
  // What @techdocs/cli generate hands MkDocs: techdocs-node's own sanitizeMkdocsYml, run here with the
  // managed Backstage's settings, removes keys, plugins and extensions before MkDocs reads the file, so only what it leaves is judged.
  const sanitized = text === undefined ? undefined : await sanitizeAsTechdocs(text, settings);
  const used = mkdocsConfigAsUsed(config.all, false, sanitized);
  const extraKeys = isRecord(used) ? settings.additionalKeys.filter(key => Object.hasOwn(used, key)) : [];
  if (extraKeys.length) throw new Error(`${mkdocsFile} uses ${extraKeys.map(k => `'${k.slice(0, 100)}'`).join(', ')}, which the managed Backstage keeps (techdocs.generator.mkdocs.dangerouslyAllowAdditionalKeys) but @techdocs/cli cannot: the build would differ from Backstage's. The site is not built.`);
  const policy = loadTechdocsPolicy(root);
  const server = extensionServersNotListed(used, policy)[0];
  if (server) throw new Error(`${mkdocsFile} is refused: ${server.key} is ${JSON.stringify(server.value.slice(0, 200))}, and ${server.problem} (plantuml_markdown would fetch it from this machine and write the answer into the page; the diagramServers of ${policyName(policy)} list the platform's own). The site is not built.`);
  const refused = deniedExtensions(used, policy);
  if (refused.length) throw new Error(`${mkdocsFile} uses the markdown extension '${refused[0].name}', which ${policy.file ? `the TechDocs policy (${policy.file})` : policyName(policy)} refuses: ${refused[0].reason}. The site is not built.`);
  const unreviewed = settings.defaultPlugins.filter(plugin => !policy.plugins.includes(plugin));
  if (settings.unknown?.includes('defaultPlugins')) throw new Error(`The managed Backstage's app-config adds an mkdocs plugin to every site (techdocs.generator.mkdocs.defaultPlugins) whose name the build cannot know (\${VAR}, $env or an unread $include), so it can neither be checked against ${policyName(policy)} nor added. The site is not built.`);
  if (unreviewed.length) throw new Error(`The managed Backstage's app-config adds the mkdocs plugin${unreviewed.length === 1 ? '' : 's'} ${unreviewed.map(p => `'${p}'`).join(', ')} to every site (techdocs.generator.mkdocs.defaultPlugins), which ${policyName(policy)} does not allow. The site is not built.`);
  // A `..` path joined onto the temporary copy collapses at / and would write (or read) anywhere.
  const outside = mkdocsPathsOutside(used, folder === '.' ? '' : folder);
  if (outside.length) throw new SitePathsOutsideError(mkdocsFile, outside);
  const source = join(work, 'src');
  // What check reports, in its words, rather than a copy error naming this machine's paths.
  if (typeof config.docs_dir === 'string' && isConfigFolder(config.docs_dir)) throw new SiteRefusedError(mkdocsFile, [docsDirIsConfigFolder(config.docs_dir)]);
  const docs = posix.join(folder, config.docs_dir ?? 'docs');
  const copyTo = resolve(source, config.docs_dir ?? 'docs');
  if (!copyTo.startsWith(`${source}${sep}`) || !resolve(root, docs).startsWith(`${resolve(root)}${sep}`)) throw new SitePathsOutsideError(mkdocsFile, [{ path: ['docs_dir'], key: 'docs_dir', value: String(config.docs_dir) }]);
  // With legacyCopyReadmeMdToIndexMd a site may be a README alone: techdocs-node creates the docs folder.
  // A docs_dir naming a file: MkDocs (and the copy) refuse it; check's finding rather than a copy error naming this machine's paths.
  if (statSync(join(root, docs), { throwIfNoEntry: false })?.isDirectory() === false) throw new SiteRefusedError(mkdocsFile, [docsDirMissing(docsFolder(folder, config.docs_dir ?? 'docs'), config.docs_dir !== undefined, true)]);
  if (!settings.legacyCopyReadmeMdToIndexMd && !existsSync(join(root, docs))) throw new SiteRefusedError(mkdocsFile, [docsDirMissing(docsFolder(folder, config.docs_dir ?? 'docs'), config.docs_dir !== undefined)]);
  if (!settings.legacyCopyReadmeMdToIndexMd || existsSync(join(root, docs))) await copyDocs(root, docs, copyTo);
  else await mkdir(source, { recursive: true });
  if (settings.legacyCopyReadmeMdToIndexMd) await copyReadmes(root, folder, source);
  if (defaultSiteName === undefined) await cp(realRepoPath(root, mkdocsFile), join(source, posix.basename(mkdocsFile)));
  if (text !== undefined) await copyIncludedSites(root, folder === '.' ? '' : folder, mkdocsFile, text, source, policy);
  // techdocs-node's default config, named after the entity as Backstage's own builder names it (the CLI's
  // --site-name takes no value, so through the CLI every such site would be "Documentation Site").
  else await writeFile(join(source, 'mkdocs.yml'), stringify({ site_name: defaultSiteName, docs_dir: 'docs', plugins: ['techdocs-core'] }));
  await refuseUnsafeIncludes(source, posix.basename(mkdocsFile), mkdocsFile, policy, sanitized);
  if (settings.disableExternalFonts) {
    // techdocs-node's own patch; it only sets theme.font, which its sanitizer keeps, so running it first is the same.
    const { patchMkdocsYmlWithFontDisabled } = require(require.resolve('@backstage/plugin-techdocs-node/dist/stages/generate/mkdocsPatchers.cjs.js', { paths: [dirname(require.resolve('@techdocs/cli/package.json'))] })) as { patchMkdocsYmlWithFontDisabled: (path: string, logger: unknown) => Promise<void> };
    const quiet = { warn: () => {}, info: () => {}, debug: () => {}, error: () => {}, child: () => quiet };
    await patchMkdocsYmlWithFontDisabled(join(source, defaultSiteName === undefined ? posix.basename(mkdocsFile) : 'mkdocs.yml'), quiet);
  }
  const listed = isRecord(used) && Array.isArray(used.plugins) ? new Set(used.plugins.flatMap(p => (typeof p === 'string' ? [p] : isRecord(p) ? Object.keys(p) : []))) : new Set<string>();
  // --defaultPlugin allows a plugin and adds it where plugins: lacks it; one only nested under group would be added at the top.
  const nestedOnly = settings.additionalPlugins.filter(p => !listed.has(p) && isRecord(used) && pluginsOf(used.plugins, ['plugins']).some(entry => entry.name === p));
  if (nestedOnly.length) throw new Error(`${mkdocsFile} uses the mkdocs plugin '${nestedOnly[0].slice(0, 100)}' under group only, which the managed Backstage keeps (techdocs.generator.mkdocs.dangerouslyAllowAdditionalPlugins) but @techdocs/cli can only allow by adding it to plugins: the build would differ from Backstage's. List it in plugins too, or remove it. The site is not built.`);
  const generatorFlags = [
    ...(settings.legacyCopyReadmeMdToIndexMd ? ['--legacyCopyReadmeMdToIndexMd'] : []),
    ...(settings.omitTechdocsCorePlugin ? ['--omitTechdocsCoreMkdocsPlugin'] : []),
    ...new Set([...settings.defaultPlugins, ...settings.additionalPlugins.filter(p => listed.has(p))]),
  ];
  const plugins = generatorFlags.filter(f => !f.startsWith('--'));
  // Names come from files a pull request may edit, and go on the CLI's command line: an option-like one would be read as a flag.
  const oddName = plugins.find(plugin => !/^[A-Za-z0-9][A-Za-z0-9_.\/-]*$/.test(plugin));
  if (oddName !== undefined) throw new Error(`The mkdocs plugin name ${JSON.stringify(oddName.slice(0, 100))} (techdocs.generator.mkdocs in the managed Backstage's app-config) is not a plugin name. The site is not built.`);
  const flags = [...generatorFlags.filter(f => f.startsWith('--')), ...(plugins.length ? ['--defaultPlugin', ...plugins] : [])];
  const site = join(work, 'site');
  const cli = join(dirname(require.resolve('@techdocs/cli/package.json')), 'bin', 'techdocs-cli');
  const shim = techdocsCorePath();
  // mkdocs.yml is PR content and can read any variable (`!ENV`): the build sees only the allow-list.
  const env = childEnv();
  const output = await run(process.execPath, [cli, 'generate', '--no-docker', '--source-dir', source, '--output-dir', site, '--etag', commit, '-v', ...flags], {
    ...env,
    // The stand-in plugin lives in this repo: Python must not write its bytecode cache there.
    PYTHONDONTWRITEBYTECODE: '1',
    ...(shim ? { PYTHONPATH: [shim, env.PYTHONPATH].filter(Boolean).join(':') } : {}),
  });
  const files = await listFiles(site).catch((): string[] => []);
  if (output.code !== 0 || !files.includes('index.html')) {
    throw new SiteBuildError(`TechDocs build of ${mkdocsFile} failed${output.code ? ` (exit ${output.code})` : ': no index.html was produced'}:\n${output.text.slice(-3000)}`, mkdocsFile, output.text);
  }
  const metadataPath = join(site, 'techdocs_metadata.json');
  const metadata = JSON.parse(await readFile(metadataPath, 'utf8'));
  if (!metadata.site_name) throw new Error(`TechDocs build of ${mkdocsFile} wrote no site_name; Backstage would show no title.`);
  await writeFile(metadataPath, JSON.stringify(metadata));
  return { directory: site, files, seconds: (Date.now() - started) / 1000 };
}

/**
 * Copies the docs folder `docs` (repo-relative) to `copyTo` after refusing (throws) a tree with a link
 * leading outside the repo or a file with a line that pastes a host file: techdocs-core always enables
 * pymdownx.snippets and plantuml_markdown, so such a line (the job's environment through /proc included)
 * is refused before anything is built, in any file, since pages have several extensions and a snippet's
 * own file is read for snippets too.
 */
async function copyDocs(root: string, docs: string, copyTo: string): Promise<void> {
  assertTreeInside(root, docs);
  for (const page of await listFiles(join(root, docs))) {
    // A link to a folder, even one inside the repository, is copied as a link that MkDocs walks: the whole
    // folder (the repository root, its .git/config with the checkout's token) would be published.
    if (isFolderLink(join(root, docs, page))) throw new Error(`${posix.join(docs, page)} is a symbolic link to a folder, which MkDocs would publish whole (the gate reports it as repo-symlink). Commit the pages themselves instead. The site is not built.`);
    const include = fileIncludesOutside(await readFile(join(root, docs, page), 'utf8'))[0];
    if (include) throw new Error(`${posix.join(docs, page)}:${include.line} reads ${JSON.stringify(include.target.slice(0, 200))}, outside the docs site (${include.how === 'snippet' ? '--8<--' : 'PlantUML source='}). The site is not built.`);
  }
  // A .git folder never goes into the build: a snippet could paste its config (a checkout's token) into a page.
  await cp(join(root, docs), copyTo, { recursive: true, filter: path => basename(path) !== '.git' });
}

/**
 * Copies the site folder's README.md and readme.md (repo-relative `folder`) into the build copy `source`,
 * where techdocs-node's patchIndexPreBuild (legacyCopyReadmeMdToIndexMd) looks for them, after refusing
 * (throws) a link out of the repo or a line that pastes a host file, as copyDocs does.
 */
async function copyReadmes(root: string, folder: string, source: string): Promise<void> {
  for (const name of ['README.md', 'readme.md']) {
    const file = posix.join(folder, name);
    if (!existsSync(join(root, file))) continue;
    const text = await readFile(realRepoPath(root, file), 'utf8');
    const include = fileIncludesOutside(text)[0];
    if (include) throw new Error(`${file}:${include.line} reads ${JSON.stringify(include.target.slice(0, 200))}, outside the docs site (${include.how === 'snippet' ? '--8<--' : 'PlantUML source='}). The site is not built.`);
    await writeFile(join(source, name), text);
  }
}

// Configs one site's navs may include, all told (as the gate's MAX_INCLUDED_CONFIGS).
const MAX_INCLUDED_SITES = 200;

/**
 * Copies into the build copy `source` (which stands for the site's repo folder `folder`, '' at the root)
 * every config the site's nav includes by name through mkdocs-monorepo-plugin (`!include path`, transitively)
 * and that config's docs_dir: Backstage's preparer hands the builder the whole `dir:` folder, and the plugin
 * reads both from there (the layout its README shows: sub-projects beside docs/, not in it). Each config is
 * judged as an included one (checkMkdocsSafety) and its docs_dir must stay in its own folder before anything
 * of it is copied; its docs are copied as the site's are (copyDocs). Throws a refusal otherwise. An include
 * that names no file of the site is left to the plugin, whose error the build reports; `*include` globs
 * match only what the copy holds (Python's glob is not the gate's).
 */
async function copyIncludedSites(root: string, folder: string, mkdocsFile: string, text: string, source: string, policy: TechdocsPolicy): Promise<void> {
  const seen = new Set([mkdocsFile]);
  const queue: { file: string; text: string }[] = [{ file: mkdocsFile, text }];
  while (queue.length > 0) {
    const current = queue.shift()!;
    const currentFolder = posix.dirname(current.file) === '.' ? '' : posix.dirname(current.file);
    for (const include of monorepoIncludes(mkdocsConfigAsBuilt(current.text))) {
      if (include.glob) continue;
      const target = includeTarget(include, currentFolder, folder);
      if (target === undefined) throw new Error(`${mkdocsFile}: a nav entry includes ${JSON.stringify(include.target.slice(0, 200))}, which leads outside the site (mkdocs-monorepo-plugin would read it as MkDocs config). The site is not built.`);
      if (seen.has(target) || !existsSync(join(root, target))) continue;
      if (seen.size >= MAX_INCLUDED_SITES) throw new Error(`${mkdocsFile} includes more than ${MAX_INCLUDED_SITES} configs (mkdocs-monorepo-plugin). The site is not built.`);
      seen.add(target);
      // Named as the plugin sees it, relative to the site's folder (as refuseUnsafeIncludes names it).
      const shownTarget = posix.relative(folder || '.', target);
      const includedText = await readFile(realRepoPath(root, target), 'utf8');
      const parsed = parseYaml(includedText, target);
      const unreadable = parsed.problems.find(p => p.severity === 'error') ?? (isRecord(parsed.documents[0]) ? undefined : { message: 'it is not a YAML mapping' });
      if (unreadable) throw new Error(`${mkdocsFile} includes ${shownTarget}, which cannot be read as the gate reads it (${unreadable.message.split('\n')[0].slice(0, 200)}). The site is not built.`);
      const unsafe = checkMkdocsSafety({ file: target, documents: parsed.documents, problems: parsed.problems, locate: parsed.locate }, includedText, new Set<string>(), policy, true).find(d => d.severity === 'error');
      if (unsafe) throw new Error(`${mkdocsFile} includes ${shownTarget} (mkdocs-monorepo-plugin), which is refused: ${unsafe.message} The site is not built.`);
      const config = mkdocsConfigAsBuilt(includedText);
      const docsDir = isRecord(config) && typeof config.docs_dir === 'string' ? config.docs_dir : 'docs';
      const includedFolder = posix.dirname(target) === '.' ? '' : posix.dirname(target);
      const docs = posix.normalize(posix.join(includedFolder || '.', docsDir));
      const relative = (path: string) => posix.relative(folder || '.', path);
      await mkdir(dirname(join(source, relative(target))), { recursive: true });
      await cp(realRepoPath(root, target), join(source, relative(target)));
      if (existsSync(join(root, docs)) && !existsSync(join(source, relative(docs)))) await copyDocs(root, docs, join(source, relative(docs)));
      queue.push({ file: target, text: includedText });
    }
  }
}

function readableConfig(text: string): { docs_dir?: string; markdown_extensions?: unknown; all?: unknown } {
  // As MkDocs reads it (merge keys expanded, the last duplicate key kept): a file that cannot be read
  // so is never built, since nothing in it could be judged.
  const config = mkdocsConfigAsBuilt(text) as { docs_dir?: unknown; markdown_extensions?: unknown } | null | undefined;
  if (config === undefined) throw new Error('mkdocs.yml cannot be read as YAML; the site is not built.');
  return { ...(typeof config?.docs_dir === 'string' ? { docs_dir: config.docs_dir } : {}), markdown_extensions: config?.markdown_extensions, all: config };
}

function run(command: string, args: string[], env: Record<string, string>): Promise<{ code: number; text: string }> {
  return new Promise(resolve => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', d => (text += d));
    child.stderr.on('data', d => (text += d));
    child.on('close', code => resolve({ code: code ?? 1, text }));
    child.on('error', error => resolve({ code: 1, text: String(error) }));
  });
}

/**
 * Refuses (throws) a build whose nav includes, through mkdocs-monorepo-plugin (which techdocs-core
 * enables), a config outside the build copy `source`, a glob too complex to match safely, or a config that
 * fails checkMkdocsSafety as a site's own mkdocs.yml would: the plugin reads every included config with
 * MkDocs' own loader (python tags construct objects) in the job that publishes the docs. Follows includes
 * of includes; `config` is the copy's mkdocs.yml (relative to `source`), `shown` its repo path for
 * messages, `policy` the repo's TechDocs policy, `sanitized` what TechDocs' sanitizer removes of the site's own config.
 */
async function refuseUnsafeIncludes(source: string, config: string, shown: string, policy: TechdocsPolicy, sanitized?: SanitizedMkdocs): Promise<void> {
  const files = await listFiles(source);
  const fileSet = new Set(files);
  const seen = new Set([config]);
  const queue = [config];
  while (queue.length > 0) {
    const file = queue.shift()!;
    const text = await readFile(join(source, file), 'utf8');
    const folder = posix.dirname(file) === '.' ? '' : posix.dirname(file);
    // The site's own config is judged here too: the pull request's build job runs before any review.
    const parsed = parseYaml(text, file);
    // A config the gate cannot read (a YAML error, duplicate keys) is not judged there: PyYAML would still read it.
    // (The site's own config goes on to TechDocs' reader, whose error says where.)
    const unreadable = file === config ? undefined : (parsed.problems.find(p => p.severity === 'error') ?? (isRecord(parsed.documents[0]) ? undefined : { message: 'it is not a YAML mapping' }));
    if (unreadable) throw new Error(`${shown} includes ${file}, which cannot be read as the gate reads it (${unreadable.message.split('\n')[0].slice(0, 200)}). The site is not built.`);
    const unsafe = checkMkdocsSafety({ file, documents: parsed.documents, problems: parsed.problems, locate: parsed.locate }, text, fileSet, policy, file !== config, file === config ? sanitized : undefined).find(d => d.severity === 'error');
    if (unsafe) throw new Error(file === config ? `${shown} is refused: ${unsafe.message} The site is not built.` : `${shown} includes ${file} (mkdocs-monorepo-plugin), which is refused: ${unsafe.message} The site is not built.`);
    for (const include of monorepoIncludes(mkdocsConfigAsBuilt(text))) {
      const target = includeTarget(include, folder, '');
      if (target === undefined) throw new Error(`${shown}: a nav entry includes ${JSON.stringify(include.target.slice(0, 200))}, which leads outside the site (mkdocs-monorepo-plugin would read it as MkDocs config). The site is not built.`);
      // Python's glob is not minimatch: every YAML file of the copy may be what a glob finds, so each is judged.
      for (const next of include.glob ? files.filter(f => f !== file && /\.ya?ml$/i.test(f)) : fileSet.has(target) ? [target] : []) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
  }
}

/** Whether `path` is a symbolic link to a folder (following it); false for anything else or when it cannot be read. */
function isFolderLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink() && statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...(await listFiles(dir, path)));
    else found.push(path);
  }
  return found.sort();
}
