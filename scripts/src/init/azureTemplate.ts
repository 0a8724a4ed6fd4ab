import { type Document, isMap, isScalar, isSeq, type YAMLMap } from 'yaml';

/** Where an Azure DevOps control repo's templates create repositories: its organisation and project. */
export interface AzureTarget {
  organization: string;
  project: string;
}

/**
 * Golden paths `init --platform azure` leaves out, with the reason its README gives: a step whose action
 * has no Azure counterpart in Backstage's own scaffolder modules. Listed here (not found by reading the
 * template) because the toolkit's file list for a platform is known before any file is read.
 */
export const LEFT_OUT_FOR_AZURE: Readonly<Record<string, string>> = {
  'add-redis-cache': 'it opens a pull request in an existing repository with `publish:github:pull-request`, and Backstage\'s Azure module (`@backstage/plugin-scaffolder-backend-module-azure`) has no pull-request action',
};

/**
 * The Azure Repos action for each GitHub publishing action (plugin-scaffolder-backend-module-azure 0.2.26
 * registers only `publish:azure`), and the inputs of `publish:azure`'s own schema a GitHub step's input
 * keeps (`repoVisibility`, topics, collaborators… have no Azure meaning and are dropped).
 */
const AZURE_ACTIONS: Readonly<Record<string, string>> = { 'publish:github': 'publish:azure' };
const PUBLISH_AZURE_INPUTS = new Set(['repoUrl', 'description', 'defaultBranch', 'sourcePath', 'token', 'gitCommitMessage', 'gitAuthorName', 'gitAuthorEmail', 'signCommit']);

/**
 * Rewrites a golden-path template (parsed, in place) to create its repository in Azure Repos:
 * - every RepoUrlPicker offers dev.azure.com, the organisation and the project (ui:options
 *   allowedHosts, allowedOrganizations, allowedProjects: the picker's Azure fields, which write
 *   `dev.azure.com?organization=…&project=…&repo=…`, the query publish:azure's parseRepoUrl requires);
 * - fetch:template steps pass `scm: azure` (the skeletons' catalog-info.yaml then carries
 *   `dev.azure.com/project-repo`, and Azure-only files render), `repoSlug` as `<project>/<repo>` (what the
 *   Azure DevOps plugin reads from that annotation), `azureOrganization` (for `dev.azure.com/host-org`), a Go `module` under dev.azure.com
 *   and a container `image` in `<organisation>.azurecr.io` instead of the GitHub organisation's ghcr.io; `repoOwner` (a GitHub organisation) goes; the GitHub
 *   workflows' copyWithoutTemplating globs go, as init writes no `.github/` into an Azure repo's skeletons;
 * - publish:github becomes publish:azure with the inputs its schema takes; catalog:register keeps reading
 *   `repoContentsUrl`, which publish:azure outputs as the repository's web URL (the Azure integration
 *   resolves catalog-info.yaml against it as `?path=/catalog-info.yaml`); links to its `remoteUrl` (the git
 *   clone URL, `https://org@dev.azure.com/…`) point at `repoContentsUrl` instead.
 * Running it again on its own result changes nothing. Throws when a step uses a GitHub-only action with
 * no Azure counterpart (such a template belongs in {@link LEFT_OUT_FOR_AZURE}).
 */
export function retargetToAzure(doc: Document, target: AzureTarget): void {
  const pickers: string[] = [];
  const pages = doc.getIn(['spec', 'parameters'], true);
  for (const page of isSeq(pages) ? pages.items : [pages]) {
    const properties = isMap(page) ? page.get('properties', true) : undefined;
    if (!isMap(properties)) continue;
    for (const pair of properties.items) {
      const property = pair.value;
      if (!isMap(property) || property.get('ui:field') !== 'RepoUrlPicker') continue;
      pickers.push(String(isScalar(pair.key) ? pair.key.value : pair.key));
      const options = doc.createNode({ allowedHosts: ['dev.azure.com'], allowedOrganizations: [target.organization], allowedProjects: [target.project] }) as YAMLMap;
      for (const item of options.items) if (isSeq(item.value)) item.value.flow = true;
      property.set('ui:options', options);
    }
  }
  const picker = pickers[0] ?? 'repoUrl';
  const parsed = `(parameters.${picker} | parseRepoUrl)`;
  const steps = doc.getIn(['spec', 'steps'], true);
  const publishIds = new Set<string>();
  for (const step of isSeq(steps) ? steps.items : []) {
    if (!isMap(step)) continue;
    const action = String(step.get('action') ?? '');
    if (action === 'fetch:template') {
      const values = step.getIn(['input', 'values'], true);
      if (isMap(values)) {
        values.set('scm', 'azure');
        values.set('azureOrganization', `\${{ ${parsed}.organization }}`);
        values.set('repoSlug', `\${{ ${parsed}.project }}/\${{ ${parsed}.repo }}`);
        if (values.has('module')) values.set('module', `dev.azure.com/\${{ ${parsed}.organization }}/\${{ ${parsed}.project }}/_git/\${{ ${parsed}.repo }}`);
        // No GitHub organisation: the image goes to an Azure Container Registry named after the Azure DevOps
        // organisation (registry names are lower-case letters and digits), and no CODEOWNERS is rendered.
        if (values.has('image')) {
          values.set('image', `\${{ ${parsed}.organization | lower | replace("-", "") }}.azurecr.io/\${{ parameters.name }}`);
          const key = values.items.find(item => isScalar(item.key) && item.key.value === 'image')?.key;
          if (isScalar(key)) key.commentBefore = ' The Azure Container Registry named after the organisation the repository is created in: change it to yours.';
        }
        values.delete('repoOwner');
      }
      const copied = step.getIn(['input', 'copyWithoutTemplating'], true);
      if (isSeq(copied)) {
        copied.items = copied.items.filter(item => !String(isScalar(item) ? item.value : '').startsWith('.github/'));
        if (copied.items.length === 0) step.deleteIn(['input', 'copyWithoutTemplating']);
      }
    } else if (AZURE_ACTIONS[action] || action === 'publish:azure') {
      step.set('action', AZURE_ACTIONS[action] ?? action);
      if (typeof step.get('name') === 'string') step.set('name', 'Publish to Azure Repos');
      const input = step.get('input', true);
      if (isMap(input)) input.items = input.items.filter(item => PUBLISH_AZURE_INPUTS.has(String(isScalar(item.key) ? item.key.value : item.key)));
      publishIds.add(String(step.get('id') ?? ''));
    } else if (/^(publish:github|github:)/.test(action)) {
      throw new Error(`step ${String(step.get('id') ?? action)} uses ${action}, which has no Azure counterpart in Backstage's scaffolder modules`);
    }
  }
  const links = doc.getIn(['spec', 'output', 'links'], true);
  for (const link of isSeq(links) ? links.items : []) {
    const url = isMap(link) ? link.get('url') : undefined;
    if (typeof url !== 'string') continue;
    const id = /^\$\{\{\s*steps(?:\.([\w-]+)|\['([\w-]+)'\])\.output\.remoteUrl\s*\}\}$/.exec(url);
    if (id && publishIds.has(id[1] ?? id[2])) (link as YAMLMap).set('url', url.replace('remoteUrl', 'repoContentsUrl'));
  }
}

/** The organisation and project of an Azure Repos web URL (https://dev.azure.com/ORG/PROJECT/_git/REPO), decoded. */
export function azureTarget(repoUrl: string): AzureTarget {
  const [organization, project] = new URL(repoUrl).pathname.split('/').filter(Boolean).map(decodeURIComponent);
  return { organization, project };
}
