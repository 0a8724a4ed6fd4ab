import { posix } from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';
import { isRecord, type SourceFile } from '../load/loadCatalog.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { docsDirIsConfigFolder, docsDirMissing, docsFolder, isConfigFolder } from './docsDirFindings.ts';
import { fileIncludeFindings } from './fileIncludes.ts';
import { checkMkdocsSafety, DEFAULT_TECHDOCS_POLICY, includeTarget, policyName, policyToEdit, mkdocsPathsOutside, monorepoIncludes, pluginsOf, type TechdocsPolicy } from './mkdocsSafety.ts';
import { DEFAULT_GENERATOR_SETTINGS, type SanitizedMkdocs, type TechdocsGeneratorSettings } from './techdocsSanitizer.ts';

// Why TechDocs' removal of a key matters to the site's authors (the build goes on without it).
const DROPPED_KEY_EFFECT: Record<string, string> = {
  INHERIT: 'nothing of the inherited file is built: its theme, extensions and other settings are missing from the site',
  hooks: 'the listed Python files never run, in Backstage or in techdocs build',
};

/**
 * An mkdocs.yml as TechDocs will build it: a site name, a docs folder inside the site and not the
 * config's own folder (MkDocs refuses that), with an index.md (or README.md, which MkDocs builds to
 * index.html) unless the config is `included` by another site's nav (mkdocs-monorepo-plugin merges its
 * pages into the including site, whose index is the landing page; with the managed Backstage's
 * legacyCopyReadmeMdToIndexMd a README.md or readme.md of docs_dir or of the site's folder, which TechDocs
 * copies to index.md), nav entries that exist (an error with `strict: true`, which TechDocs keeps and which
 * makes MkDocs abort on the warning), and warnings for what TechDocs' sanitiser removes before building
 * (`sanitized`: sanitizeAsTechdocs' answer for the managed Backstage's `settings`; keys, theme keys,
 * plugins, markdown extensions and their options: they have no effect); with the file's `text`, nothing
 * that reads the build's environment or runs code (see checkMkdocsSafety).
 */
