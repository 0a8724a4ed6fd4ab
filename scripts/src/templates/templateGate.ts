import { markStandIn } from './standIn.ts';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, posix } from 'node:path';
import { FILE_START, type Diagnostic } from '../diagnostic.ts';
import { parseYaml, type ParsedYaml } from '../load/parseYaml.ts';
import { findPlaceholders, unreadPlaceholder, type PlaceholderUse } from '../catalog/placeholders.ts';
import { listRepoFiles, listSkeletonFiles } from '../load/repoFiles.ts';
import { gitHostView } from '../load/gitHostView.ts';
import { OutsideRepositoryError, readRepoFile } from '../load/repoPath.ts';
import { utf8Fault } from '../load/readSource.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { analyzeSkeleton, RENDERED } from './analyzeSkeleton.ts';
import { checkTemplate } from './checkTemplate.ts';
import { formDataNames } from './formDataNames.ts';
import { handlerRefusals } from './handlerRefusals.ts';
import { installedTemplating, loadScaffolderActions, templatingNames, type KnownAction, type TemplatingNames } from './scaffolderActions.ts';
import type { TemplateExtensions } from './renderTemplate.ts';
import { inSkeletonFolder, skeletonFilePath, skeletonFolder } from './skeletonFolder.ts';
import { globMatches, renderingOf } from './skeletonRendering.ts';
import { loadConfig, type GitopsConfig } from '../config/gitopsConfig.ts';
import { unconfiguredActionMessage, unconfiguredActionsNote } from '../config/appScaffolderModules.ts';
import { fetchSources } from './fetchSources.ts';
import { publishTargets } from './publishTargets.ts';
import { fixedPushTargets } from './pushTargets.ts';
import { repoSettingsWeakened } from './repoSettings.ts';
import { discoverTemplateFiles, isTemplateDocument, loadTemplatePolicy } from './templateFiles.ts';
import { resolveTemplatePlaceholders } from './templatePlaceholders.ts';
import { sourceTooLarge, type TemplateSyntaxError } from './templateSyntax.ts';
import { unknownNamesOnce } from './unknownNamesOnce.ts';
import { boundedText } from '../report/safeText.ts';
import { lineFree } from '../report/findingKey.ts';
import { fragmentPlaces } from './fragmentPlaces.ts';
import { BACKTRACKING_HINT, BACKTRACKING_LITERAL_HINT, backtrackingMessage, backtrackingPatterns, backtrackingRegexes, regexKey, templateSchemaPatterns, type SchemaPattern } from './regexBacktracking.ts';
import { offsetRange, regexLiterals, templateRegexLiterals, type RegexLiteral } from './regexLiterals.ts';
import { regexLiteralMessage } from './templateSyntax.ts';

export { discoverTemplateFiles, loadTemplatePolicy, templateFiles } from './templateFiles.ts';

export interface TemplateGateOptions {
  files?: readonly string[];
  names?: readonly string[];
  repoFiles?: readonly string[];
  config?: GitopsConfig;
}

/**
 * Static checks of templates: the given template files (the Template entities a check reads), else every
 * templates/<name>/template.yaml (or the named ones). The org's policy adds the action and region allow-lists.
 * `repoFiles` and `config`, when the caller has them (listRepoFiles(root), loadConfig(root)), are not read again.
 */
