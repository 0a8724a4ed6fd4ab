import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, posix } from 'node:path';
import { yamlPackage } from '../load/lazyPackages.ts';
import { mergeKeyRanges } from '../load/parseYaml.ts';
import { parseAcyclic } from '../load/acyclicYaml.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { isRecord, type SourceFile } from '../load/loadCatalog.ts';
import { toRange } from '../load/yamlPath.ts';
import { jsonOfShape, readJsonFile } from '../config/configFile.ts';
import type { SanitizedMkdocs } from './techdocsSanitizer.ts';
import defaultPolicy from '../../../schemas/techdocs-policy.json' with { type: 'json' };
import { affordableYaml } from '../load/yamlNodeBudget.ts';
import { leavesRoot } from '../load/leavesRoot.ts';

const require = createRequire(import.meta.url);

// What mkdocs-monorepo-plugin 1.1.2 (parser.py, edit_uri.py) takes from a config a nav includes; MkDocs'
// yaml_load also follows its INHERIT while reading it. Its plugins, hooks and the rest are never loaded.
const INCLUDED_KEYS = new Set(['site_name', 'nav', 'docs_dir', 'repo_url', 'edit_uri', 'INHERIT']);

/**
 * A parsed mkdocs.yml as the build uses it: for a site's own config (`included` false), what TechDocs'
 * sanitizer leaves of it: `sanitized` (sanitizeAsTechdocs, techdocs-node's own sanitizeMkdocsYml run
 * with the managed Backstage's settings) names what it removes; without it (the sanitizer refuses the
 * file) the config is judged as written. For a config a nav includes, the keys mkdocs-monorepo-plugin
 * reads. Anything else is not a mapping and is returned as it is. Pure; `config` is not changed.
 */
export function mkdocsConfigAsUsed(config: unknown, included: boolean, sanitized?: SanitizedMkdocs): unknown {
  if (!isRecord(config)) return config;
  if (included) return Object.fromEntries(Object.entries(config).filter(([key]) => INCLUDED_KEYS.has(key)));
  if (!sanitized) return config;
  const keptKeys = new Set(sanitized.keptKeys);
  const kept = Object.fromEntries(Object.entries(structuredClone(config)).filter(([key]) => keptKeys.has(key)));
  // Deepest and last first, so that removing a list entry does not move the ones still to remove.
  const paths = [...sanitized.removed].sort((a, b) => b.length - a.length || compareLast(b, a));
  for (const path of paths) {
    let parent: unknown = kept;
    for (const segment of path.slice(0, -1)) parent = isRecord(parent) || Array.isArray(parent) ? (parent as Record<string | number, unknown>)[segment] : undefined;
    const last = path[path.length - 1];
    if (Array.isArray(parent) && typeof last === 'number' && last < parent.length) parent.splice(last, 1);
    else if (isRecord(parent) && typeof last === 'string') delete parent[last];
  }
  return kept;
}

function compareLast(a: (string | number)[], b: (string | number)[]): number {
  const x = a[a.length - 1];
  const y = b[b.length - 1];
  return typeof x === 'number' && typeof y === 'number' ? x - y : 0;
}

/** Whether `sanitized` removes what `path` names (or what holds it). */
export function removedByTechdocs(sanitized: SanitizedMkdocs | undefined, path: (string | number)[]): boolean {
  return sanitized?.removed.some(removed => removed.length <= path.length && removed.every((segment, i) => segment === path[i])) ?? false;
}

/** schemas/techdocs-policy.json: the mkdocs plugins and YAML tags a team's docs may use. */
export interface TechdocsPolicy {
  plugins: string[];
  yamlTags: string[];
  /** Markdown extension name -> why it is refused. */
  deniedMarkdownExtensions?: Record<string, string>;
  /**
   * PlantUML/Kroki servers the platform runs for TechDocs inside its own network, each a URL prefix such as
   * `http://plantuml.corp:8080/plantuml`, or public ones it trusts not to redirect (`https://kroki.io`): only a
   * diagram server under one of them is allowed (extensionServersNotListed).
   */
  diagramServers?: string[];
  /** Where it was read (`schemas/techdocs-policy.json`); absent for the toolkit's default, which applies when the repo writes none. */
  file?: string;
}

/**
 * How a finding names the policy it applies: the repo's file, or the toolkit's default when the repo has
 * none (a newcomer told "not in schemas/techdocs-policy.json" looks for a file that is not there).
 */
export function policyName(policy: TechdocsPolicy | undefined): string {
  return policy?.file ?? "the toolkit's default TechDocs policy (this repository has no schemas/techdocs-policy.json)";
}

/** Where a hint sends the platform team to change the policy: the repo's file, or one to write. */
export function policyToEdit(policy: TechdocsPolicy | undefined): string {
  return policy?.file ?? 'a schemas/techdocs-policy.json of this repository (none yet: the toolkit\'s default applies until one is written)';
}

/**
 * The markdown_extensions of a parsed mkdocs.yml that the policy denies: `path` in mkdocs.yml (a list
 * entry, or a key of the mapping form MkDocs also takes, which Backstage's sanitiser leaves alone), the
 * name as written and why. Python-Markdown imports the module before any `:Class` (so
 * `pymdownx.snippets:SnippetExtension` is pymdownx.snippets), and a denied module is also denied through
 * its package or a module inside it.
 */
