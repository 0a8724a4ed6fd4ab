import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix, sep } from 'node:path';
import { stringify } from 'yaml';
import type { Diagnostic } from '../diagnostic.ts';
import { parseYaml, type ParsedYaml } from '../load/parseYaml.ts';
import { OutsideRepositoryError, readRepoFile, writableRepoPath } from '../load/repoPath.ts';
import { FILE_START } from '../diagnostic.ts';
import { undecodableFinding, undecodableName } from '../load/repoFiles.ts';
import { toolkitSchemaShown, toolkitValidator } from '../config/toolkitSchemas.ts';
import { checkRendered, renderedWorkflowFindings } from './checkRendered.ts';
import { standInNames } from './standIn.ts';
import { omittedDefaultHint } from './omittedDefaults.ts';
import { checkSecrets, valueRefusals } from './checkValues.ts';
import { BACKTRACKING_HINT, BACKTRACKING_LITERAL_HINT, templateBacktracking } from './regexBacktracking.ts';
import { regexLiteralMessage, TemplateRegexRefused } from './templateSyntax.ts';
import type { OrgCatalog } from './renderedCatalog.ts';
import { snapshotDifference } from './snapshotDifference.ts';
import { deploymentParameterText, fetchedElsewhereText, notRunOfflineText, renderTemplate, userWithoutEntityText, type InputRefusalAt, type RenderResult, type UnmatchedGlobAt } from './renderTemplate.ts';
import { boundedText } from '../report/safeText.ts';
import { DEFAULT_RENDER_BUDGET, RenderBudgetExceeded } from './renderBudget.ts';
import { OUTSIDE_REPOSITORY } from './offlineScaffolder.ts';
import { refusalPlace, staticRefusals, staticRepoUrlProblem } from './checkStepInputs.ts';
import { integrationTypeOf } from './deploymentHosts.ts';
import { handlerRefusals } from './handlerRefusals.ts';
import { declaredParameterKinds, pickerParameters } from './checkTemplate.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { unreadPlaceholder } from '../catalog/placeholders.ts';
import { gitHostView } from '../load/gitHostView.ts';
import type { KnownAction } from './scaffolderActions.ts';
import { templateActions, templateExtensions } from './templateGate.ts';
import type { DefaultEnvironment } from './defaultEnvironment.ts';
import { missingIntegrationHint, type DeploymentIntegrations } from './templateIntegrations.ts';
import { resolveTemplatePlaceholders, UNREAD_STEPS_HINT, unreadStepsProblem } from './templatePlaceholders.ts';
import { childEnv } from '../process/childEnv.ts';
import { pickTemplate, quotedNames, shortName } from './pickTemplate.ts';
import { templateSchemaProblem, templateShapeProblem } from './templateShape.ts';
import { skeletonGlobProblems } from './skeletonGlobs.ts';
import { BUILTIN_ACTIONS } from './dryRunRequest.ts';
import { withLf } from '../load/eolConverted.ts';
import { renderedRegisterProblems } from './registeredFile.ts';
import { unpushedFindings } from './unpushedFiles.ts';
import { stepIdOf } from './stepIds.ts';
import { missingFileReason, notJudgedHint, splitOutputProblems, unknownWriters } from './outputNotJudged.ts';

const BUILTIN = BUILTIN_ACTIONS;

export interface TemplateCase {
  /** The name of the folder that holds the template file (what `templates test <name>` selects). */
  template: string;
  /** The template files of that folder (repo-relative), usually one; a case renders a Template of one of them. */
  templateFiles: string[];
  caseFile: string;
}

/**
 * Every (template, case) in a stable order, for sharding. `templateFiles` are the files that hold a scaffolder
 * Template: those the catalog reads (any .yaml/.yml its Locations reach, as `check` judges them), by default
 * every templates/<name>/template.yaml or template.yml. A template's cases are the .yaml/.yml files of the
 * tests/ folder beside its file (snapshots excepted) that the git host holds, as `check` sees files
 * (gitHostView: a case git ignores and does not track is a local try-out no pull request carries); `names`
 * selects folders by name.
 */
