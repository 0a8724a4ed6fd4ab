import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { fileProblem } from './describeError.ts';
import { subcommandProblem } from './subcommand.ts';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { loadConfig, UsageError, repoRoot } from '../config/gitopsConfig.ts';
import { unconfiguredActionMessage, unconfiguredActionsNote, type AppScaffolderModules } from '../config/appScaffolderModules.ts';
import { deploymentParameterText, fetchedElsewhereText, notRunOfflineText, renderTemplate, userWithoutEntityText } from '../templates/renderTemplate.ts';
import { normalizeSteps, stepIdOf } from '../templates/stepIds.ts';
import { renderedRegisterProblems } from '../templates/registeredFile.ts';
import { templateEnvironment } from '../templates/defaultEnvironment.ts';
import { missingIntegrationHint, templateIntegrations } from '../templates/templateIntegrations.ts';
import { BUILTIN_ACTIONS } from '../templates/dryRunRequest.ts';
import { checkRendered, renderedWorkflowFindings } from '../templates/checkRendered.ts';
import { standInNames } from '../templates/standIn.ts';
import { omittedDefaultHint } from '../templates/omittedDefaults.ts';
import { checkSecrets, checkValues } from '../templates/checkValues.ts';
import { BACKTRACKING_HINT, templateBacktracking } from '../templates/regexBacktracking.ts';
import { loadOrgCatalog } from '../templates/renderedCatalog.ts';
import { discoverCases, folderTemplateFiles, runCase, writersBefore } from '../templates/runTemplateTests.ts';
import { missingFileReason, splitOutputProblems, unknownWriters } from '../templates/outputNotJudged.ts';
import { strandedCases } from '../templates/strandedCases.ts';
import { templateActions, templateExtensions, templateGate } from '../templates/templateGate.ts';
import { testTimeLimit } from '../templates/testTimeLimit.ts';
import { templateTestSeconds } from './timeLimitFlag.ts';
import { isTemplateDocument } from '../templates/templateFiles.ts';
import { loadCatalog } from '../load/loadCatalog.ts';
import { listRepoFiles } from '../load/repoFiles.ts';
import { linkedFolder } from './writeTarget.ts';
import { leftoverFiles } from '../templates/leftoverFiles.ts';
import { unknownActionMessage } from '../templates/checkStepInputs.ts';
import { formatTemplateOutput } from '../templates/formatTemplateOutput.ts';
import { resolveTemplatePlaceholders, UNREAD_STEPS_HINT, unreadStepsProblem } from '../templates/templatePlaceholders.ts';
import { pickTemplate, quotedNames, shortName } from '../templates/pickTemplate.ts';
import { templateSchemaProblem, templateShapeProblem } from '../templates/templateShape.ts';
import { boundedText, logText } from '../report/safeText.ts';
import { shard } from '../shard.ts';
import { formatters } from '../report/formatters.ts';
import { FILE_START, type Diagnostic } from '../diagnostic.ts';
import { unpushedFindings } from '../templates/unpushedFiles.ts';
import { colorFlag, OUTPUT_KINDS, type CliIo } from './io.ts';
import { version } from './version.ts';
import { childEnv, credentialVariables } from '../process/childEnv.ts';
import { OutsideRepositoryError, realRepoPath } from '../load/repoPath.ts';
import { DEFAULT_YAML_LIMITS } from '../load/parseYaml.ts';
import { mappingKeysExceeded, MAX_MAPPING_KEYS, nodeBudgetExceeded } from '../load/yamlNodeBudget.ts';
import { acyclicValue, SelfAliasError } from '../load/acyclicYaml.ts';
import { leavesRoot } from '../load/leavesRoot.ts';

/**
 * YAML from a file the pull request controls, every document of it as Backstage's parseEntityYaml reads
 * a catalog file (empty documents, such as after a trailing `---`, skipped). A parse error names the file,
 * line and column only: the parser's own message quotes the offending line, which for a linked host file
 * would be its content.
 */