export function deniedExtensions(config: unknown, policy: TechdocsPolicy): { path: (string | number)[]; name: string; reason: string }[] {
  const denied = Object.entries(policy.deniedMarkdownExtensions ?? {});
  if (!isRecord(config)) return [];
  const listed = config.markdown_extensions;
  const entries: [(string | number)[], string][] = Array.isArray(listed)
    ? listed.flatMap((entry, i) => (typeof entry === 'string' ? [entry] : isRecord(entry) ? Object.keys(entry) : []).map((name): [(string | number)[], string] => [['markdown_extensions', i], name]))
    : isRecord(listed) ? Object.keys(listed).map((name): [(string | number)[], string] => [['markdown_extensions', name], name]) : [];
  return entries.flatMap(([path, name]) => {
    const module = name.split(':')[0].trim();
    const hit = denied.find(([d]) => module === d || module.startsWith(`${d}.`) || d.startsWith(`${module}.`));
    return hit ? [{ path, name, reason: hit[1] }] : [];
  });
}

/**
 * mkdocs.yml as MkDocs (PyYAML) and TechDocs (js-yaml) read it: `<<` merge keys expanded, the last of
 * duplicate keys kept. Undefined when even that reading fails, or when the config contains itself (a
 * self-alias: parseYaml reports it as yaml-syntax; every walk of the nav would follow it for ever). What
 * the build would see is what is judged.
 */
export function mkdocsConfigAsBuilt(text: string): unknown {
  try {
    return parseAcyclic(text, { merge: true, uniqueKeys: false, logLevel: 'silent' });
  } catch {
    return undefined;
  }
}

/** Whether `text` writes a `<<` key anywhere (a merge key to MkDocs and TechDocs). */
export function writesMergeKey(text: string): boolean {
  // Any `<<` at all: a comment or an explicit `?` between it and its `:` still makes a merge key to PyYAML.
  return text.includes('<<');
}

/**
 * Why `text` (an mkdocs.yml, or a config one includes) would be read otherwise by the builders than by
 * the gate, or undefined. TechDocs reads the site's config with js-yaml and MkDocs and its plugins with
 * PyYAML (YAML 1.1, its full loader), the gate with `yaml`: they disagree on explicit `?` keys (js-yaml
 * names `? [nav]` nav, `yaml` "[ nav ]") and on line breaks (PyYAML also breaks lines at U+2028, U+2029
 * and NEL, so a "comment" ends there and a key follows). Such a config is refused rather than judged.
 */
