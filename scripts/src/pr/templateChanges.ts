import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { CONFIG_FILE, type GitopsConfig } from '../config/gitopsConfig.ts';
import { findPlaceholders, placeholderTarget } from '../catalog/placeholders.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { readRepoFile } from '../load/repoPath.ts';
import { regularRepoFileText } from '../load/repoFiles.ts';
import { loadOrgCatalog } from '../templates/renderedCatalog.ts';
import { templateEnvironment } from '../templates/defaultEnvironment.ts';
import { templateIntegrations } from '../templates/templateIntegrations.ts';
import { caseTemplateFile, discoverCases, folderTemplateFiles, runCase } from '../templates/runTemplateTests.ts';
import { OFFLINE_REPO_URL, reachHolds, stepReach, type StepReach } from '../templates/templateReach.ts';
import { resolveTemplatePlaceholders } from '../templates/templatePlaceholders.ts';
import { snapshotDifference } from '../templates/snapshotDifference.ts';
import { testTimeLimit } from '../templates/testTimeLimit.ts';
import { markAlreadyOnBase } from './alreadyOnBase.ts';
import { firstChangedLine } from './firstChangedLine.ts';
import { changedPolicyFiles } from './configWeakened.ts';
import type { EntityChanges } from './entityChanges.ts';
import { leavesRoot } from '../load/leavesRoot.ts';
import { testCoverageLost } from './testCoverageLost.ts';

/** One test case of a template the change touches, as the PR report shows it. */
export interface TemplateCaseChange {
  template: string;
  caseFile: string;
  /** Whether the case passes on the head (its findings are among the report's). */
  passed: boolean;
  /**
   * The rules of its errors, when it fails, each once in order of first appearance: the line saying ❌ says
   * why (a case that fails on its values renders as on the base all the same, which alone read as a pass).
   */
  failedBy?: string[];
  /**
   * What its render does differently from the base revision's snapshot of the case: `same` (the same
   * tree), `new` (the base has no snapshot of it), `unsnapshotted` (it rendered, but keeps no snapshot:
   * `snapshot: false`), `differs` (a difference snapshotDifference cannot put in words), `unknown` (it did
   * not render: the render failed or the run's time was spent), or the difference in words (snapshotDifference).
   */
  rendered: 'same' | 'new' | 'unsnapshotted' | 'differs' | 'unknown' | string;
  /**
   * Set when the change does not touch this template but what every case is judged against (sharedInputs):
   * why the case was run, in words (`this change edits gitops.config.yaml`).
   */
  because?: string;
  /** Set with `because` when only an added or edited entity reached the case: its template has a catalog:fetch step. */
  catalogFetch?: true;
}

// What the toolkit and the scaffolder it renders with are pinned by: a change to them changes every render.
const PACKAGE_FILES = new Set(['package.json', 'package-lock.json', 'npm-shrinkwrap.json']);

/**
 * The templates a change touches (a changed file in the template's folder, its tests included, or under a
 * folder or file one of its steps fetches by a relative url: the skeleton), with every test case of them
 * rendered on the head as `templates test` renders it, and its rendered tree compared with the snapshot the
 * base revision holds: what the template now generates differently from main, for the reviewer of a
 * skeleton who otherwise reads two YAML snapshots side by side (or nothing, when the snapshot was not
 * updated). A case is also judged by what no template reads: the config, the org's policies, the pinned
 * packages and the org's catalog its rendered catalog-info.yaml must refer into (sharedInputs). A change to
 * those runs every other template's cases too (`because` says why), and a finding such a case already has
 * on the base (the same case run on the base checkout with the base's config and catalog) is marked
 * alreadyOnBase, as the gate marks the catalog's. Takes the head's root, the base checkout's folder, the
 * changed files, the head's config and, for the shared inputs, the base's config and the entity changes;
 * returns the cases and their findings. Reads files; never runs a case's commands (`--run`).
 */