function parseDocuments(text: string, file: string): unknown[] {
  const over = nodeBudgetExceeded(text, DEFAULT_YAML_LIMITS.maxNodes);
  if (over) throw new UsageError(`${file} holds more than ${DEFAULT_YAML_LIMITS.maxNodes} YAML values (line ${over.line}); it is not read.`);
  const wide = mappingKeysExceeded(text);
  if (wide) throw new UsageError(`${file} holds a mapping of more than ${MAX_MAPPING_KEYS} keys (line ${wide.line}); it is not read (Backstage's YAML parser takes seconds on one).`);
  const documents = parseAllDocuments(text, { prettyErrors: false, logLevel: 'error' });
  const list = Array.isArray(documents) ? documents : [documents];
  for (const document of list) {
    const error = 'errors' in document ? document.errors[0] : undefined;
    if (error) throw new UsageError(`${file} is not valid YAML (line ${text.slice(0, error.pos[0]).split('\n').length}).`);
  }
  return list.map(d => {
    try {
      return acyclicValue(d);
    } catch (error) {
      if (!(error instanceof SelfAliasError)) throw error;
      throw new UsageError(`${file} is not valid YAML for Backstage (line ${text.slice(0, error.range[0]).split('\n').length}): an alias stands inside the value its anchor names, so the value contains itself without end.`);
    }
  }).filter(d => d !== null && d !== undefined);
}

/** A values or secrets file: one document (a trailing `---` or empty documents are fine). */
function parseQuietly(text: string, file: string): any {
  const documents = parseDocuments(text, file);
  if (documents.length > 1) throw new UsageError(`${file} holds ${documents.length} YAML documents; give one mapping.`);
  return documents[0];
}

/**
 * The template to render from a file of one or more documents (pickTemplate): the only Template, or the
 * one whose metadata.name is `name`. Several Templates and no name is a UsageError listing the names.
 */
function templateToRender(documents: unknown[], file: string, name: string | undefined): any {
  const pick = pickTemplate(documents, name);
  if ('index' in pick) return documents[pick.index];
  if (pick.missing !== undefined) throw new UsageError(`${file} has no Template named '${logText(shortName(pick.missing))}'. Templates in it: ${logText(quotedNames(pick.names))}.`);
  throw new UsageError(`${file} holds ${pick.names.length} Templates (${logText(quotedNames(pick.names))}): pick one with --template NAME.`);
}

export const TEMPLATES_HELP = `Usage: backstage-gitops templates test [name or template path…] [--update-snapshots] [--shard i/n] [--run]
       backstage-gitops templates render <template.yaml> --values FILE --out DIR [options]

test: renders every case in templates/<name>/tests/*.yaml and checks the values against the parameter
schemas (as the backend validates them), the case's expectations, the rendered output (no unrendered
expressions, YAML and JSON parse, catalog-info.yaml passes Backstage's model) and the golden snapshot.
--run also runs the case's commands (e.g. npm install, npm test) in the rendered repository.
--time-limit SECONDS: what all cases of the run may take together (default 600, none with --run); the
cases left when it is spent are not rendered, each a template-render-budget error.

Renders a software template offline with the scaffolder's own workflow runner and built-in actions
(fetch:template, fetch:plain, fs:rename, fs:delete, debug:log) in dry-run mode; actions that need the
outside world (publish:*, catalog:register, …) are skipped as a dry-run skips them, and those that support
dry-run (publish:github:pull-request, github:issues:create) answer with their dry-run outputs, as in Backstage.

Options:
  --values FILE   one YAML or JSON mapping of the parameter values (as the form submits them)
  --secrets FILE  YAML or JSON with the task secrets (e.g. a token the template reads as secrets.X)
  --user REF      the user the task runs as (default user:default/template-tester); user.entity is that
                  entity from this repository's catalog, as Backstage reads it from its catalog
  --out DIR       where to write the rendered files
  --template NAME the Template to render (its metadata.name) when the file holds several
  --root DIR      the repository the template's relative urls resolve in (default: the git top level
                  of the template, or its folder)
  --no-color      accepted as other commands accept it (the output has no colours)
`;

const BUILTIN = BUILTIN_ACTIONS;

