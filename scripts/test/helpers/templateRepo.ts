import { tempRepo } from './tempRepo.ts';

/** A scaffolder Template's head: the envelope, owner, type and one parameter page asking for `name` (and `extra` properties). */
export function templateHead(name: string, extraProperties = ''): string {
  return `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: ${name}
spec:
  owner: group:default/platform
  type: service
  parameters:
    - title: Name
      required: [name]
      properties:
        name: {type: string}
${extraProperties}  steps:
`;
}

/**
 * A `fetch:template` step of skeletons/svc passing `name`, then `values` (more lines under values:, indented
 * ten spaces) and `input` (more lines under input:, indented eight), for templateHead's steps.
 */
export function fetchSkeletonStep(values = '', input = ''): string {
  return `    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ../../skeletons/svc
        values:
          name: \${{ parameters.name }}
${values}${input}`;
}

/**
 * The smallest repo a Template check runs in: gitops.config.yaml with a repo URL and the root Location
 * catalog/all.yaml, which reads `targets` (relative to catalog/) and a platform Group, plus `files`.
 * Returns the repo's folder.
 */
export function templateRepo(targets: readonly string[], files: Record<string, string | Buffer>): Promise<string> {
  return tempRepo({
    'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
    'catalog/all.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: all}\nspec:\n  targets: [${[...targets, './platform.yaml'].join(', ')}]\n`,
    'catalog/platform.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n',
    ...files,
  });
}