export async function templateGate(root: string, options: TemplateGateOptions = {}): Promise<Diagnostic[]> {
  const policy = loadTemplatePolicy(root);
  const repoFiles = new Set(options.repoFiles ?? (await listRepoFiles(root)));
  const files = options.files ?? discoverTemplateFiles(root, repoFiles, options.names);
  const diagnostics: Diagnostic[] = [];
  const skeletonAt = new Map<string, { at: number; label?: string; others: string[] }>();
  if (!files.length) return diagnostics;
  const config = options.config ?? (await loadConfig(root));
  const actions = await templateActions(root, config);
  const extensions = await templateExtensionNames(root, config);
  const patterns: { found: SchemaPattern; file: string; range: Diagnostic['range'] }[] = [];
  // Regular-expression literals in what the scaffolder renders (template.yaml's steps and output, skeleton files).
  const literals: RegexAt[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readRepoFile(root, file, 'utf8');
    } catch (error) {
      if (!(error instanceof OutsideRepositoryError)) throw error;
      // A link to a host file: name the link, never parse or quote what it points at.
      diagnostics.push({ ruleId: 'repo-symlink', severity: 'error', message: error.message, hint: 'Commit the file itself, not a symbolic link.', file: error.file, range: FILE_START });
      continue;
    }
    const parsed = parseYaml(text, file);
    diagnostics.push(...parsed.problems);
    // Every Template of the file: Backstage ingests each document, and the scaffolder runs each of them.
    const documents = [...parsed.documents];
    for (const index of templateDocuments(documents)) {
      const uses = findPlaceholders(documents[index]);
      const fragments = fragmentPlaces(root, file, index, uses, placeholderAwareLocate(parsed.locate, index, uses), config.repoUrl);
      const { locate } = fragments;
      documents[index] = resolveTemplatePlaceholders(root, file, documents[index], config.repoUrl);
      diagnostics.push(...fragments.annotate(withoutConfig(config, checkTemplate({ file, documents, problems: parsed.problems, locate }, repoFiles, policy, actions, fragments.textRange(text), index, extensions, formDataNames(root, file, documents, index, repoFiles), root))));
      for (const f of fetchSources(documents[index], config.repoUrl, !config.found)) diagnostics.push(...fragments.annotate([{ ruleId: f.ruleId, severity: f.severity, message: f.message, hint: f.hint, file, range: locate(index, f.path) }]));
      for (const f of publishTargets(documents[index], config.repoUrl, !config.found, id => actions.get(id)?.provider)) diagnostics.push(...fragments.annotate([{ ruleId: f.ruleId, severity: f.severity, message: f.message, hint: f.hint, file, range: locate(index, f.path) }]));
      for (const f of fixedPushTargets(documents[index], config.repoUrl, !config.found)) diagnostics.push(...fragments.annotate([{ ruleId: f.ruleId, severity: f.severity, message: f.message, hint: f.hint, file, range: locate(index, f.path) }]));
      for (const f of repoSettingsWeakened(documents[index], actions)) diagnostics.push(...fragments.annotate([{ ruleId: f.ruleId, severity: f.severity, message: f.message, hint: f.hint, file, range: locate(index, f.path) }]));
      for (const found of templateSchemaPatterns(documents[index])) patterns.push({ found, file, range: locate(index, found.path, found.key ? { key: true } : undefined) });
      // At the literal itself where the value holds it as written (else at the value), its nth copy in that value.
      const copies = new Map<string, number>();
      for (const { literal, path } of templateRegexLiterals(documents[index])) {
        const copy = `${path.join('\0')}\0${literal.written}`;
        const occurrence = copies.get(copy) ?? 0;
        copies.set(copy, occurrence + 1);
        literals.push({ literal, file, range: fragments.textRange(text)(locate(index, path), literal.written, undefined, occurrence), annotate: fragments.annotate });
      }
      const refusals = await handlerRefusals(templateSteps(documents[index]), actions);
      diagnostics.push(...fragments.annotate(refusals.map(f => ({ ruleId: f.ruleId, severity: 'error' as const, message: f.message, hint: f.hint, file, range: locate(index, f.path, f.key ? { key: true } : undefined) }))));
      // A skeleton several templates (or steps) share: a finding at one place is said once, whichever step
      // fetching it the message names (a value none of them passes, braces none of them renders); the first
      // is kept and names the other steps.
      for (const { d, label } of analyzeSkeletons(root, file, documents[index], repoFiles, extensions, config.repoUrl, literals)) {
        const place = `${d.ruleId}|${d.file}|${d.range.start.line}|${d.range.start.column}|${label ? d.message.split(label).join('\0') : d.message}`;
        const first = skeletonAt.get(place);
        if (first) {
          // Only a message naming its step names the others; one that does not is simply said once.
          if (label && d.message.includes(label) && first.label !== label && !first.others.includes(label)) first.others.push(label);
          continue;
        }
        skeletonAt.set(place, { at: diagnostics.length, label, others: [] });
        // Which step the message names is whichever comes first: a template that sorts earlier and fetches
        // this skeleton too rewrites it, and it is the same finding (Diagnostic.group).
        const named = label && d.message.includes(label) ? { ...d, group: `${d.ruleId} in ${d.file} ${lineFree(d.message.split(label).join('(a step)'))}` } : d;
        diagnostics.push(withoutConfig(config, [named])[0]);
      }
    }
  }
  for (const { at, others } of skeletonAt.values()) {
    if (!others.length) continue;
    const shown = others.length > 5 ? [...others.slice(0, 5).map(o => boundedText(o, 160)), `${others.length - 5} more`] : others.map(o => boundedText(o, 160));
    const d = diagnostics[at];
    const lead = d.ruleId === 'skeleton-unknown-value' ? `Nor do the ${others.length} other step(s) that fetch this skeleton` : `So do the ${others.length} other step(s) that fetch this skeleton`;
    diagnostics[at] = { ...d, message: `${d.message} ${lead}, not reported again: ${shown.join('; ')}.` };
  }
  const backtracking = await backtrackingPatterns(patterns.map(p => p.found.pattern));
  for (const { found, file, range } of patterns) {
    const verdict = backtracking.get(found.pattern);
    if (verdict) diagnostics.push({ ruleId: 'template-pattern-backtracking', severity: 'error', message: backtrackingMessage(found, verdict), hint: BACKTRACKING_HINT, file, range });
  }
  const literalVerdicts = await backtrackingRegexes(literals.map(l => l.literal));
  const literalsSeen = new Set<string>();
  for (const { literal, file, range, annotate } of literals) {
    const verdict = literalVerdicts.get(regexKey(literal));
    // A skeleton several steps fetch is read once per step: one finding per place.
    const place = `${file}|${range.start.line}|${range.start.column}|${literal.written}`;
    if (!verdict || literalsSeen.has(place)) continue;
    literalsSeen.add(place);
    const message = regexLiteralMessage(literal, verdict);
    const finding: Diagnostic = { ruleId: 'template-pattern-backtracking', severity: 'error', message: `${message[0].toUpperCase()}${message.slice(1)}. \`templates test\` renders no case that reaches it.`, hint: BACKTRACKING_LITERAL_HINT, file, range };
    diagnostics.push(...(annotate ? annotate([finding]) : [finding]));
  }
  // Findings in template.yaml are each their own, however alike: two steps one `$yaml` brings in both point at it.
  // An undeclared filter, function or action is one cause however often it is used.
  return unknownNamesOnce(diagnostics);
}

