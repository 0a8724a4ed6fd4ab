import { Document } from 'yaml';
import { type InitOptions, repoFileUrlPrefix } from './initOptions.ts';

/** The Azure Blob Storage container the generated workflows and pipelines publish TechDocs to (`--container techdocs`). */
export const TECHDOCS_CONTAINER = 'techdocs';

/**
 * The plugins whose config schemas the gate validates the app-config against (they must be
 * installed with the toolkit). The GitHub org provider's and GitHub sign-in's modules are not
 * dependencies of the toolkit, so their keys are not schema-checked.
 */
export function backstagePlugins(options: InitOptions): string[] {
  // The scaffolder modules whose actions the golden paths use: their schemas judge every step's input.
  // On Azure DevOps no golden path publishes to GitHub: without the GitHub module a stray publish:github is
  // an unknown action to the gate, as it is to a Backstage that has only the Azure module.
  const scaffolderModules = options.platform === 'github' ? ['@backstage/plugin-scaffolder-backend-module-github', '@backstage/plugin-scaffolder-backend-module-azure'] : ['@backstage/plugin-scaffolder-backend-module-azure'];
  const base = ['@backstage/backend-defaults', '@backstage/integration', '@backstage/plugin-catalog-backend', '@backstage/plugin-auth-backend', '@backstage/plugin-techdocs-backend', '@backstage/plugin-scaffolder-backend', ...scaffolderModules];
  return options.identityProvider === 'entra' ? [...base, '@backstage/plugin-catalog-backend-module-msgraph', '@backstage/plugin-auth-backend-module-microsoft-provider'] : base;
}

/**
 * The managed Backstage's app-config for a new control repo: the two root Locations with the kinds
 * each may emit (Backstage matches catalog.rules against the registered origin), the sync token as
 * static external access, the chosen platform's integration and the identity provider's org
 * provider (Microsoft Graph: `catalog.providers.microsoftGraphOrg`, plugin-catalog-backend-module-msgraph;
 * GitHub: `catalog.providers.githubOrg`, plugin-catalog-backend-module-github-org) with its sign-in, and
 * TechDocs read from where the generated workflows or pipelines publish it (`techdocs publish` to the
 * Azure Blob Storage container {@link TECHDOCS_CONTAINER}, builder `external`: Backstage serves the sites
 * CI built and never builds one itself). Secrets are `${ENV}` references only.
 */
export function backstageAppConfig(options: InitOptions): string {
  const prefix = repoFileUrlPrefix(options);
  const backstage = options.backstageUrl;
  const config: Record<string, unknown> = {
    app: { title: `${options.org} Developer Portal`, baseUrl: backstage },
    organization: { name: options.org },
    backend: {
      baseUrl: backstage,
      listen: { port: 7007 },
      cors: { origin: backstage, methods: ['GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'DELETE'], credentials: true },
      database: { client: 'pg', connection: { host: '${POSTGRES_HOST}', port: '${POSTGRES_PORT}', user: '${POSTGRES_USER}', password: '${POSTGRES_PASSWORD}' } },
      auth: {
        externalAccess: [{
          type: 'static',
          options: { token: '${CATALOG_SYNC_TOKEN}', subject: 'catalog-gitops-ci' },
          accessRestrictions: [{ plugin: 'catalog', permission: ['catalog.location.read', 'catalog.location.create', 'catalog.location.delete', 'catalog.entity.read', 'catalog.entity.refresh', 'catalog.entity.delete', 'catalog.entity.validate'] }],
        }],
      },
    },
    integrations: {
      // The GitHub org provider reads through the GitHub integration, whatever hosts the repo.
      ...(options.platform === 'github' || options.identityProvider === 'github-org'
        ? { github: [{ host: 'github.com', apps: [{ appId: '${GITHUB_APP_ID}', clientId: '${GITHUB_APP_CLIENT_ID}', clientSecret: '${GITHUB_APP_CLIENT_SECRET}', webhookSecret: '${GITHUB_APP_WEBHOOK_SECRET}', privateKey: '${GITHUB_APP_PRIVATE_KEY}' }] }] }
        : {}),
      ...(options.platform === 'azure' ? { azure: [{ host: 'dev.azure.com', credentials: [{ clientId: '${AZURE_CLIENT_ID}', clientSecret: '${AZURE_CLIENT_SECRET}', tenantId: '${AZURE_TENANT_ID}' }] }] } : {}),
    },
    auth: { environment: 'production', providers: signIn(options) },
    // The same container and secret the publishing job writes with (README: TECHDOCS_AZURE_CONNECTION_STRING).
    techdocs: { builder: 'external', publisher: { type: 'azureBlobStorage', azureBlobStorage: { containerName: TECHDOCS_CONTAINER, connectionString: '${TECHDOCS_AZURE_CONNECTION_STRING}' } } },
    catalog: {
      orphanStrategy: 'delete',
      rules: [{ allow: ['Component', 'API', 'Resource', 'System', 'Domain', 'Location'] }],
      locations: [
        { type: 'url', target: `${prefix}catalog/all.yaml`, rules: [{ allow: ['Group', 'User'] }] },
        { type: 'url', target: `${prefix}templates/all.yaml`, rules: [{ allow: ['Template'] }] },
      ],
      providers: orgProvider(options),
    },
  };
  const doc = new Document(config);
  doc.commentBefore = ` App-config of ${options.org}'s managed Backstage, written by backstage-gitops init. Secrets only as \${ENV} references:\n the gate fails on a literal secret.`;
  return doc.toString({ lineWidth: 0 });
}

function signIn(options: InitOptions): Record<string, unknown> {
  return options.identityProvider === 'entra'
    ? { microsoft: { production: { clientId: '${AUTH_MICROSOFT_CLIENT_ID}', clientSecret: '${AUTH_MICROSOFT_CLIENT_SECRET}', tenantId: '${AUTH_MICROSOFT_TENANT_ID}', signIn: { resolvers: [{ resolver: 'emailMatchingUserEntityProfileEmail' }] } } } }
    : { github: { production: { clientId: '${AUTH_GITHUB_CLIENT_ID}', clientSecret: '${AUTH_GITHUB_CLIENT_SECRET}', signIn: { resolvers: [{ resolver: 'usernameMatchingUserEntityName' }] } } } };
}

function orgProvider(options: InitOptions): Record<string, unknown> {
  const schedule = { frequency: { hours: 1 }, timeout: { minutes: 50 } };
  return options.identityProvider === 'entra'
    ? { microsoftGraphOrg: { default: { tenantId: '${AZURE_TENANT_ID}', clientId: '${AZURE_CLIENT_ID}', clientSecret: '${AZURE_CLIENT_SECRET}', user: { filter: "accountEnabled eq true and userType eq 'member'" }, group: { filter: 'securityEnabled eq true' }, schedule } } }
    : { githubOrg: { id: 'production', githubUrl: 'https://github.com', orgs: [options.org], schedule } };
}