export function discoverCases(root: string, names: readonly string[], templateFiles: readonly string[] = folderTemplateFiles(root)): TemplateCase[] {
  const byFolder = new Map<string, string[]>();
  for (const file of [...new Set(templateFiles)].sort()) {
    const folder = posix.dirname(file);
    if (names.length && !names.includes(posix.basename(folder))) continue;
    (byFolder.get(folder) ?? byFolder.set(folder, []).get(folder)!).push(file);
  }
  const hidden = gitHostView(root).ignored;
  return [...byFolder].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([folder, files]) => {
    const prefix = folder === '.' ? '' : `${folder}/`;
    const tests = join(root, folder, 'tests');
    const kind = testsFolderKind(root, tests);
    // A tests/ link out of the repository is one case, the link itself, which runCase refuses (repo-symlink)
    // without listing, let alone showing, what lies where it points.
    if (kind === 'outside') return hidden(`${prefix}tests`) ? [] : [{ template: posix.basename(folder), templateFiles: files, caseFile: `${prefix}tests` }];
    if (kind !== 'folder') return [];
    // Files only (a link too: its case reports it): a folder named like a case is no case, and reading it stopped the run.
    const cases = readdirSync(tests, { withFileTypes: true }).filter(e => (e.isFile() || e.isSymbolicLink()) && /\.ya?ml$/.test(e.name) && !e.name.includes('.snapshot.')).map(e => e.name).sort();
    return cases
      .map(c => ({ template: posix.basename(folder), templateFiles: files, caseFile: `${prefix}tests/${c}` }))
      .filter(item => !hidden(item.caseFile));
  });
}

/** What a template's tests/ is: a folder of the repository (or a link to one), a link out of it, or nothing to read cases from (absent, a file). */
function testsFolderKind(root: string, tests: string): 'folder' | 'outside' | 'none' {
  let stat;
  try {
    stat = lstatSync(tests);
  } catch {
    return 'none';
  }
  if (stat.isDirectory()) return 'folder';
  if (!stat.isSymbolicLink()) return 'none';
  try {
    const real = realpathSync(tests);
    const repo = realpathSync(root);
    if (real !== repo && !real.startsWith(`${repo}${sep}`)) return 'outside';
    return statSync(real).isDirectory() ? 'folder' : 'none';
  } catch {
    return 'none';
  }
}

/**
 * The template file a case renders, as runCase picks it: of the case's folder's template files, the first
 * that holds a Template named by the case's `template:` (or, without one, the first file). Undefined when
 * the case or a template file cannot be read or parsed (runCase then says why). Takes the root and a case
 * of discoverCases; reads files; never throws.
 */
export function caseTemplateFile(root: string, item: TemplateCase): string | undefined {
  if (item.templateFiles.length === 1) return item.templateFiles[0];
  try {
    const testCase = parseYaml(readRepoFile(root, item.caseFile, 'utf8'), item.caseFile).documents[0];
    const name = isRecord(testCase) && typeof testCase.template === 'string' ? testCase.template : undefined;
    return item.templateFiles.find(file => 'index' in pickTemplate(parseYaml(readRepoFile(root, file, 'utf8'), file).documents, name)) ?? item.templateFiles[0];
  } catch {
    return undefined;
  }
}

/**
 * templates/<name>/template.yaml or template.yml of every template folder (both when both exist: the catalog
 * may read either) that the git host holds, as `check` sees files: one git ignores and does not track
 * (gitHostView) is no template a pull request can add. A symbolic link stays in (its case reports it).
 */
export function folderTemplateFiles(root: string): string[] {
  const dir = join(root, 'templates');
  if (!existsSync(dir)) return [];
  const hidden = gitHostView(root).ignored;
  return readdirSync(dir).sort().flatMap(name => ['template.yaml', 'template.yml'].filter(file => isFileOrLink(join(dir, name, file))).map(file => `templates/${name}/${file}`)).filter(file => !hidden(file));
}

/** Whether `path` is a file or a symbolic link (which the reader then judges), not a folder or nothing. */
function isFileOrLink(path: string): boolean {
  try {
    const stat = lstatSync(path);
    return stat.isFile() || stat.isSymbolicLink();
  } catch {
    return false;
  }
}

export interface CaseResult {
  case: TemplateCase;
  milliseconds: number;
  diagnostics: Diagnostic[];
  /** The rendered tree as its snapshot file writes it, when the case rendered and keeps a snapshot. */
  rendered?: string;
  /** Set when the render ran to its end, whether or not the case keeps a snapshot (`snapshot: false`) or its output passed. */
  didRender?: true;
}