export async function templatesCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { values: { type: 'string' }, out: { type: 'string' }, secrets: { type: 'string' }, user: { type: 'string' }, root: { type: 'string' }, 'update-snapshots': { type: 'boolean' }, shard: { type: 'string' }, run: { type: 'boolean' }, 'time-limit': { type: 'string' }, template: { type: 'string' }, color: { type: 'boolean' }, 'no-color': { type: 'boolean' }, format: { type: 'string', default: 'stylish' }, help: { type: 'boolean', short: 'h' } } });
  // Accepted, never used (the output has no colours), but a contradiction all the same.
  colorFlag(values);
  if (positionals[0] === 'test' && !values.help) return testTemplates(positionals.slice(1), values, io);
  if (values.help) return io.stdout.write(TEMPLATES_HELP), 0;
  if (positionals[0] !== 'render') throw subcommandProblem('templates', positionals[0], ['test', 'render']);
  const file = positionals[1] ? resolve(io.cwd, positionals[1]) : undefined;
  if (!file || !values.values || !values.out) throw new UsageError('templates render needs <template.yaml>, --values and --out');
  if (values.user !== undefined && !/^user:(?:[^:/\s]+\/)?[^:/\s]+$/i.test(values.user)) throw new UsageError(`--user takes a user entity ref such as user:default/jdoe, not ${logText(values.user).slice(0, 80)}`);
  const gitTop = spawnSync('git', ['-C', dirname(file), 'rev-parse', '--show-toplevel'], { encoding: 'utf8', env: childEnv() });
  // Relative skeleton urls may climb above the template's folder, so without git the root is the current folder when it holds the template.
  const cwdHolds = !leavesRoot(relative(io.cwd, file));
  const root = values.root ? resolve(io.cwd, values.root) : gitTop.status === 0 ? gitTop.stdout.trim() : cwdHolds ? io.cwd : dirname(file);
  const templateFile = relative(root, file).split(sep).join('/');
  if (leavesRoot(templateFile)) throw new UsageError(`${file} is not inside ${root}`);
  const config = await loadConfig(root);
  const baseUrl = config.repoUrl ?? 'https://github.com/offline/template/blob/main/';
  let realTemplate: string;
  try {
    realTemplate = realRepoPath(root, templateFile);
  } catch (error) {
    throw error instanceof OutsideRepositoryError ? new UsageError(error.message) : unreadable(templateFile, error, 'the template');
  }
  const written = templateToRender(parseDocuments(await readInput(realTemplate, templateFile, 'the template'), templateFile), templateFile, values.template);
  const unread = unreadStepsProblem(root, templateFile, written, config.repoUrl);
  if (unread !== undefined) throw new UsageError(`${templateFile} cannot be rendered offline: ${unread} ${UNREAD_STEPS_HINT}`);
  const template = resolveTemplatePlaceholders(root, templateFile, written, config.repoUrl);
  const parameters = valuesMapping(parseQuietly(await readInput(resolve(io.cwd, values.values), values.values, '--values'), values.values), values.values);
  const secrets = values.secrets ? await readSecrets(resolve(io.cwd, values.secrets), values.secrets) : undefined;
  if (template?.apiVersion !== 'scaffolder.backstage.io/v1beta3') {
    throw new UsageError(`${templateFile} is ${logText(String(template?.apiVersion ?? 'not a template'))}: the scaffolder runs only scaffolder.backstage.io/v1beta3 templates.`);
  }
  const shape = templateShapeProblem(template);
  if (shape !== undefined) throw new UsageError(`${templateFile} is not a template the scaffolder can run: ${shape} (\`check\` says what Backstage's Template schema refuses).`);
  const schema = await templateSchemaProblem(template);
  if (schema !== undefined) throw new UsageError(`${templateFile} is not a template the scaffolder can run: Backstage's Template schema refuses it (${logText(schema)}), so the catalog never ingests it and the dry-run refuses it; \`check\` says where.`);
  // By the ids the runner gives them (step-<n> for a step without one), as its log and check name them.
  const steps = normalizeSteps(template.spec.steps) as { id?: unknown; action?: string }[];
  const offline = [...new Set(steps.map(s => s.action).filter((a): a is string => Boolean(a) && !BUILTIN.has(a!)))];
  const backtracking = await templateBacktracking(template);
  if (backtracking.length) {
    for (const message of backtracking) io.stdout.write(`✖ ${logText(`${templateFile} ${message}`)}\n`);
    io.stdout.write(`The values are not validated with such a pattern (it would run for hours), and nothing was rendered. ${BACKTRACKING_HINT}\n`);
    return 1;
  }
  const refused = [...checkValues(template.spec?.parameters, parameters), ...checkSecrets(template.spec?.secrets, secrets)];
  if (refused.length) {
    for (const error of refused) io.stdout.write(`✖ ${logText(error)}\n`);
    io.stdout.write('Backstage would refuse these values or secrets before running the template; nothing was rendered.\n');
    // The file a newcomer has at hand is a test case, whose parameter values sit under `values:`.
    if (isTestCase(parameters)) io.stdout.write(`  hint: ${logText(values.values)} looks like a template test case (values:, expect:): --values takes the mapping under its values: key alone.\n`);
    return 1;
  }
  const actions = await templateActions(root);
  const extensions = await templateExtensions(root);
  const org = await loadOrgCatalog(config);
  const environment = await templateEnvironment(config);
  const integrations = await templateIntegrations(config);
  // The same finding check reports (template-action-unknown): the task would fail at that step.
  const unknown = steps.filter(s => typeof s.action === 'string' && !BUILTIN.has(s.action) && !actions.has(s.action));
  // What check and templates test say of this template and its skeleton (a misspelt parameters.x renders as
  // nothing, silently): the preview is where a newcomer looks, so it says them too. Judged before the
  // render writes anything (--out may lie in the repository).
  const judged = await templateGate(root, { files: [templateFile], config });
  const unknownLines = unknownActionLines(unknown, config.found, judged, config.appScaffolder);
  let result;
  try {
    result = await renderTemplate({ source: { root, baseUrl }, templateFile, template, values: parameters, secrets, ...(values.user !== undefined ? { user: { ref: values.user } } : {}), offlineActions: offline, actions, extensions, catalog: org?.entities.map(e => e.entity), environment, integrations });
  } catch (error) {
    io.stdout.write(unknownLines);
    io.stdout.write(`✖ The template failed to render: ${logText(error instanceof Error ? error.message : String(error))}\n`);
    const omitted = omittedDefaultHint(template, parameters, error instanceof Error ? error.message : String(error)) ?? (integrations ? missingIntegrationHint(error instanceof Error ? error.message : String(error)) : undefined);
    if (omitted) io.stdout.write(`  hint: ${logText(omitted)}\n`);
    // The failure already quotes the refusals; what the toolkit adds is the hint.
    for (const refusal of (error as { inputRefusals?: { stepId: string; hint?: string }[] }).inputRefusals ?? []) if (refusal.hint) io.stdout.write(`  hint (step ${logText(refusal.stepId)}): ${logText(refusal.hint)}\n`);
    // A fetch the offline render could not copy, before the failure: the likely reason for a missing file.
    for (const entry of (error as { fetchedElsewhere?: Parameters<typeof fetchedElsewhereText>[0][] }).fetchedElsewhere ?? []) {
      const { message, hint } = fetchedElsewhereText(entry);
      io.stdout.write(`⚠ ${logText(message)}\n  hint: ${logText(hint)}\n`);
    }
    return 1;
  }
  const out = resolve(io.cwd, values.out);
  const rendered = new Set<string>();
  // Every target is judged before the first is written: a rendered path that climbs out of the target
  // folder, or one that reaches a symbolic link already there (a folder of the repository a pull request
  // committed `sub -> ~/.ssh` into, --out naming it), is never written through.
  const targets = result.files.map(f => {
    const target = resolve(out, f.path);
    if (!target.startsWith(out + sep)) throw new UsageError(`The template rendered a path outside the target folder: ${logText(f.path)}`);
    const rel = relative(out, target).split(sep).join('/');
    const link = linkedFolder(out, rel) ?? (lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink() ? rel : undefined);
    if (link !== undefined) throw new UsageError(`refusing to write ${logText(rel.slice(0, 200))} into ${logText(out)}: ${logText(link.slice(0, 200))} there is a symbolic link, and nothing is written through one (it could lead anywhere on this machine). Render into a new, empty folder.`);
    rendered.add(rel);
    return target;
  });
  for (const [i, f] of result.files.entries()) {
    const target = targets[i];
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, f.content);
    if (f.executable) await chmod(target, 0o755);
  }
  // A log line may carry a JSON dump over many lines (the step's inputs): one line here, bounded.
  if (result.log.length) io.stderr.write(result.log.map(l => `  ${logText(boundedText(l.replace(/\s*\n\s*/g, ' '), 400))}\n`).join(''));
  const skipped = offline.filter(id => actions.has(id) && !result.answeredLocally.includes(id));
  io.stdout.write(`${result.files.length} file(s) rendered to ${logText(out)} in ${result.milliseconds} ms${skipped.length ? ` (skipped offline: ${logText(skipped.join(', '))})` : ''}\n`);
  // A reused folder keeps what an earlier render wrote; the dry-run's workspace starts empty, so say which files are not this render's.
  const left = leftoverFiles(out, rendered);
  if (left.count) io.stdout.write(`⚠ ${left.count}${left.partial ? ' or more' : ''} file(s) in ${logText(out)} are not from this render (left from before it): ${left.paths.map(p => logText(boundedText(p, 200))).join(', ')}${left.count > left.paths.length ? ', …' : ''}\n  hint: the template's output is only the files this render wrote; render into a new, empty folder (or empty this one) to see it alone\n`);
  for (const { stepId, refs } of result.answeredAbsent ?? []) io.stdout.write(`ℹ step ${logText(stepId)}: catalog:fetch of ${logText(refs.join(', '))}, which ${org ? "this repository's catalog does not hold" : 'no catalog known here holds (no gitops.config.yaml catalog.roots)'}, answered as absent (optional: true gives entity null), as for an entity not created yet; an entity that lives elsewhere in your catalog takes the other branch\n`);
  io.stdout.write(formatTemplateOutput(result.output, { links: Array.isArray(template.spec?.output?.links) ? template.spec.output.links : [], stepIds: result.skippedSteps ?? [] }));
  for (const entry of result.fetchedElsewhere ?? []) {
    const { message, hint } = fetchedElsewhereText(entry);
    io.stdout.write(`⚠ ${logText(message)}\n  hint: ${logText(hint)}\n`);
  }
  for (const entry of result.notRunOffline ?? []) {
    const { message, hint } = notRunOfflineText(entry);
    io.stdout.write(`⚠ ${logText(message)}\n  hint: ${logText(hint)}\n`);
  }
  if (result.userWithoutEntity) {
    const { message, hint } = userWithoutEntityText(result.userWithoutEntity, org !== undefined);
    io.stdout.write(`⚠ ${logText(message)}\n  hint: ${logText(hint)}\n`);
  }
  for (const name of result.deploymentParameters ?? []) {
    const { message, hint } = deploymentParameterText(name);
    io.stdout.write(`⚠ Rendered ${logText(message)}\n  hint: ${logText(hint)}\n`);
  }
  for (const d of unpushedFindings(result.unpushed ?? [], templateFile, steps, p => existsSync(join(root, p)), { file: '', range: FILE_START }, config.repoUrl)) io.stdout.write(`⚠ ${d.file ? `${logText(d.file)}:${d.range.start.line}:${d.range.start.column} ` : ''}${logText(d.message)} (${d.ruleId})\n  hint: ${logText(d.hint ?? '')}\n`);
  for (const standIn of extensions.standIns ?? []) io.stdout.write(`⚠ rendered with a stand-in for the ${logText(standIn)}, which your Backstage adds (gitops.config.yaml): the toolkit does not have its code, so that part of the output is not what Backstage writes, and what it feeds (a step input, an expression left unrendered when a filter after it threw) is not judged\n`);
  io.stdout.write(unknownLines);
  for (const refusal of result.inputRefusals) io.stdout.write(`✖ step ${logText(refusal.stepId)}: ${logText(refusal.message)}\n${refusal.hint ? `  hint: ${logText(refusal.hint)}\n` : ''}`);
  // A pattern matching nothing in the list as written is the gate's finding (below); one the values build is said here.
  for (const glob of result.unmatchedGlobs ?? []) if (!judged.some(d => d.message === glob.message)) io.stdout.write(`⚠ step ${logText(glob.stepId)}: ${logText(glob.message)} (template-glob-matches-nothing)\n  hint: ${logText(glob.hint)}\n`);
  const output = splitOutputProblems(await checkRendered(result.files, org, standInNames(extensions)), result);
  const problems = output.judged;
  // A problem of several lines (a validator's message) is shown as lines, not as `\n` escapes.
  for (const problem of problems) io.stdout.write(`✖ ${problem.split(/\r?\n/).filter(l => l.trim()).map(logText).join('\n    ')}\n`);
  // One that follows from a stand-in output or a step the render cannot run is a note, as templates test says it.
  for (const { problem, why } of output.notJudged) io.stdout.write(`ℹ not judged: ${problem.split(/\r?\n/).filter(l => l.trim()).map(logText).join('\n    ')}\n  (${logText(why)})\n`);
  // What catalog:register would read, which the dry-run skips: as templates test judges a case.
  // A folder fetched from elsewhere was copied as nothing: which file register reads is not known then.
  // So is a file a step the render cannot run may write before the register step.
  const writers = unknownWriters(result);
  const registerAll = result.fetchedElsewhere?.length ? [] : renderedRegisterProblems(template.spec.steps, result.offlineInputs, new Set(result.files.map(f => f.path)), values.values, stepIdOf);
  const unjudgedRegister = (p: (typeof registerAll)[number]) => p.ruleId === 'template-register-file-missing' ? writersBefore(template.spec.steps, writers, Number(p.path[2])) : [];
  const register = registerAll.filter(p => unjudgedRegister(p).length === 0);
  for (const p of register) io.stdout.write(`✖ ${logText(p.message)} (${p.ruleId})\n  hint: ${logText(p.hint)}\n`);
  for (const p of registerAll.filter(p => unjudgedRegister(p).length)) io.stdout.write(`ℹ not judged: ${logText(p.message)}\n  (${logText(missingFileReason(unjudgedRegister(p)))})\n`);
  const workflows = renderedWorkflowFindings(result.files);
  for (const f of workflows) io.stdout.write(`✖ ${logText(f.message)} (${f.ruleId})\n  hint: ${logText(f.hint)}\n`);
  // A step's refused input or unknown action is said above, in the render's own words.
  // So is a repoUrl parseRepoUrl refuses whatever the values (template-repo-url), once the render refused it.
  const repoUrlSaid = result.inputRefusals.some(r => (r as { keyword?: string }).keyword === 'parseRepoUrl');
  const gate = judged.filter(d => d.severity !== 'info' && !d.ruleId.startsWith('template-action-') && !(repoUrlSaid && d.ruleId === 'template-repo-url'));
  for (const d of gate) io.stdout.write(`${d.severity === 'error' ? '✖' : '⚠'} ${logText(d.file)}:${d.range.start.line}:${d.range.start.column} ${logText(d.message)} (${d.ruleId})\n${d.hint ? `  hint: ${logText(d.hint)}\n` : ''}`);
  // Without a config, as check says it (template-action-unknown, a warning): nothing here names the modules.
  return problems.length || register.length || workflows.length || result.inputRefusals.length || (config.found && unknown.length) || gate.some(d => d.severity === 'error') ? 1 : 0;
}