export async function templateChanges(root: string, baseDir: string, changedFiles: readonly string[], config: GitopsConfig, shared: { baseConfig?: GitopsConfig; changes?: EntityChanges; baseRef?: string; seconds?: number; catalogTemplateFiles?: readonly string[] } = {}): Promise<{ cases: TemplateCaseChange[]; diagnostics: Diagnostic[] }> {
  // The templates `templates test` renders: templates/<name>/ and every file of the catalog holding a Template.
  const templateFiles = [...new Set([...folderTemplateFiles(root), ...(shared.catalogTemplateFiles ?? [])])].sort();
  const touched = templateFiles.filter(file => readsChanged(root, file, changedFiles, config.repoUrl));
  const shares = sharedInputs(changedFiles, config, shared.baseConfig, shared.changes);
  // Without a shared input, an entity the change adds or edits still reaches the templates that fetch from the catalog.
  const edited = shares === undefined ? editedEntities(shared.changes) : undefined;
  const because = shares ?? (edited === undefined ? undefined : `this change ${edited}, and a catalog:fetch step renders what the catalog holds`);
  const reached = shares !== undefined ? templateFiles.filter(file => !touched.includes(file)) : edited !== undefined ? templateFiles.filter(file => !touched.includes(file) && fetchesFromCatalog(root, file, config.repoUrl)) : [];
  // Cases are found by folder, with every template file of the folder (one folder may hold several
  // templates, each case naming its own), then kept by the template file each renders.
  const all = touched.length || reached.length ? discoverCases(root, [], templateFiles) : [];
  const rendering = new Map(all.map(item => [item, caseTemplateFile(root, item)]));
  const renders = (files: readonly string[]) => (item: (typeof all)[number]) => {
    const file = rendering.get(item);
    return file === undefined ? item.templateFiles.some(f => files.includes(f)) : files.includes(file);
  };
  const items = all.filter(renders(touched));
  const others = all.filter(item => !items.includes(item) && renders(reached)(item));
  const removed = testCoverageLost(root, baseDir, touched);
  if (!items.length && !others.length) return { cases: [], diagnostics: removed };
  const org = await loadOrgCatalog(config);
  const environment = await templateEnvironment(config);
  const integrations = await templateIntegrations(config);
  const repoUrl = config.repoUrl ?? OFFLINE_REPO_URL;
  const cases: TemplateCaseChange[] = [];
  const diagnostics: Diagnostic[] = [...removed];
  // Loaded once, on the first case that needs it: a base whose catalog or policies do not load (undefined)
  // is not read again for each later case.
  let baseOrg: ReturnType<typeof loadOrgCatalog> | undefined;
  // The cases of the change first, then those the shared inputs reach; past the run's time the rest are
  // errors, not rendered (the base's runs of a case count too).
  const clock = testTimeLimit(shared.seconds);
  for (const item of [...items, ...others]) {
    const sharedOnly = !items.includes(item);
    if (clock.spent()) {
      diagnostics.push(clock.notRun(item.caseFile));
      cases.push({ template: item.template, caseFile: item.caseFile, passed: false, failedBy: ['template-render-budget'], rendered: 'unknown', ...(sharedOnly ? { because, ...(shares === undefined ? { catalogFetch: true as const } : {}) } : {}) });
      continue;
    }
    const started = Date.now();
    const result = await runCase(root, repoUrl, item, { updateSnapshots: false, run: false, org, configRepoUrl: config.repoUrl, environment, integrations });
    let found = result.diagnostics;
    // A case the change reaches only through the shared inputs may have failed on the base already: the same
    // case, run there against the base's own config and catalog, tells which of its findings are the change's.
    if (sharedOnly && shared.baseConfig && found.length && existsSync(join(baseDir, item.caseFile)) && item.templateFiles.every(file => existsSync(join(baseDir, file)))) {
      baseOrg ??= loadOrgCatalog(shared.baseConfig).catch(() => undefined);
      const onBase = await runCase(baseDir, shared.baseConfig.repoUrl ?? repoUrl, item, { updateSnapshots: false, run: false, org: await baseOrg, configRepoUrl: shared.baseConfig.repoUrl, environment: await templateEnvironment(shared.baseConfig).catch(() => undefined), integrations: await templateIntegrations(shared.baseConfig).catch(() => undefined) }).catch(() => undefined);
      if (onBase) found = markAlreadyOnBase(found, onBase.diagnostics);
    }
    clock.took(item.caseFile, Date.now() - started);
    diagnostics.push(...(sharedOnly ? found : withCause(root, item, found, changedFiles, config.repoUrl, shared.baseRef)));
    // The base is a checkout made for this report, links kept as git archive wrote them: only a regular file
    // reached through real folders is its snapshot (a link to /dev/zero on the base held every report).
    const before = regularRepoFileText(baseDir, item.caseFile.replace(/\.ya?ml$/, '.snapshot.yaml'));
    // A case with findings on its output did render: only a failed render (or none) is "not rendered".
    const rendered = !result.didRender ? 'unknown' : result.rendered === undefined ? 'unsnapshotted' : before === undefined ? 'new' : before === result.rendered ? 'same' : snapshotDifference(before, result.rendered) ?? 'differs';
    const failedBy = [...new Set(result.diagnostics.filter(d => d.severity === 'error').map(d => d.ruleId))];
    cases.push({ template: item.template, caseFile: item.caseFile, passed: failedBy.length === 0, ...(failedBy.length ? { failedBy } : {}), rendered, ...(sharedOnly ? { because, ...(shares === undefined ? { catalogFetch: true as const } : {}) } : {}) });
  }
  return { cases, diagnostics };
}