/**
 * Findings as a folder without gitops.config.yaml has them: nothing there says which scaffolder modules the
 * managed Backstage runs (backstageConfig.plugins), so an action none of the toolkit's own modules provides,
 * and a filter or global function none of the known ones does, is a warning, as a reference to a kind the
 * folder never defines is; with a config, `findings` as they are.
 */
function withoutConfig(config: GitopsConfig, findings: Diagnostic[]): Diagnostic[] {
  if (config.found) return findings;
  return findings.map(d => {
    if (d.ruleId === 'template-action-unknown') return { ...d, severity: 'warning', message: unconfiguredActionMessage(d.message, config.appScaffolder), hint: `${unconfiguredActionsNote(config.appScaffolder)} ${d.hint ?? ''}`.trim() };
    // Filters and global functions come from the same modules (additionalTemplateFilters/Globals): as unknown.
    if (moduleMayAdd(d) && d.severity === 'error') return { ...d, severity: 'warning', hint: `${unconfiguredNamesNote(config.appScaffolder)} ${d.hint ?? ''}`.trim() };
    return d;
  });
}

// A finding about a name a scaffolder module may add to the renderer: a filter, a global function (not a
// method call or caller(), which no module changes).
const moduleMayAdd = (d: Diagnostic) => d.ruleId === 'template-unknown-filter' || d.ruleId === 'skeleton-unknown-filter' || (d.ruleId === 'skeleton-unknown-function' && d.message.includes("is no function the scaffolder's renderer knows"));