export function mkdocsReadingProblem(text: string): string | undefined {
  if (/[\u0085\u2028\u2029]/.test(text)) return 'it holds a line break character (U+2028, U+2029 or NEL) that Python\'s YAML reader starts a new line at, where the gate reads one line';
  if (/(?:^|[\s{[,-])\?(?:[ \t]|$)/m.test(text)) return 'it writes an explicit "?" key, which js-yaml, PyYAML and the gate name differently';
  return undefined;
}

/** A path-valued key of mkdocs.yml whose value leads outside the site's folder (or is absolute). */
export interface MkdocsPathOutside {
  /** Where in mkdocs.yml, e.g. ['theme', 'custom_dir'] or ['extra_css', 0]. */
  path: (string | number)[];
  /** The dotted key for messages, e.g. theme.custom_dir, extra_css[0]. */
  key: string;
  value: string;
}

/**
 * Every path of a parsed mkdocs.yml that MkDocs (or the toolkit's build copy) reads or writes and that
 * leads outside the site's folder: docs_dir, site_dir, theme.custom_dir, INHERIT and watch (relative
 * to mkdocs.yml, as MkDocs resolves them), extra_css, extra_javascript and extra_templates (relative to
 * docs_dir; URLs are fine), and the file options of markdown extensions (plantuml_markdown's base_dir,
 * config and cachedir, relative to the folder MkDocs runs in: mkdocs.yml's). `folder` is the repo-relative
 * folder of mkdocs.yml ('' at the root). Such a
 * path, joined onto the temporary build copy, collapses at / and lands anywhere on the host. Pure.
 */
export function mkdocsPathsOutside(config: unknown, folder: string): MkdocsPathOutside[] {
  if (!isRecord(config)) return [];
  const found: MkdocsPathOutside[] = [];
  const escapes = (base: string, value: string) => {
    if (posix.isAbsolute(value) || /^[a-z]:|^\\/i.test(value) || value.includes('\\')) return true;
    const target = posix.normalize(posix.join(base, value));
    return folder === '' ? target === '..' || target.startsWith('../') : target !== folder && !target.startsWith(`${folder}/`);
  };
  const fromConfig = (path: (string | number)[], key: string, value: unknown) => {
    if (typeof value === 'string' && escapes(folder || '.', value)) found.push({ path, key, value });
  };
  fromConfig(['docs_dir'], 'docs_dir', config.docs_dir);
  fromConfig(['site_dir'], 'site_dir', config.site_dir);
  fromConfig(['INHERIT'], 'INHERIT', config.INHERIT);
  if (isRecord(config.theme)) fromConfig(['theme', 'custom_dir'], 'theme.custom_dir', config.theme.custom_dir);
  if (Array.isArray(config.watch)) config.watch.forEach((value, i) => fromConfig(['watch', i], `watch[${i}]`, value));
  const docsDir = posix.join(folder || '.', typeof config.docs_dir === 'string' ? config.docs_dir : 'docs');
  for (const option of extensionPathOptions(config)) {
    // MkDocs' !relative tag reaches a plugin as $config_dir/… or $docs_dir/… (the gate keeps the tag's text).
    const value = option.value.trim();
    const relative = /^\$(config_dir|docs_dir)(?=[/\\]|$)/.exec(value);
    const base = relative?.[1] === 'docs_dir' ? docsDir : folder || '.';
    const rest = relative ? value.slice(relative[0].length).replace(/^[/\\]+/, '') || '.' : value;
    if (rest.startsWith('~') || escapes(base, rest)) found.push({ path: option.path, key: option.key, value: option.value });
  }
  for (const key of ['extra_css', 'extra_javascript', 'extra_templates']) {
    const list = config[key];
    if (!Array.isArray(list)) continue;
    list.forEach((entry, i) => {
      const value = isRecord(entry) ? entry.path : entry;
      if (typeof value !== 'string' || /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.startsWith('//')) return;
      if (escapes(docsDir, value)) found.push({ path: isRecord(entry) ? [key, i, 'path'] : [key, i], key: `${key}[${i}]`, value });
    });
  }
  return found;
}

// Options of markdown extensions that name a file or folder of the build machine, keyed by module. TechDocs'
// sanitizer removes only plantuml_cmd: plantuml_markdown (which techdocs-core always enables) reads every
// `source=` and diagram `!include` under base_dir, reads its `config` file into every diagram (both are sent
// to the PlantUML server), and writes its cachedir (expanduser'd). base_dir: / makes a page's
// source="proc/self/environ", a path that stays in the site as the page writes it, read the host's file.
const EXTENSION_PATH_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  plantuml_markdown: ['base_dir', 'config', 'cachedir'],
  // The package's legacy module name for the same extension (mdx_plantuml.py in plantuml-markdown).
  mdx_plantuml: ['base_dir', 'config', 'cachedir'],
};

/**
 * Each path an extension's options name (EXTENSION_PATH_OPTIONS), in either form MkDocs takes
 * markdown_extensions (a list of names or one-key mappings, or a mapping of name to options), with its
 * path in mkdocs.yml and a dotted key for messages. A module is matched as Python-Markdown imports it:
 * before any `:Class`, and a module inside the package counts (plantuml_markdown.plantuml_markdown). Pure.
 */
function extensionPathOptions(config: Record<string, unknown>, table: Readonly<Record<string, readonly string[]>> = EXTENSION_PATH_OPTIONS): { path: (string | number)[]; key: string; value: string }[] {
  const listed = config.markdown_extensions;
  const entries: [(string | number)[], string, unknown][] = Array.isArray(listed)
    ? listed.flatMap((entry, i) => (isRecord(entry) ? Object.entries(entry).map(([name, options]): [(string | number)[], string, unknown] => [['markdown_extensions', i, name], name, options]) : []))
    : isRecord(listed) ? Object.entries(listed).map(([name, options]): [(string | number)[], string, unknown] => [['markdown_extensions', name], name, options]) : [];
  return entries.flatMap(([path, name, options]) => {
    const module = name.split(':')[0].trim();
    const keys = Object.entries(table).find(([m]) => module === m || module.startsWith(`${m}.`))?.[1];
    if (!keys || !isRecord(options)) return [];
    return keys.flatMap(key => {
      const value = options[key];
      const values: [(string | number)[], string, unknown][] = Array.isArray(value) ? value.map((v, i): [(string | number)[], string, unknown] => [[...path, key, i], `${key}[${i}]`, v]) : [[[...path, key], key, value]];
      return values.flatMap(([at, shownKey, v]) => (typeof v === 'string' && v !== '' ? [{ path: at, key: `markdown_extensions ${module} ${shownKey}`, value: v }] : []));
    });
  });
}

// The diagram servers plantuml_markdown sends every diagram to and whose answer it writes into the page
// (format txt and svg_inline inline it as text): from the build machine, so an internal address would put
// what that host answers (a cloud metadata service ignoring the appended path after `?`) into published docs.
const EXTENSION_SERVER_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  plantuml_markdown: ['server', 'kroki_server'],
  mdx_plantuml: ['server', 'kroki_server'],
};

/**
 * Each diagram server option of a parsed mkdocs.yml (EXTENSION_SERVER_OPTIONS) that does not lie under one of
 * `allowed` (the policy's diagramServers: same origin, and the path at or below the entry's, segment by
 * segment), with why: plain http, an IP literal, localhost, a single-label or .local/.internal name, user
 * info; and for any other https server, that it is not listed. plantuml_markdown fetches the server with
 * requests, which follows redirects (GET, and POST answered by a 30x): a server nobody vetted (the pull
 * request's own) can answer every diagram with a redirect to the cloud metadata service or an internal host,
 * and the build writes that answer into the page, so only listed servers pass (the default policy lists
 * www.plantuml.com and kroki.io). Returns where, the dotted key and why. Pure; no DNS lookup.
 */