/**
 * What a change touches that every template test case is judged against, in words for the report
 * (`this change edits gitops.config.yaml and removes or renames system:default/fraud`), or undefined when it touches none of it:
 * gitops.config.yaml (rules, catalog settings), the policy files of either revision's config
 * (changedPolicyFiles: the org policies a rendered catalog-info.yaml must meet, the template policy), the
 * files that pin the toolkit and the scaffolder (package.json, package-lock.json, npm-shrinkwrap.json), and
 * entities the change removes or renames (a case's rendered references, `spec.owner: group:payments-team`,
 * are resolved against the org's catalog). Pure.
 */
export function sharedInputs(changedFiles: readonly string[], config: GitopsConfig, baseConfig?: GitopsConfig, changes?: EntityChanges): string | undefined {
  const files = changedFiles.filter(file => file === CONFIG_FILE || PACKAGE_FILES.has(file));
  files.push(...changedPolicyFiles(changedFiles, ...(baseConfig ? [config, baseConfig] : [config])).filter(file => !files.includes(file)));
  const gone = [...(changes?.removed.map(e => e.ref) ?? []), ...(changes?.renamed.filter(r => r.from !== r.to).map(r => r.from) ?? [])];
  const said = [...(files.length ? [`edits ${listed(files)}`] : []), ...(gone.length ? [`removes or renames ${listed(gone)}`] : [])];
  return said.length ? `this change ${said.join(' and ')}` : undefined;
}

/**
 * The entities a change adds or edits (EntityChanges added and changed), in words for the report
 * (`adds or edits system:default/fraud-detection`), or undefined when it does neither. A catalog:fetch step
 * answers from the repository's own catalog (fetchFromRepoCatalog, as the live catalog that ingests these
 * entities answers), so such a change alters what a template that fetches renders. Pure.
 */
export function editedEntities(changes?: EntityChanges): string | undefined {
  const refs = [...(changes?.added ?? []), ...(changes?.changed ?? [])].map(e => e.ref);
  return refs.length ? `adds or edits ${listed(refs)}` : undefined;
}

/**
 * Whether a template file has a `catalog:fetch` step (after its `$yaml`/`$json`/`$text` placeholders are
 * substituted, as readsChanged reads it): the scaffolder runs it against the catalog, which the render then
 * writes from. A file that cannot be read counts as one (its cases then run: never laxer). Reads files.
 */