/**
 * The render's lines for steps whose action no module the toolkit knows provides: errors (✖) when
 * gitops.config.yaml says which modules the managed Backstage runs, otherwise warnings (⚠) with check's
 * no-config hint, as check's template-action-unknown (templateGate's withoutConfig). One line per action
 * id, on its first step, in check's words (`judged`: the template gate's findings): the place in a `$yaml`
 * fragment that brings the step in, and the other steps that use the id. Takes the steps, whether a config
 * was found and the gate's findings; returns the text to print (empty for no steps).
 */
function unknownActionLines(steps: readonly { id?: unknown; action?: string }[], configFound: boolean, judged: readonly Diagnostic[], app: AppScaffolderModules | undefined): string {
  if (!steps.length) return '';
  const said = judged.filter(d => d.ruleId === 'template-action-unknown');
  const firstSteps = steps.filter((step, i) => steps.findIndex(s => s.action === step.action) === i);
  const lines = firstSteps.map(step => {
    const own = configFound ? unknownActionMessage(step.action!) : unconfiguredActionMessage(unknownActionMessage(step.action!), app);
    // The gate's message starts with the same words and adds the fragment's place and the other uses.
    const message = said.find(d => d.message === own || d.message.startsWith(`${own} `))?.message ?? own;
    return `${configFound ? '✖' : '⚠'} step ${logText(String(step.id ?? step.action))}: ${logText(message)}\n`;
  });
  if (!configFound) lines.push(`  hint: ${unconfiguredActionsNote(app)} Fix the action id, add the module that provides it to backstageConfig.plugins in gitops.config.yaml (and install it), or declare it under backstageConfig.actions with its input schema.\n`);
  return lines.join('');
}

