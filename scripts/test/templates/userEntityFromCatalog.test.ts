import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Template sweep 13 (stefan-bergstein/software-templates, coolstore templates: owner: ${{ user.entity.metadata.name }}):
// Backstage's router gives the task user.entity = catalog.getEntityByRef(the initiator's ref). Offline the
// user never had an entity, even for a test case whose user.ref names a User of the repository's catalog, so
// the rendered catalog-info.yaml had `owner:` empty and failed as "/spec/owner must be string": a false
// failure on a valid template. templates render had no way to say who runs it.

const TEMPLATE = `${templateHead('owned')}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
          owner: \${{ user.entity.metadata.name }}
          email: \${{ user.entity.spec.profile.email }}
`;

const files = {
  'catalog/people.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: jdoe}\nspec:\n  profile: {email: jdoe@example.com}\n  memberOf: [platform]\n',
  'templates/owned/template.yaml': TEMPLATE,
  'templates/owned/skeleton/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\n  annotations:\n    contact: ${{ values.email }}\nspec:\n  type: service\n  lifecycle: production\n  owner: user:${{ values.owner }}\n',
  'templates/owned/tests/default.yaml': 'name: default\nvalues:\n  name: orders\nuser:\n  ref: user:default/jdoe\nsnapshot: false\nexpect:\n  contains:\n    catalog-info.yaml: ["owner: user:jdoe", "contact: jdoe@example.com"]\n',
  'values.yaml': 'name: orders\n',
};

describe("user.entity is the initiator's entity from the repository's catalog, as the router reads it from the catalog", () => {
  it('templates test: a case whose user.ref names a User of the catalog renders with that entity', async () => {
    const root = await templateRepo(['../templates/owned/template.yaml', './people.yaml'], files);
    const run = await runBin(['templates', 'test', 'owned', '--format', 'json'], root);
    const diagnostics = JSON.parse(run.stdout).diagnostics as { ruleId: string; message: string }[];
    expect(diagnostics.map(d => `${d.ruleId}: ${d.message}`)).toEqual([]);
    expect(run.status).toBe(0);
  }, 60_000);

  it('templates render --user: the same, and a value that is no user ref is a usage error', async () => {
    const root = await templateRepo(['../templates/owned/template.yaml', './people.yaml'], files);
    const run = await runBin(['templates', 'render', 'templates/owned/template.yaml', '--values', 'values.yaml', '--out', 'out', '--user', 'user:default/jdoe'], root);
    expect(run.stdout).not.toContain('✖');
    expect(run.status).toBe(0);
    expect(await readFile(join(root, 'out/catalog-info.yaml'), 'utf8')).toContain('  owner: user:jdoe\n');
    const bad = await runBin(['templates', 'render', 'templates/owned/template.yaml', '--values', 'values.yaml', '--out', 'out', '--user', 'jdoe'], root);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('backstage-gitops templates: --user takes a user entity ref such as user:default/jdoe, not jdoe');
  }, 60_000);
});
