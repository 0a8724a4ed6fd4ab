import { callsStandIn, standInNames } from './standIn.ts';
import { integrationTypeOf, renderIntegrationsConfig, typedHosts } from './deploymentHosts.ts';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, posix, relative, sep } from 'node:path';
import { repoUrlProblem, workspacePathInputs, workspacePathProblem } from './checkStepInputs.ts';
import { localReader, renderActionFactories, workflowRunnerClass, type TemplateSource } from './offlineScaffolder.ts';
import { exampleOutput, validateActionInput, type KnownAction } from './scaffolderActions.ts';
import { DEFAULT_RENDER_BUDGET, RenderBudgetExceeded, watchRenderBudget, type RenderBudget } from './renderBudget.ts';
import { matchableSkeletonGlobs, skeletonGlobProblems } from './skeletonGlobs.ts';
import { boundNunjitsuScans, renders, takeRegexRefusal, TemplateRegexRefused } from './templateSyntax.ts';
import { boundedText } from '../report/safeText.ts';
import { fetchFromRepoCatalog, type KnownEntity } from './catalogFetch.ts';
import { DEFAULT_USER_REF, offlineUser } from './offlineUser.ts';
import { normalizeSteps } from './stepIds.ts';
import { dryRunOutputs } from './dryRunOutputs.ts';
import { mayWriteWorkspace } from './workspaceWriters.ts';
import { lstat, readdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import type { DefaultEnvironment } from './defaultEnvironment.ts';
import { missingIntegrationHint, type DeploymentIntegrations } from './templateIntegrations.ts';
import { pushesThroughGitignore, unpushedFiles, type UnpushedFile } from './unpushedFiles.ts';

const require = createRequire(import.meta.url);

export interface RenderRequest {
  source: TemplateSource;
  /** Repo-relative path of template.yaml. */
  templateFile: string;
  template: { apiVersion: string; metadata: { name: string; namespace?: string }; spec: { steps: object[]; output?: object } };
  values: Record<string, unknown>;
  secrets?: Record<string, string>;
  user?: { ref: string; entity?: object };
  /**
   * Actions that cannot run offline (publish:*, catalog:register…): they record their input and give example
   * outputs, as a dry-run gives for an action without supportsDryRun; one whose dry-run branch is known
   * (dryRunOutputs) gives that branch's outputs, as a dry-run runs it.
   */
  offlineActions: readonly string[];
  /** The actions the managed Backstage runs (loadScaffolderActions): their schemas judge the recorded inputs, their output schemas give the example outputs. */
  actions?: ReadonlyMap<string, KnownAction>;
  /** Bytes, files and time the render may spend (default DEFAULT_RENDER_BUDGET). */
  budget?: RenderBudget;
  /** The filters and globals the managed Backstage adds to its renderer (templateExtensions). */
  extensions?: TemplateExtensions;
  /** The repository's own catalog entities: catalog:fetch of one of them answers with it, as the live catalog would. */
  catalog?: readonly KnownEntity[];
  /** The managed Backstage's scaffolder.defaultEnvironment (templateEnvironment): `environment.parameters`, and the secrets the log redacts. */
  environment?: DefaultEnvironment;
  /**
   * The managed Backstage's integrations, from its app-config (templateIntegrations): parseRepoUrl (the filter,
   * the actions' repoUrl) then refuses a host they lack, as the task does. Absent: they are unknown, and a host
   * a picker value names is taken as one the deployment configures (renderIntegrationsConfig).
   */
  integrations?: DeploymentIntegrations;
}

/** additionalTemplateFilters and additionalTemplateGlobals, as the scaffolder plugin hands them to its runner and fetch actions. */
export interface TemplateExtensions {
  filters: Record<string, Function>;
  globals: Record<string, unknown>;
  /** The declared filters and functions the toolkit has no code for that a render called (`filter x`, `function y`). */
  standIns?: Set<string>;
}

/** A rendered step input the action (or Backstage's parseRepoUrl / resolveSafeChildPath) would refuse. */
export interface InputRefusalAt {
  stepId: string;
  stepAction: string;
  /** Path into the step's input. */
  path: (string | number)[];
  /** The refused property, for an additional one. */
  property?: string;
  /** jsonschema's keyword, or `parseRepoUrl` / `safePath` for Backstage's own parsing. */
  keyword: string;
  message: string;
  /** What to do, where the toolkit knows more than the action's schema says (e.g. a task secret that was not given). */
  hint?: string;
}

/** A pattern of a step's rendered copyWithoutTemplating that matches nothing (skeletonGlobProblems' warning). */
export interface UnmatchedGlobAt {
  stepId: string;
  stepAction: string;
  /** Path into the step's input: ['copyWithoutTemplating', index]. */
  path: (string | number)[];
  message: string;
  hint: string;
}

// environment.parameters (or environment['parameters']) and what follows: .name or ['name'], or nothing (the whole object).
const ENVIRONMENT_PARAMETERS = /\benvironment\s*(?:\.\s*parameters|\[\s*(['"])parameters\1\s*\])(?:\s*\.\s*([A-Za-z_$][\w$]*)|\s*\[\s*(['"])((?:(?!\3).)*)\3\s*\])?/g;

/** Every `${{ … }}` expression's text among the strings of `value` (a template's spec), as written. */
function expressionTexts(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 64) return out;
  if (typeof value === 'string') {
    if (value.includes('${{')) for (const m of value.matchAll(/\$\{\{[\s\S]*?\}\}/g)) out.push(m[0]);
  } else if (Array.isArray(value)) value.forEach(v => expressionTexts(v, out, depth + 1));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach(v => expressionTexts(v, out, depth + 1));
  return out;
}

export interface RenderResult {
  /** `verbatim`: the content is byte for byte a file a fetch step read (fetch:plain, copyWithoutTemplating, templateFileExtension's others). */
  files: { path: string; content: Buffer; executable: boolean; verbatim: boolean }[];
  /** The rendered inputs of the steps that cannot run offline, in the order they ran (a step skipped by its `if` is absent), for checking against their schemas. */
  offlineInputs: { stepAction: string; input: Record<string, unknown>; stepId?: string }[];
  /**
   * Offline actions answered as Backstage's dry-run answers them, so not skipped: catalog:fetch from the
   * repository's catalog, and an installed module's action that supportsDryRun with its dry-run branch's outputs (dryRunOutputs).
   */
  answeredLocally: string[];
  /** catalog:fetch steps with `optional: true` whose refs this repository's catalog lacks: answered as absent (entity null), as the handler answers. */
  answeredAbsent?: { stepId: string; refs: string[] }[];
  /** The task's user ref when the template reads `user.entity` and the catalog known here has no entity for it. */
  userWithoutEntity?: string;
  /** Ids of the steps skipped offline (answered with their action's example output, or none without a schema). */
  skippedSteps?: string[];
  /**
   * Steps not run offline because their `each` reads the output of a step answered only by example
   * (`readsFrom`), of a step whose action no installed module provides (`readsFromUnknown`), or of a step
   * not run offline itself (`readsFromNotRun`).
   */
  notRunOffline?: { stepId: string; action: string; readsFrom: string; readsFromAction: string; readsFromNotRun?: boolean; readsFromUnknown?: boolean }[];
  /**
   * Steps whose writes to the workspace the offline render lacks: steps that ran (or that an `if:` reading a
   * stand-in output skipped) whose action it cannot run and that may write files (mayWriteWorkspace), and
   * the steps of notRunOffline. A file missing from the output may be one of theirs.
   */
  workspaceUnknown?: { stepId: string; action: string }[];
  /**
   * Files a built-in step wrote (fetch:template, catalog:write…) from an input that reads the output of a
   * step the offline render has only as a stand-in (`source`: the dry-run's example, or nothing): what is
   * in them there is not what Backstage writes.
   */
  standInFed?: { path: string; stepId: string; source: string; sourceAction: string }[];
  /** Folders a fetch step reads from another repository or revision: offline it copied nothing for them. */
  fetchedElsewhere?: { stepId: string; action: string; url: string }[];
  /** What the managed Backstage would refuse in those inputs when the task runs (a dry-run skips most of these steps). */
  inputRefusals: InputRefusalAt[];
  /** Patterns of a rendered copyWithoutTemplating that match nothing (template-glob-matches-nothing): copied nothing, as in Backstage. */
  unmatchedGlobs?: UnmatchedGlobAt[];
  /** environment.parameters the template or a fetched file names whose value the deployment alone knows (DefaultEnvironment.fromDeployment): rendered empty here. */
  deploymentParameters?: string[];
  /**
   * Files the workspace held when a publish step ran that the step leaves out of the repository it creates,
   * because a .gitignore there ignores them (unpushedFiles): the rendered files are the workspace, as the
   * dry-run returns it, not what the new repository holds.
   */
  unpushed?: UnpushedFile[];
  output: Record<string, unknown>;
  log: string[];
  milliseconds: number;
}

interface RunnableAction {
  id: string;
  supportsDryRun?: boolean;
  schema?: { input?: object; output?: object };
  handler(ctx: { input: Record<string, unknown>; step?: { id: string } }): Promise<void>;
}

/**
 * A built-in action whose input is checked before its handler runs, as NunjucksWorkflowRunner checks
 * it (same jsonschema, same InputError text), but with the step recorded: the runner's own check
 * names only the action. Each refusal is recorded, then the step fails as the task would.
 */
function judged(action: RunnableAction, refusals: InputRefusalAt[], where: { file?: string; contentRender?: number; fetchRenders?: number } = {}, unmatched: UnmatchedGlobAt[] = []): RunnableAction {
  const { InputError } = createRequire(require.resolve('@backstage/plugin-scaffolder-backend'))('@backstage/errors');
  const known = { id: action.id, provider: '@backstage/plugin-scaffolder-backend', supportsDryRun: Boolean(action.supportsDryRun), inputSchema: action.schema?.input };
  return {
    id: action.id,
    supportsDryRun: action.supportsDryRun,
    schema: { output: action.schema?.output },
    async handler(ctx) {
      const found = validateActionInput(known, ctx.input);
      if (found.length) {
        for (const r of found) refusals.push({ stepId: ctx.step?.id ?? action.id, stepAction: action.id, path: r.path, property: r.property, keyword: r.keyword, message: r.message });
        const prefix = `Invalid input passed to action ${action.id}, `;
        throw new InputError(prefix + found.map(r => r.message.slice(prefix.length)).join(', '));
      }
      // The rendered glob list, before fetch:template's globby expands or walks it (skeletonGlobProblems):
      // one that would exhaust the scaffolder stops the render; a pattern that matches nothing in Backstage
      // is said, and the handler's own globby walks the list as written (what Backstage copies), but for a
      // pattern's parts that would walk outside the skeleton (absolute, ../), which match nothing anyway.
      const globs = action.id === 'fetch:template' ? skeletonGlobProblems(ctx.input.copyWithoutTemplating, { rendered: true }) : [];
      const unsafe = globs.filter(g => g.severity === 'error');
      if (unsafe.length) {
        for (const g of unsafe) refusals.push({ stepId: ctx.step?.id ?? action.id, stepAction: action.id, path: ['copyWithoutTemplating', g.index], keyword: 'glob', message: g.message, hint: g.hint });
        throw new InputError(`Invalid input passed to action ${action.id}: ${unsafe[0].message}`);
      }
      for (const g of globs) unmatched.push({ stepId: ctx.step?.id ?? action.id, stepAction: action.id, path: ['copyWithoutTemplating', g.index], message: g.message, hint: g.hint });
      if (globs.length) ctx = { ...ctx, input: { ...ctx.input, copyWithoutTemplating: matchableSkeletonGlobs(ctx.input.copyWithoutTemplating, { rendered: true }) } };
      // fetch:template logs each skeleton entry before it renders its content: a render error then names the file.
      const logger = (ctx as { logger?: { info(message: unknown, meta?: unknown): void } }).logger;
      // Its path is rendered before that log, so a failure is the content of the file logged last only when it
      // is the one render (the content's) after the log; otherwise it is the path of the entry after it.
      const extension = ctx.input.templateFileExtension === true ? '.njk' : typeof ctx.input.templateFileExtension === 'string' && ctx.input.templateFileExtension ? ctx.input.templateFileExtension.replace(/^(?!\.)/, '.') : undefined;
      let copied: string | undefined;
      const watched = logger && new Proxy(logger, { get: (target, key) => key === 'info' ? (message: unknown, meta?: unknown) => {
        const verbatim = /^Copying file\/directory (.+) without processing\.$/.exec(String(message));
        if (verbatim) copied = verbatim[1];
        const entry = /^Writing file (.+) to template output path/.exec(String(message));
        if (entry) {
          where.file = entry[1];
          const rendered = extension ? extname(entry[1]) === extension : copied !== entry[1];
          where.contentRender = rendered ? renders.count + 1 : undefined;
        }
        return target.info(message, meta);
      } : bound(target, key) });
      where.file = undefined;
      where.fetchRenders = action.id === 'fetch:template' ? renders.count : undefined;
      renders.lastRefused = undefined;
      await action.handler(watched ? ({ ...ctx, logger: watched } as typeof ctx) : ctx);
      where.file = undefined;
      where.fetchRenders = undefined;
    },
  };
}

/**
 * A logger's property as the logger itself would use it: its methods bound to it, since the scaffolder's
 * logger keeps its state in private fields (#winston), which a call through a Proxy cannot reach.
 */
function bound(target: object, key: string | symbol): unknown {
  const value = Reflect.get(target, key, target);
  return typeof value === 'function' ? value.bind(target) : value;
}

/** The skeleton folder (absolute path) or file content the step running now last read. */
type LastRead = { tree?: string; content?: Buffer };

/**
 * A built-in action that records which files it wrote (`fed`) from a value built on the output of a step
 * the render has only as a stand-in (`sources()`: the steps answered by the dry-run's example or nothing, so
 * far): such a value is the example's ('<example>', or nothing where the example lacks the path), not what
 * Backstage writes. Which files: those new or changed in the workspace across the handler; of a fetch
 * step whose other inputs read no stand-in, only those whose skeleton file (read through `lastRead`) names
 * one of the `values` built on it (a file named by an expression, whose skeleton file is not found, counts).
 */
function fedByStandIn(action: RunnableAction, steps: readonly object[], sources: () => string[], actionOf: (id: string) => string, fed: NonNullable<RenderResult['standInFed']>, lastRead: LastRead): RunnableAction {
  return {
    ...action,
    async handler(ctx) {
      const stepId = ctx.step?.id;
      const step = steps.find(s => (s as { id?: unknown }).id === stepId) as { input?: unknown } | undefined;
      const source = stepId === undefined ? undefined : sources().find(id => mentionsStepOutput(step?.input, [id]));
      const workspace = (ctx as { workspacePath?: string }).workspacePath;
      if (source === undefined || workspace === undefined) return action.handler(ctx);
      const before = await workspaceStamps(workspace);
      lastRead.tree = undefined;
      lastRead.content = undefined;
      await action.handler(ctx);
      const keys = standInValueKeys(step?.input, source);
      for (const [path, stamp] of await workspaceStamps(workspace)) {
        if (before.get(path) === stamp) continue;
        const text = keys && skeletonText(action.id, ctx.input, path, lastRead);
        if (keys && text !== undefined && !namesValue(text, keys, ctx.input.cookiecutterCompat === true)) continue;
        fed.push({ path, stepId: stepId!, source, sourceAction: actionOf(source) });
      }
    },
  };
}

/**
 * The keys of a fetch step's `values` (as written) built on `source`'s output, when nothing else of its input
 * is; undefined when another input (url, targetPath, values as a whole) reads it, so every file counts.
 */
function standInValueKeys(input: unknown, source: string): string[] | undefined {
  if (!isPlainRecord(input) || !isPlainRecord(input.values)) return undefined;
  if (Object.entries(input).some(([key, value]) => key !== 'values' && mentionsStepOutput(value, [source]))) return undefined;
  return Object.entries(input.values).filter(([, value]) => mentionsStepOutput(value, [source])).map(([key]) => key);
}

/**
 * The text of the skeleton file a fetch step rendered into workspace path `path`: fetch:template's
 * skeleton folder (targetPath stripped, its templateFileExtension tried too), or fetch:template:file's file.
 * Undefined when it cannot be told (a file name rendered from an expression, another action).
 */
function skeletonText(action: string, input: Record<string, unknown>, path: string, lastRead: LastRead): string | undefined {
  if (action === 'fetch:template:file') return lastRead.content?.toString('utf8');
  if (action !== 'fetch:template' || lastRead.tree === undefined) return undefined;
  const target = typeof input.targetPath === 'string' ? posix.normalize(input.targetPath.replace(/\\/g, '/')).replace(/^\.\/?|\/$/g, '') : '';
  const inTree = target && target !== '.' ? posix.relative(target, path) : path;
  if (inTree.startsWith('../')) return undefined;
  const extension = input.templateFileExtension === true ? '.njk' : typeof input.templateFileExtension === 'string' ? `${input.templateFileExtension.startsWith('.') ? '' : '.'}${input.templateFileExtension}` : '';
  for (const candidate of extension ? [`${inTree}${extension}`, inTree] : [inTree]) {
    try {
      return readFileSync(join(lastRead.tree, ...candidate.split('/')), 'utf8');
    } catch {
      // Not this name.
    }
  }
  return undefined;
}

/** Whether skeleton text reads one of `keys` of values (values.x, values['x'], or values as a whole). */
function namesValue(text: string, keys: readonly string[], cookiecutter: boolean): boolean {
  const root = cookiecutter ? 'cookiecutter' : 'values';
  // values handed on whole (`{{ values | dump }}`, `{% for k, v in values %}`) may carry any of them.
  if (new RegExp(`\\{[{%][^}]*\\b${root}\\b(?!\\s*[.[])`).test(text)) return true;
  const escape = (key: string) => key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return keys.some(key => new RegExp(`\\b${root}\\s*(?:\\.\\s*${escape(key)}\\b|\\[\\s*['"]${escape(key)}['"]\\s*\\])`).test(text));
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Each file of the workspace (posix path relative to it) with its size and change time, to tell what a step wrote. */
async function workspaceStamps(workspace: string): Promise<Map<string, string>> {
  const stamps = new Map<string, string>();
  const walk = async (folder: string, prefix: string) => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = `${prefix}${entry.name}`;
      if (entry.isDirectory()) await walk(join(folder, entry.name), `${path}/`);
      else {
        const stat = await lstat(join(folder, entry.name), { bigint: true });
        stamps.set(path, `${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}:${stat.ino}`);
      }
    }
  };
  await walk(workspace, '');
  return stamps;
}

/** Where in the step's input a refusal points: for a missing required property, that property (jsonschema names it only in the message). */
function refusedPath(refusal: { path: (string | number)[]; message: string }): (string | number)[] {
  const required = /requires property "([^"]+)"$/.exec(refusal.message);
  return required ? [...refusal.path, required[1]] : refusal.path;
}

const sha = (content: Buffer) => createHash('sha256').update(content).digest('hex');

/**
 * The hint for a refused input (`path`: into the step's input, the missing property last for a
 * required one) that the template fills from a task secret that was not given: the expression renders
 * empty (the runner's secrets context has no such key) and the action's schema refuses what is left,
 * with a message that never names the secret. Undefined when the input reads no missing secret.
 */
export function missingSecretHint(steps: readonly unknown[], stepId: string, path: readonly (string | number)[], secrets: Readonly<Record<string, string>> = {}): string | undefined {
  const step = steps.find(s => (s as { id?: unknown })?.id === stepId) as { input?: unknown } | undefined;
  let raw: unknown = step?.input;
  for (const key of path) raw = raw && typeof raw === 'object' ? (raw as Record<string | number, unknown>)[key] : undefined;
  if (typeof raw !== 'string') return undefined;
  const names = [...raw.matchAll(/\$\{\{[^}]*?\bsecrets(?:\.([A-Za-z_$][\w$]*)|\[\s*['"]([^'"]+)['"]\s*\])/g)].map(m => m[1] ?? m[2]);
  const missing = [...new Set(names.filter(name => !secrets[name]))];
  if (!missing.length) return undefined;
  return `The input is read from the task secret${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which ${missing.length > 1 ? 'were' : 'was'} not given: pass ${missing.length > 1 ? 'them' : 'it'} with --secrets FILE (a YAML mapping like ${missing[0]}: …), or under secrets: in a test case.`;
}

/** V8's longest string (buffer.constants.MAX_STRING_LENGTH): what one rendered file can reach before the render throws. */
const MAX_STRING_LENGTH: number = require('node:buffer').constants.MAX_STRING_LENGTH;

/**
 * Whether a step failed because a rendered value outgrew V8's string limit: the RangeError itself, or
 * nunjucks' Template render error wrapping it (its message keeps the original "Invalid string length").
 */
function outgrewString(error: unknown): boolean {
  return error instanceof Error && /Invalid string length/.test(error.message);
}

const noop: unknown = new Proxy(() => noop, { get: () => noop, apply: () => noop });
const quiet = { info() {}, warn() {}, error() {}, debug() {}, child: () => quiet };

/**
 * The ids of the steps whose action no installed module provides (template-action-unknown): what they
 * output is unknown, so an input or `each` built from it cannot be judged, and the dry-run gives them no
 * example output to stand in. Empty when the request names no installed actions.
 */
function unknownActionSteps(request: RenderRequest): string[] {
  const actions = request.actions;
  if (!actions) return [];
  return request.template.spec.steps.flatMap(s => {
    const { id, action } = s as { id?: unknown; action?: unknown };
    return typeof id === 'string' && typeof action === 'string' && request.offlineActions.includes(action) && !actions.has(action) ? [id] : [];
  });
}

/** Whether a step (or any value from it) mentions the output of one of `stepIds`: steps.x.…, steps['x'] or steps["x"]. */
function mentionsStepOutput(value: unknown, stepIds: readonly string[]): boolean {
  if (!stepIds.length) return false;
  const raw = JSON.stringify(value ?? null);
  return stepIds.some(id => raw.includes(`steps.${id}.`) || raw.includes(`steps['${id}']`) || raw.includes(`steps[\\"${id}\\"]`));
}

// What reading the same skeleton folders again (each:, or a second fetch of one folder) may count for at
// most, three times over in the budget: 2,000 files and 20 MB.
const READS_CAP = { files: 2_000, bytes: 20 * 1024 * 1024 };

/**
 * Runs a template the way Backstage's dry-run does (its own NunjucksWorkflowRunner and built-in
 * fetch:template / fetch:plain / fs:* / catalog:write actions, in dry-run mode), in a temporary workspace, and
 * returns the files the steps produced. Actions that need the outside world only record their input.
 * Throws RenderBudgetExceeded when the render writes or runs beyond `request.budget`, and a step's
 * error (TemplateScanRefused among them) when a string is past the scan cost `check` refuses, and
 * TemplateRegexRefused when a text holds a regular-expression literal that backtracks super-linearly.
 */
export async function renderTemplate(given: RenderRequest): Promise<RenderResult> {
  // One skeleton file's parse is synchronous: the budget's timer cannot stop it, its scan cost can.
  boundNunjitsuScans();
  takeRegexRefusal();
  const request = { ...given, template: { ...given.template, spec: { ...given.template.spec, steps: normalizeSteps(given.template.spec.steps) } } };
  const scaffolder = renderActionFactories();
  const node = require('@backstage/plugin-scaffolder-node');
  const { ScmIntegrations } = require('@backstage/integration');
  const { ConfigReader } = require('@backstage/config');
  const parameters = (request.template.spec as { parameters?: unknown }).parameters;
  const typed = typedHosts(request.template.spec.steps, request.values, parameters, id => request.actions?.get(id)?.provider);
  // The runner reads scaffolder.defaultEnvironment from this config itself, as Backstage's does from app-config.
  const { fromDeployment = [], ...defaultEnvironment } = request.environment ?? { parameters: {}, secrets: {} };
  const environment = request.environment ? { scaffolder: { defaultEnvironment } } : {};
  // Which of the parameters the deployment alone knows (they render empty here) the template's expressions read:
  // environment exists only in the template's own context (a skeleton sees values alone), by name, by
  // brackets, or whole (environment.parameters handed on: any of them).
  const deploymentParameters = new Set<string>();
  if (fromDeployment.length) {
    for (const text of expressionTexts(request.template.spec)) {
      for (const m of text.matchAll(ENVIRONMENT_PARAMETERS)) {
        const name = m[2] ?? m[4];
        if (name === undefined) fromDeployment.forEach(n => deploymentParameters.add(n));
        else if (fromDeployment.includes(name)) deploymentParameters.add(name);
      }
    }
  }
  // Backstage builds its integrations from its app-config alone (ScmIntegrations.fromConfig adds the default
  // hosts): known, they are used as they stand, so a host they lack fails the render as it fails the task.
  // A section Backstage's integrations refuse (the config gate reports it) leaves them unknown, as without one.
  const guessed = () => new ConfigReader({ ...renderIntegrationsConfig(request.values, parameters, hostOf(request.source.baseUrl), typed), ...environment });
  let deployment = request.integrations;
  let config = deployment ? new ConfigReader({ integrations: deployment.integrations, ...environment } as never) : guessed();
  let integrations;
  try {
    integrations = ScmIntegrations.fromConfig(config);
  } catch (error) {
    if (!deployment) throw error;
    deployment = undefined;
    config = guessed();
    integrations = ScmIntegrations.fromConfig(config);
  }
  // What the fetch steps read: a rendered file with exactly that content was copied as it stands.
  const fetched = new Set<string>();
  // The budget is for what a render adds: a skeleton the repository holds is copied whole by Backstage
  // (a Yarn zero-install skeleton is 59 MB in 1,369 files), so each time a fetch step reads a folder the
  // budget rises by three times its size (its copy in the step's temporary folder, the written copy, and
  // room for a rename or a second target): an each: over twelve environments of a 250-file skeleton writes
  // 3,000 files, as Backstage does. What reading a folder again adds is capped (READS_CAP), so an each: over
  // fifty copies of a large skeleton is still stopped.
  const base = request.budget ?? DEFAULT_RENDER_BUDGET;
  const skeletons = new Map<string, { bytes: number; files: number }>();
  const reread = { bytes: 0, files: 0 };
  const held = (key: 'bytes' | 'files') => 3 * ([...skeletons.values()].reduce((sum, tree) => sum + tree[key], 0) + Math.min(reread[key], READS_CAP[key]));
  const budget: RenderBudget = {
    get maxBytes() { return base.maxBytes + held('bytes'); },
    get maxFiles() { return base.maxFiles + held('files'); },
    maxMilliseconds: base.maxMilliseconds,
  };
  const fetchedElsewhere: NonNullable<RenderResult['fetchedElsewhere']> = [];
  // What the step running now last read: the skeleton whose files a stand-in value may have fed (fedByStandIn).
  const lastRead: LastRead = {};
  const reader = localReader(request.source, content => (fetched.add(sha(content)), (lastRead.content = content)), (folder, bytes, files) => {
    lastRead.tree = folder;
    if (!skeletons.has(folder)) skeletons.set(folder, { bytes, files });
    else {
      reread.bytes += bytes;
      reread.files += files;
    }
  }, url => {
    // Only a url the template writes absolute names another source on purpose; a relative one that climbs
    // out of the repository is the template's mistake (Backstage resolves it to some other path), refused.
    const step = request.template.spec.steps.find(s => (s as { id?: unknown }).id === where.step) as { input?: { url?: unknown } } | undefined;
    if (typeof step?.input?.url !== 'string' || !/^[a-z][a-z0-9+.-]*:/i.test(step.input.url)) return false;
    fetchedElsewhere.push({ stepId: where.step ?? '', action: stepAction(where.step ?? ''), url });
    return true;
  });
  // The step running now, and the first one that failed: after a failure Backstage still runs the steps whose if:
  // holds always() or failure(), then rethrows the first error, so that failure's step and file are the ones named.
  const where: { step?: string; file?: string; contentRender?: number; fetchRenders?: number; failed?: { step: string; file?: string; path?: string } } = {};
  // The skeleton entry fetch:template failed on: the file whose content it rendered last, or the path (a
  // folder's, a file's name) it rendered after that, which the refused text itself is.
  const failedEntry = (): { file?: string; path?: string } => {
    // Not a render that failed (EISDIR, a step other than fetch:template): the file logged last.
    if (where.fetchRenders === undefined || renders.lastRefused === undefined) return { file: where.file };
    if (where.file !== undefined && where.contentRender === renders.count) return { file: where.file };
    return { path: renders.lastRefused };
  };
  const actions = new Map<string, { id: string }>();
  const offlineInputs: RenderResult['offlineInputs'] = [];
  const answeredLocally = new Set<string>();
  const answeredByExample = new Set<string>();
  const answeredAbsent: { stepId: string; refs: string[] }[] = [];
  let userWithoutEntity: string | undefined;
  const skippedSteps: string[] = [];
  const workspaceUnknown: NonNullable<RenderResult['workspaceUnknown']> = [];
  const standInFed: NonNullable<RenderResult['standInFed']> = [];
  const notRunOffline: NonNullable<RenderResult['notRunOffline']> = [];
  const inputRefusals: InputRefusalAt[] = [];
  const unpushed: UnpushedFile[] = [];
  const unmatchedGlobs: UnmatchedGlobAt[] = [];
  const stepAction = (id: string) => String((request.template.spec.steps.find(s => (s as { id?: unknown }).id === id) as { action?: unknown } | undefined)?.action ?? '');
  // A step answered by example (offline only the dry-run's example, or nothing) makes any later step whose
  // `each` reads its output unrunnable offline: the runner resolves `each` against the example and fails the
  // whole task ('cannot be resolved to a value') where Backstage, with the real output (catalog:fetch of an
  // entity in the live catalog), runs it. Such a step is skipped and said; so, in turn, are the steps whose
  // `each` reads its output. The runner reads each step object as it reaches it, so marking it here holds.
  // The steps so skipped: the runner logs each as skipped "because its if condition was false", which the
  // template never says; the log line is reworded for them.
  const skippedOffline = new Set<string>();
  const skipEachOver = (sourceId: string, sourceNotRun = false) => {
    const steps = request.template.spec.steps as { id?: unknown; action?: unknown; each?: unknown; if?: unknown }[];
    for (const step of steps.slice(steps.findIndex(s => s.id === sourceId) + 1)) {
      if (step.each === undefined || typeof step.id !== 'string' || !mentionsStepOutput(step.each, [sourceId])) continue;
      step.each = undefined;
      step.if = false;
      skippedOffline.add(step.id);
      notRunOffline.push({ stepId: step.id, action: String(step.action ?? ''), readsFrom: sourceId, readsFromAction: stepAction(sourceId), ...(sourceNotRun ? { readsFromNotRun: true } : {}) });
      skipEachOver(step.id, true);
    }
  };
  // As ScaffolderPlugin passes a deployment's templating extensions: to fetch:template(:file) and the runner.
  const extensions = { additionalTemplateFilters: request.extensions?.filters ?? {}, additionalTemplateGlobals: request.extensions?.globals ?? {} };
  for (const action of [
    scaffolder.createFetchTemplateAction({ reader, integrations, ...extensions }),
    scaffolder.createFetchTemplateFileAction({ reader, integrations, ...extensions }),
    scaffolder.createFetchPlainAction({ reader, integrations }),
    scaffolder.createFetchPlainFileAction({ reader, integrations }),
    scaffolder.createFilesystemRenameAction(),
    scaffolder.createFilesystemDeleteAction(),
    scaffolder.createFilesystemReadDirAction(),
    scaffolder.createCatalogWriteAction(),
    scaffolder.createDebugLogAction(),
  ] as RunnableAction[]) actions.set(action.id, fedByStandIn(judged(action, inputRefusals, where, unmatchedGlobs), request.template.spec.steps, () => [...skippedSteps, ...skippedOffline], stepAction, standInFed, lastRead));
  const unknownStepIds = unknownActionSteps(request);
  const readsUnknownOutput = (stepId: string) => mentionsStepOutput(request.template.spec.steps.find(s => (s as { id?: unknown }).id === stepId), unknownStepIds);
  // An `each` over such an output cannot resolve, and the runner would fail the whole task on it, where
  // Backstage (with the module installed) runs the step with the real output: the step is skipped and said,
  // as one over a dry-run example is (a fetch:plain:file's files are missing from the output), and so, in
  // turn, are the steps whose `each` reads its output. A step whose own action is unknown is reported as
  // such and writes nothing offline either way: skipped, not said twice.
  for (const step of request.template.spec.steps as { id?: unknown; action?: unknown; each?: unknown; if?: unknown }[]) {
    if (!step || step.each === undefined || !mentionsStepOutput(step.each, unknownStepIds)) continue;
    const source = unknownStepIds.find(id => mentionsStepOutput(step.each, [id]))!;
    step.each = undefined;
    step.if = false;
    if (typeof step.id !== 'string') continue;
    skippedOffline.add(step.id);
    if (!unknownStepIds.includes(step.id)) notRunOffline.push({ stepId: step.id, action: String(step.action ?? ''), readsFrom: source, readsFromAction: stepAction(source), readsFromUnknown: true });
    skipEachOver(step.id, true);
  }
  // An input built from the output of a step answered only by the dry-run's example (a catalog:fetch of an
  // entity in the live catalog) holds the example's value, or nothing where the example lacks the path the
  // template reads: Backstage runs the step with the real output, so what such an input is refused for offline
  // ('requires property "webhookUrl"') is the example's doing, not the template's. Judged by the top-level key
  // refused (or found missing); the steps answered so far are those before this one, as the runner goes in order.
  // A refusal of the input as a whole (catalog:register's 'is not any of [subschema 0],[subschema 1]' when
  // repoContentsUrl rendered as nothing) is judged by the properties its schema's branches name.
  const readsExampleOutput = (stepId: string, refusal: { path: (string | number)[]; missing?: string; concerns?: string[] }) => {
    const keys = refusal.path.length ? [refusal.path[0]] : refusal.missing !== undefined ? [refusal.missing] : refusal.concerns ?? [];
    const input = (request.template.spec.steps.find(s => (s as { id?: unknown }).id === stepId) as { input?: unknown } | undefined)?.input;
    return typeof input === 'object' && input !== null && keys.some(key => mentionsStepOutput((input as Record<string | number, unknown>)[key], skippedSteps));
  };
  // What a stand-in fed (a declared filter the toolkit has no code for gives its input back) is not what
  // Backstage computes: an input whose refused property was built through one is not judged offline.
  const standIns = standInNames(request.extensions);
  const readsStandIn = (stepId: string, refusal: { path: (string | number)[]; missing?: string; concerns?: string[] }) => {
    if (standIns.length === 0) return false;
    const keys = refusal.path.length ? [refusal.path[0]] : refusal.missing !== undefined ? [refusal.missing] : refusal.concerns ?? [];
    const input = (request.template.spec.steps.find(s => (s as { id?: unknown }).id === stepId) as { input?: unknown } | undefined)?.input;
    return typeof input === 'object' && input !== null && keys.some(key => callsStandIn(JSON.stringify((input as Record<string | number, unknown>)[key]) ?? '', standIns));
  };
  for (const id of request.offlineActions) {
    const known = request.actions?.get(id);
    // Records the rendered input instead of reaching the outside world; produces no files. The input is
    // judged as the task would judge it, but the render goes on so one run reports every refusal.
    actions.set(id, node.createTemplateAction({ id, supportsDryRun: true, async handler(ctx: { input: Record<string, unknown>; workspacePath: string; step?: { id: string }; output(name: string, value: unknown): void }) {
      const stepId = ctx.step?.id ?? id;
      offlineInputs.push({ stepAction: id, input: ctx.input, stepId });
      // What the step would push is read from the workspace as it stands now, as the action reads it.
      if (pushesThroughGitignore(id)) unpushed.push(...await unpushedFiles(ctx.workspacePath, stepId, id, ctx.input).catch(() => []));
      if (known && !readsUnknownOutput(stepId)) for (const r of validateActionInput(known, ctx.input)) if (!readsExampleOutput(stepId, r) && !readsStandIn(stepId, r)) inputRefusals.push({ stepId, stepAction: id, path: r.path, property: r.property, keyword: r.keyword, message: r.message, hint: missingSecretHint(request.template.spec.steps, stepId, refusedPath(r), request.secrets) ?? r.hint });
      // As the static check: parseRepoUrl is what the installed modules' actions do with a repoUrl; an
      // unknown action (argocd:create-resources takes a clone URL) or one declared in gitops.config.yaml
      // says what it takes by its schema alone. A repoUrl taken from an earlier step's output holds, in a
      // dry-run, that step's example output ('<example>'), which no task ever passes.
      const rawRepoUrl = (request.template.spec.steps.find(s => (s as { id?: unknown }).id === stepId) as { input?: { repoUrl?: unknown } } | undefined)?.input?.repoUrl;
      const fromStepOutput = typeof rawRepoUrl === 'string' && /\bsteps\s*[.[]/.test(rawRepoUrl);
      if (known && known.provider !== 'gitops.config.yaml' && !fromStepOutput && !readsStandIn(stepId, { path: ['repoUrl'] }) && typeof ctx.input.repoUrl === 'string') {
        const problem = repoUrlProblem(ctx.input.repoUrl, integrationTypeOf(known.provider), id, deployment ? integrations : undefined);
        if (problem) inputRefusals.push({ stepId, stepAction: id, path: ['repoUrl'], keyword: 'parseRepoUrl', message: problem, ...(deployment && missingIntegrationHint(problem) ? { hint: missingIntegrationHint(problem) } : {}) });
      }
      for (const key of known ? workspacePathInputs(known) : []) {
        const problem = typeof ctx.input[key] === 'string' ? workspacePathProblem(key, ctx.input[key] as string) : undefined;
        if (problem) inputRefusals.push({ stepId, stepAction: id, path: [key], keyword: 'safePath', message: problem });
      }
      // catalog:fetch runs in a dry-run against the live catalog, which holds this repository's entities.
      // Without a known catalog (no gitops.config.yaml roots) none is held: an optional ref is still answered
      // as absent, the others by the dry-run's example.
      const local = id === 'catalog:fetch' ? await fetchFromRepoCatalog(ctx, request.catalog ?? []) : false;
      if (local) {
        answeredLocally.add(id);
        if (local.absent.length) answeredAbsent.push({ stepId, refs: local.absent });
        return;
      }
      // An installed module's action that supportsDryRun is not skipped by the dry-run: its handler runs and
      // its dry-run branch outputs fixed values built from the input (a pull request's branch, number 43).
      const dryRun = known ? dryRunOutputs(known, ctx.input, integrations) : undefined;
      if (dryRun) {
        answeredLocally.add(id);
        for (const [name, value] of Object.entries(dryRun)) ctx.output(name, value);
        return;
      }
      // As the dry-run answers for a step it skips: an example built from the action's output schema.
      answeredByExample.add(id);
      skippedSteps.push(stepId);
      if (mayWriteWorkspace(id)) workspaceUnknown.push({ stepId, action: id });
      skipEachOver(stepId);
      for (const [name, value] of Object.entries(known ? exampleOutput(known) : {})) ctx.output(name, value);
    } }));
  }
  // Appended to the template's steps: serializes the workspace before the dry-run removes it.
  const EXTRACT_STEP = 'offline-extract';
  let extracted: Promise<{ path: string; content: Buffer; executable: boolean }[]> | undefined;
  actions.set('offline:extract', node.createTemplateAction({
    id: 'offline:extract',
    supportsDryRun: true,
    async handler(ctx: { workspacePath: string }) {
      if (watch.check()) throw new RenderBudgetExceeded(watch.check()!);
      extracted = node.serializeDirectoryContents(ctx.workspacePath);
      await extracted;
    },
  }));
  const registry = {
    async get(id: string) {
      const action = actions.get(id);
      if (!action) throw new Error(`Template action with ID '${id}' is not registered.`);
      return action;
    },
    async list() {
      return actions;
    },
    register() {},
  };
  const work = await mkdtemp(join(tmpdir(), 'gitops-render-'));
  const cancel = new AbortController();
  // A hostile template can loop its way to hundreds of MB: past the budget, writes fail and the run stops.
  const watch = watchRenderBudget(work, budget, () => cancel.abort());
  const Runner = workflowRunnerClass();
  const { collectTemplateCapabilities } = createRequire(require.resolve('@backstage/plugin-scaffolder-backend'))('./util/templating.cjs.js');
  const templateCapabilities = collectTemplateCapabilities({ filters: extensions.additionalTemplateFilters, globals: extensions.additionalTemplateGlobals });
  const runner = new Runner({ actionRegistry: registry, integrations, logger: quiet, workingDirectory: work, config, metrics: noop, templateCapabilities });
  const log: string[] = [];
  const started = Date.now();
  const { template } = request;
  try {
    const user = offlineUser(request.user, request.catalog);
    if (!user.entity && readsUserEntity(template.spec)) userWithoutEntity = user.ref;
    const result = await runner.execute({
      taskId: 'offline-render',
      isDryRun: true,
      done: false,
      secrets: request.secrets ?? {},
      spec: {
        apiVersion: template.apiVersion,
        steps: [...template.spec.steps, { id: EXTRACT_STEP, name: 'extract', action: 'offline:extract' }],
        output: template.spec.output ?? {},
        parameters: request.values,
        // As the router: the initiator's ref, and its entity from the catalog (here the repository's).
        user,
        templateInfo: { entityRef: `template:${template.metadata.namespace ?? 'default'}/${template.metadata.name}`, baseUrl: `${request.source.baseUrl}${request.templateFile}` },
      },
      getInitiatorCredentials: async () => ({ $$type: '@backstage/BackstageCredentials', principal: { type: 'user', userEntityRef: request.user?.ref ?? DEFAULT_USER_REF } }),
      getWorkspaceName: async () => 'workspace',
      cancelSignal: cancel.signal,
      async emitLog(message: string, metadata?: { stepId?: string }) {
        // The step that hands the files over is the toolkit's, not the template's: the log shows the task
        // as Backstage would run it.
        if (metadata?.stepId === EXTRACT_STEP) return;
        if (metadata?.stepId && (metadata as { status?: string }).status === 'processing') where.step = metadata.stepId;
        if (metadata?.stepId && (metadata as { status?: string }).status === 'failed' && !where.failed) where.failed = { step: metadata.stepId, ...(metadata.stepId === where.step ? failedEntry() : {}) };
        const started = /^Starting up task with (\d+) steps$/.exec(message);
        // Backstage colours its log lines; the report does not.
        // The task's workspace is a temporary folder deleted after the render: named as Backstage's task
        // page would show a workspace, not as a path that looks real and is gone.
        const skipped = /^Skipping step (.+) because its if condition was false$/.exec(message);
        // An `if:` that reads a stand-in output may well be true in Backstage: what such a step writes is unknown.
        const skippedStep = skipped && !skippedOffline.has(skipped[1]) ? (request.template.spec.steps.find(s => (s as { id?: unknown }).id === skipped[1]) as { if?: unknown } | undefined) : undefined;
        if (skipped && skippedStep && mayWriteWorkspace(stepAction(skipped[1])) && mentionsStepOutput(skippedStep.if, skippedSteps)) workspaceUnknown.push({ stepId: skipped[1], action: stepAction(skipped[1]) });
        if (skipped && skippedOffline.has(skipped[1])) return void log.push(`Skipping step ${skipped[1]} offline: its each: reads an output the offline render does not have (see the warnings below)`);
        log.push(started ? `Starting up task with ${Number(started[1]) - 1} steps` : message.replace(/\u001b\[[0-9;]*m/g, '').split(join(work, 'workspace')).join('<task workspace>').split(work).join('<task folder>'));
      },
      complete: async () => {},
    });
    if (watch.check()) throw new RenderBudgetExceeded(watch.check()!);
    // A text the guard refused fails the render, even where the runner went on without it.
    const refused = takeRegexRefusal();
    if (refused) throw refused;
    if (!extracted) throw new Error('The template did not reach its last step');
    const files = (await extracted).map(f => ({ ...f, verbatim: fetched.has(sha(f.content)) }));
    for (const entry of notRunOffline) workspaceUnknown.push({ stepId: entry.stepId, action: entry.action });
    return { files, offlineInputs, ...(workspaceUnknown.length ? { workspaceUnknown } : {}), ...(standInFed.length ? { standInFed } : {}), answeredLocally: [...answeredLocally].filter(id => !answeredByExample.has(id)), answeredAbsent, userWithoutEntity, skippedSteps, notRunOffline, ...(fetchedElsewhere.length ? { fetchedElsewhere } : {}), inputRefusals, ...(unpushed.length ? { unpushed } : {}), ...(unmatchedGlobs.length ? { unmatchedGlobs } : {}), output: result.output, log, milliseconds: Date.now() - started, ...(deploymentParameters.size ? { deploymentParameters: [...deploymentParameters].sort() } : {}) };
  } catch (error) {
    // Whatever a step reported once its writes were cut off, the cause is the budget.
    const reason = watch.check();
    if (reason && !(error instanceof RenderBudgetExceeded)) throw new RenderBudgetExceeded(reason);
    // A regular expression the guard refused, whichever step's error now wraps it.
    const regexRefused = error instanceof TemplateRegexRefused ? error : takeRegexRefusal();
    if (regexRefused) throw regexRefused;
    // One file's render is synchronous, so the watch cannot see it grow: its end is V8's string limit.
    if (outgrewString(error)) {
      cancel.abort();
      throw new RenderBudgetExceeded(`one file rendered to more text than a JavaScript string can hold (about ${Math.round(MAX_STRING_LENGTH / 1024 / 1024)} M characters), before anything was written`);
    }
    // The task stops at a refused input; the refusal, with its step, says where in template.yaml.
    for (const refusal of inputRefusals) {
      refusal.hint ??= missingSecretHint(request.template.spec.steps, refusal.stepId, refusedPath(refusal), request.secrets);
    }
    if (inputRefusals.length && error && typeof error === 'object') Object.assign(error, { inputRefusals });
    // What Backstage would have copied and this render did not: a later step may fail for want of it alone.
    if (fetchedElsewhere.length && error && typeof error === 'object') Object.assign(error, { fetchedElsewhere });
    // A fetch of a folder or file that is not there: say which, relative to the repository, not the host path.
    // (The reader's errors reach here re-wrapped, with the path only in the message.)
    const missing = error instanceof Error ? /^ENOENT: no such file or directory, \w+ '([^']+)'$/.exec(error.message)?.[1] : undefined;
    if (missing?.startsWith(request.source.root + sep)) {
      (error as Error).message = `${relative(request.source.root, missing).split(sep).join('/')} does not exist in the repository (ENOENT)`;
    } else if (missing?.startsWith(join(work, 'workspace') + sep)) {
      // A later step's file (fs:rename's from) that no step wrote: its path in the task's workspace, not the host's.
      const inWorkspace = relative(join(work, 'workspace'), missing).split(sep).join('/');
      (error as Error).message = `${boundedText(inWorkspace, 200)} does not exist in the task's workspace (ENOENT)`;
      // Said as data, not only in words: the step id and file name in the message are the template's to write.
      Object.assign(error as object, { missingInWorkspace: inWorkspace });
    }
    // A skeleton file whose last name renders empty inside a folder ('sub/${{ "x" if flag }}') comes out as
    // 'sub/', the folder fetch:template wrote before it: skipped as existing without replace, but with
    // replace: true its write over the folder fails, and the bare EISDIR named only a temporary path.
    const folder = error instanceof Error ? /^EISDIR: illegal operation on a directory, open '([^']+)'$/.exec(error.message)?.[1] : undefined;
    const workspace = join(work, 'workspace') + sep;
    if (folder?.startsWith(workspace)) {
      const shown = `${relative(workspace, folder).split(sep).join('/')}/`;
      (error as Error).message = `its path renders to "${boundedText(shown, 120)}", which is a folder in the workspace (the last part of the file's name came out empty, or a folder of that name was written first), and with replace: true fetch:template writes the file over it, so the task fails (EISDIR). For an optional file, drop replace: true (fetch:template then skips the entry, as the folder exists)`;
    }
    // The runner's message names neither the step nor, for fetch:template, the skeleton file it was rendering.
    const failed = where.failed ?? (where.step ? { step: where.step, ...failedEntry() } : undefined);
    if (error instanceof Error && failed) {
      const step = request.template.spec.steps.find(s => (s as { id?: unknown }).id === failed.step) as { action?: unknown } | undefined;
      const entry = failed.file ? `, skeleton file ${failed.file}` : failed.path ? `, skeleton path ${boundedText(failed.path, 120)}` : '';
      const place = `step ${failed.step}${typeof step?.action === 'string' ? ` (${step.action})` : ''}${entry}`;
      Object.assign(error, { step: failed.step, file: failed.file });
      error.message = `${place}: ${error.message}`;
    }
    throw error;
  } finally {
    watch.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * What to say of a step the offline render did not run because its `each` reads the output of a step it
 * has only as an example (RenderResult.notRunOffline): the message, and a hint for where real data comes from.
 */
/**
 * What to say of an environment.parameters value the render gave nothing because the managed Backstage
 * takes it from the deployment (RenderResult.deploymentParameters): the message (it continues "This case
 * rendered " or "Rendered ") and its hint.
 */
export function deploymentParameterText(name: string): { message: string; hint: string } {
  return {
    message: `environment.parameters.${boundedText(name, 80)} as nothing: the managed Backstage's scaffolder.defaultEnvironment takes it from the deployment (\${VAR}, $env or a file the check cannot read), which the offline render does not know, so where the template uses it the output is not what Backstage writes.`,
    hint: 'Nothing to fix if the deployment sets it. To render it here, give it a literal value in the app-config files the check reads (gitops.config.yaml backstageConfig.files).',
  };
}

/**
 * What a render says when the template reads `user.entity` and the task's user (`ref`) has none: the message
 * and hint. `catalogLoaded` false: no catalog was loaded to look in (no catalog.roots in gitops.config.yaml),
 * which is then what to fix, not the user.
 */
export function userWithoutEntityText(ref: string, catalogLoaded = true): { message: string; hint: string } {
  if (!catalogLoaded) {
    return {
      message: `The template reads user.entity, but no catalog is loaded here to find the task's user ${ref} in (templates load the repository's catalog only from the root Locations gitops.config.yaml names under catalog.roots), so every user.entity… renders empty (owner: with no value, for example): findings on what it feeds are about this, not the template.`,
      hint: "Name the catalog's root Location under catalog.roots in gitops.config.yaml (npx backstage-gitops init writes one), or give the case user.entity itself.",
    };
  }
  return {
    message: `The template reads user.entity, but the task's user ${ref} has no entity in the catalog known here, so every user.entity… renders empty (owner: with no value, for example), as Backstage renders it for a signed-in user its catalog lacks: findings on what it feeds are about this user, not the template.`,
    hint: 'Render as a User this repository\'s catalog holds (templates render --user user:default/<name>; a case: user: {ref: …}), or give the case user.entity itself.',
  };
}

/**
 * What to say of a fetch step whose folder another repository or revision holds (RenderResult.fetchedElsewhere):
 * the message and hint. Backstage copies it; the offline render copied nothing for it.
 */
export function fetchedElsewhereText(entry: NonNullable<RenderResult['fetchedElsewhere']>[number]): { message: string; hint: string } {
  const url = boundedText(entry.url, 200);
  return {
    message: `step ${boundedText(entry.stepId, 80)}${entry.action ? ` (${entry.action})` : ''} fetches ${url}, outside this checkout (another repository, or another revision of this one): Backstage copies what it holds, the offline render copied nothing for it, so those files are not in this output or its snapshot, and what later steps do with them is not judged.`,
    hint: 'Nothing to fix if that source is meant to be shared. To render and judge those files here, keep them in this repository and fetch them by a url relative to the template file.',
  };
}

export function notRunOfflineText(entry: NonNullable<RenderResult['notRunOffline']>[number]): { message: string; hint: string } {
  const source = `step ${entry.readsFrom}${entry.readsFromAction ? ` (${entry.readsFromAction})` : ''}`;
  const why = entry.readsFromNotRun ? 'which was not rendered offline either'
    : entry.readsFromUnknown ? 'whose action no installed scaffolder module provides, so offline it has no output'
    : "which offline is only the dry-run's example (or nothing), not what your Backstage returns";
  return {
    message: `step ${entry.stepId}${entry.action ? ` (${entry.action})` : ''} was not rendered offline: its each: reads the output of ${source}, ${why}, so what it would write is not in this output.`,
    hint: entry.readsFromAction === 'catalog:fetch'
      ? "Backstage runs it with the entity from the live catalog. To render it offline, keep that entity in this repository's catalog and name its root Location under catalog.roots in gitops.config.yaml: catalog:fetch is then answered from it."
      : 'Backstage runs it with the real output; offline, iterate over a parameter instead if the step must be rendered here.',
  };
}

/**
 * Whether a template's steps or output read `user.entity` (`${{ user.entity.metadata.name }}`, an owner
 * taken from the signed-in user): the runner gives it only when the catalog holds the user's entity.
 */
function readsUserEntity(spec: { steps?: unknown; output?: unknown }): boolean {
  return /\buser\s*(?:\.\s*entity\b|\[\s*['"]entity['"]\s*\])/.test(JSON.stringify([spec.steps ?? null, spec.output ?? null]));
}

/** The host of a URL, or undefined for one that is not (a file: base has none). */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}