export function extensionServersNotListed(config: unknown, policy: TechdocsPolicy): { path: (string | number)[]; key: string; value: string; problem: string }[] {
  if (!isRecord(config)) return [];
  const allowed = policy.diagramServers ?? [];
  return extensionPathOptions(config, EXTENSION_SERVER_OPTIONS).flatMap(option => {
    let url: URL;
    try {
      url = new URL(option.value.trim());
    } catch {
      return [{ ...option, problem: 'it is not a URL' }];
    }
    // The policy is a file like any other: an entry that is no string allows nothing.
    if (Array.isArray(allowed) && allowed.some(entry => typeof entry === 'string' && underServer(url, entry))) return [];
    const host = url.hostname.toLowerCase().replace(/\.$/, '');
    const problem = url.protocol !== 'https:' ? 'it is not https'
      : url.username || url.password ? 'it holds user info'
      : /^\[|^[\d.]+$|^0x/i.test(host) ? 'its host is an IP address'
      : host === 'localhost' || /\.(localhost|local|internal|lan|home|corp|intranet)$/.test(host) || !host.includes('.') ? 'its host is not a public name'
      : `it is not a diagram server ${policyName(policy)} lists (diagramServers): plantuml_markdown follows its redirects, so a server nobody vetted can send the build to the cloud metadata service or an internal host`;
    return [{ ...option, problem }];
  });
}

// mkdocs-monorepo-plugin (which techdocs-core always enables) replaces a nav value `!include path/mkdocs.yml`
// (or `*include glob`) with that config's nav, reading the file with MkDocs' own loader, python tags and all.
// Matched against the value with its trailing white space trimmed first (trimEnd strips what \s matches):
// written `(\S.*?)\s*$`, the lazy path and the trailing \s* split a long run of spaces every way, and a
// 200 KB nav value held the gate for minutes.
const MONOREPO_INCLUDE = /^\s*([!*])include\s+(\S.*)$/;

/** A nav value that makes mkdocs-monorepo-plugin read another MkDocs config. */
export interface MonorepoInclude {
  /** Where in mkdocs.yml, e.g. ['nav', 2, 'Notes']. */
  path: (string | number)[];
  /** The path (or, for `*include`, the glob) as written, relative to the including mkdocs.yml's folder. */
  target: string;
  glob: boolean;
}

/** Every nav value of a parsed mkdocs.yml that includes another config (MonorepoInclude), at any depth of the nav. Pure. */
export function monorepoIncludes(config: unknown): MonorepoInclude[] {
  const found: MonorepoInclude[] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    if (typeof value === 'string') {
      const include = MONOREPO_INCLUDE.exec(value.trimEnd());
      if (include) found.push({ path, target: include[2], glob: include[1] === '*' });
    } else if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...path, i]));
    else if (isRecord(value)) for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
  };
  if (isRecord(config)) walk(config.nav, ['nav']);
  return found;
}

/**
 * The repo-relative path (or glob) an include names, relative to `folder` (the including mkdocs.yml's,
 * '' at the root); undefined when it is absolute or leads outside `within` (a folder, '' for anywhere in the
 * repo), where the plugin would read a file of the machine or of no reviewed site.
 */
export function includeTarget(include: MonorepoInclude, folder: string, within: string): string | undefined {
  if (posix.isAbsolute(include.target) || /^[a-z]:|^\\|^~/i.test(include.target) || include.target.includes('\\')) return undefined;
  // No `..` at all: normalising `a/**/../b` to `a/b` is not what Python's glob makes of it (`**` may match nothing).
  if (include.target.split('/').includes('..')) return undefined;
  const target = posix.normalize(posix.join(folder || '.', include.target));
  if (target === '..' || target.startsWith('../')) return undefined;
  return within === '' || target.startsWith(`${within}/`) ? target : undefined;
}

/**
 * Why an included config's site_name is unsafe, or undefined. mkdocs-monorepo-plugin (parser.py getAlias)
 * uses the name as it is when it matches `^[a-zA-Z0-9_\.\-/]+$` (Python's `$` also before one final line
 * break) and slugifies any other name (`test site` becomes `test-site`, letters, digits and `-` only); the
 * merger copies the included docs to `os.path.join(<docs>, *alias.split("/"))`, so only a name kept as it is
 * with a `..` segment leads out of the build (empty and `.` segments stay inside). A missing or non-string
 * site_name stops the build ("does not contain a valid 'site_name' key").
 */
export function includedSiteNameProblem(config: unknown): string | undefined {
  const name = isRecord(config) ? config.site_name : undefined;
  if (typeof name !== 'string') return 'it has no site_name, which mkdocs-monorepo-plugin needs to name the section: the build stops';
  const keptAsWritten = /^[a-zA-Z0-9_.\-/]+\n?$/.test(name);
  if (keptAsWritten && name.replace(/\n$/, '').split('/').includes('..')) {
    return `its site_name ${JSON.stringify(name.slice(0, 120))} has a ".." segment: mkdocs-monorepo-plugin copies the included docs to a folder of that name as written, which would be outside the build, elsewhere on the machine`;
  }
  return undefined;
}