function unconfiguredNamesNote(app: GitopsConfig['appScaffolder']): string {
  return app
    ? `Without gitops.config.yaml this is judged against the scaffolder's own filters and functions and those of the modules packages/backend adds that the toolkit has installed${app.missing.length ? `; it also adds ${app.missing.slice(0, 6).join(', ')}, whose filters and functions the toolkit cannot know` : ''}.`
    : 'No gitops.config.yaml says which scaffolder modules your Backstage runs, and a module can add filters and functions (additionalTemplateFilters, additionalTemplateGlobals), so this is judged against the scaffolder\'s own.';
}

/**
 * `locate` for document `document` of a template whose placeholders (`uses`, in the document as written)
 * were substituted: a path into what a placeholder brought in (a step from `- $yaml: ./steps/x.yaml`) is
 * placed on that placeholder's value, where the file names it, not on the nearest key that exists in
 * the text (`steps:`). Other documents and paths as `locate` places them.
 */
function placeholderAwareLocate(locate: ParsedYaml['locate'], document: number, uses: readonly PlaceholderUse[]): ParsedYaml['locate'] {
  if (uses.length === 0) return locate;
  return (doc, path, options) => {
    const use = doc === document ? uses.find(u => u.path.length < path.length && u.path.every((segment, i) => segment === path[i])) : undefined;
    return use ? locate(doc, [...use.path, `$${use.key}`]) : locate(doc, path, options);
  };
}

/**
 * The indexes of a template file's documents that are scaffolder templates (kind Template, apiVersion
 * scaffolder.backstage.io/v1beta3, which the scaffolder runs); the first document when none is, as a
 * templates/<name>/template.yaml is judged as a template whatever it declares.
 */
function templateDocuments(documents: readonly unknown[]): number[] {
  const found = documents.flatMap((doc, i) => (isTemplateDocument(doc) ? [i] : []));
  return found.length > 0 ? found : [0];
}

/** The scaffolder modules this toolkit installs: what a repo that names none of its plugins is assumed to run. */
const SHIPPED_MODULES = ['@backstage/plugin-scaffolder-backend-module-github', '@backstage/plugin-scaffolder-backend-module-azure'];

/**
 * The actions the managed Backstage runs, per the repo's gitops.config.yaml: scaffolder-backend's
 * built-ins, the scaffolder modules in backstageConfig.plugins, the actions declared in
 * backstageConfig.actions (`config`: the loaded gitops.config.yaml, read now when not given). Without a
 * backstageConfig section: the built-ins and, in a Backstage app's repository, the installed modules its
 * backend adds (appScaffolder), else the shipped modules.
 */
export async function templateActions(root: string, config?: GitopsConfig): Promise<Map<string, KnownAction>> {
  config ??= await loadConfig(root);
  return loadScaffolderActions(config.backstageConfig?.plugins ?? config.appScaffolder?.installed ?? SHIPPED_MODULES, config.backstageConfig?.actions ?? {});
}

/**
 * The names of the filters and globals the managed Backstage's scaffolder adds to its renderer, per the
 * repo's gitops.config.yaml: those of the scaffolder modules in backstageConfig.plugins and those declared
 * in backstageConfig.additionalTemplateFilters / additionalTemplateGlobals (none without a backstageConfig
 * section: the shipped modules add none). Throws as templateActions does.
 */
export async function templateExtensionNames(root: string, config?: GitopsConfig): Promise<TemplatingNames> {
  config ??= await loadConfig(root);
  const backstage = config.backstageConfig;
  return templatingNames(backstage?.plugins ?? config.appScaffolder?.installed ?? [], { filters: backstage?.additionalTemplateFilters, globals: backstage?.additionalTemplateGlobals });
}

/**
 * The filters and globals to render with, as the managed Backstage passes them to its workflow runner and
 * fetch:template: the installed modules' own code. A declared one (which the toolkit has no code for) is a
 * stand-in: a filter gives its input back unchanged, a global function gives ''. Each stand-in a render
 * calls is named in `standIns` (cleared by the caller before a render), so the render's report can say
 * which parts of the output are not what Backstage would write.
 */
