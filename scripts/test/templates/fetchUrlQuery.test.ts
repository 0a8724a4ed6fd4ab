import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// ikto-cma-cgm/backstage-templates springboot-openapi-codegen-template: fetch:template `url:
// https://github.com/ikto-cma-cgm/backstage-templates/tree/main/springboot-template/skeleton?ref=v0.1.0`, a folder
// of the template's own repository. Backstage's GitHub reader parses the url with git-url-parse: filepath
// `springboot-template/skeleton`, ref `main` from the path; the query is not part of the path. check took the
// url as that folder; templates render failed: "springboot-template/skeleton?ref=v0.1.0 does not exist in the
// repository (ENOENT)".

const CONFIG = "repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [t/template.yaml]\ncodeowners:\n  platformTeam: '@acme/platform'\n";

const template = (url: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: t
spec:
  owner: group:default/team-a
  type: service
  parameters:
    - properties:
        name: {type: string}
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ${url}
        values:
          name: \${{ parameters.name }}
`;

describe('templates render: a fetch url into this repository with a query or fragment', () => {
  it.each([
    'https://github.com/acme/x/tree/main/skeletons/base?ref=v0.1.0',
    'https://github.com/acme/x/tree/main/skeletons/base#readme',
  ])('%s reads the folder the path names, as Backstage does', async url => {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 't/template.yaml': template(url), 'skeletons/base/README.md': '# ${{ values.name }}\n', 'v.yaml': 'name: demo\n' });
    const run = await runBin(['templates', 'render', 't/template.yaml', '--values', 'v.yaml', '--out', 'out'], root);
    expect(run.stdout).not.toContain('does not exist');
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(await readFile(join(root, 'out/README.md'), 'utf8')).toBe('# demo\n');
  }, 60_000);
});