/**
 * The redirect_maps of an mkdocs-redirects plugin entry that would write outside the site or inject
 * HTML: keys are joined onto site_dir as they are (absolute, `..` or `\` paths land anywhere), values
 * are written into the redirect page unescaped (quotes, `<`, `>` or line breaks inject markup).
 */
function redirectProblems(options: unknown): { key: string; problem: string }[] {
  const maps = isRecord(options) ? options.redirect_maps : undefined;
  if (!isRecord(maps)) return [];
  return Object.entries(maps).flatMap(([key, value]) => {
    if (posix.isAbsolute(key) || key.includes('\\') || /^[a-z]:/i.test(key) || key.split('/').includes('..')) return [{ key, problem: `the page ${JSON.stringify(key.slice(0, 120))} leads outside the site: the redirect file would be written elsewhere on the machine` }];
    if (typeof value !== 'string' || /["'<>\r\n\u2028\u2029]/.test(value)) return [{ key, problem: `the target of ${JSON.stringify(key.slice(0, 120))} holds quotes, angle brackets or line breaks, which mkdocs-redirects writes into the page unescaped` }];
    return [];
  });
}

/**
 * Whether `url` is the policy entry `entry` or below it: the same origin, the entry's path segments first,
 * and no path segment a server would read as leaving it (`..;`, encoded dots and slashes).
 */
function underServer(url: URL, entry: string): boolean {
  let base: URL;
  try {
    base = new URL(entry);
  } catch {
    return false;
  }
  if (url.origin !== base.origin || url.username || url.password) return false;
  // A segment the URL parser keeps under the entry that the server reads as a step elsewhere: Tomcat and Jetty
  // (where PlantUML servers run) take `..;` for `..`, and proxies decode %2e, %2f, %5c (and %25 twice).
  if (/;|%(?:2e|2f|5c|25|3b)/i.test(url.pathname)) return false;
  const segments = (path: string) => path.split('/').filter(Boolean);
  const [want, have] = [segments(base.pathname), segments(url.pathname)];
  return want.every((segment, i) => have[i] === segment);
}

/** The repo's schemas/techdocs-policy.json when it has one, else the toolkit's. Throws on invalid JSON or a member of the wrong kind. */
export function loadTechdocsPolicy(root: string): TechdocsPolicy {
  const file = join(root, 'schemas', 'techdocs-policy.json');
  if (!existsSync(file)) return DEFAULT_TECHDOCS_POLICY;
  const shape = { plugins: 'strings', yamlTags: 'strings', deniedMarkdownExtensions: 'string map', diagramServers: 'strings' } as const;
  return { ...jsonOfShape<TechdocsPolicy>(readJsonFile(file, 'schemas/techdocs-policy.json'), 'schemas/techdocs-policy.json', shape, ['plugins', 'yamlTags']), file: 'schemas/techdocs-policy.json' };
}

export const DEFAULT_TECHDOCS_POLICY: TechdocsPolicy = defaultPolicy as TechdocsPolicy;

/**
 * What in an mkdocs.yml lets a pull request reach the publishing job: tags that read the environment
 * (`!ENV`, pyyaml-env-tag) or construct Python objects (`!!python/…`, which MkDocs' loader honours;
 * techdocs-node's own UnknownTag decides which few are harmless) anywhere in the file, and in what the
 * build uses of it (mkdocsConfigAsUsed: TechDocs' sanitizer removes hooks, INHERIT, theme.custom_dir,
 * extra_javascript and plugins outside its list from a site's own config before MkDocs reads it;
 * mkdocs-monorepo-plugin reads only a few keys of an included config, INHERIT followed) `hooks:` (Python
 * files MkDocs 1.4+ runs), `INHERIT:` reaching outside the site's reviewed folder, paths leading outside it,
 * denied extensions and plugins TechDocs keeps but the policy does not allow. `text` is the file's YAML;
 * returns Diagnostics (errors) with the tag's or key's own line.
 */
export function checkMkdocsSafety(source: SourceFile, text: string | undefined, repoFiles: ReadonlySet<string>, policy: TechdocsPolicy, included = false, sanitized?: SanitizedMkdocs): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const folder = posix.dirname(source.file) === '.' ? '' : posix.dirname(source.file);
  // A finding about a key that only `<<` brings in is shown on the `<<` line.
  let merged: Diagnostic[] = [];
  const written = source.documents[0];
  const at = (path: (string | number)[], ruleId: string, message: string, hint: string, key = false): Diagnostic => ({
    ruleId, severity: 'error', message, hint, file: source.file,
    range: merged.length > 0 && !(isRecord(written) && Object.hasOwn(written, path[0])) ? merged[0].range : source.locate(0, path, { key }),
  });
  // A file over the node budget was not read; reading it again here would undo the budget.
  const readable = text !== undefined && !source.problems.some(p => p.ruleId === 'yaml-node-limit');
  const reading = readable ? mkdocsReadingProblem(text) : undefined;
  if (reading) diagnostics.push({ ruleId: 'mkdocs-invalid', severity: 'error', message: `${source.file} is refused: ${reading}. What the gate checks must be what gets built.`, hint: 'Write plain YAML: one key per line, no "?" keys, only ordinary line breaks.', file: source.file, range: source.locate(0, []) });
  const parsed = readable ? withPositions(text) : undefined;
  if (readable) diagnostics.push(...unsafeTags(source.file, text, parsed, policy, included));
  let config = source.documents[0];
  if (readable && writesMergeKey(text)) {
    // MkDocs and TechDocs expand `<<`, where the gate's YAML 1.2 reading keeps a literal key: what is
    // merged in is what gets built, so it is judged as merged, and the merge itself is refused.
    merged = mergeKeys(source.file, parsed);
    diagnostics.push(...merged);
    config = mkdocsConfigAsBuilt(text) ?? config;
  }
  if (!isRecord(config)) return diagnostics;
  const unsafeName = included ? includedSiteNameProblem(config) : undefined;
  if (unsafeName) diagnostics.push(at(['site_name'], 'mkdocs-path-outside', `This config is included by another site's nav (mkdocs-monorepo-plugin), and ${unsafeName}.`, 'Give it a site_name without ".." segments, such as orders-api.'));
  const asWritten = config;
  // What never reaches MkDocs cannot reach the job: the rest is judged as the build uses it.
  const used = mkdocsConfigAsUsed(config, included, sanitized) as Record<string, unknown>;
  if ('hooks' in used) {
    diagnostics.push(at(['hooks'], 'mkdocs-hooks', 'hooks: runs the listed Python files inside the job that builds and publishes the docs.', 'Remove hooks; ask the platform team for a reviewed plugin instead.', true));
  }
  for (const outside of mkdocsPathsOutside(used, folder)) {
    if (outside.key === 'INHERIT') continue;
    diagnostics.push(at(outside.path, 'mkdocs-path-outside', `${outside.key} is ${JSON.stringify(outside.value.slice(0, 200))}, which leads outside this site's folder: building the site would read or write files elsewhere on the machine.`, "Keep every path in mkdocs.yml inside the folder that holds it (docs_dir: docs)."));
  }
  if ('INHERIT' in used && included) {
    // No sanitizer runs over an included config: the plugin reads it with MkDocs' own loader, which follows
    // INHERIT and constructs whatever the inherited file holds (Python tags included). That file is judged
    // by nobody, so the key is refused wherever it leads.
    diagnostics.push(at(['INHERIT'], 'mkdocs-inherit-outside', `INHERIT in a config another site's nav includes is refused: mkdocs-monorepo-plugin reads this file with MkDocs' own loader, which follows INHERIT and builds whatever ${JSON.stringify(String(used.INHERIT).slice(0, 200))} holds (Python tags included), a file neither TechDocs' sanitizer nor the gate judges.`, 'Write the settings the included site needs (site_name, nav, docs_dir) into this file, and remove INHERIT.', true));
  } else if ('INHERIT' in used) {
    const target = typeof used.INHERIT === 'string' ? posix.normalize(posix.join(folder, used.INHERIT)) : undefined;
    const inside = target !== undefined && !posix.isAbsolute(String(used.INHERIT)) && (folder === '' ? !leavesRoot(target) : target.startsWith(`${folder}/`));
    if (!inside || !repoFiles.has(target!)) {
      diagnostics.push(at(['INHERIT'], 'mkdocs-inherit-outside', `INHERIT reads ${JSON.stringify(String(used.INHERIT))}, which is ${inside ? 'not a file in this repository' : "outside this site's folder"}: a config nobody reviewing this site sees.`, "Write the settings into this mkdocs.yml, or keep the inherited file next to it in the site's folder.", true));
    }
  }
  for (const include of monorepoIncludes(used)) {
    if (includeTarget(include, folder, folder) !== undefined) continue;
    diagnostics.push(at(include.path, 'mkdocs-path-outside', `nav includes ${JSON.stringify(include.target.slice(0, 200))}, outside this site's folder: mkdocs-monorepo-plugin (which techdocs-core enables) reads that file as MkDocs config, running what it holds, in the job that publishes the docs.`, "Include only configs inside the site's folder (they are judged like this mkdocs.yml)."));
  }
  for (const server of extensionServersNotListed(used, policy)) {
    diagnostics.push(at(server.path, 'mkdocs-unsafe-extension', `${server.key} is ${JSON.stringify(server.value.slice(0, 200))}, and ${server.problem}: plantuml_markdown sends each diagram there from the machine that builds the docs and writes the answer into the page, so an internal address (named, or reached through a redirect) would publish what that host returns.`, `Use a diagram server listed under diagramServers in ${policyName(policy)} (${(Array.isArray(policy.diagramServers) ? policy.diagramServers : []).filter(e => typeof e === 'string').slice(0, 3).map(e => e.slice(0, 80)).join(', ') || 'none listed'}), ask the platform team to list another, or leave server out.`));
  }
  for (const { path, name, reason } of deniedExtensions(used, policy)) {
    diagnostics.push(at(path, 'mkdocs-unsafe-extension', `The markdown extension '${name.slice(0, 200)}' is refused by ${policy.file ? `the TechDocs policy (${policy.file})` : policyName(policy)}, a rule of this repository's gate on top of what Backstage checks: ${reason}.`, `Copy the text into the page, or link to the file; an exception is the platform team's to review in ${policyToEdit(policy)}.`, typeof path[1] === 'string'));
  }
  const allowed = new Set(policy.plugins);
  for (const { path, name, options, optionsPath, dropped } of pluginsOf(included ? undefined : asWritten.plugins, ['plugins'], sanitized)) {
    // TechDocs removes it before building (a warning of checkMkdocs): it never runs.
    if (dropped) continue;
    for (const { key, problem } of /(^|\/)redirects$/.test(name) ? redirectProblems(options) : []) {
      diagnostics.push(at([...optionsPath, 'redirect_maps', key], 'mkdocs-path-outside', `redirect_maps: ${problem}.`, 'Map a page of this site (a relative .md path without ..) to a plain URL or page.', true));
    }
    if (!allowed.has(name)) {
      diagnostics.push(at(path, 'mkdocs-plugin-not-allowed', `The mkdocs plugin '${name.slice(0, 200)}' is not in ${policyName(policy)}, and TechDocs keeps it: the build would run its Python in the job that builds the docs.`, `Use one of: ${policy.plugins.join(', ')}; or ask the platform team to review it and add it to ${policyToEdit(policy)}.`));
    }
  }
  return diagnostics;
}

/** A plugin entry of mkdocs.yml (see pluginsOf). */
export interface MkdocsPluginEntry {
  /** Where in mkdocs.yml the entry is written, e.g. ['plugins', 1], and where its options are. */
  path: (string | number)[];
  name: string;
  options: unknown;
  optionsPath: (string | number)[];
  /** Whether TechDocs' sanitizer removes it before building (as `sanitized` says; never without it). */
  dropped: boolean;
}

/**
 * Every plugin a `plugins:` value turns on, with where it is written: list entries (a name, or a mapping
 * of a name to its options), the mapping form MkDocs also reads, and those nested under the `group`
 * plugin (`group: {plugins: [...]}`), which loads them itself (and which TechDocs' sanitizer filters too).
 */
export function pluginsOf(plugins: unknown, path: (string | number)[], sanitized?: SanitizedMkdocs, depth = 0): MkdocsPluginEntry[] {
  const drops = (entryPath: (string | number)[]) => removedByTechdocs(sanitized, entryPath);
  const entries: MkdocsPluginEntry[] = Array.isArray(plugins)
    ? plugins.flatMap((plugin, i): MkdocsPluginEntry[] => (typeof plugin === 'string' ? [{ path: [...path, i], name: plugin, options: undefined, optionsPath: [...path, i], dropped: drops([...path, i]) }] : isRecord(plugin) ? Object.entries(plugin).map(([name, options]) => ({ path: [...path, i], name, options, optionsPath: [...path, i, name], dropped: drops([...path, i]) })) : []))
    : isRecord(plugins) ? Object.entries(plugins).map(([name, options]) => ({ path: [...path, name], name, options, optionsPath: [...path, name], dropped: drops([...path, name]) })) : [];
  return entries.flatMap(entry => {
    const nested = depth < 5 && /(^|\/)group$/.test(entry.name) && isRecord(entry.options) ? pluginsOf(entry.options.plugins, [...entry.optionsPath, 'plugins'], sanitized, depth + 1).map(inner => ({ ...inner, dropped: inner.dropped || entry.dropped })) : [];
    return [entry, ...nested];
  });
}

/** Each `<<` key of mkdocs.yml, on its own line: refused, since what it merges in is not what reviewers read. */
function mergeKeys(file: string, parsed: PositionedYaml | undefined): Diagnostic[] {
  if (!parsed) return [];
  return mergeKeyRanges(parsed.doc, 20).map(([start, end]) => ({
    ruleId: 'mkdocs-merge-key',
    severity: 'error' as const,
    message: "'<<' merges other keys into this mapping when MkDocs and TechDocs read mkdocs.yml, so what gets built is not what a reviewer reads here.",
    hint: 'Write the merged keys out in full.',
    file,
    range: toRange(parsed.lineCounter, start, end),
  }));
}

type PositionedYaml = { doc: ReturnType<ReturnType<typeof yamlPackage>['parseDocument']>; lineCounter: InstanceType<ReturnType<typeof yamlPackage>['LineCounter']> };

/** mkdocs.yml as a `yaml` document with positions, duplicate keys allowed as MkDocs reads them; undefined when it cannot be parsed. */
function withPositions(text: string): PositionedYaml | undefined {
  const { LineCounter, parseDocument } = yamlPackage();
  const lineCounter = new LineCounter();
  try {
    affordableYaml(text);
    return { doc: parseDocument(text, { lineCounter, uniqueKeys: false, logLevel: 'silent' }), lineCounter };
  } catch {
    return undefined;
  }
}

/**
 * Each YAML tag of mkdocs.yml outside what may be built (at most 20), at the tag itself (`yaml` gives a
 * tagged node's range from its value on; the tag is found in `text` before it). A Python tag is judged by
 * techdocs-node's own UnknownTag: in a site's own config one it does not allow makes TechDocs' sanitizer
 * (sanitizeMkdocsYml, js-yaml with MKDOCS_SCHEMA) throw, so TechDocs refuses to build the site; in a config a
 * nav `included` no sanitizer runs and MkDocs constructs the object. Any other tag must be in the policy's
 * `yamlTags` (the YAML 1.1 core tags always pass).
 */
function unsafeTags(file: string, text: string, parsed: PositionedYaml | undefined, policy: TechdocsPolicy, included: boolean): Diagnostic[] {
  const policyTags = policy.yamlTags;
  const { isNode, visit } = yamlPackage();
  const found: Diagnostic[] = [];
  if (!parsed) return found;
  const allowedTags = new Set(policyTags);
  const { doc, lineCounter } = parsed;
  visit(doc, (_, node) => {
    if (!isNode(node) || !node.tag || !node.range || found.length >= 20) return;
    const tag = node.tag;
    if (allowedTags.has(tag) || /^tag:yaml\.org,2002:(?:str|int|float|bool|null|map|seq|binary|set|omap|pairs|timestamp)$/.test(tag)) return;
    const python = tag.startsWith('tag:yaml.org,2002:python/');
    const refusal = python ? techdocsTagRefusal(tag) : undefined;
    if (python && refusal === undefined) return;
    const shown = shortTag(tag);
    const start = tagOffset(text, tag, node.range[0]);
    const range = toRange(lineCounter, start ?? node.range[0], (start ?? node.range[0]) + (start === undefined ? 0 : shown.length));
    const pythonAllowed = techdocsPythonTags().map(shortTag);
    const allowedList = [...pythonAllowed, ...policyTags.map(t => shortTag(t).slice(0, 80))].slice(0, 20).join(', ') || 'none';
    if (python && !included) {
      found.push({
        ruleId: 'mkdocs-unsafe-tag',
        severity: 'error',
        message: `${shown.slice(0, 120)} is a Python YAML tag TechDocs refuses: its sanitizer stops with "${(refusal ?? '').slice(0, 200)}", so TechDocs does not build this site (MkDocs would construct a Python object from it, which can run any code in the job that publishes the docs). The tags TechDocs and ${policyName(policy)} allow: ${allowedList}.`,
        hint: 'Remove the tag and write the value out, or use one of the allowed tags.',
        file,
        range,
      });
      return;
    }
    const reads = tag === '!ENV' ? 'reads an environment variable of the job that builds the docs (its secrets included) into the published site' : python ? 'makes MkDocs construct a Python object: it can run any code in the job that publishes the docs (no sanitizer reads a config a nav includes)' : `is a YAML tag MkDocs hands to Python code, outside ${policyName(policy)}`;
    found.push({
      ruleId: 'mkdocs-unsafe-tag',
      severity: 'error',
      message: `${shown.slice(0, 120)} ${reads}. The tags allowed: ${allowedList}.`,
      hint: 'Write the value out in mkdocs.yml; docs never need the build environment.',
      file,
      range,
    });
  });
  return found;
}

/** `!!python/name:x` for `tag:yaml.org,2002:python/name:x`; other tags as they are. */
function shortTag(tag: string): string {
  return tag.replace(/^tag:yaml\.org,2002:/, '!!');
}

/**
 * The offset of the tag of a node whose value starts at `valueStart`: the last place before it where the tag
 * is written (`!!x`, `!<tag:…>` or a local `!x`); undefined when it is written otherwise (a %TAG handle).
 */
function tagOffset(text: string, tag: string, valueStart: number): number | undefined {
  for (const written of [shortTag(tag), `!<${tag}>`, tag]) {
    const at = text.lastIndexOf(written, valueStart);
    if (at >= 0 && !/\S/.test(text.slice(at + written.length, valueStart).replace(/#[^\n]*/g, ''))) return at;
  }
  return undefined;
}

// Loaded only for a python tag: techdocs-node's helpers cost tens of milliseconds at every check otherwise.
function techdocsHelpers() {
  return require('@backstage/plugin-techdocs-node/dist/stages/generate/helpers.cjs.js') as { UnknownTag: new (data: unknown, type: string) => unknown };
}

/** Why techdocs-node's UnknownTag (what its MKDOCS_SCHEMA constructs every tag as) refuses `tag`: its own message, or undefined when it accepts it. */
function techdocsTagRefusal(tag: string): string | undefined {
  try {
    new (techdocsHelpers().UnknownTag)('', tag);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

let pythonTags: string[] | undefined;

/**
 * The Python tags techdocs-node allows (its ALLOWED_PYTHON_YAML_TAGS, which it does not export): read from its
 * module's text and kept only where its own UnknownTag accepts them, so the list shown is the one it applies.
 */
function techdocsPythonTags(): string[] {
  if (pythonTags) return pythonTags;
  try {
    const source = readFileSync(require.resolve('@backstage/plugin-techdocs-node/dist/stages/generate/helpers.cjs.js'), 'utf8');
    const list = /ALLOWED_PYTHON_YAML_TAGS\s*=[^[]*\[([^\]]*)\]/.exec(source)?.[1] ?? '';
    pythonTags = [...list.matchAll(/"(tag:yaml\.org,2002:python\/[^"]+)"/g)].map(m => m[1]).filter(tag => techdocsTagRefusal(tag) === undefined);
  } catch {
    pythonTags = [];
  }
  return pythonTags;
}