export function checkMkdocs(source: SourceFile, repoFiles: ReadonlySet<string>, options: { text?: string; policy?: TechdocsPolicy; pages?: readonly { file: string; text: string; tooLarge?: number }[]; included?: boolean; includedByStrictSite?: boolean; sanitized?: SanitizedMkdocs; settings?: TechdocsGeneratorSettings } = {}): Diagnostic[] {
  const settings = options.settings ?? DEFAULT_GENERATOR_SETTINGS;
  const safety = [...checkMkdocsSafety(source, options.text, repoFiles, options.policy ?? DEFAULT_TECHDOCS_POLICY, options.included, options.sanitized), ...(options.pages ?? []).flatMap(page => fileIncludeFindings(page.file, page.text, page.tooLarge))];
  // For mkdocs.yml `<<` is a merge key after all (MkDocs and TechDocs expand it): mkdocs-merge-key says so.
  const merges = safety.some(d => d.ruleId === 'mkdocs-merge-key');
  const diagnostics: Diagnostic[] = [...source.problems.filter(p => !(merges && p.ruleId === 'yaml-merge-key')), ...safety];
  const flagged = new Set(diagnostics.map(d => d.ruleId));
  const config = source.documents[0];
  const at = (path: PathSegment[], ruleId: string, severity: Diagnostic['severity'], message: string, hint: string, key = false): Diagnostic => ({
    ruleId, severity, message, hint, file: source.file, range: source.locate(0, path, { key }),
  });
  if (!isRecord(config)) {
    if (diagnostics.length === 0) diagnostics.push(at([], 'mkdocs-invalid', 'error', 'mkdocs.yml must be a mapping.', 'Start from site_name, nav and docs_dir.'));
    return diagnostics;
  }
  const folder = posix.dirname(source.file) === '.' ? '' : posix.dirname(source.file);
  // `site_name: !ENV [NAME, default]` has a name (MkDocs reads it from the job): mkdocs-unsafe-tag is the finding.
  const tagged = config.site_name !== undefined && config.site_name !== null && safety.some(d => d.ruleId === 'mkdocs-unsafe-tag' && d.range.start.line === source.locate(0, ['site_name']).start.line);
  if (!tagged && (typeof config.site_name !== 'string' || !config.site_name.trim())) {
    diagnostics.push(at(['site_name'], 'mkdocs-invalid', 'error', 'mkdocs.yml has no site_name; mkdocs refuses to build and Backstage shows no title.', 'Add site_name: <the name readers see>.'));
  }
  const docsDir = typeof config.docs_dir === 'string' ? config.docs_dir : 'docs';
  const docsPath = docsFolder(folder, docsDir);
  const inside = !mkdocsPathsOutside(config, folder).some(o => o.key === 'docs_dir');
  // MkDocs (config_options.DocsDir post_validation) refuses a docs_dir that is the config's own folder.
  const configFolder = isConfigFolder(docsDir);
  const docsFiles = [...repoFiles].filter(f => f.startsWith(`${docsPath}/`));
  // A docs_dir outside the site is mkdocs-path-outside (checkMkdocsSafety), reported once.
  if (!inside) {
    if (!flagged.has('mkdocs-path-outside')) diagnostics.push(at(['docs_dir'], 'mkdocs-path-outside', 'error', `docs_dir ${docsDir} is outside the docs site; TechDocs refuses to build it.`, 'Keep docs_dir inside the folder that holds mkdocs.yml.'));
  } else if (configFolder && !options.included) {
    const found = docsDirIsConfigFolder(docsDir);
    diagnostics.push(at(found.path, found.ruleId, 'error', found.message, found.hint));
  } else if (docsFiles.length === 0 && !(settings.legacyCopyReadmeMdToIndexMd && legacyReadme(folder, docsPath, repoFiles))) {
    const found = docsDirMissing(docsPath, Boolean(config.docs_dir), repoFiles.has(docsPath));
    diagnostics.push(at(found.path, found.ruleId, 'error', found.message, found.hint));
  } else if (!options.included && !repoFiles.has(`${docsPath}/index.md`) && !repoFiles.has(`${docsPath}/README.md`) && !(settings.legacyCopyReadmeMdToIndexMd && legacyReadme(folder, docsPath, repoFiles))) {
    // MkDocs builds README.md to index.html when there is no index.md. A config another site's nav
    // includes needs none: its pages become a section of that site, whose own index is the landing page.
    diagnostics.push(at([], 'mkdocs-index-missing', 'error', `${docsPath}/ has neither index.md nor README.md; without one the site has no index.html and Backstage shows an empty Docs tab.`, 'Add index.md (or README.md) as the landing page.'));
  }
  // An included config's nav becomes part of the including site's, built with that site's strict.
  const strict = options.included ? options.includedByStrictSite === true : abortsOnMissingNavPages(config);
  if (Array.isArray(config.nav) && inside && docsFiles.length > 0) checkNav(config.nav, ['nav'], docsPath, repoFiles, diagnostics, at, strict);
  // MkDocs warns when a folder holds both index.md and README.md (1.4: "Both index.md and README.md found.
  // Skipping README.md"; 1.5+: "Excluding 'README.md' from the site because it conflicts with 'index.md'"),
  // which strict makes fatal. exclude_docs may exclude the README (gitignore patterns): then the gate stays quiet.
  if (strict && !options.included && inside && !('exclude_docs' in config)) {
    const readmes = docsFiles.filter(f => posix.basename(f) === 'README.md' && repoFiles.has(posix.join(posix.dirname(f), 'index.md')));
    for (const readme of readmes.slice(0, 10)) {
      diagnostics.push(at(['strict'], 'mkdocs-strict-abort', 'error', `${JSON.stringify(readme.slice(0, 200))} sits beside index.md: MkDocs leaves it out with a warning ("Excluding 'README.md' from the site because it conflicts with 'index.md'"), and with strict: true (which TechDocs keeps) it aborts on that warning, so the site does not build.`, 'Rename or remove the README.md, exclude it with exclude_docs, or remove strict: true.', true));
    }
  }
  diagnostics.push(...includeStops(config, folder, repoFiles, options.included === true, at));
  // TechDocs' sanitiser works on a site's own mkdocs.yml only; an included config is read by mkdocs-monorepo-plugin.
  if (options.included) return diagnostics;
  const policy = options.policy ?? DEFAULT_TECHDOCS_POLICY;
  const allowed = new Set(policy.plugins);
  // The managed Backstage adds its defaultPlugins to every site it builds: each runs in the build job too.
  for (const plugin of settings.defaultPlugins.filter(p => !allowed.has(p))) {
    diagnostics.push(at('plugins' in config ? ['plugins'] : [], 'mkdocs-plugin-not-allowed', 'error', `The managed Backstage's app-config adds the mkdocs plugin '${plugin.slice(0, 200)}' to every site (techdocs.generator.mkdocs.defaultPlugins), and it is not in ${policyName(policy)}: the build would run its Python in the job that builds the docs.`, `Have the platform team review it and add it to ${policyToEdit(policy)}, or remove it from defaultPlugins.`, true));
  }
  if (settings.unknown?.includes('defaultPlugins')) {
    diagnostics.push(at('plugins' in config ? ['plugins'] : [], 'mkdocs-plugin-not-allowed', 'error', `The managed Backstage's app-config adds an mkdocs plugin to every site (techdocs.generator.mkdocs.defaultPlugins) whose name comes from the environment or a file the check cannot read: it cannot be found in ${policyName(policy)}, and the build would run its Python in the job that builds the docs.`, `Write the plugin names in defaultPlugins literally (no \${VAR}, $env or $include), and have the platform team add each to ${policyToEdit(policy)}.`, true));
  }
  const plugins = new Map(pluginsOf(config.plugins, ['plugins']).map(p => [JSON.stringify(p.path), p]));
  for (const path of (options.sanitized?.removed ?? []).slice(0, 50)) {
    if (path[0] === '<<' && merges) continue;
    const finding = droppedFinding(config, path, plugins.get(JSON.stringify(path))?.name, allowed, policy);
    diagnostics.push(at(path, 'mkdocs-dropped-key', 'warning', finding.message, finding.hint, typeof path[path.length - 1] === 'string'));
  }
  return diagnostics;
}

