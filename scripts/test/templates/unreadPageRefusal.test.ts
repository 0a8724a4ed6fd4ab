import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Reviewer: with a parameter page read from a URL at ingestion ($yaml the gate cannot read), check leaves the
// parameters' kinds unknown (the page may declare `port` again, as a string) and so does not report a lone
// ${{ parameters.port }} given to a text input. `templates test` took the kinds from the pages it could read,
// assumed check had reported the refusal, and dropped its own: neither said that the rendered case is refused.
const template = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: typed
spec:
  owner: group:default/platform
  type: service
  parameters:
    - $yaml: https://raw.githubusercontent.com/acme/shared/main/pages/common.yaml
    - title: Port
      properties:
        port: {type: number}
  steps:
    - id: register
      name: Register
      action: publish:github
      input:
        repoUrl: github.com?owner=acme&repo=x
        description: '\${{ parameters.port }}'
`;

describe('templates test with a parameter page the gate cannot read', () => {
  it('reports the refusal of the rendered input itself, as check cannot', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': "repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\nbackstageConfig:\n  files: [app-config.yaml]\n  plugins: ['@backstage/plugin-scaffolder-backend', '@backstage/plugin-scaffolder-backend-module-github']\n",
      'app-config.yaml': 'app:\n  baseUrl: http://localhost:3000\nbackend:\n  baseUrl: http://localhost:7007\n  database: {client: better-sqlite3, connection: ":memory:"}\n  reading:\n    allow:\n      - host: raw.githubusercontent.com\nintegrations:\n  github:\n    - host: github.com\n      token: ${GITHUB_TOKEN}\n',
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: all}\nspec:\n  targets: [../templates/t/template.yaml, ./platform.yaml]\n',
      'catalog/platform.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n',
      'templates/t/template.yaml': template,
      'templates/t/skeleton/README.md': '# x\n',
      'templates/t/tests/default.yaml': 'name: default\nvalues:\n  port: 8080\nexpect:\n  files: []\n',
    });
    git(root, 'init', '-q', '-b', 'main');
    const check = await runBin(['check', '--format', 'json'], root);
    expect((JSON.parse(check.stdout).diagnostics as { ruleId: string }[]).map(d => d.ruleId)).not.toContain('template-action-input');
    const run = await runBin(['templates', 'test'], root);
    expect(run.stdout + run.stderr).toContain('instance.description is not of a type(s) string (rendered with the values of templates/t/tests/default.yaml)');
    expect(readFileSync(join(root, 'templates/t/template.yaml'), 'utf8')).toBe(template);
  }, 120_000);
});
