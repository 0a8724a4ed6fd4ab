import { posix } from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';
import { isRecord, type SourceFile } from '../load/loadCatalog.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { fileIncludeFindings } from './fileIncludes.ts';
import { checkMkdocsSafety, DEFAULT_TECHDOCS_POLICY, mkdocsPathsOutside, type TechdocsPolicy } from './mkdocsSafety.ts';

// What @techdocs/cli keeps when it sanitises mkdocs.yml before building; anything else is dropped.
const KEPT_KEYS = new Set(['site_name', 'site_url', 'site_description', 'site_author', 'repo_url', 'repo_name', 'edit_uri', 'edit_uri_template', 'docs_dir', 'site_dir', 'nav', 'exclude_docs', 'not_in_nav', 'theme', 'plugins', 'markdown_extensions', 'extra', 'extra_css', 'use_directory_urls', 'strict', 'dev_addr', 'watch', 'copyright', 'remote_branch', 'remote_name', 'validation', 'google_analytics']);
const KEPT_PLUGINS = new Set(['techdocs-core', 'search', 'material/search', 'redirects', 'group', 'material/group']);

/**
 * An mkdocs.yml as TechDocs will build it: a site name, a docs folder inside the site with an
 * index.md (or README.md, which MkDocs builds to index.html), nav entries that exist, and nothing the TechDocs
 * sanitiser would silently drop; with the file's `text`, nothing that reads the build's environment or runs
 * code (see checkMkdocsSafety).
 */
export function checkMkdocs(source: SourceFile, repoFiles: ReadonlySet<string>, options: { text?: string; policy?: TechdocsPolicy; pages?: readonly { file: string; text: string }[]; included?: boolean } = {}): Diagnostic[] {
  const safety = [...checkMkdocsSafety(source, options.text, repoFiles, options.policy ?? DEFAULT_TECHDOCS_POLICY, options.included), ...(options.pages ?? []).flatMap(page => fileIncludeFindings(page.file, page.text))];
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
  if (typeof config.site_name !== 'string' || !config.site_name.trim()) {
    diagnostics.push(at(['site_name'], 'mkdocs-invalid', 'error', 'mkdocs.yml has no site_name; mkdocs refuses to build and Backstage shows no title.', 'Add site_name: <the name readers see>.'));
  }
  const docsDir = typeof config.docs_dir === 'string' ? config.docs_dir : 'docs';
  const docsPath = posix.normalize(posix.join(folder, docsDir));
  const inside = !mkdocsPathsOutside(config, folder).some(o => o.key === 'docs_dir');
  const docsFiles = [...repoFiles].filter(f => f.startsWith(`${docsPath}/`));
  // A docs_dir outside the site is mkdocs-path-outside (checkMkdocsSafety), reported once.
  if (!inside) {
    if (!flagged.has('mkdocs-path-outside')) diagnostics.push(at(['docs_dir'], 'mkdocs-path-outside', 'error', `docs_dir ${docsDir} is outside the docs site; TechDocs refuses to build it.`, 'Keep docs_dir inside the folder that holds mkdocs.yml.'));
  } else if (docsFiles.length === 0) {
    diagnostics.push(at(config.docs_dir ? ['docs_dir'] : [], 'mkdocs-docs-dir-missing', 'error', `The docs folder ${docsPath}/ does not exist or is empty.`, `Create ${docsPath}/index.md, or point docs_dir at the folder with the Markdown.`));
  } else if (!repoFiles.has(`${docsPath}/index.md`) && !repoFiles.has(`${docsPath}/README.md`)) {
    // MkDocs builds README.md to index.html when there is no index.md.
    diagnostics.push(at([], 'mkdocs-index-missing', 'error', `${docsPath}/ has neither index.md nor README.md; without one the site has no index.html and Backstage shows an empty Docs tab.`, 'Add index.md (or README.md) as the landing page.'));
  }
  if (Array.isArray(config.nav) && inside && docsFiles.length > 0) checkNav(config.nav, ['nav'], docsPath, repoFiles, diagnostics, at);
  for (const key of Object.keys(config)) {
    // hooks and INHERIT are reported as the risk they are, not as a mere no-op.
    if ((key === 'hooks' && flagged.has('mkdocs-hooks')) || (key === 'INHERIT' && flagged.has('mkdocs-inherit-outside'))) continue;
    if (key === '<<' && merges) continue;
    if (!KEPT_KEYS.has(key)) diagnostics.push(at([key], 'mkdocs-dropped-key', 'warning', `TechDocs drops '${key}' from mkdocs.yml before building.`, 'Remove it; it has no effect in Backstage.', true));
  }
  if (isRecord(config.theme) && 'custom_dir' in config.theme) {
    diagnostics.push(at(['theme', 'custom_dir'], 'mkdocs-dropped-key', 'warning', 'TechDocs drops theme.custom_dir before building.', 'Remove it; TechDocs uses its own theme.', true));
  }
  if (Array.isArray(config.plugins)) {
    config.plugins.forEach((plugin, i) => {
      const name = typeof plugin === 'string' ? plugin : isRecord(plugin) ? Object.keys(plugin)[0] : undefined;
      if (name && !KEPT_PLUGINS.has(name) && (options.policy ?? DEFAULT_TECHDOCS_POLICY).plugins.includes(name)) diagnostics.push(at(['plugins', i], 'mkdocs-dropped-key', 'warning', `TechDocs drops the mkdocs plugin '${name}' before building.`, 'Only techdocs-core, search, redirects and group survive; remove it or ask the platform team to allow it.'));
    });
  }
  return diagnostics;
}

function checkNav(nav: unknown[], path: PathSegment[], docsPath: string, repoFiles: ReadonlySet<string>, diagnostics: Diagnostic[], at: (path: PathSegment[], ruleId: string, severity: Diagnostic['severity'], message: string, hint: string) => Diagnostic) {
  nav.forEach((item, i) => {
    if (typeof item === 'string') return checkTarget(item, [...path, i]);
    if (!isRecord(item)) return;
    for (const [title, value] of Object.entries(item)) {
      if (typeof value === 'string') checkTarget(value, [...path, i, title]);
      else if (Array.isArray(value)) checkNav(value, [...path, i, title], docsPath, repoFiles, diagnostics, at);
    }
  });
  function checkTarget(target: string, where: PathSegment[]) {
    // A URL, or another config mkdocs-monorepo-plugin includes (judged as a config of its own).
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || /^\s*[!*]include\s/.test(target)) return;
    const file = posix.normalize(posix.join(docsPath, target));
    // MkDocs (and so TechDocs, which does not build with --strict) warns and builds the site: the entry leads nowhere.
    if (!repoFiles.has(file)) diagnostics.push(at(where, 'mkdocs-nav-missing', 'warning', `nav points at ${JSON.stringify(target.slice(0, 200))}, but ${JSON.stringify(file.slice(0, 200))} does not exist: MkDocs builds the site with a warning, and this nav entry leads nowhere.`, 'Fix the path (relative to docs_dir) or add the page.'));
  }
}
