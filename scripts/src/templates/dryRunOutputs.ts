import { createRequire } from 'node:module';
import type { KnownAction } from './scaffolderActions.ts';

const require = createRequire(import.meta.url);

/**
 * The dry-run branch of an installed module's action that supportsDryRun: Backstage's dry-run runs its
 * handler with ctx.isDryRun, and the handler answers `if (ctx.isDryRun) { … ctx.output(name, expr) … return; }`.
 * The handlers cannot run offline (they build an Octokit client and may reach a credentials provider before
 * that branch), so what the branch outputs is kept here, as the source writes each `expr`. A test
 * (dryRunOutputs.test.ts) reads the installed `file` and fails when its branch outputs anything else, or
 * when an installed module adds an action that supportsDryRun without an entry here.
 */
export interface DryRunBranch {
  /** The npm package that registers the action. */
  provider: string;
  /** The handler's module, relative to the package folder. */
  file: string;
  /** The branch's `ctx.output(name, expr)` calls in order, each `expr` as written in `file`. */
  outputs: readonly (readonly [name: string, expression: string])[];
}

/**
 * Each installed module action that supportsDryRun (scaffolder-backend's own built-ins run offline with
 * their real handlers, catalog:fetch is answered from the repository's catalog). Module 0.10.0 of
 * @backstage/plugin-scaffolder-backend-module-github; its azure module has none.
 */
export const DRY_RUN_BRANCHES: Readonly<Record<string, DryRunBranch>> = {
  // githubPullRequest.cjs.js ~204
  'publish:github:pull-request': {
    provider: '@backstage/plugin-scaffolder-backend-module-github',
    file: 'dist/actions/githubPullRequest.cjs.js',
    outputs: [['targetBranchName', 'branchName'], ['remoteUrl', 'repoUrl'], ['pullRequestNumber', '43']],
  },
  // githubIssuesCreate.cjs.js ~77
  'github:issues:create': {
    provider: '@backstage/plugin-scaffolder-backend-module-github',
    file: 'dist/actions/githubIssuesCreate.cjs.js',
    outputs: [['issueUrl', '`https://github.com/${owner}/${repo}/issues/42`'], ['issueNumber', '42']],
  },
  // githubWebhook.cjs.js ~85: logs "Dry run complete" and outputs nothing.
  'github:webhook': {
    provider: '@backstage/plugin-scaffolder-backend-module-github',
    file: 'dist/actions/githubWebhook.cjs.js',
    outputs: [],
  },
};

/**
 * What a step of `action` outputs in Backstage's dry-run, when the action is an installed module's that
 * supportsDryRun and DRY_RUN_BRANCHES knows its branch: each expression evaluated as the handler does,
 * an input name from the rendered `input`, `host`/`owner`/`repo` from parseRepoUrl of its repoUrl with the
 * render's `integrations` (as each of these handlers destructures them). Undefined for any other action
 * (the dry-run then skips it with example outputs). A repoUrl parseRepoUrl refuses gives no outputs: the
 * handler throws there, and the refusal is reported with the step.
 */
export function dryRunOutputs(action: KnownAction, input: Readonly<Record<string, unknown>>, integrations: object): Record<string, unknown> | undefined {
  const branch = Object.hasOwn(DRY_RUN_BRANCHES, action.id) ? DRY_RUN_BRANCHES[action.id] : undefined;
  if (!branch || !action.supportsDryRun || branch.provider !== action.provider) return undefined;
  let parsed: Record<string, unknown> | undefined;
  const repoPart = (name: string) => {
    if (parsed === undefined) {
      const { parseRepoUrl } = require('@backstage/plugin-scaffolder-node') as { parseRepoUrl(url: string, integrations: object): Record<string, unknown> };
      parsed = parseRepoUrl(String(input.repoUrl), integrations);
    }
    return parsed[name];
  };
  const output: Record<string, unknown> = {};
  try {
    for (const [name, expression] of branch.outputs) output[name] = evaluate(expression, name => (['host', 'owner', 'repo'].includes(name) ? repoPart(name) : input[name]));
  } catch {
    return {};
  }
  return output;
}

/**
 * The few expression forms a dry-run branch writes: a number or string literal, a name, or a template
 * literal of names. Anything else throws, so a new form is added here, not guessed.
 */
function evaluate(expression: string, value: (name: string) => unknown): unknown {
  if (/^-?\d+(\.\d+)?$/.test(expression)) return Number(expression);
  if (/^"[^"\\]*"$/.test(expression)) return expression.slice(1, -1);
  if (/^[A-Za-z_$][\w$]*$/.test(expression)) return value(expression);
  if (/^`[^`\\]*`$/.test(expression)) {
    return expression.slice(1, -1).replace(/\$\{([^}]*)\}/g, (_, name: string) => {
      if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`unsupported expression ${name}`);
      return String(value(name));
    });
  }
  throw new Error(`unsupported dry-run output expression ${expression}`);
}