/** Whether a --values file is shaped as a template test case (schemas/template-test.schema.json): a values mapping beside expect/name/run. */
function isTestCase(parameters: unknown): boolean {
  if (!parameters || typeof parameters !== 'object' || Array.isArray(parameters)) return false;
  const { values: inner, ...rest } = parameters as Record<string, unknown>;
  return Boolean(inner) && typeof inner === 'object' && !Array.isArray(inner) && ['expect', 'name', 'run', 'secrets'].some(key => key in rest);
}

/** A file named on the command line, read as text; one that cannot be read is a UsageError naming it. */
async function readInput(path: string, label: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw unreadable(label, error, what);
  }
}

/**
 * The one-line tool error for a file named on the command line that cannot be read: which one (`what`:
 * the flag or 'the template'), its name and what is wrong in words ("does not exist"), no stack and no
 * bare errno code.
 */
function unreadable(label: string, error: unknown, what: string): Error {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return error as Error;
  const where = code === 'ENOENT' && what.startsWith('--') && !isAbsolute(label) ? ' (a path from the folder the command runs in)' : '';
  return new UsageError(`${what}: ${logText(label)} ${fileProblem(code) ?? `cannot be read (${code})`}${where}.`);
}

/**
 * The parameter values a --values file holds (`value`, as parsed; `label`, the path as given): one mapping,
 * as Backstage takes them (the dry-run endpoint's request schema refuses anything else with a 400,
 * `request/body/values must be object`, and the form always submits one). An empty file is no values ({}).
 * A list, a plain string or a number is a UsageError (exit 2) saying what the file holds.
 */