export async function templateExtensions(root: string, config?: GitopsConfig): Promise<TemplateExtensions> {
  config ??= await loadConfig(root);
  const backstage = config.backstageConfig;
  // Loading the modules costs about half a second: only when the remembered names say they add any.
  const names = await templatingNames(backstage?.plugins ?? []);
  const installed = names.filters.length + names.globals.length > 0 ? await installedTemplating(backstage?.plugins ?? []) : { filters: Object.create(null), globals: Object.create(null) };
  const standIns = new Set<string>();
  for (const name of backstage?.additionalTemplateFilters ?? []) {
    if (!Object.hasOwn(installed.filters, name)) installed.filters[name] = markStandIn((input: unknown) => (standIns.add(`filter ${name}`), input));
  }
  for (const name of backstage?.additionalTemplateGlobals ?? []) {
    if (!Object.hasOwn(installed.globals, name)) installed.globals[name] = markStandIn(() => (standIns.add(`function ${name}`), ''));
  }
  return { ...installed, standIns };
}

/** A template's spec.steps as written ([] when it has none). */
function templateSteps(template: unknown): unknown[] {
  return isRecord(template) && isRecord(template.spec) && Array.isArray(template.spec.steps) ? template.spec.steps : [];
}

/**
 * `values: ${{ parameters }}` (a common shape: the skeleton gets the form's answers as they are): each
 * parameter the form's pages declare, its value known only at run time. Undefined when the pages do not say
 * every name (a page read from a URL, conditional properties through dependencies, allOf, anyOf, oneOf or
 * if, or properties not written out): the values are then judged unknown as a whole.
 */
function declaredParameters(template: unknown): Record<string, typeof RENDERED> | undefined {
  const spec = isRecord(template) && isRecord(template.spec) ? template.spec : undefined;
  const pages = Array.isArray(spec?.parameters) ? spec.parameters : spec?.parameters !== undefined ? [spec.parameters] : [];
  const names: Record<string, typeof RENDERED> = {};
  for (const page of pages) {
    if (!isRecord(page) || unreadPlaceholder(page) !== undefined || ['dependencies', 'allOf', 'anyOf', 'oneOf', 'if', 'patternProperties'].some(key => key in page)) return undefined;
    if (page.properties === undefined) continue;
    if (!isRecord(page.properties)) return undefined;
    for (const name of Object.keys(page.properties)) names[name] = RENDERED;
  }
  return names;
}

/** Each fetch:template step's skeleton (by a relative url, or an absolute one under repoUrl), analysed with the values that step passes. */
function analyzeSkeletons(root: string, file: string, template: unknown, repoFiles: ReadonlySet<string>, extensions: TemplatingNames, repoUrl: string | undefined, literals: RegexAt[]): { d: Diagnostic; label?: string }[] {
  const steps = templateSteps(template);
  const found: { d: Diagnostic; label?: string }[] = [];
  for (const step of steps) {
    if (!isRecord(step) || (step.action !== 'fetch:template' && step.action !== 'fetch:template:file') || !isRecord(step.input)) continue;
    const folder = skeletonFolder(file, step.input.url, repoUrl);
    if (folder === undefined) {
      literals.push(...expressionUrlLiterals(root, file, step.input, repoFiles, repoUrl));
      continue;
    }
    const given = step.input.values;
    const whole = typeof given === 'string' && /^\s*\$\{\{\s*parameters\s*\}\}\s*$/.test(given) ? declaredParameters(template) : undefined;
    const values = whole ?? (typeof given === 'string' && given.includes('${{') ? RENDERED : Object.fromEntries(Object.entries(isRecord(given) ? given : {}).map(([key, value]) => [key, writtenValue(value)])));
    const compat = literalDelimiters(step.input);
    if (step.action === 'fetch:template:file') {
      const label = `${file}, step ${typeof step.id === 'string' ? step.id : steps.indexOf(step) + 1}`;
      for (const d of analyzeTemplateFile(root, file, folder, step, steps.indexOf(step), values, repoFiles, extensions, literals)) found.push({ d, label });
      continue;
    }
    const rendering = renderingOf(step.input, join(root, folder));
    // The repo listing leaves node_modules out; fetch:template copies (and renders) a skeleton's too. A
    // listed file in the folder means the listing reached it through real folders (it never follows a
    // link), so walking it again reads nothing outside the repository.
    const listed = [...repoFiles].filter(f => inSkeletonFolder(f, folder));
    const view = gitHostView(root);
    const inSkeleton = listed.length > 0 ? listSkeletonFiles(join(root, folder), path => view.ignored(skeletonFilePath(folder, path))).map(f => ({ f: skeletonFilePath(folder, f), relative: f })) : [];
    // Every file's path is rendered; the content of those fetch:template renders, unless binary (copied as it is).
    const files = inSkeleton.map(({ f, relative }) => {
      const { contents, name } = rendering(relative);
      return { file: f, relative, ...(name !== relative && { name }), ...(contents && renderedContent(join(root, f))) };
    });
    for (const f of files) literals.push(...skeletonLiterals(f.file, f.name ?? f.relative, f.text, compat));
    const label = `${file}, step ${typeof step.id === 'string' ? step.id : steps.indexOf(step) + 1}`;
    for (const { f } of inSkeleton) {
      const d = corruptedText(root, f, 'fetch:template', label);
      if (d) found.push({ d, label });
    }
    const ignored = globMatches(step.input.copyWithoutRender, join(root, folder));
    for (const d of analyzeSkeleton(files, { values, cookiecutterCompat: step.input.cookiecutterCompat === true, label, listedInCopyWithoutRender: relative => ignored.has(relative), extensions, templateFile: file })) found.push({ d, label });
  }
  return found;
}