/**
 * The nav `!include` entries that make mkdocs-monorepo-plugin (which techdocs-core enables) stop the build
 * with SystemExit(1) (parser.py IncludeNavLoader.read and getNav): a config that does not exist, a path
 * that is no .yml or .yaml file, an include inside a config that is itself included ("We currently do not
 * support nested !include statements"). Includes leading outside the site are mkdocs-path-outside
 * (checkMkdocsSafety); `*include` globs, which may match nothing, are left alone.
 */
const INCLUDE_STOPS = 'mkdocs-monorepo-plugin (which techdocs-core enables) stops the build, so techdocs build and publish fail';

function includeStops(config: Record<string, unknown>, folder: string, repoFiles: ReadonlySet<string>, included: boolean, at: (path: PathSegment[], ruleId: string, severity: Diagnostic['severity'], message: string, hint: string) => Diagnostic): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const include of monorepoIncludes(config)) {
    if (include.glob) continue;
    const written = JSON.stringify(include.target.slice(0, 200));
    if (included) {
      found.push(at(include.path, 'mkdocs-nav-missing', 'error', `nav includes ${written} in a config that another site's nav includes itself: ${INCLUDE_STOPS} ("We currently do not support nested !include statements").`, "Include every config from the site's own mkdocs.yml."));
      continue;
    }
    const target = includeTarget(include, folder, folder);
    if (target === undefined) continue;
    if (!/\.ya?ml$/.test(target)) {
      found.push(at(include.path, 'mkdocs-nav-missing', 'error', `nav includes ${written}, which is no .yml or .yaml file: ${INCLUDE_STOPS}.`, 'Include the mkdocs.yml of the other site (a path relative to this mkdocs.yml).'));
    } else if (!repoFiles.has(target)) {
      found.push(at(include.path, 'mkdocs-nav-missing', 'error', `nav includes ${written}, but ${JSON.stringify(target.slice(0, 200))} does not exist: ${INCLUDE_STOPS} ("The file path … does not exist").`, 'Fix the path (relative to this mkdocs.yml) or add the included mkdocs.yml.'));
    }
  }
  return found;
}

