// A real Backstage backend for the tests: catalog (with the scaffolder entity model), scaffolder (with
// its GitHub and Azure modules) and
// Tech Insights (built-in fact retrievers, jsonfc checks),
// in-memory SQLite, a static token, listening only on the address its generated config names.
const { createBackend } = require('@backstage/backend-defaults');
const { createBackendModule } = require('@backstage/backend-plugin-api');
const { catalogLocationsExtensionPoint } = require('@backstage/plugin-catalog-node');

const allowFileLocations = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'allow-file-locations',
  register(reg) {
    reg.registerInit({
      deps: { locations: catalogLocationsExtensionPoint },
      async init({ locations }) {
        locations.setAllowedLocationTypes(['url', 'file']);
      },
    });
  },
});

// Stands in for an org entity provider such as Microsoft Graph's: applies the entities listed in the JSON
// file GITOPS_TEST_PROVIDER_ENTITIES names, annotated as MicrosoftGraphOrgEntityProvider annotates its own.
const testOrgProvider = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-org-provider',
  register(reg) {
    reg.registerInit({
      deps: { catalog: require('@backstage/plugin-catalog-node').catalogProcessingExtensionPoint },
      async init({ catalog }) {
        const entities = JSON.parse(require('node:fs').readFileSync(process.env.GITOPS_TEST_PROVIDER_ENTITIES, 'utf8'));
        catalog.addEntityProvider({
          getProviderName: () => 'MicrosoftGraphOrgEntityProvider:default',
          async connect(connection) {
            await connection.applyMutation({
              type: 'full',
              entities: entities.map(entity => {
                const location = `msgraph:default/${encodeURIComponent(entity.metadata.name)}`;
                const annotations = { ...entity.metadata.annotations, 'backstage.io/managed-by-location': location, 'backstage.io/managed-by-origin-location': location };
                return { locationKey: 'msgraph-org-provider:default', entity: { ...entity, metadata: { ...entity.metadata, annotations } } };
              }),
            });
          },
        });
      },
    });
  },
});

const backend = createBackend();
backend.add(require('@backstage/plugin-catalog-backend'));
backend.add(require('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'));
backend.add(require('@backstage/plugin-scaffolder-backend'));
// The scaffolder modules gitops.config.yaml names: the gate judges step inputs by these same actions.
backend.add(require('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(require('@backstage/plugin-scaffolder-backend-module-azure'));
backend.add(require('@backstage/plugin-catalog-backend-module-unprocessed'));
backend.add(allowFileLocations);
if (process.env.GITOPS_TEST_PROVIDER_ENTITIES) backend.add(testOrgProvider);
backend.add(require('@backstage-community/plugin-tech-insights-backend'));
backend.add(require('@backstage-community/plugin-tech-insights-backend-module-jsonfc'));
backend.start().then(
  () => console.log('BACKEND_READY'),
  error => {
    console.error(error);
    process.exit(1);
  },
);
