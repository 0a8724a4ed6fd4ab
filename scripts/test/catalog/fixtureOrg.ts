/** A small valid organisation; each test case changes one thing in it. */
export const CONFIG = `repoUrl: https://github.com/acme/control/blob/main/
catalog:
  roots: [catalog/all.yaml]
  include: ['catalog/**/*.yaml']
  policies: schemas/policy
  appConfig: backstage-config/app-config.yaml
`;

export const APP_CONFIG = `catalog:
  rules:
    - allow: [Component, API, Resource, System, Domain, Location, Group, User]
`;

export const ROOT = `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: root
spec:
  targets:
    - ./org.yaml
    - ./orders.yaml
`;

export const ORG = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: engineering
spec:
  type: department
  children: [team-a]
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-a
spec:
  type: team
  parent: engineering
  children: []
  members: [jane]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: jane
spec:
  memberOf: [team-a]
`;

export const ORDERS = `apiVersion: backstage.io/v1alpha1
kind: Domain
metadata:
  name: commerce
spec:
  owner: team-a
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: orders
spec:
  owner: team-a
  domain: commerce
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders-api
  description: Accepts and tracks customer orders.
  annotations:
    github.com/project-slug: acme/orders-api
    pagerduty.com/service-id: PABC123
    backstage.io/techdocs-ref: dir:./docs
spec:
  type: service
  lifecycle: production
  owner: team-a
  system: orders
  providesApis: [orders-openapi]
  dependsOn: [resource:orders-db]
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: orders-openapi
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  system: orders
  definition:
    $text: ./openapi.yaml
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: orders-db
  annotations:
    azure.com/resource-group: rg-orders
spec:
  type: database
  owner: team-a
  system: orders
`;

export function baseTree(): Record<string, string> {
  return {
    'gitops.config.yaml': CONFIG,
    'backstage-config/app-config.yaml': APP_CONFIG,
    'catalog/all.yaml': ROOT,
    'catalog/org.yaml': ORG,
    'catalog/orders.yaml': ORDERS,
    'catalog/openapi.yaml': 'openapi: 3.0.3\ninfo: {title: Orders, version: 1.0.0}\npaths: {}\n',
    'catalog/docs/mkdocs.yml': 'site_name: orders\n',
    'catalog/docs/docs/index.md': '# Orders\n',
  };
}