/** A regular-expression literal in a text the scaffolder renders, where the finding about it stands. */
interface RegexAt {
  literal: RegexLiteral;
  file: string;
  range: Diagnostic['range'];
  /** fragmentPlaces' annotate, for a literal in template.yaml (a `$text` or `$yaml` fragment may hold it). */
  annotate?: (diagnostics: readonly Diagnostic[]) => Diagnostic[];
}

/**
 * Whether a step's skeleton is scanned for literals in `{{ }}` (cookiecutterCompat's delimiters, which take in
 * every `${{` too) rather than `${{ }}` alone: unless the input sets cookiecutterCompat to false or leaves it
 * out. An expression (`${{ parameters.compat }}`) may turn it on for some task, so both are scanned.
 */
function literalDelimiters(input: Record<string, unknown>): boolean {
  return input.cookiecutterCompat !== undefined && input.cookiecutterCompat !== false;
}

// At most this many files are scanned for one step whose url an expression completes.
const EXPRESSION_URL_FILES = 5000;

/**
 * The literals of every file a fetch step whose `url` an expression completes (`../../skeletons/svc${{
 * parameters.variant }}`, `./skeletons/${{ parameters.kind }}/`) may fetch: each repository file whose
 * path, in the folder the url's text before its first `${{` names, starts with the rest of that text; all
 * rendered, in both delimiters (any of them may be, for some task). A url whose fixed part names no folder
 * here (another repository, an expression from its start) adds nothing. At most EXPRESSION_URL_FILES files.
 */
function expressionUrlLiterals(root: string, file: string, input: Record<string, unknown>, repoFiles: ReadonlySet<string>, repoUrl?: string): RegexAt[] {
  const url = input.url;
  if (typeof url !== 'string' || !url.includes('${{')) return [];
  const fixed = url.slice(0, url.indexOf('${{'));
  const cut = fixed.lastIndexOf('/') + 1;
  if (cut === 0 && !fixed) return [];
  const folder = skeletonFolder(file, fixed.slice(0, cut) || './', repoUrl);
  if (folder === undefined || folder === '..') return [];
  const start = skeletonFilePath(folder, fixed.slice(cut));
  const found: RegexAt[] = [];
  let scanned = 0;
  for (const path of repoFiles) {
    if (!(folder === '.' ? path.startsWith(fixed.slice(cut)) : path.startsWith(start)) || path === file) continue;
    if (++scanned > EXPRESSION_URL_FILES) break;
    const content = renderedContent(join(root, path));
    found.push(...skeletonLiterals(path, undefined, content.text, true));
  }
  return found;
}