/**
 * mkdocs-monorepo-plugin's merger stops the build ("You cannot have duplicated site names") when two configs
 * a site's nav includes by name give the same alias: the site_name as written when it matches
 * `^[a-zA-Z0-9_.\-/]+$`, else slugified (lower case, other characters runs of `-`). `sources`: the sites'
 * own mkdocs.yml files and the configs they include (checkCatalog's mkdocs list). Returns one error per
 * include that repeats an earlier alias, at that nav entry of the including site's file.
 */
export function duplicateIncludedSiteNames(sources: readonly (SourceFile & { included?: boolean })[]): Diagnostic[] {
  const byFile = new Map(sources.map(source => [source.file, source]));
  const found: Diagnostic[] = [];
  for (const site of sources) {
    const config = site.documents[0];
    if (site.included || !isRecord(config)) continue;
    const folder = posix.dirname(site.file) === '.' ? '' : posix.dirname(site.file);
    const seen = new Map<string, string>();
    for (const include of monorepoIncludes(config)) {
      if (include.glob) continue;
      const target = includeTarget(include, folder, folder);
      const included = target === undefined ? undefined : byFile.get(target)?.documents[0];
      const name = isRecord(included) && typeof included.site_name === 'string' ? included.site_name : undefined;
      if (name === undefined) continue;
      const alias = /^[a-zA-Z0-9_.\-/]+\n?$/.test(name) ? name.replace(/\n$/, '') : name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
      const first = seen.get(alias);
      if (first === undefined) {
        seen.set(alias, target!);
        continue;
      }
      found.push({ ruleId: 'mkdocs-nav-missing', severity: 'error', message: `nav includes ${JSON.stringify(target!.slice(0, 200))}, whose site_name gives the same section name (${JSON.stringify(alias.slice(0, 80))}) as ${JSON.stringify(first.slice(0, 200))}: ${INCLUDE_STOPS} ("You cannot have duplicated site names").`, hint: 'Give each included config its own site_name (it names the section and the folder its pages are copied to).', file: site.file, range: site.locate(0, include.path) });
    }
  }
  return found;
}

/**
 * Whether MkDocs aborts a build of this parsed mkdocs.yml on a nav entry whose page is missing: `strict:
 * true` (which TechDocs keeps) makes every warning fatal, unless `validation: {nav: {not_found: info|ignore}}`
 * (MkDocs 1.5+) lowers that one. Pure.
 */
export function abortsOnMissingNavPages(config: unknown): boolean {
  if (!isRecord(config) || config.strict !== true) return false;
  const notFound = isRecord(config.validation) && isRecord(config.validation.nav) ? config.validation.nav.not_found : undefined;
  return notFound !== 'info' && notFound !== 'ignore';
}

function checkNav(nav: unknown[], path: PathSegment[], docsPath: string, repoFiles: ReadonlySet<string>, diagnostics: Diagnostic[], at: (path: PathSegment[], ruleId: string, severity: Diagnostic['severity'], message: string, hint: string) => Diagnostic, strict: boolean) {
  nav.forEach((item, i) => {
    if (typeof item === 'string') return checkTarget(item, [...path, i]);
    if (!isRecord(item)) return;
    for (const [title, value] of Object.entries(item)) {
      if (typeof value === 'string') checkTarget(value, [...path, i, title]);
      else if (Array.isArray(value)) checkNav(value, [...path, i, title], docsPath, repoFiles, diagnostics, at, strict);
    }
  });
  function checkTarget(target: string, where: PathSegment[]) {
    // A URL, or another config mkdocs-monorepo-plugin includes (judged as a config of its own).
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || /^\s*[!*]include\s/.test(target)) return;
    const file = posix.normalize(posix.join(docsPath, target));
    // MkDocs warns and builds the site (the entry leads nowhere); with strict: true it aborts on that warning.
    if (repoFiles.has(file)) return;
    const quoted = `nav points at ${JSON.stringify(target.slice(0, 200))}, but ${JSON.stringify(file.slice(0, 200))} does not exist`;
    diagnostics.push(strict
      ? at(where, 'mkdocs-nav-missing', 'error', `${quoted}: with strict: true (which TechDocs keeps) MkDocs aborts on this warning ("Aborted with … warnings in strict mode!"): the site does not build, so techdocs build and publish fail.`, 'Fix the path (relative to docs_dir) or add the page.')
      : at(where, 'mkdocs-nav-missing', 'warning', `${quoted}: MkDocs builds the site with a warning, and this nav entry leads nowhere.`, 'Fix the path (relative to docs_dir) or add the page.'));
  }
}

