import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localReader, workflowRunnerClass, type TemplateSource } from './offlineScaffolder.ts';
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
  exampleOutputs?: Readonly<Record<string, Record<string, unknown>>>;
  /** Bytes, files and time the render may spend (default DEFAULT_RENDER_BUDGET). */
  budget?: RenderBudget;
}

export interface RenderResult {
  files: { path: string; content: Buffer; executable: boolean }[];
  /** The rendered inputs of the steps that cannot run offline, for checking against their schemas. */
  offlineInputs: { stepAction: string; input: Record<string, unknown> }[];
  output: Record<string, unknown>;
  log: string[];
  milliseconds: number;
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
  const scaffolder = require('@backstage/plugin-scaffolder-backend');
  const node = require('@backstage/plugin-scaffolder-node');
  const { ScmIntegrations } = require('@backstage/integration');
  const { ConfigReader } = require('@backstage/config');
  const config = new ConfigReader({});
  const integrations = ScmIntegrations.fromConfig(config);
  const reader = localReader(request.source);
  const actions = new Map<string, { id: string }>();
  for (const action of [
    scaffolder.createFetchTemplateAction({ reader, integrations }),
    scaffolder.createFetchTemplateFileAction({ reader, integrations }),
    scaffolder.createFetchPlainAction({ reader, integrations }),
    scaffolder.createFetchPlainFileAction({ reader, integrations }),
    scaffolder.createFilesystemRenameAction(),
    scaffolder.createFilesystemDeleteAction(),
    scaffolder.createDebugLogAction(),
  ]) actions.set(action.id, action);
  const offlineInputs: RenderResult['offlineInputs'] = [];
  for (const id of request.offlineActions) {
    // Records the rendered input instead of reaching the outside world; produces no files.
    actions.set(id, node.createTemplateAction({ id, supportsDryRun: true, async handler(ctx: { input: Record<string, unknown>; output(name: string, value: unknown): void }) {
      offlineInputs.push({ stepAction: id, input: ctx.input });
      for (const [name, value] of Object.entries(request.exampleOutputs?.[id] ?? {})) ctx.output(name, value);
    } }));
  }
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
        steps: [...template.spec.steps, { id: 'offline-extract', name: 'extract', action: 'offline:extract' }],
        output: template.spec.output ?? {},
        parameters: request.values,
        user: request.user ?? { ref: 'user:default/template-tester' },
        templateInfo: { entityRef: `template:${template.metadata.namespace ?? 'default'}/${template.metadata.name}`, baseUrl: `${request.source.baseUrl}${request.templateFile}` },
      },
      getInitiatorCredentials: async () => ({ $$type: '@backstage/BackstageCredentials', principal: { type: 'user', userEntityRef: request.user?.ref ?? 'user:default/template-tester' } }),
      getWorkspaceName: async () => 'workspace',
      cancelSignal: cancel.signal,
      async emitLog(message: string) {
        // Backstage colours its log lines; the report does not.
        log.push(message.replace(/\u001b\[[0-9;]*m/g, ''));
      },
      complete: async () => {},
    });
    if (watch.check()) throw new RenderBudgetExceeded(watch.check()!);
    if (!extracted) throw new Error('The template did not reach its last step');
    return { files: await extracted, offlineInputs, output: result.output, log, milliseconds: Date.now() - started };
  } catch (error) {
    // Whatever a step reported once its writes were cut off, the cause is the budget.
    const reason = watch.check();
    throw reason && !(error instanceof RenderBudgetExceeded) ? new RenderBudgetExceeded(reason) : error;
  } finally {
    watch.stop();
    await rm(work, { recursive: true, force: true });
  }
}
