import { createRequire } from 'node:module';
import { BACKEND, backendDependencies, backendSources } from './appBackend.ts';

const require = createRequire(import.meta.url);
const SCAFFOLDER = '@backstage/plugin-scaffolder-backend';
// Scaffolder modules by the convention of every scope that publishes them (@backstage, @backstage-community,
// @roadiehq/scaffolder-backend-module-utils, …), and of the app's own: `backstage-cli new` names a module in the
// app's workspace `@internal/backstage-plugin-scaffolder-backend-module-<id>` (ServerlessOpsIO's backend adds one
// whose action its templates use, and the hint did not name it).
const SCAFFOLDER_MODULE = /^(@[a-z0-9][a-z0-9._-]*\/)?([a-z0-9._-]*-)?scaffolder-backend-module-[a-z0-9._-]+$/;

/** The scaffolder modules a Backstage app's own backend adds, split by whether the toolkit has them installed. */
export interface AppScaffolderModules {
  /** Installed here: their actions, input schemas, filters and globals are read from them. */
  installed: string[];
  /** Not installed here: their actions are not known, and a step using one cannot be checked. */
  missing: string[];
}

/**
 * For a folder without gitops.config.yaml that is a Backstage app's repository on the new backend system
 * (packages/backend's source adds `@backstage/plugin-scaffolder-backend` with `backend.add`): the scaffolder
 * modules that backend both depends on and adds, which with the scaffolder's built-ins are the actions its
 * templates can use (backstage/demo adds the GitHub and notifications modules, so `publish:azure` fails there
 * and `notification:send` runs). Undefined otherwise: a legacy backend (`createRouter`, whose built-in
 * actions included the publishers) or no scaffolder, and the toolkit's own modules stand in. Never throws.
 */
export function appScaffolderModules(root: string): AppScaffolderModules | undefined {
  const dependencies = backendDependencies(root);
  if (!dependencies?.includes(SCAFFOLDER)) return undefined;
  const wiring = backendSources(root);
  const named = (name: string) => wiring.some(text => text.includes(`'${name}'`) || text.includes(`"${name}"`) || text.includes(`\`${name}\``));
  const added = wiring.some(text => /backend\.add\(/.test(text)) && named(SCAFFOLDER);
  if (!added || wiring.some(text => text.includes('createBuiltinActions'))) return undefined;
  // npm refuses names over 214 characters: a longer one (from a pull request's package.json) names no module, and would be printed whole.
  const wired = dependencies.filter(name => name.length <= 214 && SCAFFOLDER_MODULE.test(name) && named(name)).sort();
  const installed: string[] = [];
  const missing: string[] = [];
  for (const name of wired) {
    try {
      require.resolve(name);
      installed.push(name);
    } catch {
      missing.push(name);
    }
  }
  return { installed, missing };
}

/**
 * What an unknown action is judged against without gitops.config.yaml, said in its hint: the toolkit's own
 * scaffolder modules, or in a Backstage app's repository the ones its backend adds (`app`), naming those the
 * toolkit does not have installed, whose actions it cannot know.
 */
export function unconfiguredActionsNote(app: AppScaffolderModules | undefined): string {
  if (!app) return "No gitops.config.yaml says which scaffolder modules your Backstage runs, so this is judged against the toolkit's own (GitHub, Azure).";
  const list = (names: string[]) => names.slice(0, 6).join(', ') + (names.length > 6 ? ` and ${names.length - 6} more` : '');
  const installed = app.installed.length ? `the scaffolder modules it adds (${list(app.installed)})` : 'no scaffolder module (it adds none the toolkit has)';
  const missing = app.missing.length ? ` It also adds ${list(app.missing)}, which the toolkit does not have installed: if the action is one of theirs, it runs there, but its input is not checked here.` : '';
  return `This is judged as the backend in ${BACKEND} runs the scaffolder: its built-in actions and ${installed}.${missing}`;
}

/**
 * An unknown action's message (unknownActionMessage's words) as said without gitops.config.yaml in a
 * Backstage app's repository whose backend adds modules the toolkit does not have (`app.missing`): one of
 * them may provide the action, so the task failing is said as a condition. Any other message as it is.
 */
export function unconfiguredActionMessage(message: string, app: AppScaffolderModules | undefined): string {
  if (!app?.missing.length) return message;
  return message.replace(/^No installed scaffolder module provides the action (.+?): the managed Backstage would fail the task with "(Template action with ID '.*?' is not registered\.)"/s, (_all, action: string, error: string) => `No scaffolder module the toolkit has installed provides the action ${action}; unless a module ${BACKEND} adds that the toolkit does not have provides it (see the hint), the task fails with "${error}"`);
}