function fetchesFromCatalog(root: string, templateFile: string, repoUrl?: string): boolean {
  try {
    return parseYaml(readRepoFile(root, templateFile, 'utf8'), templateFile).documents.some(written => {
      const document = resolveTemplatePlaceholders(root, templateFile, written, repoUrl);
      const steps = isRecord(document) && isRecord(document.spec) && Array.isArray(document.spec.steps) ? document.spec.steps : [];
      return steps.some(step => isRecord(step) && step.action === 'catalog:fetch');
    });
  } catch {
    return true;
  }
}

/** At most three names, then how many more. */
function listed(names: readonly string[]): string {
  const shown = names.slice(0, 3).map(n => (n.length > 120 ? `${n.slice(0, 119)}…` : n));
  return names.length > 3 ? `${shown.join(', ')} and ${names.length - 3} more` : shown.join(', ');
}

/**
 * Whether a changed file is one the template's render reads: the template's own folder (its tests included),
 * a file a `$yaml`/`$json`/`$text` placeholder in it names (relative, or a URL into this repository), or one
 * under a folder or file a step fetches (by a relative url, a url into this repository, or one built from
 * expressions: stepReach, the reach check, discovery and CODEOWNERS use too), read from the template as the catalog's
 * PlaceholderProcessor hands it to the scaffolder (resolveTemplatePlaceholders: steps kept in a `$yaml` file
 * are the template's steps). A fetch url that names the repository's root (`.`) reads every file.
 * Takes the head's root, the template file, the changed files and gitops.config.yaml's repoUrl; never throws.
 */
function readsChanged(root: string, templateFile: string, changedFiles: readonly string[], repoUrl?: string): boolean {
  return changedReads(root, templateFile, changedFiles, repoUrl).length > 0;
}

/**
 * A touched case's findings on files the change leaves alone (the case file, its snapshot), each with the
 * changed file the case reads that caused it (`causedBy`: the skeleton file its message names, else the
 * first changed file outside the case's tests folder) at its first changed line, where a CI annotation
 * is shown in the pull request's Files view. Without a base revision, or with no such file, as they are.
 */
function withCause(root: string, item: { caseFile: string; templateFiles: readonly string[] }, found: Diagnostic[], changedFiles: readonly string[], repoUrl?: string, baseRef?: string): Diagnostic[] {
  const changed = new Set(changedFiles);
  if (!baseRef || found.every(d => changed.has(d.file))) return found;
  const tests = `${posix.dirname(item.caseFile)}/`;
  const reads = [...new Set(item.templateFiles.flatMap(file => changedReads(root, file, changedFiles, repoUrl)))].filter(file => !file.startsWith(tests));
  if (!reads.length) return found;
  const lines = new Map<string, number>();
  const lineOf = (file: string) => lines.get(file) ?? lines.set(file, firstChangedLine(root, baseRef, file)).get(file)!;
  return found.map(d => {
    if (changed.has(d.file)) return d;
    const named = reads.find(file => d.message.includes(posix.basename(file))) ?? reads[0];
    return { ...d, causedBy: { file: named, line: lineOf(named) } };
  });
}

/** The changed files a template file's render reads (readsChanged's reading). */
function changedReads(root: string, templateFile: string, changedFiles: readonly string[], repoUrl?: string): string[] {
  const reads: StepReach[] = [{ folder: posix.dirname(templateFile) }];
  try {
    for (const written of parseYaml(readRepoFile(root, templateFile, 'utf8'), templateFile).documents) {
      for (const use of findPlaceholders(written)) {
        const target = placeholderTarget(templateFile, use.value, repoUrl);
        if (typeof target === 'string') reads.push({ folder: target });
      }
      const document = resolveTemplatePlaceholders(root, templateFile, written, repoUrl);
      const steps = isRecord(document) && isRecord(document.spec) && Array.isArray(document.spec.steps) ? document.spec.steps : [];
      for (const step of steps) {
        const reach = stepReach(templateFile, isRecord(step) && isRecord(step.input) ? step.input.url : undefined, repoUrl);
        if (reach && ('prefix' in reach || !leavesRoot(reach.folder))) reads.push(reach);
      }
    }
  } catch {
    // A template file that cannot be read is the gate's finding; its folder still counts.
  }
  return changedFiles.filter(file => reads.some(reach => reachHolds(reach, file)));
}
