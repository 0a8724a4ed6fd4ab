import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runReport } from './runReport.ts';

// Fresh user on RoadieHQ/sample-service: an API whose `$text` named its definition by an absolute URL into its
// own repository was "changed" by a pull request that only edited the README, and the definition's Spectral
// error was "introduced by this pull request" (exit 1); `$text: ./api.yaml` gave 0 changed. Without a
// gitops.config.yaml the repoUrl comes from the checkout's origin, and the base revision, extracted into a
// temporary folder without `.git`, had none: there the URL named another repository's file. Every way of
// naming this repository's content by URL must read the same on both sides.

const ORIGIN = 'https://github.com/acme/cat.git';
const URL = 'https://github.com/acme/cat/blob/main';

const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n';
const api = (definition: string) => `apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: pets}\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n    ${definition}\n`;
// One Spectral error (no-$ref-siblings): on the base already, so never this pull request's.
const OPENAPI = `openapi: 3.0.3
info: {title: Pets, version: 1.0.0, description: Pets, contact: {name: a, email: a@example.com}}
servers: [{url: 'https://api.example.com'}]
tags: [{name: pets, description: Pets}]
paths:
  /pets:
    get:
      operationId: listPets
      description: List pets
      tags: [pets]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Pet'
                description: a sibling
components:
  schemas:
    Pet: {type: object, properties: {name: {type: string}}}
`;
const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: svc, description: A service}
spec:
  owner: team-a
  type: service
  parameters: [{title: Name, required: [name], properties: {name: {type: string}}}]
  steps:
    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: https://github.com/acme/cat/tree/main/skeleton
`;
// A skeleton file with no `\${{ }}` in it: only the fetch url tells it is no entity of this repository.
const SKELETON = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: skel}\nspec: {type: service, lifecycle: production, owner: team-a}\n';

/** A repository with origin `ORIGIN`, the files committed on main, then a README-only commit: returns its root. */
async function readmeOnlyChange(files: Record<string, string>): Promise<string> {
  const root = await tempRepo(files);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'remote', 'add', 'origin', ORIGIN);
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  git(root, 'checkout', '-q', '-b', 'readme');
  writeFileSync(join(root, 'README.md'), '# cat\n');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'readme');
  return root;
}

const CASES: [string, Record<string, string>][] = [
  ['$text by an absolute URL (repoUrl from origin)', { 'catalog-info.yaml': `${GROUP}---\n${api(`$text: ${URL}/api.yaml`)}`, 'api.yaml': OPENAPI }],
  ['$yaml by an absolute URL', { 'catalog-info.yaml': `${GROUP}---\n${api(`$text: ./api.yaml`).replace('{name: pets}', `{name: pets, labels: {$yaml: '${URL}/labels.yaml'}}`)}`, 'labels.yaml': 'tier: gold\n', 'api.yaml': OPENAPI }],
  ['$json by an absolute URL', { 'catalog-info.yaml': `${GROUP}---\n${api(`$text: ./api.yaml`).replace('{name: pets}', `{name: pets, links: {$json: '${URL}/links.json'}}`)}`, 'links.json': '[{"url": "https://example.com/pets", "title": "Pets docs"}]\n', 'api.yaml': OPENAPI }],
  // Discovery reads the target's file anyway: kept so that a Location's reading stays the same on both sides too.
  ['a Location target by an absolute URL', { 'catalog-info.yaml': `${GROUP}---\napiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: apis}\nspec: {targets: ['${URL}/apis/pets.yaml']}\n`, 'apis/pets.yaml': api('$text: ../api.yaml'), 'api.yaml': OPENAPI }],
  // Read as another repository's folder, the skeleton's document was an entity of the base only: "removed".
  ['a template fetch url by an absolute URL', { 'catalog-info.yaml': GROUP, 'templates/svc/template.yaml': TEMPLATE, 'skeleton/catalog-info.yaml': SKELETON }],
  // The same repoUrl written in gitops.config.yaml: each side reads its own, the same file.
  ['$text by an absolute URL (repoUrl in gitops.config.yaml)', { 'gitops.config.yaml': `repoUrl: ${URL}/\n`, 'catalog-info.yaml': `${GROUP}---\n${api(`$text: ${URL}/api.yaml`)}`, 'api.yaml': OPENAPI }],
];

describe('report --base: content of this repository named by an absolute URL reads the same on base and head', () => {
  it.each(CASES)('%s: a README-only change changes no entity and introduces no finding', async (_, files) => {
    const root = await readmeOnlyChange(files);
    const { json } = await runReport(root, 'main');
    expect(json.report.changes).toEqual({ added: [], changed: [], removed: [], renamed: [], deprecated: [] });
    expect(json.diagnostics.filter(d => d.severity === 'error' && !(d as { alreadyOnBase?: boolean }).alreadyOnBase)).toEqual([]);
    expect(json.exitCode).toBe(0);
  }, 120_000);
});
