import { createRequire } from 'node:module';
import { posix } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * What a publish action's `repoContentsUrl` output looks like, and whether catalog:register's resolveUrl
 * keeps a catalogInfoPath without a leading `/` at the repository root. `example` is the URL the action
 * gives for a repository acme/svc on branch main.
 */
interface ContentsUrl {
  example: string;
  /** A path without a leading `/` still names a file from the repository root (the URL ends in `/`, or the integration resolves paths itself). */
  relativeFromRoot: boolean;
}

// Read from the actions' sources: publish:github and github:repo:push (scaffolder-backend-module-github
// 0.10.0, actions/github.cjs.js, githubRepoPush.cjs.js: `${html_url}/blob/${defaultBranch}`), publish:azure
// (module-azure 0.2.26, actions/azure.cjs.js: the repository's webUrl), and backstage/backstage's
// scaffolder-backend-module-gitlab (`${remoteUrl}/-/blob/${defaultBranch}`), -bitbucket-cloud
// (`${links.html.href}/src/${mainBranch}`), -bitbucket-server (`links.self[0].href`, …/browse), -gerrit
// (`${gitilesBaseUrl}/${repo}/+/refs/heads/${defaultBranch}`) and -gitea (…/src/branch/${defaultBranch}/).
// catalog:register (scaffolder-backend 4.2.0, builtin/catalog/register.cjs.js) hands that URL and
// catalogInfoPath to the host's integration.resolveUrl (@backstage/integration 2.1.2): GitHub, GitLab,
// Bitbucket Cloud and Server use defaultScmResolveUrl (helpers.cjs.js), which resolves a path without a
// leading `/` with `new URL(path, base)`, and Gerrit does the same: the URL's last segment (the branch, or
// Bitbucket Server's `browse`) is replaced. Azure resolves the path into `?path=` from the root; Gitea's URL
// ends in `/`, so its last segment stays.
const CONTENTS_URLS: ReadonlyMap<string, ContentsUrl> = new Map([
  ['publish:github', { example: 'https://github.com/acme/svc/blob/main', relativeFromRoot: false }],
  ['github:repo:push', { example: 'https://github.com/acme/svc/blob/main', relativeFromRoot: false }],
  ['publish:gitlab', { example: 'https://gitlab.com/acme/svc/-/blob/main', relativeFromRoot: false }],
  ['publish:bitbucketCloud', { example: 'https://bitbucket.org/acme/svc/src/main', relativeFromRoot: false }],
  ['publish:bitbucketServer', { example: 'https://bitbucket.acme.com/projects/ACME/repos/svc/browse', relativeFromRoot: false }],
  ['publish:gerrit', { example: 'https://gerrit.acme.com/gitiles/svc/+/refs/heads/main', relativeFromRoot: false }],
  ['publish:azure', { example: 'https://dev.azure.com/acme/project/_git/svc', relativeFromRoot: true }],
  ['publish:gitea', { example: 'https://gitea.acme.com/acme/svc/src/branch/main/', relativeFromRoot: true }],
]);

/** Whether `action` is a publish action whose repoContentsUrl (the root of the repository it pushed) is known here. */
export function publishesContents(action: string): boolean {
  return CONTENTS_URLS.has(action);
}

/** Whether catalog:register reads a path without a leading `/` from the root of `action`'s repository (publish:azure, publish:gitea). */
export function relativeFromRoot(action: string): boolean {
  return CONTENTS_URLS.get(action)?.relativeFromRoot === true;
}