/**
 * The literals of one skeleton file fetch:template renders: in its content (`text`, when rendered), at
 * their line and column, and in `name`, the path it renders as the output name (at the file's start).
 */
function skeletonLiterals(file: string, name: string | undefined, text: string | undefined, compat: boolean): RegexAt[] {
  const inName = name === undefined ? [] : regexLiterals(name, compat).map(literal => ({ literal, file, range: FILE_START }));
  const inText = text === undefined ? [] : regexLiterals(text, compat).map(literal => ({ literal, file, range: offsetRange(text, literal.offset, literal.written.length) }));
  return [...inName, ...inText];
}

/**
 * A value of a step's input.values as the analysis knows it: RENDERED where an expression builds it, a
 * mapping written out literally kept as a mapping of such values (its keys are certain: a skeleton reading
 * another one reads nothing), anything else as written. A mapping with a key an expression or a placeholder
 * writes (`${{ … }}`, `$yaml`) has no certain keys: RENDERED.
 */
function writtenValue(value: unknown): unknown {
  if (isRecord(value)) {
    if (Object.keys(value).some(key => key.includes('${{') || key.startsWith('$'))) return RENDERED;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, writtenValue(inner)]));
  }
  return JSON.stringify(value ?? null).includes('${{') ? RENDERED : value;
}

/**
 * fetch:template:file's one file (`path`, repo-relative, as its url names it), analysed as a skeleton file is
 * (analyzeSkeleton) with the values the step passes: createTemplateFileActionHandler renders its content with
 * Nunjitsu under the step's cookiecutterCompat, and never its name. A file missing from the repo listing (never
 * a link) is checkTemplate's finding; a binary one is not analysed.
 */
