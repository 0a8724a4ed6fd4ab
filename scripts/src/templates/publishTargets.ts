import { createRequire } from 'node:module';
import { outsideOrganisation } from '../catalog/checkLocations.ts';
import { isRecord } from '../load/loadCatalog.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { boundedText } from '../report/safeText.ts';
import { replaceExpressions } from './checkExpressions.ts';
import { integrationEntry, integrationTypeOf } from './deploymentHosts.ts';
import { organisationOnEveryRun, partOnEveryRun } from './formRuns.ts';
import { deferUnreadScaffolderModules } from './offlineScaffolder.ts';
import { parameterPages } from './parameterDeclarations.ts';

const require = createRequire(import.meta.url);
// Backstage's own helpers, as the scaffolder-backend this toolkit pins resolves them.
const fromScaffolder = (name: string) => createRequire(require.resolve('@backstage/plugin-scaffolder-backend'))(name);

/** A finding on a step that sends the template's output outside the organisation: rule, severity, path in the template document, message and hint. */
export interface PublishTargetFinding { ruleId: 'template-publish-foreign' | 'template-register-foreign'; severity: 'error' | 'warning'; path: PathSegment[]; message: string; hint: string }

// The modules' actions that create a repository or push the workspace to one from a repoUrl (host?owner=…&repo=…):
// publish:github, publish:github:pull-request, github:repo:create, github:repo:push, publish:azure (the installed
// modules), and alike publish:gitlab, publish:gitlab:merge-request, gitlab:repo:push, publish:bitbucketCloud,
// publish:bitbucketServer(:pull-request), publish:gerrit(:review), publish:gitea.
const PUBLISHES = /^(?:publish:[A-Za-z]+(?::[A-Za-z-]+)?|[A-Za-z]+:repo:(?:create|push))$/;

// Which part of parseRepoUrl's answer names the organisation, by the host's integration type: a GitHub, GitLab
// (group path) or Gitea owner, an Azure DevOps organization, a bitbucket.org workspace. Bitbucket Server and
// Gerrit hosts hold one organisation each: the host alone is compared.
const ORGANISATION_PART: Record<string, 'owner' | 'organization' | 'workspace' | undefined> = {
  github: 'owner', gitlab: 'owner', gitea: 'owner', azure: 'organization', bitbucketCloud: 'workspace', bitbucketServer: undefined, gerrit: undefined,
};

// Stands for each `${{ … }}` while the value is read: a part holding it is chosen by the run, not the text.
// Not a control character, which WHATWG URL strips from the ends of what parseRepoUrl reads (`repo=${{ … }}`).
const MARK = '\u2063';

/**
 * The steps of a template that send what it makes outside the organisation of `repoUrl`:
 * - template-publish-foreign: a publish:* or <scm>:repo:create/push step whose repoUrl, read by the scaffolder's
 *   own parseRepoUrl, writes out a host, or a host and owner (GitHub, GitLab group, Gitea), organization (Azure
 *   DevOps) or workspace (bitbucket.org), outside it, compared as Location targets are (outsideOrganisation);
 * - template-register-foreign: a catalog:register step whose catalogInfoUrl or repoContentsUrl is a URL outside
 *   it, judged as a Location target is (location-target-foreign); its host and owner written out, or the same
 *   on every run (organisationOnEveryRun).
 * Errors, or warnings when repoUrl was inferred from the checkout (the organisation is then a guess). A host or
 * organisation an expression writes is judged when it comes out the same whatever the user enters in the form
 * (partOnEveryRun: `${{ 'github.com?owner=evil-org&repo=' if parameters.name else '…' }}`, a fallback for a
 * parameter no page declares); what the user or the run chooses (a RepoUrlPicker value, `${{ parameters.owner }}`,
 * an enum's choice, a step's output) says nothing: the picker's allowedOwners is where that is bounded. `providerOf` gives an action's npm package, so that a host
 * Backstage's default integrations lack is read as the type the action requires. Pure but for loading
 * Backstage's parseRepoUrl.
 */