// A lone `${{ steps.<id>.output.repoContentsUrl }}` (or steps['<id>']), and what follows it.
const CONTENTS_OUTPUT = /^\s*\$\{\{\s*steps\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*(['"])([^'"]+)\2\s*\])\s*\.\s*output\s*\.\s*repoContentsUrl\s*\}\}/;

/**
 * The step a catalog:register input reads repoContentsUrl from: takes the input as written (a string
 * starting with `${{ steps.<id>.output.repoContentsUrl }}`) and returns the step id and the text after the
 * expression (empty for the lone expression), or undefined for anything else (a literal URL, a filter).
 */
export function contentsUrlSource(value: unknown): { stepId: string; rest: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = CONTENTS_OUTPUT.exec(value);
  if (!match) return undefined;
  return { stepId: match[1] ?? match[3], rest: value.slice(match[0].length) };
}

/** A finding's words: what Backstage does and how to fix it. */
export interface RegisterProblem {
  message: string;
  hint: string;
}

/**
 * Why catalog:register registers the wrong file when `catalogInfoPath` (as rendered or written, without
 * expressions) has no leading `/` and repoContentsUrl comes from `action`, whose URL ends in the branch
 * (publish:github, publish:gitlab, Bitbucket, Gerrit): the integration's resolveUrl replaces the URL's last
 * segment with the path, so Backstage reads a file on no branch and the task fails after the repository is
 * created. Undefined when the path starts with `/`, or the action's URL keeps a relative path at the root.
 */
export function relativeCatalogPathProblem(catalogInfoPath: string, action: string, optional = false): RegisterProblem | undefined {
  const shape = CONTENTS_URLS.get(action);
  if (!shape || shape.relativeFromRoot || catalogInfoPath === '' || catalogInfoPath.startsWith('/')) return undefined;
  const resolved = resolvedExample(shape.example, catalogInfoPath);
  const fromRoot = `/${posix.normalize(catalogInfoPath).replace(/^(\.\/)+/, '')}`;
  return {
    message: `catalogInfoPath ${quote(catalogInfoPath)} has no leading /: catalog:register resolves it against ${action}'s repoContentsUrl (${shape.example} for acme/svc on main, no trailing /) as a relative URL, which replaces the URL's last segment, so Backstage registers ${resolved} instead of the file in the new repository. ${outcome(optional)}`,
    hint: `Write catalogInfoPath: ${fromRoot} (a path from the repository root, as Backstage's default /catalog-info.yaml is).`,
  };
}

/**
 * Why a catalogInfoUrl built by hand as `${{ steps.<id>.output.repoContentsUrl }}<rest>` names no file:
 * `rest` does not start with `/`, so it is glued onto the branch (…/blob/maincatalog-info.yaml). Takes
 * the text after the expression, the publish action and its step id (for the hint); undefined when the URL is well joined, or the
 * action's URL ends in `/` (Gitea).
 */
export function gluedCatalogUrlProblem(rest: string, action: string, stepId: string, optional = false): RegisterProblem | undefined {
  const shape = CONTENTS_URLS.get(action);
  if (!shape || shape.example.endsWith('/') || rest === '' || /^[/?#]/.test(rest) || rest.includes('${{')) return undefined;
  return {
    message: `catalogInfoUrl puts ${quote(rest)} right after ${action}'s repoContentsUrl, which ends without a / (${shape.example} for acme/svc on main): Backstage registers ${shape.example}${rest}, which names no file. ${outcome(optional)}`,
    hint: `Write catalogInfoUrl: \${{ steps.${stepId}.output.repoContentsUrl }}/${rest}, or use repoContentsUrl with catalogInfoPath: /${rest}.`,
  };
}

/**
 * The catalog:register steps of a template (as written) that register the wrong file whatever the values:
 * a literal catalogInfoPath without a leading `/`, or a catalogInfoUrl glued onto the branch, where
 * repoContentsUrl comes from an earlier publish step whose URL ends in the branch. Two publish steps of one
 * id (each under its own `if:`) are the field's "publish here or there": a path that breaks for either one
 * is reported, naming it. Takes the steps and the id the runner knows each by (stepIdOf); returns each
 * finding's path into the template. A publish action whose module is not installed here is judged too:
 * its repoContentsUrl's shape is known (CONTENTS_URLS), only its input schema is not.
 */
export function registerPathProblems(steps: readonly unknown[], idOf: (step: Record<string, unknown>, index: number) => string | undefined): (RegisterProblem & { path: (string | number)[] })[] {
  const found: (RegisterProblem & { path: (string | number)[] })[] = [];
  steps.forEach((step, i) => {
    if (!isStep(step) || step.action !== 'catalog:register' || !isStep(step.input)) return;
    const { input } = step;
    const source = contentsUrlSource(input.repoContentsUrl) ?? contentsUrlSource(input.catalogInfoUrl);
    if (!source) return;
    // Judged whether or not the publish action's module is installed here (template-action-unknown): the
    // URL's shape is this table's, not the module's, and once the deployment runs the action, register fails.
    const actions = [...new Set(steps.slice(0, i).filter((s, j): s is Record<string, unknown> => isStep(s) && idOf(s, j) === source.stepId).map(s => String(s.action)))];
    for (const action of actions) {
      const problem = 'repoContentsUrl' in input
        ? typeof input.catalogInfoPath === 'string' && source.rest === '' && !input.catalogInfoPath.includes('${{') ? relativeCatalogPathProblem(input.catalogInfoPath, action, input.optional === true) : undefined
        : gluedCatalogUrlProblem(source.rest, action, source.stepId, input.optional === true);
      if (!problem) continue;
      const key = 'repoContentsUrl' in input ? 'catalogInfoPath' : 'catalogInfoUrl';
      found.push({ path: ['spec', 'steps', i, 'input', key], message: actions.length > 1 ? `When ${action} publishes: ${problem.message}` : problem.message, hint: problem.hint });
    }
  });
  return found;
}

/** Whether `value` is a mapping (a step, an input). */
export function isStep(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the task does when register's location cannot be read: fails (after publish created the repository), or with `optional: true` completes having registered nothing. */
export function outcome(optional: boolean): string {
  return optional ? 'With optional: true register swallows that error: the task completes, the repository exists, and nothing is in the catalog.' : 'The catalog cannot read it, so the task fails at this step, after the repository is created.';
}

// The example hosts as integrations: Backstage's defaults know github.com, gitlab.com, bitbucket.org and dev.azure.com only.
const EXAMPLE_INTEGRATIONS = {
  bitbucketServer: [{ host: 'bitbucket.acme.com', apiBaseUrl: 'https://bitbucket.acme.com/rest/api/1.0' }],
  gerrit: [{ host: 'gerrit.acme.com', gitilesBaseUrl: 'https://gerrit.acme.com/gitiles' }],
  gitea: [{ host: 'gitea.acme.com' }],
};

/** What catalog:register registers for the example URL: the host's own integration.resolveUrl, as register.cjs.js calls it. */
function resolvedExample(base: string, path: string): string {
  try {
    const { ScmIntegrations } = require('@backstage/integration');
    const { ConfigReader } = require('@backstage/config');
    const integrations = ScmIntegrations.fromConfig(new ConfigReader({ integrations: EXAMPLE_INTEGRATIONS }));
    return integrations.byUrl(base).resolveUrl({ base, url: path });
  } catch {
    return new URL(path, base).toString();
  }
}

/** `text` as JSON, cut to 120 characters: a template's own text in a message. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 119)}…` : text);
}