function analyzeTemplateFile(root: string, file: string, path: string, step: Record<string, unknown>, index: number, values: Record<string, unknown> | typeof RENDERED, repoFiles: ReadonlySet<string>, extensions: TemplatingNames, literals: RegexAt[]): Diagnostic[] {
  if (!repoFiles.has(path) || !isRecord(step.input)) return [];
  const label = `${file}, step ${typeof step.id === 'string' ? step.id : index + 1}`;
  const corrupted = corruptedText(root, path, 'fetch:template:file', label);
  // fetch:template:file renders its file whatever isbinaryfile would say (it never asks): only a file with a NUL
  // early on, which no text skeleton holds, is left unanalysed.
  const content = renderedContent(join(root, path), bytes => bytes.subarray(0, 8000).includes(0), 8000);
  if (content.text === undefined && !content.unread) return corrupted ? [corrupted] : [];
  literals.push(...skeletonLiterals(path, undefined, content.text, literalDelimiters(step.input)));
  const target = step.input.targetPath;
  // Where the file lands decides what it is (a workflow file's GitHub expressions); an expression-built target is known at run time only.
  const relative = typeof target === 'string' && !target.includes('${{') ? posix.normalize(target).replace(/^\.\//, '') : posix.basename(path);
  return [...(corrupted ? [corrupted] : []), ...analyzeSkeleton([{ file: path, relative, ...content, nameRendered: false }], { values, cookiecutterCompat: step.input.cookiecutterCompat === true, label, extensions })];
}

/**
 * What the analysis gets of a skeleton file fetch:template renders (at `path`): its text; nothing for one
 * `copied` says is copied as it is (by default the scaffolder's binary test, scaffolderBinary, on the first
 * `headBytes`); or, for one so large that Nunjitsu certainly refuses it (sourceTooLarge), that refusal,
 * without reading more than those first bytes. A 57 MB file
 * otherwise cost about 16 s (reading, decoding and scanning it) for the same one finding.
 */
function renderedContent(path: string, copied: (bytes: Buffer) => boolean = scaffolderBinary, headBytes = 515): { text?: string; unread?: TemplateSyntaxError } {
  const size = statSync(path).size;
  const unread = sourceTooLarge(size);
  if (!unread) {
    const buffer = readFileSync(path);
    return copied(buffer) ? {} : { text: buffer.toString('utf8') };
  }
  return copied(fileHead(path, headBytes)) ? {} : { unread };
}

/** The first bytes of a file, by default as many as isbinaryfile reads (512 and 3 more to finish a UTF-8 character). */
function fileHead(path: string, bytes = 515): Buffer {
  const head = Buffer.alloc(bytes);
  const fd = openSync(path, 'r');
  try {
    return head.subarray(0, readSync(fd, head, 0, head.length, 0));
  } finally {
    closeSync(fd);
  }
}

let isBinary: ((bytes: Buffer, size: number) => boolean) | undefined;

/**
 * Whether fetch:template copies a file with these bytes as binary: the scaffolder's own isbinaryfile, on the
 * first 512 bytes (a NUL there, a PDF header, many control bytes, protobuf), as templateActionHandler asks it.
 * Any other file it reads with readFile(…, 'utf-8') and renders (or copies) as text: a NUL past the 512th byte
 * is text, and so is UTF-16 with its byte-order mark.
 */
export function scaffolderBinary(bytes: Buffer): boolean {
  isBinary ??= (createRequire(createRequire(import.meta.url).resolve('@backstage/plugin-scaffolder-backend'))('isbinaryfile') as { isBinaryFileSync(bytes: Buffer, size: number): boolean }).isBinaryFileSync;
  const head = bytes.subarray(0, 515);
  return isBinary(head, head.length);
}

// A file larger than this is not read to see whether it is UTF-8 (skeleton files this large are rare, and
// reading them whole for one finding is not worth it).
const ENCODING_READ_LIMIT = 16 * 1024 * 1024;

/**
 * The finding for a skeleton file (`path`, repo-relative) that the step (`action`) reads as UTF-8 text but
 * that is not UTF-8: fetch:template reads every file isbinaryfile does not call binary with readFile(…,
 * 'utf-8'), whether it renders it or copies it (copyWithoutTemplating, outside templateFileExtension), and
 * fetch:template:file reads its file so whatever it holds; Node turns each invalid byte into U+FFFD, so
 * the new repository gets a damaged file on every run (a Java .properties saved as Latin-1, a PowerShell
 * script saved as UTF-16). Undefined for UTF-8 files, fetch:template's binary ones and files over the limit.
 */
function corruptedText(root: string, path: string, action: 'fetch:template' | 'fetch:template:file', label: string): Diagnostic | undefined {
  const absolute = join(root, path);
  // A binary file (most of a skeleton's large ones) is known from its first bytes, without reading it whole.
  if (statSync(absolute).size > ENCODING_READ_LIMIT || (action === 'fetch:template' && scaffolderBinary(fileHead(absolute)))) return undefined;
  const bytes = readFileSync(absolute);
  const fault = utf8Fault(bytes);
  if (!fault) return undefined;
  const binary = action === 'fetch:template:file' && scaffolderBinary(bytes);
  const how = action === 'fetch:template'
    ? 'with fetch:template, which reads every file that is not binary as UTF-8 text (rendered or copied: copyWithoutTemplating does not change that)'
    : `with fetch:template:file, which reads its file as UTF-8 text${binary ? ', binary or not' : ''}`;
  const becomes = fault.utf16 ? 'its byte-order mark becomes U+FFFD (\uFFFD) and the rest garbled text with a NUL beside each ASCII character' : 'these bytes become U+FFFD (\uFFFD)';
  const java = /\.properties$/.test(path) ? "; Java's resource bundles read .properties files as UTF-8 since Java 9" : '';
  return {
    ruleId: 'skeleton-encoding',
    severity: 'error',
    message: `This file is ${fault.what}. It is fetched by ${boundedText(label, 200)}, ${how}, so in every repository the template creates ${becomes}.`,
    hint: binary
      ? 'Fetch this file with fetch:plain:file, which copies its bytes as they are.'
      : `Re-save the file as UTF-8 (without a byte-order mark${java}). To keep its bytes as they are, fetch it with fetch:plain or fetch:plain:file instead.`,
    file: path,
    range: { start: { line: fault.line, column: fault.column }, end: { line: fault.line, column: fault.column + 1 } },
  };
}