function valuesMapping(value: unknown, label: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  const holds = Array.isArray(value) ? 'a list' : typeof value === 'string' ? 'a plain string' : `a ${typeof value}`;
  throw new UsageError(`--values: ${logText(label)} holds ${holds}, not a mapping of parameter names to values, which Backstage refuses (its dry-run answers 400 "request/body/values must be object"); write one YAML or JSON mapping, e.g. name: my-service`);
}

/** A secrets file: a mapping of names to strings, as the scaffolder's task secrets are. */
async function readSecrets(path: string, label: string): Promise<Record<string, string>> {
  let secrets: unknown;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw unreadable(label, error, '--secrets');
  }
  // parseQuietly never quotes the offending line: in this file that line holds a secret.
  secrets = parseQuietly(text, '--secrets file');
  if (!secrets || typeof secrets !== 'object' || Array.isArray(secrets) || Object.values(secrets).some(v => typeof v !== 'string')) {
    throw new UsageError('--secrets must be a YAML or JSON mapping of secret names to strings');
  }
  return secrets as Record<string, string>;
}

async function testTemplates(given: string[], values: { root?: string; 'update-snapshots'?: boolean; shard?: string; run?: boolean; 'time-limit'?: string; format?: string }, io: CliIo): Promise<number> {
  const root = repoRoot(io.cwd, values.root);
  // --run's commands (npm install, npm test: up to 5 minutes each) are the team's own job, run apart from the
  // gate: only a limit given there bounds them.
  const seconds = values.run && values['time-limit'] === undefined ? Infinity : templateTestSeconds(values['time-limit'], '--time-limit');
  if (values.run) {
    const held = credentialVariables(io.env);
    if (held.length) {
      throw new UsageError(`--run executes the pull request's own commands, which can read this job's environment; run it in a job without secrets. Set here: ${held.map(logText).join(', ')}.`);
    }
  }
  const config = await loadConfig(root);
  // What the catalog reads is what Backstage offers: every file its Locations reach that holds a Template,
  // whatever it is named, besides the templates/<name>/ folders (tested even before a Location lists them; a
  // linked template.yaml too, which the case then reports as repo-symlink).
  const repoFiles = await listRepoFiles(root);
  const loaded = await loadCatalog(config);
  const templateFiles = [...new Set([...folderTemplateFiles(root), ...loaded.files.filter(f => f.documents.some(isTemplateDocument)).map(f => f.file)])].sort();
  const known = [...new Set(templateFiles.map(f => posix.basename(posix.dirname(f))))].sort();
  // A template is named by its folder; its file or folder as a path (what `templates render` takes, from the
  // current folder) names the same template.
  const names = given.map(name => {
    const path = relative(root, resolve(io.cwd, name)).split(sep).join('/');
    const file = templateFiles.find(f => f === path || posix.dirname(f) === path);
    return file ? posix.basename(posix.dirname(file)) : name;
  });
  const unknown = names.filter(n => !known.includes(n));
  if (unknown.length) throw new UsageError(`No template ${unknown.map(n => `'${logText(n)}'`).join(', ')}: no folder of that name holds a template file the catalog reads or a templates/<name>/template.yaml. Templates here: ${known.map(logText).join(', ') || 'none'}.`);
  const selected = templateFiles.filter(f => names.length === 0 || names.includes(posix.basename(posix.dirname(f))));
  const all = discoverCases(root, names, selected);
  // Cases beside a template no run renders would be left out without a word, which reads as a pass.
  const stranded = names.length === 0 && !(values.shard && !values.shard.startsWith('1/')) ? strandedCases(root, repoFiles, templateFiles, { maxFileBytes: config.catalog.maxFileBytes, skeletonFolders: loaded.skeletonFolders, fetchedPrefixes: loaded.fetchedPrefixes }) : [];
  // "✔ … in 0 cases" alone reads as a pass: say what was looked for.
  const unparsed = [...new Set(stranded.filter(d => d.ruleId !== 'template-test-not-run' && d.ruleId !== 'template-render-failed').map(d => d.file))];
  if (all.length === 0) {
    const found = selected.length ? `${selected.length} template file${selected.length === 1 ? '' : 's'} here, none with cases` : unparsed.length ? `no template file here that parses: ${unparsed.slice(0, 3).map(logText).join(', ')}${unparsed.length > 3 ? ', …' : ''} ${unparsed.length === 1 ? 'is' : 'are'} not valid YAML, so its cases cannot run` : 'no template file here';
    io.stderr.write(`backstage-gitops templates test: no test cases. Cases are the .yaml files of a tests/ folder beside a template file (${found}). \`check\` judges every Template the catalog reaches; \`templates render <template.yaml> --values FILE --out DIR\` renders one kept elsewhere.\n`);
  }
  const cases = shard(all, values.shard);
  const diagnostics: Diagnostic[] = values.shard && !values.shard.startsWith('1/') ? [] : await templateGate(root, { files: selected, repoFiles, config });
  diagnostics.push(...stranded);
  const org = cases.length ? await loadOrgCatalog(config, loaded) : undefined;
  const environment = cases.length ? await templateEnvironment(config) : undefined;
  const integrations = cases.length ? await templateIntegrations(config) : undefined;
  // Every case still gets a line and, past the run's time, a finding: a case left out silently would read as a pass.
  const clock = testTimeLimit(seconds);
  for (const item of cases) {
    if (clock.spent()) {
      io.stderr.write(`✖ ${logText(item.template)} / ${logText(item.caseFile.split('/').pop() ?? '')} (not run: time limit)\n`);
      diagnostics.push(clock.notRun(item.caseFile));
      continue;
    }
    const started = Date.now();
    const result = await runCase(root, config.repoUrl ?? 'https://github.com/offline/template/blob/main/', item, { updateSnapshots: Boolean(values['update-snapshots']), run: Boolean(values.run), org, configRepoUrl: config.repoUrl, environment, integrations });
    clock.took(item.caseFile, Date.now() - started);
    // The mark says the case's worst finding, as the summary line counts them: a case with warnings only passed.
    const mark = result.diagnostics.some(d => d.severity === 'error') ? '✖' : result.diagnostics.some(d => d.severity === 'warning') ? '⚠' : '✔';
    io.stderr.write(`${mark} ${logText(item.template)} / ${logText(item.caseFile.split('/').pop() ?? '')} (${result.milliseconds} ms)\n`);
    diagnostics.push(...result.diagnostics);
  }
  const formatter = formatters[values.format ?? 'stylish'];
  if (!formatter) throw new UsageError(`Unknown format '${logText(values.format ?? '')}'`);
  io.stdout.write(formatter(diagnostics, { color: false, checkedFiles: cases.length, checkedUnit: 'case', rules: [], toolName: 'backstage-gitops', toolVersion: version }), OUTPUT_KINDS[values.format ?? 'stylish']);
  return diagnostics.some(d => d.severity === 'error') ? 1 : 0;
}