/**
 * What techdocs-node's patchIndexPreBuild copies to index.md when legacyCopyReadmeMdToIndexMd is on and
 * docs_dir has no index.md: the first of docs_dir's README.md or readme.md, then the site folder's.
 */
export function legacyReadme(folder: string, docsPath: string, repoFiles: ReadonlySet<string>): string | undefined {
  const base = folder ? `${folder}/` : '';
  return [`${docsPath}/README.md`, `${docsPath}/readme.md`, `${base}README.md`, `${base}readme.md`].find(file => repoFiles.has(file));
}

/** The message and hint for one thing TechDocs' sanitiser removes, at `path` of the config as written (`plugin`: the plugin's name when it is a plugin entry). */
function droppedFinding(config: Record<string, unknown>, path: (string | number)[], plugin: string | undefined, allowed: ReadonlySet<string>, policy: TechdocsPolicy): { message: string; hint: string } {
  const shown = (value: unknown) => String(value).slice(0, 200);
  if (path.length === 1) {
    const key = String(path[0]);
    const effect = DROPPED_KEY_EFFECT[key];
    return { message: `TechDocs removes '${key.slice(0, 100)}' from mkdocs.yml before building, so it has no effect in Backstage${effect ? ` (${effect})` : ''}.`, hint: key === 'INHERIT' ? 'Write the settings the site needs into this mkdocs.yml, and remove INHERIT.' : 'Remove it, or have the platform team allow it (techdocs.generator.mkdocs.dangerouslyAllowAdditionalKeys in the managed Backstage\'s app-config).' };
  }
  if (path[0] === 'theme' && path.length === 2) {
    return { message: `TechDocs removes theme.${shown(path[1]).slice(0, 100)} before building; it has no effect in Backstage.`, hint: 'Remove it; TechDocs keeps only theme name, font, icon, logo, favicon, language, direction, palette and features.' };
  }
  if (plugin !== undefined) {
    if (plugin === 'monorepo') return { message: `TechDocs removes the mkdocs plugin 'monorepo' before building; it has no effect: techdocs-core loads mkdocs-monorepo-plugin itself, so !include in nav works without it.`, hint: 'Remove it from plugins (techdocs-core is enough).' };
    return allowed.has(plugin)
      ? { message: `TechDocs removes the mkdocs plugin '${shown(plugin)}' before building (it is not in TechDocs' own list of plugins), so it never runs.`, hint: 'Only techdocs-core, search, redirects and group survive; remove it, or have the platform team allow it (techdocs.generator.mkdocs.dangerouslyAllowAdditionalPlugins or defaultPlugins in the managed Backstage\'s app-config).' }
      : { message: `TechDocs removes the mkdocs plugin '${shown(plugin)}' before building, so it never runs (in Backstage or in techdocs build) and has no effect; it is not in ${policyName(policy)} either.`, hint: 'Remove it; ask the platform team if the site needs it.' };
  }
  if (path[0] === 'markdown_extensions' && path.length === 2) {
    const entry = Array.isArray(config.markdown_extensions) ? config.markdown_extensions[path[1] as number] : undefined;
    const name = typeof entry === 'string' ? entry : isRecord(entry) ? Object.keys(entry).join(', ') : '';
    return { message: `TechDocs removes the markdown extension '${shown(name)}' before building: it drops every extension named as module:Class (any Python class could be loaded that way), so it never runs and its syntax stays unrendered.`, hint: 'Name the extension by its module (e.g. pymdownx.details), or remove it.' };
  }
  if (path[0] === 'markdown_extensions' && path.length === 4) {
    return { message: `TechDocs removes the option ${shown(path[3])} of the markdown extension '${shown(path[2])}' before building (it would run a command or read files of the build machine), so it has no effect.`, hint: 'Remove the option; the extension runs with its defaults (plantuml_markdown: use server:).' };
  }
  return { message: `TechDocs removes ${path.map(shown).join('.').slice(0, 200)} from mkdocs.yml before building; it has no effect in Backstage.`, hint: 'Remove it.' };
}
