import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Seen in cds-snc/backstage-scaffolder-templates (13 templates): `repoUrl: "github.com/cds-snc/${{ parameters.repoUrl }}"`
// where parameters.repoUrl is a RepoUrlPicker. The picker's value is `github.com?owner=…&repo=…`, so the step gets
// `github.com/cds-snc/github.com?owner=…&repo=…`, and Backstage's parseRepoUrl (plugin-scaffolder-node
// actions/util) reads `https://` + that by its host and query only: owner and repo are the picker's, the task
// runs. The gate judged it as a value without a query ("refuses … whatever its expressions give").

const template = (name: string, repoUrl: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: ${name}
spec:
  owner: group:default/platform
  type: service
  parameters:
    - title: Where
      required: [name, repoUrl]
      properties:
        name: {type: string}
        repoUrl:
          type: string
          ui:field: RepoUrlPicker
          ui:options:
            allowedHosts: [github.com]
  steps:
    - id: pr
      name: Open a pull request
      action: publish:github:pull-request
      input:
        repoUrl: "${repoUrl}"
        branchName: add-\${{ parameters.name }}
        title: Add \${{ parameters.name }}
        description: Adds it
`;
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: platform\nspec: {type: team, children: []}\n';

describe('a repoUrl that puts text before a RepoUrlPicker value', () => {
  it('is read as parseRepoUrl reads it (host and query), while one built from a plain parameter stays refused', async () => {
    const root = await tempRepo({
      'org.yaml': GROUP,
      'templates/prefixed/template.yaml': template('prefixed', 'github.com/acme/${{ parameters.repoUrl }}'),
      'templates/plain/template.yaml': template('plain', 'github.com/acme/${{ parameters.name }}'),
    });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string }[]).map(d => `${d.ruleId}@${d.file}`);
    expect(found).toEqual(['template-repo-url@templates/plain/template.yaml']);
  }, 60_000);
});
