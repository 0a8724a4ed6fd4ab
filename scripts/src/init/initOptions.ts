import { createRequire } from 'node:module';
import { trimTrailingSlashes } from '../load/trailingSlashes.ts';

const require = createRequire(import.meta.url);
const { makeValidator } = require('@backstage/catalog-model') as typeof import('@backstage/catalog-model');
const validator = makeValidator();

export const PLATFORMS = ['github', 'azure'] as const;
export const IDENTITY_PROVIDERS = ['entra', 'github-org'] as const;

/** What `init` needs to write a control repo; every field validated by {@link validateInitOptions}. */
export interface InitOptions {
  /** The org's name as a Backstage entity name (it names the root Location and the templates' Location). */
  org: string;
  platform: (typeof PLATFORMS)[number];
  /** Web URL of the control repo itself, e.g. https://github.com/acme/backstage-control or https://dev.azure.com/acme/Platform/_git/backstage-control. */
  repoUrl: string;
  /** Branch Backstage reads the catalog from. */
  branch: string;
  backstageUrl: string;
  /** The platform team's Group name (Backstage entity name), owner of the templates. */
  team: string;
  identityProvider: (typeof IDENTITY_PROVIDERS)[number];
}

export const INIT_FIELDS: { key: keyof InitOptions; flag: string; question: string }[] = [
  { key: 'org', flag: '--org', question: "Your organisation's name (a Backstage entity name, e.g. acme)" },
  { key: 'platform', flag: '--platform', question: 'Where does this repo live' },
  { key: 'repoUrl', flag: '--repo-url', question: 'The web URL of this control repo' },
  { key: 'backstageUrl', flag: '--backstage-url', question: 'The URL of your Backstage' },
  { key: 'team', flag: '--team', question: 'The platform team (Backstage Group name)' },
  { key: 'identityProvider', flag: '--identity-provider', question: 'Where users and groups come from' },
];

/**
 * Checks one answer; returns a message a newcomer understands, or undefined when it is fine. Names
 * follow Backstage's own entity-name rule (catalog-model's `isValidEntityName`); URLs must be http(s)
 * without credentials, since they end up in committed config.
 */
export function validateField(key: keyof InitOptions, value: string): string | undefined {
  switch (key) {
    case 'org':
    case 'team':
      return validator.isValidEntityName(value) ? undefined : `'${value.slice(0, 80)}' is not a valid Backstage entity name: letters, digits and - _ . between letters or digits, at most 63 characters.`;
    case 'platform':
      return (PLATFORMS as readonly string[]).includes(value) ? undefined : `platform must be one of ${PLATFORMS.join(', ')}`;
    case 'identityProvider':
      return (IDENTITY_PROVIDERS as readonly string[]).includes(value) ? undefined : `identity provider must be one of ${IDENTITY_PROVIDERS.join(', ')}`;
    case 'repoUrl':
      // The address bar of Azure Repos or GitHub often carries ?path=…, ?version=… or #…: say what to drop.
      return urlProblem(value, 'give the repository URL alone (https://github.com/ORG/REPO or https://dev.azure.com/ORG/PROJECT/_git/REPO), without ?… or #…: init adds the branch (--branch) and path where Backstage needs them');
    case 'backstageUrl':
      return urlProblem(value, 'give the base URL of Backstage, without ?… or #…');
    case 'branch':
      return /^[A-Za-z0-9._/-]{1,100}$/.test(value) && !value.includes('..') ? undefined : `'${value.slice(0, 80)}' is not a branch name this tool accepts`;
  }
}

/** Why `value` cannot be the URL init writes (undefined when it can); `withQuery` is the message for a URL with a query or fragment. */
function urlProblem(value: string, withQuery: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `'${value.slice(0, 80)}' is not a URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `'${value.slice(0, 80)}' must be an http(s) URL`;
  if (url.username || url.password) return 'a URL with credentials would be committed; leave them out';
  if (url.search || url.hash) return withQuery;
  return undefined;
}

/** Validates a complete set of answers; returns the problems, one line each (empty when valid). */
export function validateInitOptions(options: InitOptions): string[] {
  const problems = (Object.keys(options) as (keyof InitOptions)[]).flatMap(key => {
    const problem = validateField(key, options[key]);
    return problem ? [`${key}: ${problem}`] : [];
  });
  if (problems.length === 0 && !repoUrlFits(options)) {
    problems.push(`repoUrl: ${options.platform === 'github' ? 'a GitHub repository URL looks like https://github.com/ORG/REPO' : 'an Azure Repos URL looks like https://dev.azure.com/ORG/PROJECT/_git/REPO'}`);
  }
  return problems;
}

function repoUrlFits(options: InitOptions): boolean {
  const path = new URL(options.repoUrl).pathname.split('/').filter(Boolean);
  if (options.platform === 'github') return path.length === 2;
  let project: string;
  try {
    project = decodeURIComponent(path[1] ?? '');
  } catch {
    return false;
  }
  // Azure DevOps' own naming rules: the organisation and project end up in the templates and the README.
  return path.length === 4 && path[2] === '_git' && AZURE_ORGANIZATION.test(path[0]) && AZURE_PROJECT.test(project) && !/^[_.]|\.$/.test(project);
}

/** Azure DevOps organisation names: letters, digits and hyphens, starting and ending with a letter or digit, at most 50. */
const AZURE_ORGANIZATION = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?$/;
/** Azure DevOps project names: at most 64 characters, none of a backslash, / : * ? " ' < > ; # $ { } , + = [ ] | nor a control character. */
const AZURE_PROJECT = /^[^\\/:*?"'<>;#${},+=[\]|\u0000-\u001f\u007f]{1,64}$/;

/**
 * The prefix Backstage's url reader needs to read a file of the repo on `branch`: GitHub's
 * `…/blob/<branch>/` and Azure Repos' `?path=` form are what the url reader integrations parse.
 */
export function repoFileUrlPrefix(options: Pick<InitOptions, 'platform' | 'repoUrl' | 'branch'>): string {
  const base = trimTrailingSlashes(options.repoUrl);
  return options.platform === 'github' ? `${base}/blob/${options.branch}/` : `${base}?version=GB${options.branch}&path=/`;
}