/**
 * Renders one case with the scaffolder's own runner and checks it: values, expectations, output, snapshot,
 * commands. `repoUrl` is the base the render reads relative urls against (a stand-in when the config has
 * none); `options.configRepoUrl` is gitops.config.yaml's own repoUrl, the only one a `$yaml`/`$json`/`$text`
 * URL may be read through (a stand-in base would make every other repository's URL look "outside");
 * `options.environment` the managed Backstage's scaffolder.defaultEnvironment (templateEnvironment);
 * `options.integrations` its integrations (templateIntegrations), unknown when absent.
 */
export async function runCase(root: string, repoUrl: string, item: TemplateCase, options: { updateSnapshots: boolean; run: boolean; org?: OrgCatalog; configRepoUrl?: string; environment?: DefaultEnvironment; integrations?: DeploymentIntegrations }): Promise<CaseResult> {
  const diagnostics: Diagnostic[] = [];
  let caseText: string;
  let templateTexts: string[];
  // A case named in bytes that are not UTF-8 opens by no name: the one finding check gives it, not a read that fails the run.
  if (undecodableName(join(root, posix.dirname(item.caseFile)), posix.basename(item.caseFile))) {
    return { case: item, milliseconds: 0, diagnostics: [undecodableFinding(item.caseFile)] };
  }
  try {
    caseText = readRepoFile(root, item.caseFile, 'utf8');
    templateTexts = item.templateFiles.map(file => readRepoFile(root, file, 'utf8'));
  } catch (error) {
    if (!(error instanceof OutsideRepositoryError)) throw error;
    // The link's target is a host file: name the link, never show what it points at.
    diagnostics.push({ ruleId: 'repo-symlink', severity: 'error', message: error.message, hint: 'Commit the file itself, not a symbolic link.', file: error.file, range: FILE_START });
    return { case: item, milliseconds: 0, diagnostics };
  }
  const parsedCase = parseYaml(caseText, item.caseFile);
  const at = (path: (string | number)[], ruleId: string, message: string, hint: string) => diagnostics.push({ ruleId, severity: 'error', message, hint, file: item.caseFile, range: parsedCase.locate(0, path) });
  // A finding that follows from what the offline render does not have (a stand-in output, a step it cannot run) is a note, not an error.
  const note = (path: (string | number)[], message: string, hint: string) => diagnostics.push({ ruleId: 'template-output-not-judged', severity: 'info', message, hint, file: item.caseFile, range: parsedCase.locate(0, path) });
  const testCase = parsedCase.documents[0] as { name: string; template?: string; values: Record<string, unknown>; secrets?: Record<string, string>; user?: { ref: string }; entities?: Record<string, unknown>[]; expect?: { files?: string[]; absent?: string[]; contains?: Record<string, string[]>; error?: string; valuesError?: string }; snapshot?: boolean; run?: string[] };
  const validate = toolkitValidator('template-test');
  // A case that does not parse says so with the parser's own line, not as a schema error at 1:1.
  if (parsedCase.problems.length) return { case: item, milliseconds: 0, diagnostics: [...parsedCase.problems] };
  if (!validate(testCase)) {
    for (const e of validate.errors ?? []) {
      const path = e.instancePath.split('/').slice(1);
      const extra = e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty : undefined;
      if (extra !== undefined) at([...path, extra], 'template-test-invalid', `Unknown key '${extra}'${path.length ? ` under ${path.join('.')}` : ''}.`, `See ${toolkitSchemaShown('template-test', root)} for the keys a case takes.`);
      else at(path, 'template-test-invalid', `${path.join('.') || 'case'} ${e.message}`, `See ${toolkitSchemaShown('template-test', root)}.`);
    }
    return { case: item, milliseconds: 0, diagnostics };
  }
  // A folder may hold several template files, and a file several Templates (Backstage registers each): the
  // case names the one it renders; the first file that has it (or its only Template) is the one.
  const parsedFiles = item.templateFiles.map((file, i) => ({ file, parsed: parseYaml(templateTexts[i], file) }));
  const chosen = parsedFiles.find(f => 'index' in pickTemplate(f.parsed.documents, testCase.template)) ?? parsedFiles[0];
  const templateFile = chosen.file;
  const parsedYaml = chosen.parsed;
  const pick = pickTemplate(parsedYaml.documents, testCase.template);
  if (!('index' in pick)) {
    const names = quotedNames(pick.names);
    if (pick.missing !== undefined) at(['template'], 'template-test-invalid', `${templateFile} has no Template named '${shortName(pick.missing)}'; the Templates in it: ${names}.`, 'Give the metadata.name of one of them.');
    else at([], 'template-test-invalid', `${templateFile} holds ${pick.names.length} Templates (${names}): the case does not say which one it renders.`, 'Add `template: <metadata.name>` to the case.');
    return { case: item, milliseconds: 0, diagnostics };
  }
  const document = pick.index;
  // The chosen document as document 0, its positions still those of its place in the file.
  const unread = unreadStepsProblem(root, templateFile, parsedYaml.documents[document], options.configRepoUrl);
  if (unread !== undefined) {
    at([], 'template-render-failed', `${templateFile} cannot be rendered offline: ${unread}`, UNREAD_STEPS_HINT);
    return { case: item, milliseconds: 0, diagnostics };
  }
  const parsedTemplate = { ...parsedYaml, file: templateFile, documents: [resolveTemplatePlaceholders(root, templateFile, parsedYaml.documents[document], options.configRepoUrl)], locate: (_: number, path: readonly (string | number)[], options?: { key?: boolean }) => parsedYaml.locate(document, path, options) };
  const template = parsedTemplate.documents[0] as { apiVersion: string; metadata: { name: string }; spec: { parameters?: object | object[]; steps: { action: string }[]; output?: object } };
  const shape = templateShapeProblem(template) ?? (await templateSchemaProblem(template));
  if (shape !== undefined) {
    // The static check reports why (a YAML error, Backstage's kind schema); nothing can be rendered.
    at([], 'template-render-failed', `${templateFile} is not a template the scaffolder can run (${parsedTemplate.problems[0]?.message ?? shape}).`, `Fix ${templateFile} first.`);
    return { case: item, milliseconds: 0, diagnostics };
  }
  // jsonschema runs the template's own patterns on the case's values, on this thread: one that backtracks
  // is reported (as check reports it) and no value is validated with it.
  const backtracking = await templateBacktracking(template);
  if (backtracking.length) {
    for (const message of backtracking) at([], 'template-pattern-backtracking', `${templateFile} ${message} The case's values are not validated or rendered.`, BACKTRACKING_HINT);
    return { case: item, milliseconds: 0, diagnostics };
  }
  const valueProblems = valueRefusals(template.spec.parameters, testCase.values);
  const valueErrors = valueProblems.map(r => r.message);
  const refusal = testCase.expect?.valuesError;
  if (refusal !== undefined) {
    if (!valueErrors.some(e => e.includes(refusal))) at(['expect', 'valuesError'], 'template-expectation', `The values were expected to be refused with "${refusal}"${valueErrors.length ? `, but the errors were: ${valueErrors.join('; ')}` : ', but they are valid'}.`, 'Fix the parameter schema or the expectation.');
    return { case: item, milliseconds: 0, diagnostics };
  }
  // At the value refused (locate falls back to the nearest parent the case writes: a missing value's object).
  for (const { message, path } of valueProblems) at(['values', ...path], 'template-values-invalid', message, 'Give the case the values the form would submit; defaults are not applied by the backend.');
  for (const error of checkSecrets((template.spec as { secrets?: unknown }).secrets, testCase.secrets)) at(testCase.secrets ? ['secrets'] : [], 'template-secrets-invalid', error, "Give the case the secrets the template's spec.secrets.schema asks for; the backend refuses the task without them.");
  const started = Date.now();
  const actions = await templateActions(root);
  const extensions = await templateExtensions(root);
  let rendered;
  extensions.standIns?.clear();
  try {
    rendered = await renderTemplate({ source: { root, baseUrl: repoUrl }, templateFile, template, values: testCase.values, secrets: testCase.secrets, user: testCase.user, offlineActions: [...new Set(template.spec.steps.map(s => s.action).filter(a => !BUILTIN.has(a)))], actions, extensions, catalog: caseCatalog(testCase.entities, options.org), environment: options.environment, integrations: options.integrations });
  } catch (error) {
    const message = (error as Error).message;
    // Not an error the case may expect: Backstage would not fail the task, it would stall on it.
    if (error instanceof TemplateRegexRefused) {
      at([], 'template-pattern-backtracking', `This case was not rendered: ${regexLiteralMessage(error.literal, error.verdict)} (in ${templateFile} or a skeleton file it fetches; \`check\` reports where).`, BACKTRACKING_LITERAL_HINT);
      return { case: item, milliseconds: Date.now() - started, diagnostics };
    }
    if (testCase.expect?.error && message.includes(testCase.expect.error)) return { case: item, milliseconds: Date.now() - started, diagnostics };
    if (error instanceof RenderBudgetExceeded) {
      at(['values'], 'template-render-budget', message, `Each render may write ${DEFAULT_RENDER_BUDGET.maxBytes / 1024 / 1024} MB, ${DEFAULT_RENDER_BUDGET.maxFiles} files and run ${DEFAULT_RENDER_BUDGET.maxMilliseconds / 1000} s.`);
      return { case: item, milliseconds: Date.now() - started, diagnostics };
    }
    const refusals = (error as { inputRefusals?: InputRefusalAt[] }).inputRefusals;
    if (refusals?.length) {
      const findings = renderedInputFindings(parsedTemplate, refusals, actions, item.caseFile);
      // A refusal the static check reports already is its finding; the case itself still failed to render.
      if (findings.length) diagnostics.push(...findings);
      else at(['values'], 'template-render-failed', `The template failed to render: ${message}`, 'Fix the step input in template.yaml (reported there).');
      return { case: item, milliseconds: Date.now() - started, diagnostics };
    }
    // A step failing on a missing file after a fetch from elsewhere copied nothing: Backstage has those files,
    // so the failure is likely this render's alone (RoadieHQ's create-rfc: fs:rename of the fetched file).
    // Only a file missing from the task's workspace (Node's ENOENT there, said as data by renderTemplate), never
    // one missing from the repository, and never read from the message, whose step ids and names the template writes.
    const { fetchedElsewhere: elsewhereFetched, missingInWorkspace } = error as { fetchedElsewhere?: RenderResult['fetchedElsewhere']; missingInWorkspace?: string };
    if (elsewhereFetched?.length && missingInWorkspace !== undefined) {
      const { message: fetched, hint } = fetchedElsewhereText(elsewhereFetched[0]);
      const more = elsewhereFetched.length > 1 ? ` (and ${elsewhereFetched.length - 1} other fetch(es) from outside this checkout)` : '';
      diagnostics.push({ ruleId: 'template-step-not-rendered', severity: 'warning', message: `This case was not rendered to the end (${boundedText(message, 400)}), likely for a file Backstage has and this render does not: ${fetched}${more}`, hint, file: item.caseFile, range: parsedCase.locate(0, ['values']) });
      return { case: item, milliseconds: Date.now() - started, diagnostics };
    }
    // What fetch:template's handler refuses in the input as written, the static check reports on the step.
    const reported = (await handlerRefusals(template.spec.steps, actions)).some(f => message.endsWith(f.refusal));
    // A fetch from another repository or revision: Backstage reads it, the offline render cannot.
    const elsewhere = message.includes(OUTSIDE_REPOSITORY) ? 'The offline render reads only this checkout, so a case cannot render a template that fetches from another repository, or another revision of this one (Backstage does fetch it). Fetch the skeleton by a url relative to the template file, or remove the case.' : undefined;
    at(['values'], 'template-render-failed', `The template failed to render: ${message}`, reported ? 'Fix the step input in template.yaml (reported there).' : elsewhere ?? omittedDefaultHint(template, testCase.values, message) ?? (options.integrations && missingIntegrationHint(message)) ?? 'Fix the template or the skeleton; Backstage would fail the same way.');
    return { case: item, milliseconds: Date.now() - started, diagnostics };
  }
  for (const standIn of extensions.standIns ?? []) {
    diagnostics.push({
      ruleId: 'template-render-stand-in',
      severity: 'warning',
      message: `This case rendered with a stand-in for the ${standIn}, which your Backstage adds (declared in gitops.config.yaml's backstageConfig): the toolkit does not have its code, so where it is used the output shows ${standIn.startsWith('filter') ? "the filter's input unchanged" : 'an empty string'}, not what Backstage writes; what it feeds (a step input, an expression left unrendered when a filter after it threw) is not judged.`,
      hint: 'Install the scaffolder module that provides it and name it in backstageConfig.plugins: the toolkit then renders with its own code.',
      file: item.caseFile,
      range: parsedCase.locate(0, ['values']),
    });
  }
  for (const name of rendered.deploymentParameters ?? []) {
    const { message, hint } = deploymentParameterText(name);
    diagnostics.push({ ruleId: 'template-render-stand-in', severity: 'warning', message: `This case rendered ${message}`, hint, file: item.caseFile, range: parsedCase.locate(0, ['values']) });
  }
  for (const entry of rendered.fetchedElsewhere ?? []) {
    const { message, hint } = fetchedElsewhereText(entry);
    diagnostics.push({ ruleId: 'template-step-not-rendered', severity: 'warning', message, hint, file: item.caseFile, range: parsedCase.locate(0, ['values']) });
  }
  for (const entry of rendered.notRunOffline ?? []) {
    const { message, hint } = notRunOfflineText(entry);
    diagnostics.push({ ruleId: 'template-step-not-rendered', severity: 'warning', message, hint, file: item.caseFile, range: parsedCase.locate(0, ['values']) });
  }
  if (rendered.userWithoutEntity) {
    const { message, hint } = userWithoutEntityText(rendered.userWithoutEntity, options.org !== undefined);
    diagnostics.push({ ruleId: 'template-user-entity-missing', severity: 'warning', message, hint, file: item.caseFile, range: parsedCase.locate(0, testCase.user ? ['user'] : ['values']) });
  }
  // What a publish step leaves out through the skeleton's .gitignore: the case's files stay the workspace's.
  diagnostics.push(...unpushedFindings(rendered.unpushed ?? [], templateFile, template.spec.steps, p => existsSync(join(root, p)), { file: item.caseFile, range: parsedCase.locate(0, ['values']) }, options.configRepoUrl));
  if (testCase.expect?.error) at(['expect', 'error'], 'template-expectation', `The template rendered, but the case expects it to fail with "${testCase.expect.error}".`, 'Update the expectation.');
  const files = new Map(rendered.files.map(f => [f.path, f.content]));
  // A step the render cannot run may write the file in Backstage: its absence here says nothing.
  const writers = unknownWriters(rendered);
  const expectMissing = (path: (string | number)[], file: string, otherwise: () => void) => (writers.length ? note(path, `${file} was not rendered, which is not judged: ${missingFileReason(writers)}.`, notJudgedHint('')) : otherwise());
  testCase.expect?.files?.forEach((path, i) => files.has(path) || expectMissing(['expect', 'files', i], path, () => at(['expect', 'files', i], 'template-expectation', `${path} was not rendered.`, `Rendered: ${[...files.keys()].sort().join(', ')}`)));
  testCase.expect?.absent?.forEach((path, i) => files.has(path) && at(['expect', 'absent', i], 'template-expectation', `${path} was rendered but must not be.`, 'Check the step conditions and fs:delete steps.'));
  for (const [path, needles] of Object.entries(testCase.expect?.contains ?? {})) {
    const text = files.get(path)?.toString('utf8');
    needles.forEach((needle, i) => (text ?? '').includes(needle) || (text === undefined ? expectMissing(['expect', 'contains', path, i], path, () => at(['expect', 'contains', path, i], 'template-expectation', `${path} does not contain ${JSON.stringify(needle)}.`, `${path} was not rendered.`)) : at(['expect', 'contains', path, i], 'template-expectation', `${path} does not contain ${JSON.stringify(needle)}.`, 'Compare with the snapshot.')));
  }
  const output = splitOutputProblems(await checkRendered(rendered.files, options.org, standInNames(extensions)), rendered);
  for (const problem of output.judged) at(['values'], 'template-output-invalid', problem, 'Fix the skeleton; the rendered repository must be usable as created.');
  for (const { problem, why } of output.notJudged) note(['values'], `Not judged: ${problem.replace(/\.$/, '')}. ${why[0].toUpperCase()}${why.slice(1)}.`, notJudgedHint(why));
  for (const f of renderedWorkflowFindings(rendered.files)) at(['values'], f.ruleId, f.message, f.hint);
  diagnostics.push(...renderedInputFindings(parsedTemplate, rendered.inputRefusals, actions, item.caseFile));
  diagnostics.push(...unmatchedGlobFindings(parsedTemplate, rendered.unmatchedGlobs ?? [], item.caseFile));
  // publish:* and catalog:register are skipped by the dry-run: what register would read is judged on the rendered tree.
  // A folder fetched from elsewhere was copied as nothing (fetchedElsewhere): the tree lacks its files, so which file register reads is not known.
  // So is a file a step the render cannot run may write before the register step.
  if (!rendered.fetchedElsewhere?.length) {
    for (const p of renderedRegisterProblems(template.spec.steps, rendered.offlineInputs, new Set(files.keys()), item.caseFile, stepIdOf)) {
      const before = p.ruleId === 'template-register-file-missing' ? writersBefore(template.spec.steps, writers, Number(p.path[2])) : [];
      if (before.length) diagnostics.push({ ruleId: 'template-output-not-judged', severity: 'info', message: `Not judged: ${p.message} But ${missingFileReason(before)}.`, hint: notJudgedHint(''), file: templateFile, range: parsedTemplate.locate(0, p.path) });
      else diagnostics.push({ ruleId: p.ruleId, severity: 'error', message: p.message, hint: p.hint, file: templateFile, range: parsedTemplate.locate(0, p.path) });
    }
  }
  let renderedTree: string | undefined;
  if (testCase.snapshot !== false) {
    const snapshotFile = item.caseFile.replace(/\.ya?ml$/, '.snapshot.yaml');
    const actual = stringify(Object.fromEntries([...files].sort(([a], [b]) => a.localeCompare(b)).map(([path, content]) => [path, isText(content) ? content.toString('utf8') : `sha256:${createHash('sha256').update(content).digest('hex')}`])), { lineWidth: 0 });
    renderedTree = actual;
    let snapshotPath: string | undefined;
    try {
      snapshotPath = writableRepoPath(root, snapshotFile);
    } catch (error) {
      if (!(error instanceof OutsideRepositoryError)) throw error;
      diagnostics.push({ ruleId: 'repo-symlink', severity: 'error', message: error.message, hint: 'Delete the link; the snapshot is written here by --update-snapshots.', file: error.file, range: FILE_START });
    }
    // A folder of the snapshot's name is no snapshot (--update-snapshots then says it cannot write there).
    const expected = snapshotPath && isFileOrLink(snapshotPath) ? readFileSync(snapshotPath, 'utf8') : undefined;
    if (!snapshotPath) {
      // Refused above: never read or written through the link.
    }
    // A CRLF checkout (core.autocrlf) writes the committed snapshot with CRLF: git stores it as rendered, so it
    // is neither a difference nor rewritten (a rewrite with LF would leave the checkout modified).
    else if (expected !== undefined && withLf(expected) === actual) {
      // Up to date.
    } else if (options.updateSnapshots) await writeFile(snapshotPath, actual);
    else {
      const difference = expected === undefined ? undefined : snapshotDifference(expected, actual);
      at([], 'template-snapshot', expected === undefined ? `No snapshot yet: ${snapshotFile}.` : `The rendered tree differs from ${snapshotFile}${difference ? `: ${difference}` : ''}.`, 'Review the change, then run `npx backstage-gitops templates test --update-snapshots`.');
    }
  }
  if (options.run && testCase.run?.length) {
    const dir = await mkdtemp(join(tmpdir(), 'gitops-rendered-'));
    try {
      for (const [path, content] of files) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), content);
      }
      for (const [i, command] of testCase.run.entries()) {
        const result = spawnSync('sh', ['-c', command], { cwd: dir, encoding: 'utf8', timeout: 300_000, env: childEnv() });
        if (result.status !== 0) {
          at(['run', i], 'template-command-failed', `\`${command}\` failed in the rendered repository (exit ${result.status}): ${(result.stdout + result.stderr).slice(-800)}`, 'The repository a team gets must build and pass its own tests.');
          break;
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return { case: item, milliseconds: rendered.milliseconds, diagnostics, didRender: true, ...(renderedTree !== undefined ? { rendered: renderedTree } : {}) };
}

/**
 * The catalog a case's render answers catalog:fetch (and user.entity) from: the case's own `entities:` (what
 * the live catalog holds beyond this repository), before the repository's catalog, as fetchFromRepoCatalog
 * keeps the first entity of a ref. Undefined when there is neither (no catalog is known then).
 */
function caseCatalog(entities: readonly Record<string, unknown>[] | undefined, org: OrgCatalog | undefined): Record<string, unknown>[] | undefined {
  if (!entities?.length && !org) return undefined;
  return [...(entities ?? []), ...(org?.entities.map(e => e.entity) ?? [])];
}

/**
 * Of the steps whose writes the render lacks (unknownWriters), those that come before step `index` of the
 * template's steps (as written; ids as the runner gives them): the files they may write are in the
 * workspace when that step runs.
 */
export function writersBefore(steps: readonly object[], writers: readonly { stepId: string; action: string }[], index: number): { stepId: string; action: string }[] {
  return writers.filter(w => {
    const at = steps.findIndex((s, i) => stepIdOf(s as Record<string, unknown>, i) === w.stepId);
    return at >= 0 && at < index;
  });
}

/**
 * The refusals of the inputs this case rendered, on the step's line in template.yaml. Those the static
 * check already reports for the literal input are left to it, so each shows once.
 */
function renderedInputFindings(template: { file: string; documents: unknown[]; locate: ParsedYaml['locate'] }, refusals: readonly InputRefusalAt[], actions: ReadonlyMap<string, KnownAction>, caseFile: string): Diagnostic[] {
  const steps = ((template.documents[0] as { spec?: { steps?: { id?: string; action?: string; input?: unknown }[] } })?.spec?.steps ?? []);
  const spec = (template.documents[0] as { spec?: { parameters?: unknown } })?.spec;
  const pickers = pickerParameters([spec?.parameters ?? []].flat());
  // As check judges the template (its pages read as they are): a refusal check already reports is not given twice.
  // (check leaves the kinds unknown when a page is read from a URL at ingestion, and so does this.)
  const pages = [spec?.parameters ?? []].flat();
  const parameterKinds = pages.some(page => unreadPlaceholder(page) !== undefined) ? undefined : declaredParameterKinds(pages);
  const found: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const refusal of refusals) {
    // The runner knows a step without an id as step-<n>, as the scaffolder's router names it.
    const index = steps.findIndex((s, i) => (s?.id ?? `step-${i + 1}`) === refusal.stepId);
    const step = steps[index];
    const known = step?.action ? actions.get(step.action) : undefined;
    if (known && staticRefusals(known, step.input ?? {}, parameterKinds).some(r => r.message === refusal.message)) continue;
    if (refusal.keyword === 'glob' && isRecord(step?.input) && skeletonGlobProblems(step.input.copyWithoutTemplating).some(p => p.message === refusal.message)) continue;
    if (refusal.path[0] === 'repoUrl' && isRecord(step?.input) && typeof step.input.repoUrl === 'string' && staticRepoUrlProblem(step.input.repoUrl, pickers, integrationTypeOf(known?.provider), step.action)) continue;
    const key = `${refusal.stepId}|${refusal.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const place = index < 0 ? { path: ['spec', 'steps'], key: false } : refusalPlace(index, step.input, refusal);
    found.push({ ruleId: refusal.keyword === 'glob' ? 'template-glob-unsafe' : /parseRepoUrl/.test(refusal.message) ? 'template-repo-url' : 'template-action-input', severity: 'error', message: `${refusal.message} (rendered with the values of ${caseFile})`, hint: refusal.hint ?? "Fix the step's input in template.yaml: the scaffolder refuses it when the task runs.", file: template.file, range: template.locate(0, place.path, place.key ? { key: true } : undefined) });
  }
  return found;
}

/**
 * The patterns of a rendered copyWithoutTemplating that matched nothing (template-glob-matches-nothing
 * warnings), on the list in template.yaml; those the static check reports for the list as written are
 * left to it, so each shows once.
 */
function unmatchedGlobFindings(template: { file: string; documents: unknown[]; locate: ParsedYaml['locate'] }, unmatched: readonly UnmatchedGlobAt[], caseFile: string): Diagnostic[] {
  const steps = ((template.documents[0] as { spec?: { steps?: { id?: string; input?: unknown }[] } })?.spec?.steps ?? []);
  const found: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const glob of unmatched) {
    const index = steps.findIndex((s, i) => (s?.id ?? `step-${i + 1}`) === glob.stepId);
    const input = steps[index]?.input;
    if (isRecord(input) && skeletonGlobProblems(input.copyWithoutTemplating).some(p => p.message === glob.message)) continue;
    const key = `${glob.stepId}|${glob.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    found.push({ ruleId: 'template-glob-matches-nothing', severity: 'warning', message: `${glob.message} (rendered with the values of ${caseFile})`, hint: glob.hint, file: template.file, range: template.locate(0, index < 0 ? ['spec', 'steps'] : ['spec', 'steps', index, 'input', ...glob.path]) });
  }
  return found;
}

function isText(content: Buffer): boolean {
  return !content.subarray(0, 8000).includes(0);
}
