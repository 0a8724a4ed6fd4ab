import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoUrlProblem, workspacePathInputs, workspacePathProblem } from './checkStepInputs.ts';
import { localReader, renderActionFactories, workflowRunnerClass, type TemplateSource } from './offlineScaffolder.ts';
import { exampleOutput, validateActionInput, type KnownAction } from './scaffolderActions.ts';
import { DEFAULT_RENDER_BUDGET, RenderBudgetExceeded, watchRenderBudget, type RenderBudget } from './renderBudget.ts';

const require = createRequire(import.meta.url);

export interface RenderRequest {
  source: TemplateSource;
  /** Repo-relative path of template.yaml. */
  templateFile: string;
  template: { apiVersion: string; metadata: { name: string; namespace?: string }; spec: { steps: object[]; output?: object } };
  values: Record<string, unknown>;
  secrets?: Record<string, string>;
  user?: { ref: string; entity?: object };
  /** Actions that cannot run offline (publish:*, catalog:register…): they record their input and give example outputs, as a dry-run gives. */
  offlineActions: readonly string[];
  /** The actions the managed Backstage runs (loadScaffolderActions): their schemas judge the recorded inputs, their output schemas give the example outputs. */
  actions?: ReadonlyMap<string, KnownAction>;
  /** Bytes, files and time the render may spend (default DEFAULT_RENDER_BUDGET). */
  budget?: RenderBudget;
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
}

export interface RenderResult {
  files: { path: string; content: Buffer; executable: boolean }[];
  /** The rendered inputs of the steps that cannot run offline, for checking against their schemas. */
  offlineInputs: { stepAction: string; input: Record<string, unknown> }[];
  /** What the managed Backstage would refuse in those inputs when the task runs (a dry-run skips most of these steps). */
  inputRefusals: InputRefusalAt[];
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
function judged(action: RunnableAction, refusals: InputRefusalAt[]): RunnableAction {
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
      return action.handler(ctx);
    },
  };
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
 * Runs a template the way Backstage's dry-run does (its own NunjucksWorkflowRunner and built-in
 * fetch:template / fetch:plain / fs:* actions, in dry-run mode), in a temporary workspace, and
 * returns the files the steps produced. Actions that need the outside world only record their input.
 * Throws RenderBudgetExceeded when the render writes or runs beyond `request.budget`.
 */
export async function renderTemplate(request: RenderRequest): Promise<RenderResult> {
  const scaffolder = renderActionFactories();
  const node = require('@backstage/plugin-scaffolder-node');
  const { ScmIntegrations } = require('@backstage/integration');
  const { ConfigReader } = require('@backstage/config');
  const config = new ConfigReader({});
  const integrations = ScmIntegrations.fromConfig(config);
  const reader = localReader(request.source);
  const actions = new Map<string, { id: string }>();
  const offlineInputs: RenderResult['offlineInputs'] = [];
  const inputRefusals: InputRefusalAt[] = [];
  for (const action of [
    scaffolder.createFetchTemplateAction({ reader, integrations }),
    scaffolder.createFetchTemplateFileAction({ reader, integrations }),
    scaffolder.createFetchPlainAction({ reader, integrations }),
    scaffolder.createFetchPlainFileAction({ reader, integrations }),
    scaffolder.createFilesystemRenameAction(),
    scaffolder.createFilesystemDeleteAction(),
    scaffolder.createDebugLogAction(),
  ] as RunnableAction[]) actions.set(action.id, judged(action, inputRefusals));
  for (const id of request.offlineActions) {
    const known = request.actions?.get(id);
    // Records the rendered input instead of reaching the outside world; produces no files. The input is
    // judged as the task would judge it, but the render goes on so one run reports every refusal.
    actions.set(id, node.createTemplateAction({ id, supportsDryRun: true, async handler(ctx: { input: Record<string, unknown>; workspacePath: string; step?: { id: string }; output(name: string, value: unknown): void }) {
      offlineInputs.push({ stepAction: id, input: ctx.input });
      const stepId = ctx.step?.id ?? id;
      if (known) for (const r of validateActionInput(known, ctx.input)) inputRefusals.push({ stepId, stepAction: id, path: r.path, property: r.property, keyword: r.keyword, message: r.message });
      if (typeof ctx.input.repoUrl === 'string') {
        const problem = repoUrlProblem(ctx.input.repoUrl);
        if (problem) inputRefusals.push({ stepId, stepAction: id, path: ['repoUrl'], keyword: 'parseRepoUrl', message: problem });
      }
      for (const key of known ? workspacePathInputs(known) : []) {
        const problem = typeof ctx.input[key] === 'string' ? workspacePathProblem(key, ctx.input[key] as string) : undefined;
        if (problem) inputRefusals.push({ stepId, stepAction: id, path: [key], keyword: 'safePath', message: problem });
      }
      // As the dry-run answers for a step it skips: an example built from the action's output schema.
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
  const watch = watchRenderBudget(work, request.budget ?? DEFAULT_RENDER_BUDGET, () => cancel.abort());
  const Runner = workflowRunnerClass();
  const runner = new Runner({ actionRegistry: registry, integrations, logger: quiet, workingDirectory: work, config, metrics: noop });
  const log: string[] = [];
  const started = Date.now();
  const { template } = request;
  try {
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
        user: request.user ?? { ref: 'user:default/template-tester' },
        templateInfo: { entityRef: `template:${template.metadata.namespace ?? 'default'}/${template.metadata.name}`, baseUrl: `${request.source.baseUrl}${request.templateFile}` },
      },
      getInitiatorCredentials: async () => ({ $$type: '@backstage/BackstageCredentials', principal: { type: 'user', userEntityRef: request.user?.ref ?? 'user:default/template-tester' } }),
      getWorkspaceName: async () => 'workspace',
      cancelSignal: cancel.signal,
      async emitLog(message: string, metadata?: { stepId?: string }) {
        // The step that hands the files over is the toolkit's, not the template's: the log shows the task
        // as Backstage would run it.
        if (metadata?.stepId === EXTRACT_STEP) return;
        const started = /^Starting up task with (\d+) steps$/.exec(message);
        // Backstage colours its log lines; the report does not.
        log.push(started ? `Starting up task with ${Number(started[1]) - 1} steps` : message.replace(/\u001b\[[0-9;]*m/g, ''));
      },
      complete: async () => {},
    });
    if (watch.check()) throw new RenderBudgetExceeded(watch.check()!);
    if (!extracted) throw new Error('The template did not reach its last step');
    return { files: await extracted, offlineInputs, inputRefusals, output: result.output, log, milliseconds: Date.now() - started };
  } catch (error) {
    // Whatever a step reported once its writes were cut off, the cause is the budget.
    const reason = watch.check();
    if (reason && !(error instanceof RenderBudgetExceeded)) throw new RenderBudgetExceeded(reason);
    // One file's render is synchronous, so the watch cannot see it grow: its end is V8's string limit.
    if (outgrewString(error)) {
      cancel.abort();
      throw new RenderBudgetExceeded(`one file rendered to more text than a JavaScript string can hold (about ${Math.round(MAX_STRING_LENGTH / 1024 / 1024)} M characters), before anything was written`);
    }
    // The task stops at a refused input; the refusal, with its step, says where in template.yaml.
    if (inputRefusals.length && error && typeof error === 'object') Object.assign(error, { inputRefusals });
    throw error;
  } finally {
    watch.stop();
    await rm(work, { recursive: true, force: true });
  }
}
