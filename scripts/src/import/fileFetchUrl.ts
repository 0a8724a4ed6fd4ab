import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let scm: import('@backstage/integration').ScmIntegrations | undefined;

/**
 * The URL a file's content is read from, given the URL Backstage records for it (`managed-by-location`,
 * a placeholder target resolved against it): what Backstage's UrlReader asks, through
 * `@backstage/integration`'s own functions, for the default integrations (github.com, dev.azure.com,
 * bitbucket.org). A GitHub `…/blob/main/x.yaml` is a web page, whose HTML holds no entity: read as it
 * is, every entity of a GitHub or Azure Repos catalog was imported as Backstage processed it, its
 * `$text` placeholders inlined. Without a token, as import reads them: GitHub's raw host. Any other URL
 * (a host without a default integration, one these functions cannot read as a file) is read as it is.
 */
export function fileFetchUrl(url: string): string {
  try {
    const integration = require('@backstage/integration') as typeof import('@backstage/integration');
    if (!scm) {
      const { ConfigReader } = require('@backstage/config') as typeof import('@backstage/config');
      scm = integration.ScmIntegrations.fromConfig(new ConfigReader({}));
    }
    const github = scm.github.byUrl(url);
    if (github) return integration.getGithubFileFetchUrl(url, github.config, { type: 'token', headers: {} });
    if (scm.azure.byUrl(url)) return integration.getAzureFileFetchUrl(url);
    const bitbucket = scm.bitbucketCloud.byUrl(url);
    if (bitbucket) return integration.getBitbucketCloudFileFetchUrl(url, bitbucket.config);
  } catch {
    // Not a file URL these integrations read (a repository root, a malformed path): read as written.
  }
  return url;
}
