import { RuleRegistry, type Rule } from '../rules.ts';

/** The rules of the Backstage app-config gate (backstageConfig in gitops.config.yaml). */
const rules: Rule[] = [
  {
    id: 'config-load',
    severity: 'error',
    description: "@backstage/config-loader refuses the app-config file (its root is not a mapping, it or an $include does not parse): the backend does not start.",
    example: '- app\n- backend  # a list at the root',
  },
  {
    id: 'config-schema',
    severity: 'error',
    description: "A value does not match the config schema of the plugins the managed Backstage runs; the backend starts anyway (it does not validate), and the plugin fails or misbehaves when it reads the value.",
    example: 'techdocs:\n  builder: remote  # local or external',
  },
  {
    id: 'config-plain-secret',
    severity: 'error',
    description: 'A secret (a value a plugin schema marks secret, a key named like one, or a credential header such as Authorization) is written out in the repo instead of coming from the environment.',
    example: 'auth:\n  providers:\n    github:\n      development:\n        clientSecret: s3cr3t',
  },
  {
    id: 'config-plugin-unchecked',
    severity: 'warning',
    description: "A plugin named in backstageConfig.plugins contributes no config schema to the check (not installed beside the toolkit, or its declared schema was not collected): its config goes unchecked.",
    example: "backstageConfig:\n  plugins: ['@acme/plugin-not-installed']",
  },
  {
    id: 'config-include-missing',
    severity: 'warning',
    description: 'An $include/$file names a repo path that is not committed: config-loader stops on it unless the deployment provides the file (a mounted secret), so what it holds is unchecked.',
    example: 'integrations:\n  github:\n    - apps:\n        - $include: ./github-app-credentials.yaml  # not committed',
  },
  {
    id: 'config-include-link-out',
    severity: 'warning',
    description: 'An $include/$file names a repo path that is a symbolic link leading out of the repo: the check does not read it, so what it holds is unchecked.',
    example: 'backend:\n  database:\n    $include: ./db.yaml  # db.yaml -> /etc/backstage/db.yaml',
  },
  {
    id: 'config-resolver-module-missing',
    severity: 'warning',
    description: "catalog.placeholderResolvers lists openapi or asyncapi, but backstageConfig.plugins does not name @backstage/plugin-catalog-backend-module-openapi, which resolves them: the gate accepts $openapi/$asyncapi that the managed Backstage, as this config describes it, leaves unresolved.",
    example: 'catalog:\n  placeholderResolvers: [openapi]\nbackstageConfig:\n  plugins: [\'@backstage/plugin-catalog-backend\']',
  },
];

export const configRules = rules.reduce((registry, rule) => registry.add(rule), new RuleRegistry());
