import { createRequire } from 'node:module';
import { isRecord } from '../load/loadCatalog.ts';
import { unreadPlaceholder } from '../catalog/placeholders.ts';
import { builtinActionFactory } from './offlineScaffolder.ts';
import type { KnownAction } from './scaffolderActions.ts';
import type { StepFinding } from './checkStepInputs.ts';

const require = createRequire(import.meta.url);

/** Thrown by the probe's workspace when the handler gets as far as fetching the skeleton: it accepted the input. */
const ACCEPTED = new Error('the handler accepted its settings');

let probe: { handler: Function } | undefined;

/**
 * What fetch:template's own handler refuses in a step's input before it reads a single skeleton file,
 * which its input schema allows: templateActionHandler's resolveTemplateActionSettings (scaffolder-backend
 * 4.2.0) throws "Fetch action input extension incompatible with copyWithoutTemplating and cookiecutterCompat"
 * when templateFileExtension is truthy together with copyWithoutTemplating (any array, even empty) or a
 * truthy cookiecutterCompat; copyWithoutRender, which its handler never reads, does not count.
 * Answered by that handler itself: it runs with the step's literal input (keys whose value is an
 * expression left out, as the task alone knows them; url, targetPath and token left out, which other
 * checks judge) up to where it would fetch the skeleton, and a refusal before that is its message.
 * Only for steps whose input names templateFileExtension, the option those refusals hinge on: loading the
 * handler costs about a second. fetch:template:file's handler refuses no such combination.
 * `steps`: spec.steps as written; `actions`: from loadScaffolderActions (only the scaffolder-backend's own
 * fetch:template is probed). Returns one finding per refused step, on its `input` key, with the handler's
 * own words (`refusal`, as a render's failure quotes them).
 */
export async function handlerRefusals(steps: readonly unknown[], actions: ReadonlyMap<string, KnownAction>): Promise<(StepFinding & { refusal: string })[]> {
  const found: (StepFinding & { refusal: string })[] = [];
  for (const [i, step] of steps.entries()) {
    if (!isRecord(step) || step.action !== 'fetch:template' || !isRecord(step.input) || !('templateFileExtension' in step.input)) continue;
    if (actions.get('fetch:template')?.provider !== '@backstage/plugin-scaffolder-backend' || unreadPlaceholder(step) !== undefined) continue;
    const settings = Object.fromEntries(Object.entries(step.input).filter(([key, value]) => !['url', 'targetPath', 'token'].includes(key) && !(typeof value === 'string' && value.includes('${{'))));
    const refusal = await settingsRefusal(settings);
    if (refusal) found.push({ refusal, path: ['spec', 'steps', i, 'input'], key: true, ruleId: 'template-action-input', message: `fetch:template fails the task before it reads the skeleton: ${refusal}.`, hint: 'templateFileExtension renders only the files with that extension and copies the rest as they are, which fetch:template will not combine with copyWithoutTemplating or cookiecutterCompat: keep templateFileExtension and remove the other, or remove templateFileExtension.' });
  }
  return found;
}

/** The message fetch:template's handler refuses `input` with before fetching anything, or undefined. */
async function settingsRefusal(input: Record<string, unknown>): Promise<string | undefined> {
  if (!probe) {
    const { ScmIntegrations } = require('@backstage/integration');
    const { ConfigReader } = require('@backstage/config');
    probe = builtinActionFactory('createFetchTemplateAction')({ integrations: ScmIntegrations.fromConfig(new ConfigReader({})), reader: {} });
  }
  const quiet = { info() {}, warn() {}, error() {}, debug() {}, child: () => quiet };
  const workspace = { input, workspacePath: '/task/workspace', logger: quiet, createTemporaryDirectory: () => { throw ACCEPTED; } };
  try {
    await probe.handler(workspace);
  } catch (error) {
    return error === ACCEPTED ? undefined : String((error as Error)?.message ?? error);
  }
  return undefined;
}