export function publishTargets(template: unknown, repoUrl: string | undefined, inferred = false, providerOf: (action: string) => string | undefined = () => undefined): PublishTargetFinding[] {
  const steps = isRecord(template) && isRecord(template.spec) && Array.isArray(template.spec.steps) ? template.spec.steps : [];
  if (!repoUrl) return [];
  const found: PublishTargetFinding[] = [];
  const severity = inferred ? 'warning' : 'error';
  const whose = inferred ? "this checkout's origin" : 'repoUrl in gitops.config.yaml';
  const pages = parameterPages(template);
  steps.forEach((step, i) => {
    if (!isRecord(step) || typeof step.action !== 'string' || !isRecord(step.input)) return;
    const action = boundedText(step.action, 100);
    if (PUBLISHES.test(step.action) && typeof step.input.repoUrl === 'string') {
      const type = integrationTypeOf(providerOf(step.action));
      const written = publishedOrganisation(step.input.repoUrl, type);
      const rendered = written || !step.input.repoUrl.includes('${{') ? undefined : partOnEveryRun(step.input.repoUrl, pages, value => (typeof value === 'string' ? publishedOrganisation(value, type) : undefined), { each: step.each, choices: 'varied' });
      const target = written ?? (typeof rendered === 'object' ? rendered.fixed : undefined);
      const organisation = target && outsideOrganisation(target.url, repoUrl);
      if (!target || !organisation) return;
      found.push({
        ruleId: 'template-publish-foreign',
        severity,
        path: ['spec', 'steps', i, 'input', 'repoUrl'],
        message: `${action} publishes to ${boundedText(target.shown, 200)} (repoUrl ${JSON.stringify(boundedText(step.input.repoUrl, 200))}), outside ${organisation}, the organisation of ${whose}: once merged, every run of the template creates or pushes a repository there, with what it rendered and the user's answers, using the credentials Backstage holds for that host, where whoever owns it can read it and nobody here controls it.`,
        hint: `Publish to the organisation of repoUrl (${organisation}): write its owner, or let the user pick it with a RepoUrlPicker parameter (repoUrl: \${{ parameters.repoUrl }}) whose ui:options allowedHosts and allowedOwners name only the organisation's; if the platform team trusts that destination, it can set rules: { template-publish-foreign: info } in gitops.config.yaml.`,
      });
      return;
    }
    if (step.action !== 'catalog:register') return;
    for (const key of ['catalogInfoUrl', 'repoContentsUrl'] as const) {
      const url = step.input[key];
      if (typeof url !== 'string') continue;
      const at = url.indexOf('${{');
      // The organisation written out (host and owner closed by a /), else as an expression writes it on every run.
      const literal = at < 0 ? url : /^[a-z][a-z0-9+.-]*:\/\/[^/]+\/[^/]+\//i.test(url.slice(0, at)) ? url.slice(0, at) : organisationOnEveryRun(url, pages, step.each);
      if (literal === undefined) continue;
      const organisation = outsideOrganisation(literal, repoUrl);
      if (!organisation) continue;
      found.push({
        ruleId: 'template-register-foreign',
        severity,
        path: ['spec', 'steps', i, 'input', key],
        message: `catalog:register registers ${boundedText(url, 200)}, a repository outside ${organisation}, the organisation of ${whose}: once merged, every run of the template adds a Location that makes Backstage read whatever that repository holds (its entities, their owners and APIs, further Locations) into the catalog, changed by whoever can push there, and nobody who reviews this repository reviews it (a Location file with that target is location-target-foreign).`,
        hint: `Register the repository the template's publish step created (repoContentsUrl: \${{ steps.publish.output.repoContentsUrl }} with catalogInfoPath: /catalog-info.yaml), or a file in ${organisation}; if the platform team trusts that source, it can set rules: { template-register-foreign: info } in gitops.config.yaml.`,
      });
    }
  });
  return found;
}

/**
 * Where a publish step's repoUrl (host?owner=…&repo=…) sends the repository, as a URL outsideOrganisation
 * compares (`https://github.com/evil-org/`, or `https://host/` where the host alone is the organisation), and
 * as the message names it; undefined when the host or the organisation part is chosen by an expression, or
 * parseRepoUrl refuses the value (template-repo-url says so). A host Backstage's default integrations lack is
 * read as the type the action requires (`type`), else by whichever of owner, organization or workspace it has.
 */
export function publishedOrganisation(repoUrl: string, type?: string): { url: string; shown: string } | undefined {
  const marked = replaceExpressions(repoUrl, MARK);
  if (marked.includes('${{')) return undefined;
  const query = marked.indexOf('?');
  if (query < 0 || marked.slice(0, query).includes(MARK) || /^\s*[a-z][a-z0-9+.-]*:\/\//i.test(marked)) return undefined;
  const parsed = parse(marked, type);
  if (!parsed?.host) return undefined;
  const host = parsed.host;
  const part = parsed.type && Object.hasOwn(ORGANISATION_PART, parsed.type) ? ORGANISATION_PART[parsed.type] : (['owner', 'organization', 'workspace'] as const).find(p => parsed[p] !== undefined);
  const value = part ? parsed[part] : undefined;
  if (value?.includes(MARK)) return undefined;
  if (!value) return { url: `https://${host}/`, shown: host };
  return { url: `https://${host}/${value.split('/').map(encodeURIComponent).join('/')}/`, shown: `${part} ${JSON.stringify(value)} on ${host}` };
}

type Parsed = { host?: string; owner?: string; organization?: string; workspace?: string; project?: string; repo?: string; type?: string };

/**
 * parseRepoUrl with Backstage's default integrations, else with the host configured as `type`, else as gitea
 * (repo only required; its type is then unknown: undefined); undefined when refused.
 */
function parse(repoUrl: string, type?: string): Parsed | undefined {
  deferUnreadScaffolderModules();
  const { parseRepoUrl } = fromScaffolder('@backstage/plugin-scaffolder-node');
  const { ScmIntegrations } = require('@backstage/integration');
  const { ConfigReader } = require('@backstage/config');
  const read = (integrations: unknown, as: string | undefined): Parsed | undefined => {
    try {
      return { ...(parseRepoUrl(repoUrl, integrations) as Parsed), type: as };
    } catch {
      return undefined;
    }
  };
  const defaults = ScmIntegrations.fromConfig(new ConfigReader({}));
  let host: string;
  try {
    host = new URL(`https://${repoUrl}`).host;
  } catch {
    return undefined;
  }
  const known = defaults.byHost(host)?.type as string | undefined;
  if (known) return read(defaults, known);
  for (const as of [type, 'gitea']) {
    const entry = as && integrationEntry(as, host);
    if (entry) return read(ScmIntegrations.fromConfig(new ConfigReader({ integrations: { [as!]: [entry] } })), as === type ? as : undefined);
  }
  return undefined;
}
